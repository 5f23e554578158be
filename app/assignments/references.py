"""The reference of a new assignment ("KS-2015-096": its document's prefix and a number), drawn from the
prefix's counter (`reference_counters`) in constant time.

Drawing is one statement that adds one to the counter (making it, at 1, when the prefix has none) and
returns the new number, in the create's own transaction. On PostgreSQL the counter's row stays locked
until that transaction ends, so concurrent creates under one prefix take their numbers one after the
other and never the same one; on SQLite the unit of work already holds the database's write lock. A
reference the caller gives (or a seed file) moves the counter up to its number, so that it is never
drawn later.
"""

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from app.assignments.models import Assignment, ReferenceCounter
from app.db import conflict_aware_insert
from app.errors import ConflictError


def draw_reference(session: Session, prefix: str) -> str:
    """The prefix's next reference, never drawn before."""
    insert = conflict_aware_insert(session, ReferenceCounter).values(prefix=prefix, last_number=1)
    statement = insert.on_conflict_do_update(
        index_elements=[ReferenceCounter.prefix], set_={"last_number": ReferenceCounter.last_number + 1}
    ).returning(ReferenceCounter.last_number)
    return f"{prefix}-{session.execute(statement).scalar_one():03d}"


def claim_reference(session: Session, reference: str) -> str:
    """A reference given for a new assignment (shaped PREFIX-NNN, as `AssignmentCreate.reference`):
    a 409 when an assignment has it; else its prefix's counter is moved up to its number (if it is
    behind), so that it is never drawn."""
    prefix, number = reference.rsplit("-", 1)
    insert = conflict_aware_insert(session, ReferenceCounter).values(prefix=prefix, last_number=int(number))
    given, last = insert.excluded.last_number, ReferenceCounter.last_number
    higher = case((given > last, given), else_=last)
    statement = insert.on_conflict_do_update(
        index_elements=[ReferenceCounter.prefix], set_={"last_number": higher}
    )
    session.execute(statement)  # first: a concurrent create of the same reference waits here (PostgreSQL)
    if session.scalar(select(Assignment.id).where(Assignment.reference == reference)) is not None:
        raise ConflictError(f"An assignment with reference {reference} already exists.")
    return reference
