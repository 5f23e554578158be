"""Verkställighet: the decisions not carried out.

Auditors ask which adopted assignments have not been completed, closed or cancelled, oldest
decision first, with how long ago they were decided and last reported on. One statement: each
assignment's state on the day of the list (app/assignments/as_of.py), with its document.
"""

from datetime import date, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter
from pydantic_core import to_json
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from app.assignments.as_of import adopted_by_the_city, archived_by, decided_by_day, state_on
from app.assignments.models import Assignment
from app.assignments.queries import overdue_on
from app.assignments.values import deadline_of
from app.assignments.vocabulary import FINISHED_STATUSES
from app.clock import day_end
from app.db import utcnow
from app.documents.models import SourceDocument
from app.org.service import covering_unit_ids, resolve_unit_reference
from app.reports.fetch import select_as, stream_as
from app.reports.json_body import report_json
from app.reports.names import Names
from app.reports.schemas import UnexecutedFilters, UnexecutedLine, UnexecutedList

UNEXECUTED_LINES = TypeAdapter(list[UnexecutedLine])


class UnexecutedRow(NamedTuple):
    id: int
    reference: str
    title: str
    document_id: int | None
    decided_on: date | None
    created_at: datetime
    owner_id: int
    executor_id: int | None
    deadline_text: str | None
    deadline_earliest: date | None
    deadline_latest: date | None
    deadline_precision: str | None
    status: str
    progress: int
    last_update: date | None


def _filter_clauses(session: Session, filters: UnexecutedFilters) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if filters.decided_by is not None:
        body = resolve_unit_reference(session, filters.decided_by, field="decided_by")
        clauses.append(SourceDocument.decided_by_id == body.id)
    if filters.owner is not None:
        owner = resolve_unit_reference(session, filters.owner, field="owner")
        clauses.append(Assignment.owner_id.in_(covering_unit_ids(session, owner.id)))
    if filters.decided_before is not None:
        decided_on = func.coalesce(SourceDocument.decision_date, SourceDocument.document_date)
        clauses.append(decided_on < filters.decided_before)
    return clauses


def unexecuted_query(
    session: Session, *, filters: UnexecutedFilters, day: date, timezone: str
) -> Select[*tuple[Any, ...]]:
    """Adopted assignments (of adopted documents) that existed on `day`, were not archived by then
    and were not finished then, oldest decision first (then those without a document, oldest first)."""
    end = day_end(day, timezone)
    state = state_on(day, session.get_bind().dialect.name)
    decided_on = func.coalesce(SourceDocument.decision_date, SourceDocument.document_date)
    columns = {
        "id": Assignment.id,
        "reference": Assignment.reference,
        "title": Assignment.title,
        "document_id": Assignment.document_id,
        "decided_on": decided_on,
        "created_at": Assignment.created_at,
        "owner_id": Assignment.owner_id,
        "executor_id": Assignment.executor_id,
        "deadline_text": Assignment.deadline_text,
        "deadline_earliest": Assignment.deadline_earliest,
        "deadline_latest": Assignment.deadline_latest,
        "deadline_precision": Assignment.deadline_precision,
        "status": state.state.status,
        "progress": state.state.progress,
        "last_update": state.effective_date,
    }
    query = state.join_to(select_as(UnexecutedRow, columns)).outerjoin(
        SourceDocument, SourceDocument.id == Assignment.document_id
    )
    return query.where(
        adopted_by_the_city(),
        decided_by_day(day, end),
        ~archived_by(end),
        state.state.status.not_in([status.value for status in FINISHED_STATUSES]),
        *_filter_clauses(session, filters),
    ).order_by(decided_on.asc().nulls_last(), Assignment.created_at, Assignment.reference)


def _line(row: UnexecutedRow, names: Names, day: date, zone: ZoneInfo) -> dict[str, Any]:
    """A line as plain data in the shape of `UnexecutedLine`."""
    decided_on = row.decided_on or row.created_at.astimezone(zone).date()
    return {
        "id": row.id,
        "reference": row.reference,
        "title": row.title,
        "decision": names.decision_values.get(row.document_id) if row.document_id else None,
        "decided_on": decided_on,
        "days_since_decision": (day - decided_on).days,
        "last_update": row.last_update,
        "days_since_update": (day - row.last_update).days if row.last_update else None,
        "owner": names.unit_values[row.owner_id],
        "executor": names.unit_values[row.executor_id] if row.executor_id else None,
        "status": row.status,
        "progress": row.progress,
        "deadline": deadline_of(
            row.deadline_text, row.deadline_earliest, row.deadline_latest, row.deadline_precision
        ),
        "overdue": overdue_on(row.deadline_latest, row.status, day),
    }


def _lines(
    session: Session, filters: UnexecutedFilters, today: date, timezone: str
) -> tuple[UnexecutedList, list[dict[str, Any]]]:
    """The list without its lines, and its lines as plain data."""
    day = filters.as_of or today
    names = Names(session, day, timezone)
    zone = ZoneInfo(timezone)
    query = unexecuted_query(session, filters=filters, day=day, timezone=timezone)
    lines = [_line(row, names, day, zone) for row in stream_as(session, query, UnexecutedRow)]
    empty = UnexecutedList(
        as_of=day, generated_at=utcnow(), filters=filters, count=len(lines), assignments=[]
    )
    return empty, lines


def unexecuted_list(
    session: Session, *, filters: UnexecutedFilters, today: date, timezone: str
) -> UnexecutedList:
    """The decisions not carried out on `filters.as_of` (today if not given), lines as models."""
    empty, lines = _lines(session, filters, today, timezone)
    return empty.model_copy(update={"assignments": UNEXECUTED_LINES.validate_python(lines)})


def unexecuted_json(session: Session, *, filters: UnexecutedFilters, today: date, timezone: str) -> bytes:
    """`unexecuted_list` as JSON: the same bytes, made without a model per line."""
    empty, lines = _lines(session, filters, today, timezone)
    return report_json(empty, [to_json(line) for line in lines])


def unexecuted_overview(session: Session, *, day: date, timezone: str, oldest: int) -> UnexecutedList:
    """How many decisions were not carried out on `day`, with the `oldest` of them (for the
    dashboard, on the day of the period it shows)."""
    filters = UnexecutedFilters()
    names = Names(session, day, timezone)
    query = unexecuted_query(session, filters=filters, day=day, timezone=timezone)
    count = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = stream_as(session, query.limit(oldest), UnexecutedRow)
    lines = [_line(row, names, day, ZoneInfo(timezone)) for row in rows]
    return UnexecutedList(
        as_of=day,
        generated_at=utcnow(),
        filters=filters,
        count=count,
        assignments=UNEXECUTED_LINES.validate_python(lines),
    )
