"""Who reports an assignment in the reporting rounds, and the locks a submitted report puts on
status updates.

The reporting unit is the unit set on the assignment, else its executor, else its owner. When a
unit submits its part of a round (app/rounds), its reporting for that period is locked: status
updates effective in the period for the assignments it reports are refused (409) until the office
returns the part, which lifts the lock.
"""

from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.assignments.models import Assignment, ReportingLock
from app.db import utcnow
from app.errors import ConflictError
from app.org.models import OrgUnit
from app.org.service import unit_on


def reporting_unit_of(assignment: Assignment) -> OrgUnit:
    """The unit that reports the assignment in the rounds."""
    return assignment.reporting_unit or assignment.executor or assignment.owner


def reporting_unit_id_column() -> ColumnElement[int]:
    """`reporting_unit_of` in SQL, for queries over assignments."""
    return func.coalesce(Assignment.reporting_unit_id, Assignment.executor_id, Assignment.owner_id)


def lock_reporting(
    session: Session, *, unit_id: int, first_day: date, last_day: date, reason: str
) -> ReportingLock:
    """Refuse status updates effective from `first_day` to `last_day` for what the unit reports."""
    lock = ReportingLock(
        unit_id=unit_id, first_day=first_day, last_day=last_day, reason=reason, locked_at=utcnow()
    )
    session.add(lock)
    session.flush()
    return lock


def lift_lock(session: Session, lock_id: int) -> None:
    lock = session.get(ReportingLock, lock_id)
    if lock is not None and lock.lifted_at is None:
        lock.lifted_at = utcnow()


def check_reporting_open(session: Session, assignment: Assignment, *, day: date) -> None:
    """Refuse (409) a status update effective on `day` when the unit reporting the assignment has
    submitted its report for the period `day` falls in."""
    unit = reporting_unit_of(assignment)
    unit_ids = {unit.id, unit_on(unit, day).id}
    lock = session.scalar(
        select(ReportingLock)
        .where(
            ReportingLock.unit_id.in_(unit_ids),
            ReportingLock.lifted_at.is_(None),
            ReportingLock.first_day <= day,
            ReportingLock.last_day >= day,
        )
        .limit(1)
    )
    if lock is not None:
        raise ConflictError(
            f"{lock.reason}: status updates effective {lock.first_day}–{lock.last_day} for "
            f"{assignment.reference} are locked until the central office returns the report.",
            locked_from=lock.first_day.isoformat(),
            locked_to=lock.last_day.isoformat(),
        )
