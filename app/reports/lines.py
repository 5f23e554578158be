"""A report's lines: the one statement that reads them, and the functions that make them.

The statement reads every assignment that existed at the cut-off (or was archived in the period)
with its state at the cut-off and at the previous cut-off and its latest comment
(app/assignments/as_of.py). Its rows are read by name: `LineRow` is a NamedTuple, and the
statement selects its columns in the order of that tuple's fields, by name (`select_as`), so a column
is added in two places that cannot disagree: the tuple and the mapping of its expressions.

A line is made as plain data in the shape of `ReportLine` (app/reports/schemas.py); a test proves
that the JSON made from it equals the model's. What a diff between two reports compares of a line
(its `DIFF_FIELDS`) is made by one function, for the rows of `lines_query` and of the lighter
`compared_query` alike (both `LineRow`s); its digest says whether a line changed since publishing
without parsing it.
"""

from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from hashlib import blake2b
from operator import itemgetter
from typing import Any, NamedTuple

from pydantic_core import to_json
from sqlalchemy import ColumnElement, Select, SQLColumnExpression, null, or_, select
from sqlalchemy.orm import Session

from app.assignments.as_of import (
    AsOfState,
    LatestComment,
    adopted_by_the_city,
    archived_by,
    followed_up_by,
    latest_comment,
    state_on,
    states_on_two_days,
)
from app.assignments.models import Assignment
from app.assignments.queries import overdue_on
from app.assignments.values import deadline_of, target_of
from app.assignments.vocabulary import FINISHED_STATUSES
from app.clock import day_end
from app.documents.models import Goal, Origin, SourceDocument
from app.documents.service import decision_at
from app.errors import InvalidInputError
from app.org.service import covering_unit_ids, resolve_unit_reference
from app.periods.service import ReportWindow
from app.reports.fetch import select_as, stream_as
from app.reports.names import Names
from app.reports.schemas import ReportFilters


class LineRow(NamedTuple):
    """A row of `lines_query` (or `compared_query`): an assignment as it stood at the cut-off and at
    the previous one."""

    id: int
    reference: str
    title: str
    document_id: int | None
    owner_id: int
    executor_id: int | None
    goal_id: int | None
    deadline_text: str | None
    deadline_earliest: date | None
    deadline_latest: date | None
    deadline_precision: str | None
    status: str
    progress: int
    assessment: str | None
    traffic_light: str
    reported_on: date | None
    comment: str | None
    origin: str
    kind: str
    target_indicator: str | None
    target_value: Decimal | None
    target_unit: str | None
    target_year: int | None
    previous_status: str
    previous_progress: int
    previous_assessment: str | None
    previous_traffic_light: str
    commented_on: date | None
    existed_before: bool
    archived_at: datetime | None
    archived: bool


# The fields of a line that a diff between two reports compares, in the order they are digested.
DIFF_FIELDS = (
    "title", "owner", "executor", "goal", "deadline", "status", "progress", "assessment",
    "traffic_light", "comment", "overdue", "updated_in_period",
)  # fmt: skip
_diffed = itemgetter(*DIFF_FIELDS)


# --- the statements ---------------------------------------------------------------------------


def filter_clauses(session: Session, filters: ReportFilters) -> list[ColumnElement[bool]]:
    """The report's filters as conditions on assignments; unknown units, goals and documents are a 422."""
    clauses: list[ColumnElement[bool]] = [
        or_(
            *(
                adopted_by_the_city() if origin is Origin.ADOPTED else Assignment.origin == origin.value
                for origin in filters.origins
            )
        )
    ]
    if filters.owner is not None:
        owner = resolve_unit_reference(session, filters.owner, field="owner")
        clauses.append(Assignment.owner_id.in_(covering_unit_ids(session, owner.id)))
    if filters.goal is not None:
        if session.get(Goal, filters.goal) is None:
            raise InvalidInputError("goal", f"unknown goal {filters.goal}")
        clauses.append(Assignment.goal_id == filters.goal)
    if filters.kind:
        clauses.append(Assignment.kind.in_([kind.value for kind in filters.kind]))
    if filters.document is not None:
        decision_at(session, filters.document, field="document")
        clauses.append(Assignment.document_id == filters.document)
    if filters.decided_by is not None:
        body = resolve_unit_reference(session, filters.decided_by, field="decided_by")
        decided = select(SourceDocument.id).where(SourceDocument.decided_by_id == body.id)
        clauses.append(Assignment.document_id.in_(decided))
    return clauses


def _in_report(
    window: ReportWindow,
    timezone: str,
    status_at_year_start: SQLColumnExpression[Any],
    clauses: list[ColumnElement[bool]],
) -> list[ColumnElement[bool]]:
    """The assignments of a report: existing at the cut-off, not archived before the period, not
    finished before the report's year began (an assignment goes on from year to year until it is
    done, and is in the reports of the year it is done in), filtered."""
    cutoff_end = day_end(window.cutoff, timezone)
    previous_end = day_end(window.previous_cutoff, timezone)
    finished = [status.value for status in FINISHED_STATUSES]
    return [
        followed_up_by(window.cutoff, cutoff_end),
        ~archived_by(previous_end),
        status_at_year_start.not_in(finished),
        *clauses,
    ]


def _year_start(window: ReportWindow, dialect: str, previous: AsOfState | None) -> AsOfState:
    """The state at the end of the year before the cut-off's: the previous cut-off's state where that
    is the same day (T1), else one more probe (without joins of its own when reused)."""
    if previous is not None and window.previous_cutoff == window.year_start:
        return AsOfState((), previous.effective_date, previous.state)
    return state_on(window.year_start, dialect, "state_at_year_start")


def _compared_columns(now: AsOfState, comment: LatestComment) -> dict[str, Any]:
    """The expressions of the columns a line's compared fields are made of, by name."""
    return {
        "title": Assignment.title,
        "owner_id": Assignment.owner_id,
        "executor_id": Assignment.executor_id,
        "goal_id": Assignment.goal_id,
        "deadline_text": Assignment.deadline_text,
        "deadline_earliest": Assignment.deadline_earliest,
        "deadline_latest": Assignment.deadline_latest,
        "deadline_precision": Assignment.deadline_precision,
        "status": now.state.status,
        "progress": now.state.progress,
        "assessment": now.state.assessment,
        "traffic_light": now.state.traffic_light,
        "reported_on": now.effective_date,
        "comment": comment.comment,
    }


def lines_query(
    session: Session, window: ReportWindow, *, filters: ReportFilters, timezone: str
) -> Select[*tuple[Any, ...]]:
    """Every assignment that existed at the cut-off or was archived in the period, with its state
    at the cut-off and at the previous cut-off and its latest comment: one statement of `LineRow`s."""
    dialect = session.get_bind().dialect.name
    now, before = states_on_two_days(window.cutoff, window.previous_cutoff, dialect)
    comment = latest_comment(window.cutoff, dialect)
    year_start = _year_start(window, dialect, before)
    columns = {
        "id": Assignment.id,
        "reference": Assignment.reference,
        "document_id": Assignment.document_id,
        **_compared_columns(now, comment),
        "origin": Assignment.origin,
        "kind": Assignment.kind,
        "target_indicator": Assignment.target_indicator,
        "target_value": Assignment.target_value,
        "target_unit": Assignment.target_unit,
        "target_year": Assignment.target_year,
        "previous_status": before.state.status,
        "previous_progress": before.state.progress,
        "previous_assessment": before.state.assessment,
        "previous_traffic_light": before.state.traffic_light,
        "commented_on": comment.effective_date,
        "existed_before": followed_up_by(window.previous_cutoff, day_end(window.previous_cutoff, timezone)),
        "archived_at": Assignment.archived_at,
        "archived": archived_by(day_end(window.cutoff, timezone)),
    }
    query = year_start.join_to(comment.join_to(before.join_to(now.join_to(select_as(LineRow, columns)))))
    clauses = filter_clauses(session, filters)
    return query.where(*_in_report(window, timezone, year_start.state.status, clauses))


def compared_query(session: Session, window: ReportWindow, *, timezone: str) -> Select[*tuple[Any, ...]]:
    """The default report's lines with only what a diff compares (the other columns are NULL): no
    state at the previous cut-off, so one index probe less per assignment."""
    dialect = session.get_bind().dialect.name
    now = state_on(window.cutoff, dialect)
    comment = latest_comment(window.cutoff, dialect)
    compared = {
        "reference": Assignment.reference,
        **_compared_columns(now, comment),
        "archived": archived_by(day_end(window.cutoff, timezone)),
    }
    not_compared = {name: null() for name in LineRow._fields if name not in compared}
    year_start = _year_start(window, dialect, None)
    query = year_start.join_to(comment.join_to(now.join_to(select_as(LineRow, {**compared, **not_compared}))))
    clauses = filter_clauses(session, ReportFilters())
    return query.where(*_in_report(window, timezone, year_start.state.status, clauses))


def line_rows(session: Session, query: Select[*tuple[Any, ...]]) -> Iterator[LineRow]:
    """The rows of `lines_query` or `compared_query`, as they arrive."""
    return stream_as(session, query, LineRow)


# --- making lines -----------------------------------------------------------------------------


Comparer = Callable[[LineRow], dict[str, Any]]


def comparer(window: ReportWindow, names: Names) -> Comparer:
    """A function making a line's compared fields (`DIFF_FIELDS`, by name) from a row. Lines are
    made with it too, so that a line and a diff always agree."""
    cutoff, previous_cutoff = window.cutoff, window.previous_cutoff
    units, goals = names.unit_values, names.goal_values

    def compared(row: LineRow) -> dict[str, Any]:
        return {
            "title": row.title,
            "owner": units[row.owner_id],
            "executor": units[row.executor_id] if row.executor_id else None,
            "goal": goals[row.goal_id] if row.goal_id else None,
            "deadline": deadline_of(
                row.deadline_text, row.deadline_earliest, row.deadline_latest, row.deadline_precision
            ),
            "status": row.status,
            "progress": row.progress,
            "assessment": row.assessment,
            "traffic_light": row.traffic_light,
            "comment": row.comment,
            "overdue": overdue_on(row.deadline_latest, row.status, cutoff),
            "updated_in_period": row.reported_on is not None and row.reported_on > previous_cutoff,
        }

    return compared


def digest(line: Mapping[str, Any]) -> bytes:
    """A digest of a line's compared fields (of a line, or of what `comparer` made): lines with
    equal digests need no comparing."""
    return blake2b(to_json(_diffed(line)), digest_size=16).digest()


class LineFacts(NamedTuple):
    """What the summary counts of a line. Lines are counted by these (a few thousand distinct ones
    at most), and the summary is made from the counts."""

    owner_id: int
    executor_id: int | None
    goal_id: int | None
    document_id: int | None
    status: str
    assessment: str | None
    traffic_light: str
    updated_in_period: bool
    overdue: bool
    due_before_next_cutoff: bool
    new_in_period: bool


class MadeLine(NamedTuple):
    """A line as plain data in the shape of `ReportLine`, and what the summary counts of it."""

    values: dict[str, Any]
    facts: LineFacts


_STATE_CHANGES = ("status", "progress", "assessment", "traffic_light")


def _changes_since_previous_cutoff(row: LineRow) -> dict[str, dict[str, Any]]:
    """The state fields that changed since the previous cut-off; none for a line new in the period."""
    changes: dict[str, dict[str, Any]] = {}
    if not row.existed_before:
        return changes
    now = (row.status, row.progress, row.assessment, row.traffic_light)
    before = (row.previous_status, row.previous_progress, row.previous_assessment, row.previous_traffic_light)
    for name, old, new in zip(_STATE_CHANGES, before, now, strict=True):
        if old != new:
            changes[name] = {"old": old, "new": new}
    return changes


def line_maker(window: ReportWindow, names: Names) -> Callable[[LineRow], MadeLine]:
    """A function making one line from a row of `lines_query`."""
    cutoff, next_cutoff = window.cutoff, window.next_cutoff
    compared_of = comparer(window, names)
    decisions, links, owner_on_day = names.decision_values, names.links, names.unit_on_day

    def line(row: LineRow) -> MadeLine:
        compared = compared_of(row)
        due_next = (
            row.deadline_latest is not None
            and cutoff < row.deadline_latest <= next_cutoff
            and row.status not in FINISHED_STATUSES
        )
        values = {
            "id": row.id,
            "reference": row.reference,
            "title": compared["title"],
            "owner": compared["owner"],
            "executor": compared["executor"],
            "goal": compared["goal"],
            "origin": row.origin,
            "kind": row.kind,
            "deadline": compared["deadline"],
            "target": target_of(row.target_indicator, row.target_value, row.target_unit, row.target_year),
            "status": row.status,
            "progress": row.progress,
            "assessment": row.assessment,
            "traffic_light": row.traffic_light,
            "reported_on": row.reported_on,
            "comment": row.comment,
            "commented_on": row.commented_on,
            "overdue": compared["overdue"],
            "updated_in_period": compared["updated_in_period"],
            "new_in_period": not row.existed_before,
            "due_before_next_cutoff": due_next,
            "changes": _changes_since_previous_cutoff(row),
            "decision": decisions[row.document_id] if row.document_id else None,
            "links": links.get(row.id, []),
        }
        facts = LineFacts(
            owner_id=owner_on_day[row.owner_id],
            executor_id=owner_on_day[row.executor_id] if row.executor_id else None,
            goal_id=row.goal_id,
            document_id=row.document_id,
            status=row.status,
            assessment=row.assessment,
            traffic_light=row.traffic_light,
            updated_in_period=compared["updated_in_period"],
            overdue=compared["overdue"],
            due_before_next_cutoff=due_next,
            new_in_period=not row.existed_before,
        )
        return MadeLine(values, facts)

    return line
