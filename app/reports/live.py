"""Making a report from live data: the register as it stood at the end of a window's cut-off day.

One statement, one pass: each line is made (and, for the JSON report, serialised) as its row
arrives, while PostgreSQL is still computing the next rows, and the summary is counted from a few
facts per line.
"""

from collections import Counter
from datetime import UTC
from enum import Enum
from typing import Any, TypeVar

from pydantic_core import to_json
from sqlalchemy.orm import Session

from app.db import utcnow
from app.documents.service import plan_document_for_year
from app.periods.service import ReportingPeriod, ReportWindow
from app.reports.json_body import Lines, LiveLines
from app.reports.lines import LineFacts, LineRow, digest, line_maker, line_rows, lines_query
from app.reports.names import Names
from app.reports.schemas import ArchivedLine, PeriodRef, Report, ReportFilters
from app.reports.summary import summarise


class Keep(Enum):
    """What a live report keeps of its lines, besides what its summary counts."""

    NOTHING = "nothing"  # the summary is all
    VALUES = "values"  # each line as plain data, for models
    JSON = "json"  # each line's JSON (its plain data is dropped as soon as it is serialised)
    PUBLISHED = "published"  # each line's JSON and the digest of its compared fields


def period_ref(period: ReportingPeriod) -> PeriodRef:
    return PeriodRef(
        year=period.year,
        period=period.key,
        name_sv=period.name_sv,
        name_en=period.name_en,
        cutoff=period.cutoff,
    )


def _archived_line(row: LineRow, names: Names) -> ArchivedLine:
    assert row.archived_at is not None  # the row is `archived`
    return ArchivedLine(
        reference=row.reference,
        title=row.title,
        owner=names.unit_refs[row.owner_id],
        archived_at=row.archived_at.astimezone(UTC),  # streamed rows are in the connection's time zone
    )


def live_report(
    session: Session,
    window: ReportWindow,
    *,
    filters: ReportFilters,
    timezone: str,
    period: ReportingPeriod | None = None,
    keep: Keep = Keep.VALUES,
) -> tuple[Report, LiveLines]:
    """The live report, its lines left out, and its lines in the form `keep` asks for."""
    filters = ReportFilters(**{**filters.model_dump(), "origin": filters.origins})
    names = Names(session, window.cutoff, timezone)
    make_line = line_maker(window, names)
    query = lines_query(session, window, filters=filters, timezone=timezone)
    references: list[str] = []
    values: list[dict[str, Any]] = []
    bodies: list[bytes] = []
    digests: list[bytes] = []
    archived: list[ArchivedLine] = []
    facts: Counter[LineFacts] = Counter()
    for row in line_rows(session, query):
        if row.archived:  # archived by the cut-off: listed in the summary, not a line
            archived.append(_archived_line(row, names))
            continue
        line = make_line(row)
        facts[line.facts] += 1
        references.append(row.reference)
        if keep is Keep.VALUES:
            values.append(line.values)
        elif keep is not Keep.NOTHING:
            bodies.append(to_json(line.values))
            if keep is Keep.PUBLISHED:
                digests.append(digest(line.values))
    order = sorted(range(len(references)), key=references.__getitem__)
    archived.sort(key=lambda item: item.reference)
    plan = plan_document_for_year(session, window.cutoff.year, known_on=window.cutoff)
    report = Report(
        document=names.document_refs.get(filters.document) if filters.document else None,
        plan_start_year=plan.plan_start_year if plan else None,
        plan_end_year=plan.plan_end_year if plan else None,
        period=period_ref(period) if period else None,
        as_of=window.cutoff,
        previous_cutoff=window.previous_cutoff,
        next_cutoff=window.next_cutoff,
        generated_at=utcnow(),
        filters=filters,
        summary=summarise(facts, archived, names),
        assignments=[],
    )
    lines = LiveLines(
        [references[position] for position in order],
        [values[position] for position in order] if keep is Keep.VALUES else None,
        [bodies[position] for position in order] if keep in (Keep.JSON, Keep.PUBLISHED) else None,
        [digests[position] for position in order] if keep is Keep.PUBLISHED else None,
    )
    return report, lines


def default_report(
    session: Session, period: ReportingPeriod, *, timezone: str, keep: Keep
) -> tuple[Report, LiveLines]:
    """A period's default report (adopted assignments, no filters: the one published), live."""
    return live_report(
        session, period.window, filters=ReportFilters(), timezone=timezone, period=period, keep=keep
    )


ReportT = TypeVar("ReportT", bound=Report)


def with_lines(report: ReportT, lines: Lines) -> ReportT:
    """The report holding its lines as models (for CSV, XLSX, HTML and callers in Python)."""
    return report.model_copy(update={"assignments": lines.models()})
