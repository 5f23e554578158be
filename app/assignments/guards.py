"""What every write to an assignment checks first, under a row lock: that it exists, that the
caller may write it, that it is not archived and, for versioned writes, that the client saw its
current version (no lost updates)."""

from sqlalchemy.orm import Session

from app.access import Principal
from app.assignments.models import Assignment
from app.db import get_or_404, lock_rows
from app.errors import ConflictError, ForbiddenError, PreconditionFailedError, PreconditionRequiredError


def check_scope(actor: Principal, *unit_ids: int | None) -> None:
    """The actor writes for one of the assignment's units: its owner, executor or reporting unit."""
    if not actor.may_write_for(*unit_ids):
        raise ForbiddenError(
            "The token may only write assignments its unit (or a sub-unit) owns, executes or reports."
        )


def check_version(assignment: Assignment, expected_version: int | None) -> None:
    if expected_version is None:
        raise PreconditionRequiredError(
            "Send the version you last read: an If-Match header with the ETag, or `version` in the body.",
            current_version=assignment.version,
        )
    if expected_version != assignment.version:
        raise PreconditionFailedError(
            f"The assignment is at version {assignment.version}, not {expected_version}; read it again.",
            current_version=assignment.version,
        )


def lock_for_write(
    session: Session, assignment_id: int, *, actor: Principal, expected_version: int | None, versioned: bool
) -> Assignment:
    """Load the assignment with a row lock so that concurrent writers are serialised, and check it.

    Checks, in this order: it exists, the actor may write it, it is not archived, and (for
    `versioned` writes) the client saw its current version.
    """
    lock_rows(session, Assignment, [assignment_id])
    assignment = get_or_404(session, Assignment, assignment_id, "assignment", populate_existing=True)
    check_scope(actor, assignment.owner_id, assignment.executor_id, assignment.reporting_unit_id)
    if assignment.archived_at is not None:
        raise ConflictError(f"Assignment {assignment.reference} is archived and cannot be changed.")
    if versioned:
        check_version(assignment, expected_version)
    return assignment
