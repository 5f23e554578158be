"""Printable HTML pages: a period's report and the managers' dashboard.

Jinja2 templates (autoescaped) with inline CSS and server-drawn SVG charts; nothing is loaded from
elsewhere and no script runs.
"""

from datetime import date
from typing import Any

from jinja2 import Environment, StrictUndefined, select_autoescape

from app.documents.models import Origin
from app.formats import Format
from app.page_frame import PageFrame, cell_text, layout_loader
from app.reports.links import report_links
from app.reports.renderers.charts import deadline_timeline, owner_chart, status_chart
from app.reports.renderers.labels import Labels
from app.reports.renderers.tables import (
    UNEXECUTED_COLUMNS,
    change_value,
    columns,
    summary_sections,
)
from app.reports.renderers.trend import trend_chart, trend_section
from app.reports.schemas import PeriodRead, PeriodRef, PlanTrajectory, Report, ReportResponse, UnexecutedList
from app.reports.service import ReportPageContext
from app.rounds.renderers import round_page

_environment = Environment(
    loader=layout_loader("app.reports"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

# The dashboard's lists (overdue, due soon): what a manager acts on, fitting a laptop's width.
LIST_COLUMNS = columns(
    "reference", "title", "owner", "deadline_latest", "status", "progress", "traffic_light",
    "updated_in_period", "comment",
)  # fmt: skip
# The assignment table of a report page: the detail columns that fit on paper and a laptop (on a
# phone each row is a block of labelled cells). Overdue shows beside the deadline.
PAGE_COLUMNS = columns(
    "reference", "title", "owner", "deadline_latest", "status", "progress", "assessment",
    "traffic_light", "comment", "changes",
)  # fmt: skip


# The oldest decisions not carried out, as the dashboard lists them.
DASHBOARD_UNEXECUTED = columns(
    "reference", "title", "decided_by", "decision_date", "days_since_decision", "owner", "status",
    among=UNEXECUTED_COLUMNS,
)  # fmt: skip
# The page of decisions not carried out: what fits on paper and a laptop (every column is in the CSV
# and XLSX). Overdue shows beside the deadline.
UNEXECUTED_PAGE_COLUMNS = columns(
    "reference", "title", "decided_by", "decision_date", "days_since_decision", "days_since_update",
    "owner", "status", "deadline_latest", among=UNEXECUTED_COLUMNS,
)  # fmt: skip


def _render(
    template: str,
    report: Report,
    t: Labels,
    today: date,
    frame: PageFrame,
    trend: PlanTrajectory | None,
    shown: PeriodRef | None,
    **context: Any,
) -> bytes:
    return (
        _environment.get_template(template)
        .render(
            report=report,
            t=t,
            frame=frame,
            today=today,
            cell=cell_text(t),
            change=lambda name, value: change_value(name, value, t),
            sections=summary_sections(report, t),
            columns=PAGE_COLUMNS,
            list_columns=LIST_COLUMNS,
            status_chart=status_chart(report, t),
            owner_chart=owner_chart(report, t),
            timeline=deadline_timeline(report, t, today),
            trend=trend_chart(trend, t, shown) if trend else None,
            trend_table=trend_section(trend, t) if trend else None,
            shown=shown,
            **context,
        )
        .encode("utf-8")
    )


def render_report_page(
    report: ReportResponse, t: Labels, today: date, frame: PageFrame, page: ReportPageContext
) -> bytes:
    period = report.period
    links = report_links(period.year, period.period) if period else {}
    round_href = round_page(period.year, period.period) if period else None
    return _render(
        "report.html",
        report,
        t,
        today,
        frame,
        page.trend,
        period,
        links=links,
        round_href=round_href,
        round_progress=page.round_progress,
        filters_text=report_filters_text(report, page.filter_names, t),
    )


def render_dashboard(
    report: Report,
    periods: list[PeriodRead],
    t: Labels,
    today: date,
    frame: PageFrame,
    *,
    trend: PlanTrajectory | None,
    shown: PeriodRef,
    **context: Any,
) -> bytes:
    return _render(
        "dashboard.html",
        report,
        t,
        today,
        frame,
        trend,
        shown,
        periods=periods,
        unexecuted_columns=DASHBOARD_UNEXECUTED,
        **context,
    )


def report_filters_text(report: Report, names: dict[str, str], t: Labels) -> str:
    """A report's selection in words ("Antagna uppdrag, ansvarig: Stadsledningskontoret med
    underliggande enheter"); `names` names what the filters point at (app/reports/names.py)."""
    filters = report.filters
    if filters.is_default:
        return t("default_filters")
    origins = filters.origins
    parts = [
        t("adopted_assignments")
        if origins == [Origin.ADOPTED]
        else t("origins_filter", origins=", ".join(t.value(origin) for origin in origins))
    ]
    for field in ("owner", "goal"):
        if field in names:
            parts.append(t(f"{field}_filter", name=names[field]))
    if filters.kind:
        parts.append(t("kind_filter", kinds=", ".join(t.value(kind) for kind in filters.kind)))
    if report.document:
        parts.append(t("document_filter", name=report.document.title))
    if "decided_by" in names:
        parts.append(t("decided_by_filter", name=names["decided_by"]))
    return ", ".join(parts)


def unexecuted_filters_text(listing: UnexecutedList, t: Labels) -> str:
    """The list's filters as a reader reads them ("Beslutat av: KF"); empty when there are none."""
    filters = listing.filters.model_dump(exclude_none=True, exclude={"as_of"})
    return ", ".join(f"{t(name)}: {value}" for name, value in filters.items())


def render_unexecuted_page(
    listing: UnexecutedList, t: Labels, links: dict[Format, str], frame: PageFrame
) -> bytes:
    return (
        _environment.get_template("unexecuted.html")
        .render(
            listing=listing,
            t=t,
            frame=frame,
            cell=cell_text(t),
            columns=UNEXECUTED_PAGE_COLUMNS,
            links=links,
            filters_text=unexecuted_filters_text(listing, t),
        )
        .encode("utf-8")
    )
