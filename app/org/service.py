"""Organisational units: lookups and the parent/child hierarchy."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

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
        number = reference if isinstance(reference, int) else _bounded_number(reference)
        unit = session.get(OrgUnit, number) if 1 <= number <= MAX_DB_ID else None
    elif "\x00" in reference:  # no key holds one, and PostgreSQL cannot compare text with one
        unit = None
    else:
        unit = session.scalar(select(OrgUnit).where(OrgUnit.key == reference.upper()))
    if unit is None:
        raise InvalidInputError(field, f"unknown organisational unit {reference!r}")
    return unit


def _bounded_number(digits: str) -> int:
    """The number, or one past the largest id when it has more digits than an id can have."""
    return int(digits) if len(digits) <= len(str(MAX_DB_ID)) else MAX_DB_ID + 1


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


def unit_on(unit: OrgUnit, day: date) -> OrgUnit:
    """The unit that carries `unit`'s work on `day`: itself while it exists, else its successor
    (followed through later renamings and mergers). A unit split into several keeps its own name:
    which part took over an assignment is decided per assignment (a transfer)."""
    seen = {unit.id}
    while unit.valid_to is not None and unit.valid_to < day and len(unit.successors) == 1:
        successor = unit.successors[0]
        if successor.id in seen:  # a cycle in the data: stop rather than loop
            break
        seen.add(successor.id)
        unit = successor
    return unit


def covering_unit_ids(session: Session, unit_id: int) -> set[int]:
    """The unit, every unit below it, and every unit whose work passed to one of those (renamed,
    merged): what a filter on the unit covers."""
    units = list_units(session)
    predecessors: dict[int, list[int]] = defaultdict(list)
    for unit in units:
        for successor in unit.successors:
            predecessors[successor.id].append(unit.id)
    covered = unit_with_descendant_ids(session, unit_id)
    pending = list(covered)
    while pending:
        for predecessor_id in predecessors.get(pending.pop(), []):
            if predecessor_id not in covered:
                covered.add(predecessor_id)
                pending.append(predecessor_id)
    return covered
