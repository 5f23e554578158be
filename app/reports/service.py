"""Reports: the register as it stood at a cut-off, computed from the status history in a few queries.

The public functions the routers call. How a report is made: lines.py (the statement and the
lines), summary.py (counts and roll-ups), live.py (a report from live data), json_body.py (the JSON
report without a model per line), publishing.py (frozen reports and diffs), unexecuted.py (decisions
not carried out); the city's calendar and the years with reports are app/periods/. Callers that want
models (CSV, XLSX, HTML) get validated `ReportLine`s; the JSON report gets the same bytes without
them.
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from app.access import Principal
from app.assignments.models import StatusUpdate
from app.assignments.vocabulary import FINISHED_STATUSES
from app.documents.schemas import DocumentRef
from app.documents.service import (
    current_plan_document,
    get_document,
    latest_document,
    plan_document_for_year,
)
from app.errors import ConflictError
from app.periods.service import ReportingPeriod, ReportWindow, load_calendar
from app.reports.json_body import Lines, report_json
from app.reports.links import report_links
from app.reports.live import Keep, default_report, live_report, period_ref, with_lines
from app.reports.models import PublishedReport
from app.reports.names import filter_names
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
from app.rounds.service import RoundProgress, round_progress


def _period_read(period: ReportingPeriod, published: PublishedReport | None, today: date) -> PeriodRead:
    return PeriodRead(
        **period_ref(period).model_dump(),
        previous_cutoff=period.window.previous_cutoff,
        next_cutoff=period.window.next_cutoff,
        state="published" if published else "open",
        due=period.cutoff < today,
        published=publication(published) if published else None,
        links=report_links(period.year, period.key),
    )


def list_periods(session: Session, *, today: date, year: int | None = None) -> list[PeriodRead]:
    """Every reporting period there are reports for (or those of one year), in cut-off order."""
    published = publications(session)
    return [
        _period_read(period, published.get((period.year, period.key)), today)
        for period in load_calendar(session, today=today).periods()
        if year is None or period.year == year
    ]


def _period_report(
    session: Session, period: ReportingPeriod, filters: ReportFilters, timezone: str, keep: Keep
) -> tuple[ReportResponse, Lines]:
    """A period's report: frozen once published (with how live data now differs), else live.
    A filtered report is always live."""
    published = published_row(session, period)
    if published is None or not filters.is_default:
        live, lines = live_report(
            session, period.window, filters=filters, timezone=timezone, period=period, keep=keep
        )
        return report_response(live, published), lines
    report, frozen = frozen_report(session, published)
    return report_response(
        report, published, frozen_diff(session, frozen, window=period.window, timezone=timezone)
    ), frozen


def period_report(
    session: Session, year: int, key: str, *, filters: ReportFilters, timezone: str, today: date
) -> ReportResponse:
    """The report of a period with its lines as models (for CSV, XLSX and HTML)."""
    period = load_calendar(session, today=today).find(year, key)
    return with_lines(*_period_report(session, period, filters, timezone, Keep.VALUES))


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
    session: Session, year: int, key: str, *, filters: ReportFilters, timezone: str, today: date
) -> bytes:
    """`period_report` as JSON: the same bytes, made without a model per line."""
    with _cycle_collector_paused():
        period = load_calendar(session, today=today).find(year, key)
        report, lines = _period_report(session, period, filters, timezone, Keep.JSON)
        return report_json(report, lines.bodies())


def publish_report(
    session: Session, year: int, key: str, *, actor: Principal, timezone: str, today: date
) -> bytes:
    """Freeze the period's default report as it is now; returns it as the report endpoint now gives
    it (JSON). Only once its cut-off has passed, and only once."""
    period = load_calendar(session, today=today).find(year, key)
    if period.cutoff >= today:
        raise ConflictError(
            f"{period.key} {period.year} cannot be published before its cut-off {period.cutoff} has passed."
        )
    report, bodies = publish(session, period, actor=actor, timezone=timezone, today=today)
    return report_json(report, bodies)


def _default_report(
    session: Session, period: ReportingPeriod, timezone: str
) -> tuple[Report, PublishedReport | None]:
    """The period's default report as the report endpoint gives it: frozen once published."""
    published = published_row(session, period)
    if published is not None:
        return with_lines(*frozen_report(session, published)), published
    return with_lines(*default_report(session, period, timezone=timezone, keep=Keep.VALUES)), None


def compare_reports(
    session: Session,
    year: int,
    key: str,
    *,
    timezone: str,
    today: date,
    with_year: int | None = None,
    with_period: str | None = None,
) -> ReportComparison:
    """How a period's report differs from an earlier one's (each frozen if published): the previous
    period's, or the one named (across years: T1 2016 with the annual report of 2015)."""
    calendar = load_calendar(session, today=today)
    period = calendar.find(year, key)
    earlier = (
        calendar.find(with_year or year, with_period or key)
        if with_year is not None or with_period is not None
        else calendar.previous(period)
    )
    current_report, current_published = _default_report(session, period, timezone)
    previous_report, previous_published = _default_report(session, earlier, timezone)
    return ReportComparison(
        previous=period_ref(earlier),
        previous_source="published" if previous_published else "live",
        current=period_ref(period),
        current_source="published" if current_published else "live",
        diff=diff_reports(previous_report, current_report),
    )


def _summary_of(
    session: Session, period: ReportingPeriod, published: PublishedReport | None, timezone: str
) -> ReportSummary:
    if published:
        return ReportSummary.model_validate(published.snapshot["summary"])
    report, _lines = default_report(session, period, timezone=timezone, keep=Keep.NOTHING)
    return report.summary


def plan_trajectory(
    session: Session, *, timezone: str, today: date, document_id: int | None = None
) -> PlanTrajectory:
    """Counts per period across a plan period (the given document's, else the latest plan's), for a
    burn-up chart; published periods count as frozen, periods still to come are empty."""
    document = get_document(session, document_id) if document_id else current_plan_document(session)
    start, end = document.plan_start_year, document.plan_end_year
    if start is None or end is None:
        raise ConflictError(f"Document {document.id} has no plan period.")
    published = publications(session)
    points = []
    for period in load_calendar(session, today=today).periods():
        if not start <= period.year <= end:
            continue
        if period.cutoff >= today:
            points.append(TrajectoryPoint(period=period_ref(period)))
            continue
        row = published.get((period.year, period.key))
        summary = _summary_of(session, period, row, timezone)
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
        document=DocumentRef.model_validate(document), plan_start_year=start, plan_end_year=end, points=points
    )


def plan_trend(session: Session, year: int, *, timezone: str, today: date) -> PlanTrajectory | None:
    """The trajectory of the plan in force in `year` (else of the latest plan), for the trend on
    the dashboard and report pages; none when no document has a plan period."""
    document = plan_document_for_year(session, year) or latest_document(session)
    if document is None:
        return None
    return plan_trajectory(session, timezone=timezone, today=today, document_id=document.id)


@dataclass(frozen=True)
class ReportPageContext:
    """What a report's page (HTML, PDF) shows beside the report: the trend over the plan's periods,
    the names of what its filters point at, and how far the period's reporting round has come."""

    trend: PlanTrajectory | None
    filter_names: dict[str, str]
    round_progress: RoundProgress | None


def report_page_context(
    session: Session, report: ReportResponse, *, timezone: str, today: date
) -> ReportPageContext:
    period = report.period
    reporting = load_calendar(session, today=today).find(period.year, period.period) if period else None
    return ReportPageContext(
        trend=plan_trend(session, period.year, timezone=timezone, today=today) if period else None,
        filter_names=filter_names(session, report.filters),
        round_progress=round_progress(session, period=reporting, today=today, timezone=timezone)
        if reporting
        else None,
    )


# --- the dashboard ------------------------------------------------------------------------------

DashboardReason = Literal["chosen", "current", "latest_with_assignments", "no_assignments"]


@dataclass(frozen=True)
class DashboardView:
    """What the dashboard shows: a period's report, which period and why, and every period."""

    period: ReportingPeriod
    reason: DashboardReason
    report: Report
    periods: list[PeriodRead]


def _report_for(session: Session, period: ReportingPeriod, today: date, timezone: str) -> Report:
    """A period's report as the dashboard shows it: as of today while the period is running, else as
    the report endpoint gives it (frozen once published)."""
    if period.window.previous_cutoff < today < period.cutoff:
        window = ReportWindow(period.window.previous_cutoff, today, period.cutoff)
        return with_lines(
            *live_report(session, window, filters=ReportFilters(), timezone=timezone, period=period)
        )
    report, _published = _default_report(session, period, timezone)
    return report


def _latest_finish_year(session: Session, before: date) -> int | None:
    """The latest year in which an assignment's work was finished (before `before`): an assignment is
    in its year's reports up to the annual one, so that year's last report is the latest with any."""
    finished = [status.value for status in FINISHED_STATUSES]
    year = session.scalar(
        select(func.max(extract("year", StatusUpdate.effective_date))).where(
            StatusUpdate.status.in_(finished), StatusUpdate.effective_date < before
        )
    )
    return None if year is None else int(year)


def dashboard_view(
    session: Session, *, timezone: str, today: date, year: int | None = None, key: str | None = None
) -> DashboardView:
    """The dashboard's period: the one chosen; else the current period if any assignment is in it;
    else the latest period that has assignments (going back from today)."""
    calendar = load_calendar(session, today=today)
    periods = list_periods(session, today=today)
    if year is not None or key is not None:
        period = calendar.find(year or today.year, key or calendar.entries[0].key)
        return DashboardView(period, "chosen", _report_for(session, period, today, timezone), periods)
    current = calendar.period_of(today)
    report = _report_for(session, current, today, timezone)
    if report.assignments:
        return DashboardView(current, "current", report, periods)
    year = _latest_finish_year(session, current.window.previous_cutoff)
    if year is not None and year >= calendar.first_year:
        latest = calendar.find(year, calendar.entries[-1].key)
        past = _report_for(session, latest, today, timezone)
        if past.assignments:
            return DashboardView(latest, "latest_with_assignments", past, periods)
    return DashboardView(current, "no_assignments", report, periods)
