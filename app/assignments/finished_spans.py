"""Which assignments were finished on a day, kept as spans of days (`finished_spans`).

An assignment's state on a day is its latest status update effective on or before it
(app/assignments/as_of.py), so a state holds from an effective day (its last update that day) until
the next effective day. The spans are those stretches whose state is finished (completed, closed or
cancelled), derived from the history alone: rewritten in the same transaction as each status update
of the assignment, under its lock, so that they are never out of step with it, back-dated updates
included. Reading who was finished on a day is then one indexed read of the spans covering it, where
the history would take a probe per assignment (a reporting round leaves out what was finished before
its period began: app/rounds/parts.py).
"""

from datetime import date

from sqlalchemy import Select, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from app.assignments.models import FinishedSpan, StatusUpdate
from app.assignments.vocabulary import FINISHED_STATUSES


def _spans(assignment_id: int | None) -> Select[tuple[int, date, date | None]]:
    """The spans of an assignment's history (of every assignment's, when none is given): each
    effective day whose last update is finished, until the next effective day."""
    last_of_day = func.row_number().over(
        partition_by=(StatusUpdate.assignment_id, StatusUpdate.effective_date),
        order_by=(StatusUpdate.recorded_at.desc(), StatusUpdate.id.desc()),
    )
    updates = select(
        StatusUpdate.assignment_id,
        StatusUpdate.effective_date,
        StatusUpdate.status,
        last_of_day.label("position"),
    )
    if assignment_id is not None:
        updates = updates.where(StatusUpdate.assignment_id == assignment_id)
    update = updates.subquery("updates")
    next_day = func.lead(update.c.effective_date).over(
        partition_by=update.c.assignment_id, order_by=update.c.effective_date
    )
    day = (
        select(update.c.assignment_id, update.c.effective_date, update.c.status, next_day.label("next_day"))
        .where(update.c.position == 1)
        .subquery("days")
    )
    finished = [status.value for status in FINISHED_STATUSES]
    return select(day.c.assignment_id, day.c.effective_date, day.c.next_day).where(day.c.status.in_(finished))


def rewrite_finished_spans(session: Session, assignment_id: int | None = None) -> None:
    """Make the spans of an assignment (of every assignment, when none is given) anew from its
    status history."""
    outdated = delete(FinishedSpan)
    if assignment_id is not None:
        outdated = outdated.where(FinishedSpan.assignment_id == assignment_id)
    session.execute(outdated)
    columns = ["assignment_id", "finished_from", "finished_until"]
    session.execute(insert(FinishedSpan).from_select(columns, _spans(assignment_id)))


def finished_on(day: date) -> Select[int]:
    """The ids of the assignments whose state on `day` was finished."""
    return select(FinishedSpan.assignment_id).where(
        FinishedSpan.finished_from <= day,
        or_(FinishedSpan.finished_until.is_(None), FinishedSpan.finished_until > day),
    )
