"""Links between assignments: a later document's assignment `continues` an earlier one, `replaces`
it; an assignment is `split_into` others or `merged_into` another.

A link is created and removed through the API and recorded in the history of both assignments
(`linked`, `unlinked`), whose versions it moves on. A removed link keeps its row (`removed_at`).
"""

from collections import defaultdict
from datetime import date, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from app.access import Principal
from app.assignments.events import record_assignment_event
from app.assignments.guards import lock_for_write
from app.assignments.history import record_revision
from app.assignments.models import Assignment, AssignmentLink
from app.assignments.queries import get_assignment
from app.assignments.schemas import AssignmentLinkCreate, AssignmentLinkRead, LinkedAssignment
from app.assignments.vocabulary import LinkKind
from app.db import get_or_404, lock_rows, utcnow
from app.documents.models import SourceDocument
from app.documents.schemas import DecisionRef
from app.documents.service import decision_at
from app.errors import ConflictError, InvalidInputError, NotFoundError
from app.webhooks.vocabulary import EventType


def _target(session: Session, reference: int | str) -> Assignment:
    """The assignment a link points to, by id or reference; an unknown one is a 422 naming `target`."""
    if isinstance(reference, int):
        target = session.get(Assignment, reference)
    else:
        target = session.scalar(select(Assignment).where(Assignment.reference == reference.strip().upper()))
    if target is None:
        raise InvalidInputError("target", f"no such assignment: {reference}")
    return target


def _reaches(session: Session, *, start: int, goal: int, kind: LinkKind) -> bool:
    """Whether `start` leads to `goal` through links of one kind (A continues B continues C …): a
    link from `goal` to `start` would then close a cycle, which no assignment's life can have."""
    seen = {start}
    frontier = {start}
    while frontier:
        if goal in frontier:
            return True
        following = set(
            session.scalars(
                select(AssignmentLink.target_id).where(
                    AssignmentLink.source_id.in_(frontier),
                    AssignmentLink.kind == kind,
                    AssignmentLink.removed_at.is_(None),
                )
            )
        )
        frontier = following - seen
        seen |= frontier
    return False


def _link_label(link: AssignmentLink, source: Assignment, target: Assignment) -> dict[str, Any]:
    return {"id": link.id, "kind": link.kind, "source": source.reference, "target": target.reference}


def _record_on_both(
    session: Session,
    action: str,
    link: AssignmentLink,
    source: Assignment,
    target: Assignment,
    actor: Principal,
) -> None:
    """Move both assignments' versions on and write the change in both histories."""
    label = _link_label(link, source, target)
    change = {"links": {"old": label, "new": None} if action == "unlinked" else {"old": None, "new": label}}
    for assignment in (source, target):
        assignment.version += 1
        assignment.updated_at = utcnow()
        record_revision(
            session,
            assignment,
            action=action,
            changes=change,
            actor=actor,
            decision_id=link.decision_document_id,
        )
        record_assignment_event(session, EventType.ASSIGNMENT_UPDATED, assignment, changed_fields=["links"])


def add_link(
    session: Session, assignment_id: int, *, data: AssignmentLinkCreate, actor: Principal
) -> AssignmentLink:
    """Link the assignment (the source) to another (the target); the actor must be able to write
    the source."""
    target = _target(session, data.target)
    if target.id == assignment_id:
        raise InvalidInputError("target", "an assignment cannot be linked to itself")
    lock_rows(session, Assignment, [assignment_id, target.id])
    source = lock_for_write(session, assignment_id, actor=actor, expected_version=None, versioned=False)
    decision = decision_at(session, data.decision_document_id, field="decision_document_id")
    existing = session.scalar(
        select(AssignmentLink.id).where(
            AssignmentLink.source_id == source.id,
            AssignmentLink.target_id == target.id,
            AssignmentLink.kind == data.kind,
            AssignmentLink.removed_at.is_(None),
        )
    )
    if existing is not None:
        raise ConflictError(f"{source.reference} already {data.kind} {target.reference} (link {existing}).")
    if _reaches(session, start=target.id, goal=source.id, kind=data.kind):
        raise InvalidInputError(
            "target",
            f"{target.reference} already {data.kind} {source.reference}, so the link would close a cycle",
        )
    link = AssignmentLink(
        source_id=source.id,
        target_id=target.id,
        kind=data.kind,
        decision_document_id=decision.id if decision else None,
        comment=data.comment,
        created_by=actor.name,
        created_token_id=actor.token_id,
    )
    session.add(link)
    session.flush()
    _record_on_both(session, "linked", link, source, target, actor)
    session.flush()
    return link


def remove_link(session: Session, assignment_id: int, link_id: int, *, actor: Principal) -> AssignmentLink:
    """Remove a link of the assignment (either end); it stays on record as removed."""
    link = get_or_404(session, AssignmentLink, link_id, "link")
    if assignment_id not in (link.source_id, link.target_id):
        raise NotFoundError(f"Assignment {assignment_id} has no link {link_id}.")
    if link.removed_at is not None:
        raise ConflictError(f"Link {link_id} was removed at {link.removed_at.isoformat()}.")
    lock_rows(session, Assignment, [link.source_id, link.target_id])
    source = lock_for_write(session, link.source_id, actor=actor, expected_version=None, versioned=False)
    target = get_assignment(session, link.target_id)
    link.removed_at = utcnow()
    link.removed_by = actor.name
    link.removed_token_id = actor.token_id
    _record_on_both(session, "unlinked", link, source, target, actor)
    session.flush()
    return link


def link_reads(session: Session, assignment_id: int) -> list[AssignmentLinkRead]:
    """The assignment's links both ways, oldest first."""
    other = aliased(Assignment)
    rows = session.execute(
        select(AssignmentLink, other)
        .join(
            other,
            or_(
                (AssignmentLink.source_id == assignment_id) & (other.id == AssignmentLink.target_id),
                (AssignmentLink.target_id == assignment_id) & (other.id == AssignmentLink.source_id),
            ),
        )
        .where(AssignmentLink.removed_at.is_(None))
        .order_by(AssignmentLink.created_at, AssignmentLink.id)
    ).all()
    documents = {link.decision_document_id for link, _other in rows if link.decision_document_id}
    decisions = {
        document_id: DecisionRef.model_validate(
            decision_at(session, document_id, field="decision_document_id")
        )
        for document_id in documents
    }
    return [
        AssignmentLinkRead(
            id=link.id,
            kind=link.kind,
            direction="outgoing" if link.source_id == assignment_id else "incoming",
            assignment=LinkedAssignment.model_validate(linked),
            decision=decisions.get(link.decision_document_id) if link.decision_document_id else None,
            comment=link.comment,
            created_at=link.created_at,
            created_by=link.created_by,
        )
        for link, linked in rows
    ]


class _LinkEnds(NamedTuple):
    kind: str
    source_id: int
    source_reference: str
    source_created_at: datetime
    source_starts_on: date | None
    target_id: int
    target_reference: str
    target_created_at: datetime
    target_starts_on: date | None


def _followed_up_on(starts_on: date | None, created_at: datetime, zone: ZoneInfo) -> date:
    """The day an assignment is followed up from: its document's start, else the day it was created."""
    return starts_on or created_at.astimezone(zone).date()


def link_summaries(session: Session, *, day: date, zone: ZoneInfo) -> dict[int, list[dict[str, str]]]:
    """The links of every assignment as a report of `day` shows them (kind, direction, the other
    assignment's reference), by assignment id, in one query. A link shows where both its assignments
    are followed up by `day`: "continued by KS-2016-004" is not in the reports of 2015."""
    source, target = aliased(Assignment), aliased(Assignment)
    source_document, target_document = aliased(SourceDocument), aliased(SourceDocument)
    query = (
        select(
            AssignmentLink.kind,
            source.id.label("source_id"),
            source.reference.label("source_reference"),
            source.created_at.label("source_created_at"),
            source_document.starts_on.label("source_starts_on"),
            target.id.label("target_id"),
            target.reference.label("target_reference"),
            target.created_at.label("target_created_at"),
            target_document.starts_on.label("target_starts_on"),
        )
        .join(source, source.id == AssignmentLink.source_id)
        .join(target, target.id == AssignmentLink.target_id)
        .outerjoin(source_document, source_document.id == source.document_id)
        .outerjoin(target_document, target_document.id == target.document_id)
        .where(AssignmentLink.removed_at.is_(None))
        .order_by(AssignmentLink.created_at, AssignmentLink.id)
    )
    links: dict[int, list[dict[str, str]]] = defaultdict(list)
    for row in map(_LinkEnds._make, session.execute(query)):
        source_start = _followed_up_on(row.source_starts_on, row.source_created_at, zone)
        target_start = _followed_up_on(row.target_starts_on, row.target_created_at, zone)
        if max(source_start, target_start) > day:
            continue
        links[row.source_id].append(
            {"kind": row.kind, "direction": "outgoing", "reference": row.target_reference}
        )
        links[row.target_id].append(
            {"kind": row.kind, "direction": "incoming", "reference": row.source_reference}
        )
    return links
