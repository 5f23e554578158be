"""Reports: the register as it stood at a cut-off, computed from the status history in a few queries.

The public functions the routers call. How a report is made: lines.py (the statement and the
lines), summary.py (counts and roll-ups), live.py (a report from live data), json_body.py (the JSON
report without a model per line), publishing.py (frozen reports and diffs). Callers that want
models (CSV, XLSX, HTML) get validated `ReportLine`s; the JSON report gets the same bytes without
them.
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy.orm import Session

from app.access import Principal
from app.documents.models import SourceDocument
from app.documents.schemas import DocumentRef
from app.documents.service import current_document
from app.errors import ConflictError
from app.reports.json_body import Lines, report_json
from app.reports.links import report_links
from app.reports.live import Keep, default_report, live_report, period_ref, with_lines
from app.reports.models import PublishedReport
from app.reports.periods import ReportingPeriod, find_period, plan_periods, previous_period, window_around
from app.reports.publishing import (
    diff_reports,
    frozen_diff,
    frozen_report,
    publication,
    publications,
    publish,
    published_row,
    report_response,
)
from app.reports.schemas import (
    PeriodRead,
    PlanTrajectory,
    Report,
    ReportComparison,
    ReportFilters,
    ReportResponse,
    ReportSummary,
    TrajectoryPoint,
)


def list_periods(session: Session, *, today: date) -> list[PeriodRead]:
    published = publications(session)
    periods = []
    for period in plan_periods(current_document(session)):
        row = published.get((period.year, period.key))
        periods.append(
            PeriodRead(
                **period_ref(period).model_dump(),
                previous_cutoff=period.window.previous_cutoff,
                next_cutoff=period.window.next_cutoff,
                state="published" if row else "open",
                due=period.cutoff < today,
                published=publication(row) if row else None,
                links=report_links(period.year, period.key),
            )
        )
    return periods


def _period_report(
    session: Session, year: int, key: str, filters: ReportFilters, timezone: str, keep: Keep
) -> tuple[ReportResponse, Lines]:
    """A period's report: frozen once published (with how live data now differs), else live.
    A filtered report is always live."""
    document = current_document(session)
    period = find_period(document, year, key)
    published = published_row(session, period)
    if published is None or not filters.is_default:
        live, lines = live_report(
            session, document, period.window, filters=filters, timezone=timezone, period=period, keep=keep
        )
        return report_response(live, published), lines
    report, frozen = frozen_report(session, published)
    return report_response(report, published, frozen_diff(session, frozen, period.window, timezone)), frozen


def period_report(
    session: Session, year: int, key: str, *, filters: ReportFilters, timezone: str
) -> ReportResponse:
    """The report of a period with its lines as models (for CSV, XLSX and HTML)."""
    return with_lines(*_period_report(session, year, key, filters, timezone, Keep.VALUES))


_collector_lock = threading.Lock()
_collector_pauses = 0


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector (process-wide) while a JSON report is made.

    A report of 50,000 lines makes and keeps hundreds of thousands of objects in a burst, none in
    cycles; the collector scans the growing heap again and again while reference counting frees
    everything anyway. Measured in process on the bench's register (docs/performance.md): T1 2015
    published 560 ms paused against 790–920 ms running, a live report 610 against 660–760 ms. The
    JSON report is the one with a target (a second), so it is the only place paused. Concurrent
    reports count their pauses: the collector resumes when the last one ends.
    """
    global _collector_pauses
    with _collector_lock:
        _collector_pauses += 1
        gc.disable()
    try:
        yield
    finally:
        with _collector_lock:
            _collector_pauses -= 1
            if _collector_pauses == 0:
                gc.enable()


def period_report_json(
    session: Session, year: int, key: str, *, filters: ReportFilters, timezone: str
) -> bytes:
    """`period_report` as JSON: the same bytes, made without a model per line."""
    with _cycle_collector_paused():
        report, lines = _period_report(session, year, key, filters, timezone, Keep.JSON)
        return report_json(report, lines.bodies())


def publish_report(
    session: Session, year: int, key: str, *, actor: Principal, timezone: str, today: date
) -> bytes:
    """Freeze the period's default report as it is now; returns it as the report endpoint now gives
    it (JSON). Only once its cut-off has passed, and only once."""
    document = current_document(session)
    period = find_period(document, year, key)
    if period.cutoff >= today:
        raise ConflictError(
            f"{period.key} {period.year} cannot be published before its cut-off {period.cutoff} has passed."
        )
    report, bodies = publish(session, document, period, actor=actor, timezone=timezone)
    return report_json(report, bodies)


def _default_report(
    session: Session, document: SourceDocument, period: ReportingPeriod, timezone: str
) -> tuple[Report, PublishedReport | None]:
    """The period's default report as the report endpoint gives it: frozen once published."""
    published = published_row(session, period)
    if published is not None:
        return with_lines(*frozen_report(session, published)), published
    return with_lines(*default_report(session, document, period, timezone=timezone, keep=Keep.VALUES)), None


def compare_with_previous(session: Session, year: int, key: str, *, timezone: str) -> ReportComparison:
    """How a period's report differs from the previous period's (each frozen if published)."""
    document = current_document(session)
    period = find_period(document, year, key)
    earlier = previous_period(document, period)
    current_report, current_published = _default_report(session, document, period, timezone)
    previous_report, previous_published = _default_report(session, document, earlier, timezone)
    return ReportComparison(
        previous=period_ref(earlier),
        previous_source="published" if previous_published else "live",
        current=period_ref(period),
        current_source="published" if current_published else "live",
        diff=diff_reports(previous_report, current_report),
    )


def _summary_of(
    session: Session,
    document: SourceDocument,
    period: ReportingPeriod,
    published: PublishedReport | None,
    timezone: str,
) -> ReportSummary:
    if published:
        return ReportSummary.model_validate(published.snapshot["summary"])
    report, _lines = default_report(session, document, period, timezone=timezone, keep=Keep.NOTHING)
    return report.summary


def plan_trajectory(session: Session, *, timezone: str, today: date) -> PlanTrajectory:
    """Counts per period across the plan, for a burn-up chart; published periods count as frozen."""
    document = current_document(session)
    published = publications(session)
    points = []
    for period in plan_periods(document):
        if period.cutoff >= today:
            points.append(TrajectoryPoint(period=period_ref(period)))
            continue
        row = published.get((period.year, period.key))
        summary = _summary_of(session, document, period, row, timezone)
        points.append(
            TrajectoryPoint(
                period=period_ref(period),
                source="published" if row else "live",
                assignments=summary.assignments,
                completed=summary.completed,
                overdue=summary.overdue,
                by_status=summary.by_status,
            )
        )
    return PlanTrajectory(
        document=DocumentRef.model_validate(document),
        plan_start_year=document.plan_start_year,
        plan_end_year=document.plan_end_year,
        points=points,
    )


def dashboard_report(session: Session, *, timezone: str, today: date) -> tuple[Report, list[PeriodRead]]:
    """Where the plan stands today (the default report as of today), and every period's report."""
    document = current_document(session)
    window = window_around(document, today)
    report = with_lines(*live_report(session, document, window, filters=ReportFilters(), timezone=timezone))
    return report, list_periods(session, today=today)
