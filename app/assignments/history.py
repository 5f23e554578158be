"""An assignment's history: revisions recorded, and status updates and revisions merged, names
resolved, changes listed."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import Principal
from app.assignments.models import Assignment, AssignmentRevision, StatusUpdate
from app.assignments.queries import get_assignment
from app.assignments.schemas import FieldChange, HistoryEntry, StatusUpdateRead
from app.assignments.status_updates import INITIAL_STATE, STATE_FIELDS, list_status_updates, state_of
from app.documents.schemas import DecisionRef
from app.documents.service import documents_by_id

Decisions = dict[int, DecisionRef]


def record_revision(
    session: Session,
    assignment: Assignment,
    *,
    action: str,
    changes: dict[str, Any],
    actor: Principal,
    decision_id: int | None = None,
) -> None:
    """Append a revision at the assignment's current version (the caller has moved it on)."""
    session.add(
        AssignmentRevision(
            assignment_id=assignment.id,
            recorded_by=actor.name,
            token_id=actor.token_id,
            person_id=actor.person_id,
            action=action,
            changes=changes,
            version=assignment.version,
            decision_document_id=decision_id,
        )
    )


def _decision(decisions: Decisions, document_id: int | None) -> DecisionRef | None:
    return decisions.get(document_id) if document_id is not None else None


def _status_update_entries(updates: Sequence[StatusUpdate], decisions: Decisions) -> list[HistoryEntry]:
    """Entries for status updates; changed fields are relative to the state before, in effective order."""
    entries = []
    previous = INITIAL_STATE
    for reported in updates:
        current = state_of(reported)
        changes = {
            name: FieldChange(old=getattr(previous, name), new=getattr(current, name))
            for name in STATE_FIELDS
            if getattr(previous, name) != getattr(current, name)
        }
        if reported.comment:
            changes["comment"] = FieldChange(old=None, new=reported.comment)
        entries.append(
            HistoryEntry(
                type="status_update",
                recorded_at=reported.recorded_at,
                recorded_by=reported.recorded_by,
                token_id=reported.token_id,
                person_id=reported.person_id,
                effective_date=reported.effective_date,
                status_update=StatusUpdateRead.model_validate(reported),
                decision=_decision(decisions, reported.decision_document_id),
                changed_fields=list(changes),
                changes=changes,
            )
        )
        previous = current
    return entries


def _revision_entry(revision: AssignmentRevision, decisions: Decisions, own: int | None) -> HistoryEntry:
    """A change of the assignment's own fields or links; `created` names the assignment's own
    decision, other changes the decision they cite, if any."""
    changes = {name: FieldChange(**change) for name, change in revision.changes.items()}
    decision_id = revision.decision_document_id or (own if revision.action == "created" else None)
    return HistoryEntry(
        type=revision.action,
        recorded_at=revision.recorded_at,
        recorded_by=revision.recorded_by,
        token_id=revision.token_id,
        person_id=revision.person_id,
        version=revision.version,
        decision=_decision(decisions, decision_id),
        changed_fields=list(changes),
        changes=changes,
    )


def assignment_history(session: Session, assignment_id: int) -> list[HistoryEntry]:
    """Everything that happened to an assignment, in the order it was recorded, with the decisions
    behind it named."""
    own = get_assignment(session, assignment_id).document_id
    updates = list_status_updates(session, assignment_id)
    revisions = session.scalars(
        select(AssignmentRevision)
        .where(AssignmentRevision.assignment_id == assignment_id)
        .order_by(AssignmentRevision.recorded_at, AssignmentRevision.id)
    ).all()
    cited = {own, *(update.decision_document_id for update in updates)}
    cited |= {revision.decision_document_id for revision in revisions}
    decisions = {
        document_id: DecisionRef.model_validate(document)
        for document_id, document in documents_by_id(session, {item for item in cited if item}).items()
    }
    entries = _status_update_entries(updates, decisions) + [
        _revision_entry(revision, decisions, own) for revision in revisions
    ]
    return sorted(entries, key=lambda entry: entry.recorded_at)
