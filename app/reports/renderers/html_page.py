"""Printable HTML pages: a period's report and the managers' dashboard.

Jinja2 templates (autoescaped) with inline CSS and server-drawn SVG charts; nothing is loaded from
elsewhere and no script runs.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from app.reports.links import report_links
from app.reports.renderers.charts import deadline_timeline, owner_chart, status_chart
from app.reports.renderers.labels import Labels
from app.reports.renderers.tables import UNEXECUTED_COLUMNS, Cell, change_value, columns, summary_sections
from app.reports.schemas import Format, PeriodRead, Report, ReportResponse, UnexecutedList

_environment = Environment(
    loader=PackageLoader("app.reports", "templates"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

# The assignment table of a page: the detail columns that fit on paper and a phone.
PAGE_COLUMNS = columns(
    "reference", "title", "owner", "deadline_latest", "status", "progress", "assessment",
    "traffic_light", "overdue", "updated_in_period", "comment", "changes",
)  # fmt: skip


# The oldest decisions not carried out, as the dashboard lists them.
DASHBOARD_UNEXECUTED = tuple(
    column
    for column in UNEXECUTED_COLUMNS
    if column.heading
    in ("reference", "title", "decided_by", "decision_date", "days_since_decision", "owner", "status")
)


def _cell_text(t: Labels) -> Any:
    """A filter that writes a table cell as the reader expects: decimal comma in Swedish, ISO dates."""

    def cell_text(value: Cell) -> str:
        if value is None:
            return t("none")
        if isinstance(value, datetime):
            return t.moment(value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, float | Decimal):
            text = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
            return text.replace(".", ",") if t.lang == "sv" else text
        return str(value)

    return cell_text


def _render(template: str, report: Report, t: Labels, today: date, **context: Any) -> bytes:
    return (
        _environment.get_template(template)
        .render(
            report=report,
            t=t,
            today=today,
            cell=_cell_text(t),
            change=lambda name, value: change_value(name, value, t),
            sections=summary_sections(report, t),
            columns=PAGE_COLUMNS,
            status_chart=status_chart(report, t),
            owner_chart=owner_chart(report, t),
            timeline=deadline_timeline(report, t, today),
            **context,
        )
        .encode("utf-8")
    )


def render_report_page(report: ReportResponse, t: Labels, today: date) -> bytes:
    links = report_links(report.period.year, report.period.period) if report.period else {}
    return _render("report.html", report, t, today, links=links)


def render_dashboard(
    report: Report, periods: list[PeriodRead], t: Labels, today: date, **context: Any
) -> bytes:
    return _render(
        "dashboard.html",
        report,
        t,
        today,
        periods=periods,
        unexecuted_columns=DASHBOARD_UNEXECUTED,
        **context,
    )


def render_unexecuted_page(listing: UnexecutedList, t: Labels, links: dict[Format, str]) -> bytes:
    filters = listing.filters.model_dump(exclude_none=True, exclude={"as_of"})
    filters_text = ", ".join(f"{t(name)}: {value}" for name, value in filters.items())
    return (
        _environment.get_template("unexecuted.html")
        .render(
            listing=listing,
            t=t,
            cell=_cell_text(t),
            columns=UNEXECUTED_COLUMNS,
            links=links,
            filters_text=filters_text,
        )
        .encode("utf-8")
    )
