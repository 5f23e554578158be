"""Reading the register: one assignment, the filtered and sorted list (today or as of a past day),
the open deadlines, and what "overdue" means."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from app.assignments.as_of import CURRENT_STATE, StateColumns, archived_by, decided_by_day, state_on
from app.assignments.models import Assignment, AssignmentTag
from app.assignments.schemas import AssignmentFilters
from app.assignments.vocabulary import FINISHED_STATUSES
from app.clock import day_end
from app.db import get_or_404
from app.errors import NotFoundError
from app.org.service import resolve_unit_reference, unit_with_descendant_ids


def overdue_on(deadline_latest: date | None, status: str, day: date) -> bool:
    """Overdue (försenad) is derived: the latest deadline has passed and the work is not finished."""
    return deadline_latest is not None and deadline_latest < day and status not in FINISHED_STATUSES


def is_overdue(assignment: Assignment, today: date) -> bool:
    return overdue_on(assignment.deadline_latest, assignment.status, today)


def search_text_of(*parts: str | None) -> str:
    """The case-folded text that free-text search matches against (works alike on every backend)."""
    return " ".join(part for part in parts if part).casefold()


def escape_like(text: str) -> str:
    """`text` for a LIKE pattern with `escape="\\"`: its wildcards match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_pattern(text: str) -> str:
    return f"%{escape_like(text.casefold())}%"


def get_assignment(session: Session, assignment_id: int) -> Assignment:
    return get_or_404(session, Assignment, assignment_id, "assignment")


_SORT_COLUMNS: dict[str, Any] = {
    "reference": Assignment.reference,
    "title": Assignment.title,
    "deadline": Assignment.deadline_latest,
    "status": Assignment.status,
    "progress": Assignment.progress,
    "updated_at": Assignment.updated_at,
    "created_at": Assignment.created_at,
    "owner": Assignment.owner_id,
}


def _order_by(sort: str, state: StateColumns) -> list[Any]:
    columns = {**_SORT_COLUMNS, "status": state.status, "progress": state.progress}
    order = []
    for name in sort.split(","):
        column = columns[name.lstrip("-")]
        order.append(column.desc().nulls_last() if name.startswith("-") else column.asc().nulls_last())
    order.append(Assignment.id.asc())
    return order


def _register_on(
    session: Session, filters: AssignmentFilters, timezone: str
) -> tuple[Select[Assignment], StateColumns]:
    """The assignments to list and where their state is read: today's rows, or the day `as_of`.

    As of a past day the list holds the assignments that existed then, in the state they were in.
    """
    if filters.as_of is None:
        query = select(Assignment)
        if not filters.include_archived:
            query = query.where(Assignment.archived_at.is_(None))
        return query, CURRENT_STATE
    end = day_end(filters.as_of, timezone)
    as_of = state_on(filters.as_of, session.get_bind().dialect.name)
    query = as_of.join_to(select(Assignment)).where(decided_by_day(filters.as_of, end))
    if not filters.include_archived:
        query = query.where(~archived_by(end))
    return query, as_of.state


def _filtered(
    session: Session, filters: AssignmentFilters, today: date, timezone: str
) -> tuple[Select[Assignment], StateColumns]:
    query, state = _register_on(session, filters, timezone)
    day = filters.as_of or today
    if filters.q:
        query = query.where(Assignment.search_text.like(_like_pattern(filters.q), escape="\\"))
    if filters.owner:
        owner = resolve_unit_reference(session, filters.owner, field="owner")
        query = query.where(Assignment.owner_id.in_(unit_with_descendant_ids(session, owner.id)))
    if filters.executor:
        executor = resolve_unit_reference(session, filters.executor, field="executor")
        query = query.where(Assignment.executor_id.in_(unit_with_descendant_ids(session, executor.id)))
    if filters.status:
        query = query.where(state.status.in_([status.value for status in filters.status]))
    if filters.assessment:
        query = query.where(state.assessment.in_([item.value for item in filters.assessment]))
    if filters.goal is not None:
        query = query.where(Assignment.goal_id == filters.goal)
    if filters.document is not None:
        query = query.where(Assignment.document_id == filters.document)
    if filters.origin:
        query = query.where(Assignment.origin.in_([origin.value for origin in filters.origin]))
    if filters.kind:
        query = query.where(Assignment.kind.in_([kind.value for kind in filters.kind]))
    if filters.tag:
        tagged = select(AssignmentTag.assignment_id).where(AssignmentTag.tag == filters.tag.lower())
        query = query.where(Assignment.id.in_(tagged))
    if filters.deadline_before:
        query = query.where(Assignment.deadline_latest <= filters.deadline_before)
    if filters.deadline_after:
        query = query.where(Assignment.deadline_latest >= filters.deadline_after)
    if filters.overdue is True:
        query = query.where(state.overdue(day))
    elif filters.overdue is False:
        query = query.where(or_(Assignment.deadline_latest.is_(None), ~state.overdue(day)))
    return query, state


def list_assignments(
    session: Session, *, filters: AssignmentFilters, today: date, timezone: str
) -> tuple[Sequence[Assignment], int]:
    """One page of assignments matching the filters, and the total number that match.

    With `as_of`, the filters on status, assessment and overdue and the sort on status and progress
    apply to the state on that day; `states_on_day` gives that state for the page.
    """
    query, state = _filtered(session, filters, today, timezone)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = query.order_by(*_order_by(filters.sort, state)).limit(filters.limit).offset(filters.offset)
    return session.scalars(page).all(), total


def open_deadlines(
    session: Session, *, filters: AssignmentFilters, today: date, timezone: str
) -> Sequence[Assignment]:
    """Every unarchived, unfinished assignment with a latest deadline that matches the filters."""
    query, _state = _filtered(session, filters, today, timezone)
    query = query.where(
        Assignment.deadline_latest.is_not(None),
        Assignment.status.not_in([status.value for status in FINISHED_STATUSES]),
    )
    return session.scalars(query.order_by(Assignment.deadline_latest, Assignment.id)).all()


def get_assignment_by_reference(session: Session, reference: str) -> Assignment:
    """The assignment with this reference (as people write it, e.g. KS-2015-076)."""
    found = session.scalar(select(Assignment).where(Assignment.reference == reference.strip().upper()))
    if found is None:
        raise NotFoundError(f"No assignment with reference {reference!r}.")
    return found
