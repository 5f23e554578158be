"""Deadline reminders: `assignment.due_soon` and `assignment.overdue`, each raised once per
assignment and latest deadline (the worker calls this every round)."""

from datetime import date, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.assignments.events import assignment_event_payload
from app.assignments.models import Assignment, DeadlineNotice
from app.assignments.vocabulary import FINISHED_STATUSES
from app.webhooks.outbox import record_event
from app.webhooks.vocabulary import EventType


def raise_deadline_events(session: Session, *, today: date, due_soon_days: int) -> int:
    """Raise `due_soon` and `overdue` once per assignment and latest deadline; returns how many.

    Finished and archived assignments are left alone. A changed deadline is a new deadline and is
    raised again. Each event is written with its notice, whose unique key makes a second worker
    that raises the same event at the same time fail at its commit (a ConflictError) and keep none.
    """
    windows = {
        EventType.ASSIGNMENT_DUE_SOON: Assignment.deadline_latest.between(
            today, today + timedelta(days=due_soon_days)
        ),
        EventType.ASSIGNMENT_OVERDUE: Assignment.deadline_latest < today,
    }
    raised = 0
    for event_type, in_window in windows.items():
        for assignment in _unnoticed(session, event_type, in_window):
            deadline = assignment.deadline_latest
            payload = {"assignment": assignment_event_payload(assignment), "deadline": deadline}
            record_event(
                session,
                event_type,
                payload=payload,
                assignment_id=assignment.id,
                owner_unit_id=assignment.owner_id,
            )
            session.add(DeadlineNotice(assignment_id=assignment.id, event_type=event_type, deadline=deadline))
            raised += 1
    session.flush()
    return raised


def _unnoticed(session: Session, event_type: EventType, in_window: ColumnElement[bool]) -> list[Assignment]:
    """Open assignments whose latest deadline is in the window and not yet noticed for this type."""
    noticed = select(DeadlineNotice.id).where(
        DeadlineNotice.assignment_id == Assignment.id,
        DeadlineNotice.event_type == event_type,
        DeadlineNotice.deadline == Assignment.deadline_latest,
    )
    query = (
        select(Assignment)
        .where(
            Assignment.archived_at.is_(None),
            Assignment.status.not_in([status.value for status in FINISHED_STATUSES]),
            in_window,
            ~noticed.exists(),
        )
        .order_by(Assignment.id)
    )
    return list(session.scalars(query).all())
