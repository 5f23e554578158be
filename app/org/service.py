"""Organisational units: lookups and the parent/child hierarchy."""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import get_or_404
from app.errors import InvalidInputError
from app.inputs import MAX_DB_ID
from app.org.models import OrgUnit


def list_units(session: Session) -> Sequence[OrgUnit]:
    return session.scalars(select(OrgUnit).order_by(OrgUnit.name)).all()


def get_unit(session: Session, unit_id: int) -> OrgUnit:
    return get_or_404(session, OrgUnit, unit_id, "organisational unit")


def resolve_unit_reference(session: Session, reference: int | str, *, field: str) -> OrgUnit:
    """Find a unit by id or key for input field `field`; an unknown one is a 422 naming the field."""
    if isinstance(reference, int) or (reference.isascii() and reference.isdigit()):
        unit = session.get(OrgUnit, int(reference)) if int(reference) <= MAX_DB_ID else None
    else:
        unit = session.scalar(select(OrgUnit).where(OrgUnit.key == reference.upper()))
    if unit is None:
        raise InvalidInputError(field, f"unknown organisational unit {reference!r}")
    return unit


def children_by_parent(units: Iterable[OrgUnit]) -> dict[int | None, list[OrgUnit]]:
    children: dict[int | None, list[OrgUnit]] = defaultdict(list)
    for unit in units:
        children[unit.parent_id].append(unit)
    return children


def unit_with_descendant_ids(session: Session, unit_id: int) -> set[int]:
    """The unit's id and the ids of every unit below it in the hierarchy."""
    return units_with_descendant_ids(session, [unit_id])


def units_with_descendant_ids(session: Session, unit_ids: Iterable[int]) -> set[int]:
    """These units' ids and the ids of every unit below any of them."""
    pending = list(unit_ids)
    if not pending:
        return set()
    children = children_by_parent(list_units(session))
    found: set[int] = set()
    while pending:
        current = pending.pop()
        if current in found:
            continue
        found.add(current)
        pending.extend(child.id for child in children.get(current, []))
    return found
