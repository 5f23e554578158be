"""The webhook events about an assignment, written to the outbox in the transaction of the change."""

from typing import Any

from sqlalchemy.orm import Session

from app.assignments.models import Assignment
from app.org.schemas import UnitRef
from app.webhooks.outbox import record_event
from app.webhooks.vocabulary import EventType


def assignment_event_payload(assignment: Assignment) -> dict[str, Any]:
    """The summary of an assignment that webhook events about it carry."""
    return {
        "id": assignment.id,
        "reference": assignment.reference,
        "title": assignment.title,
        "status": assignment.status,
        "progress": assignment.progress,
        "owner": UnitRef.model_validate(assignment.owner).model_dump(),
        "deadline": {"text": assignment.deadline_text, "latest": assignment.deadline_latest},
        "version": assignment.version,
    }


def record_assignment_event(
    session: Session, event_type: EventType, assignment: Assignment, **extra: Any
) -> None:
    """An event about the assignment, with its summary and `extra` fields, for its owner's subscribers."""
    record_event(
        session,
        event_type,
        payload={"assignment": assignment_event_payload(assignment), **extra},
        assignment_id=assignment.id,
        owner_unit_id=assignment.owner_id,
    )
