"""The register as it stood on a day, read from the status history in set-based queries.

An assignment's state on day D is its status update with the greatest (effective_date, recorded_at, id)
among those effective on or before D; without one it is in the initial state (not started, 0 %, not
assessed, grey). A query over `assignments` gets that state by adding the joins of an `AsOfState`;
a whole register costs one statement, never one query per assignment.

How the latest update is found depends on the database, for speed, not for meaning:
- PostgreSQL: a LATERAL subquery per assignment, `ORDER BY ... LIMIT 1` on ix_status_updates_as_of,
  read from the index alone; the cost follows the number of assignments, not the length of history.
- SQLite (no LATERAL): ROW_NUMBER() over each assignment's timeline, newest first, in one pass.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    SQLColumnExpression,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    true,
)

from app.assignments.models import Assignment, StatusUpdate
from app.assignments.vocabulary import FINISHED_STATUSES, Status, TrafficLight
from app.documents.models import Origin, SourceDocument

QueryT = TypeVar("QueryT", bound=Select[*tuple[Any, ...]])
_STATE = (StatusUpdate.status, StatusUpdate.progress, StatusUpdate.assessment, StatusUpdate.traffic_light)
NEWEST_FIRST = (StatusUpdate.effective_date.desc(), StatusUpdate.recorded_at.desc(), StatusUpdate.id.desc())


@dataclass(frozen=True)
class StateColumns:
    """Where a query reads an assignment's state from: its current row, or a day of its history."""

    status: SQLColumnExpression[Any]
    progress: SQLColumnExpression[Any]
    assessment: SQLColumnExpression[Any]
    traffic_light: SQLColumnExpression[Any]
    # Not completed, closed or cancelled, written so that the planner estimates it well (on an
    # outer-joined state: no update yet, or an update of an open status).
    unfinished: ColumnElement[bool]

    def overdue(self, day: date) -> ColumnElement[bool]:
        """Overdue on `day`: the latest deadline had passed and the work was not finished."""
        return and_(
            Assignment.deadline_latest < day,
            self.status.not_in([status.value for status in FINISHED_STATUSES]),
        )


_FINISHED = [status.value for status in FINISHED_STATUSES]
CURRENT_STATE = StateColumns(
    Assignment.status,
    Assignment.progress,
    Assignment.assessment,
    Assignment.traffic_light,
    Assignment.status.not_in(_FINISHED),
)


def _state_columns(states: FromClause, prefix: str = "") -> StateColumns:
    """The state columns of an outer-joined source; no update yet is the initial state."""
    return StateColumns(
        status=func.coalesce(states.c[f"{prefix}status"], literal(Status.NOT_STARTED.value)),
        progress=func.coalesce(states.c[f"{prefix}progress"], literal(0)),
        assessment=states.c[f"{prefix}assessment"],
        traffic_light=func.coalesce(states.c[f"{prefix}traffic_light"], literal(TrafficLight.GREY.value)),
        unfinished=or_(states.c[f"{prefix}status"].is_(None), states.c[f"{prefix}status"].not_in(_FINISHED)),
    )


@dataclass(frozen=True)
class AsOfState:
    """An assignment's state on a day: the joins to add to a query over `assignments` and the
    columns to read (`effective_date`: the day the state took effect, null for the initial state)."""

    joins: tuple[tuple[FromClause, ColumnElement[bool]], ...]
    effective_date: SQLColumnExpression[Any]
    state: StateColumns

    def join_to(self, query: QueryT) -> QueryT:
        for target, condition in self.joins:
            query = query.join_from(Assignment, target, condition, isouter=True)
        return query


def _latest_update(day: date) -> Select[*tuple[Any, ...]]:
    """The latest update on or before `day` of the assignment in the enclosing query."""
    return (
        select(StatusUpdate.effective_date, *_STATE)
        .where(StatusUpdate.assignment_id == Assignment.id, StatusUpdate.effective_date <= day)
        .order_by(*NEWEST_FIRST)
        .limit(1)
    )


def _lateral_state(day: date, name: str) -> AsOfState:
    latest = _latest_update(day).lateral(name)
    return AsOfState(((latest, true()),), latest.c.effective_date, _state_columns(latest))


def _ranked(day: date, *columns: Any) -> FromClause:
    """The history up to `day` in each assignment's newest-first order, with its `position` (1 = latest)."""
    return (
        select(
            StatusUpdate.assignment_id,
            StatusUpdate.effective_date,
            *_STATE,
            func.row_number()
            .over(partition_by=StatusUpdate.assignment_id, order_by=NEWEST_FIRST)
            .label("position"),
            *columns,
        )
        .where(StatusUpdate.effective_date <= day)
        .subquery()
    )


def state_on(day: date, dialect: str, name: str = "state_on_day") -> AsOfState:
    """Each assignment's state on `day`, for a query over assignments on the `dialect`'s database.
    `name` tells apart the joins of several days in one query."""
    if dialect == "postgresql":
        return _lateral_state(day, name)
    ranked = _ranked(day)
    latest = select(ranked).where(ranked.c.position == 1).subquery(name)
    return AsOfState(
        ((latest, latest.c.assignment_id == Assignment.id),), latest.c.effective_date, _state_columns(latest)
    )


def states_on_two_days(day: date, earlier: date, dialect: str) -> tuple[AsOfState, AsOfState]:
    """Each assignment's state on `day` and on the `earlier` day.

    Without LATERAL both come from one pass over the history: going newest first, the state on
    `earlier` is the first update effective on or before it, where the running count of such updates
    reaches 1.
    """
    if dialect == "postgresql":
        return _lateral_state(day, "state_on_day"), _lateral_state(earlier, "state_on_earlier")
    by_earlier = StatusUpdate.effective_date <= earlier
    running = func.sum(case((by_earlier, 1), else_=0)).over(
        partition_by=StatusUpdate.assignment_id, order_by=NEWEST_FIRST
    )
    ranked = _ranked(day, running.label("earlier_seen"))
    current = ranked.c.position == 1
    previous = and_(ranked.c.effective_date <= earlier, ranked.c.earlier_seen == 1)

    def pick(condition: ColumnElement[bool], name: str, label: str) -> Any:
        return func.max(case((condition, ranked.c[name]))).label(label)

    both = (
        select(
            ranked.c.assignment_id,
            pick(current, "effective_date", "effective_date"),
            pick(previous, "effective_date", "previous_effective_date"),
            *(pick(current, column.key, column.key) for column in _STATE),
            *(pick(previous, column.key, f"previous_{column.key}") for column in _STATE),
        )
        .where(or_(current, previous))
        .group_by(ranked.c.assignment_id)
        .subquery("states_on_two_days")
    )
    on_day = AsOfState(
        ((both, both.c.assignment_id == Assignment.id),), both.c.effective_date, _state_columns(both)
    )
    on_earlier = AsOfState((), both.c.previous_effective_date, _state_columns(both, "previous_"))
    return on_day, on_earlier


def _latest_comment_update(day: date) -> Select[*tuple[Any, ...]]:
    """The latest update with a comment on or before `day` of the assignment in the enclosing query."""
    return (
        select(StatusUpdate.comment, StatusUpdate.effective_date)
        .where(
            StatusUpdate.assignment_id == Assignment.id,
            StatusUpdate.effective_date <= day,
            StatusUpdate.comment.is_not(None),
        )
        .order_by(*NEWEST_FIRST)
        .limit(1)
    )


@dataclass(frozen=True)
class LatestComment:
    """An assignment's latest comment on or before a day and its effective date: the joins to add to a
    query over `assignments` (none where the columns are subqueries) and the two columns to read."""

    joins: tuple[tuple[FromClause, ColumnElement[bool]], ...]
    comment: SQLColumnExpression[Any]
    effective_date: SQLColumnExpression[Any]

    def join_to(self, query: QueryT) -> QueryT:
        for target, condition in self.joins:
            query = query.join_from(Assignment, target, condition, isouter=True)
        return query


def latest_comment(day: date, dialect: str) -> LatestComment:
    """The latest comment on or before `day`, for a query over assignments on the `dialect`'s database.

    An index probe per assignment on ix_status_updates_comments: on PostgreSQL one LATERAL subquery
    reads both columns; elsewhere (no LATERAL) they are two correlated subqueries.
    """
    latest = _latest_comment_update(day)
    if dialect == "postgresql":
        lateral = latest.lateral("latest_comment")
        return LatestComment(((lateral, true()),), lateral.c.comment, lateral.c.effective_date)
    return LatestComment(
        (),
        latest.with_only_columns(StatusUpdate.comment).scalar_subquery(),
        latest.with_only_columns(StatusUpdate.effective_date).scalar_subquery(),
    )


def _existing_by(
    document_start: SQLColumnExpression[Any], day: date, day_end: datetime
) -> ColumnElement[bool]:
    documents_by_then = select(SourceDocument.id).where(document_start <= day)
    return or_(
        Assignment.document_id.in_(documents_by_then),
        and_(Assignment.document_id.is_(None), Assignment.created_at < day_end),
    )


def decided_by_day(day: date, day_end: datetime) -> ColumnElement[bool]:
    """The assignment was in the register by the end of `day`: its document had been decided (its
    decision date where recorded, else the document's date), else it had been created.

    `day_end` is the first instant after `day` in the service's time zone.
    """
    decided_on = func.coalesce(SourceDocument.decision_date, SourceDocument.document_date)
    return _existing_by(decided_on, day, day_end)


def followed_up_by(day: date, day_end: datetime) -> ColumnElement[bool]:
    """The assignment was followed up (in reports) by the end of `day`: from its document's start,
    the later of its decision and its plan's first day, else from its creation."""
    return _existing_by(SourceDocument.starts_on, day, day_end)


def adopted_by_the_city() -> ColumnElement[bool]:
    """An adopted commitment of an adopted document (or of none): what the city follows up. The
    commitments of a document registered as not adopted (a proposal) are in no report's adopted
    lines, no round and not among the decisions not carried out until the document is adopted."""
    not_adopted = select(SourceDocument.id).where(SourceDocument.adopted.is_(False))
    return and_(
        Assignment.origin == Origin.ADOPTED.value,
        or_(Assignment.document_id.is_(None), Assignment.document_id.not_in(not_adopted)),
    )


def archived_by(day_end: datetime) -> ColumnElement[bool]:
    """The assignment had been archived before `day_end` (the first instant after a day)."""
    return and_(Assignment.archived_at.is_not(None), Assignment.archived_at < day_end)
