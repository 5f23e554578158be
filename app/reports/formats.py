"""Rendering a report in the format asked for (chosen by app/formats.py).

Every format renders the same report model: JSON is the model itself, CSV and XLSX are for Excel,
HTML is a printable page with inline SVG charts, PDF is that page laid out for paper (app/pdf.py).
"""

from datetime import date

from fastapi import Response

from app.formats import Format, file_response, json_response
from app.page_frame import PageFrame
from app.pdf import page_pdf
from app.reports.links import unexecuted_links
from app.reports.renderers.csv_file import render_csv, render_csv_table
from app.reports.renderers.html_page import (
    render_report_page,
    render_unexecuted_page,
    unexecuted_filters_text,
)
from app.reports.renderers.labels import Labels
from app.reports.renderers.tables import UNEXECUTED_COLUMNS, Cell
from app.reports.renderers.xlsx_file import render_xlsx, render_xlsx_list
from app.reports.schemas import ReportResponse, UnexecutedList
from app.reports.service import ReportPageContext


def _filename(report: ReportResponse, format_: Format) -> str:
    name = f"{report.period.year}-{report.period.period}" if report.period else report.as_of.isoformat()
    return f"uppdrag-{name}.{format_}"


def render(
    report: ReportResponse,
    format_: Format,
    labels: Labels,
    today: date,
    frame: PageFrame,
    page: ReportPageContext | None = None,
) -> Response:
    """The report as an HTTP response in the format; CSV, XLSX and PDF come as downloads. The page
    (HTML, PDF) shows what `page` holds beside the report (the trend over the plan's periods, the
    names its selection points at, the round's progress)."""
    if format_ is Format.JSON:
        return json_response(report.model_dump_json().encode())
    if format_ is Format.CSV:
        body = render_csv(report, labels)
    elif format_ is Format.XLSX:
        body = render_xlsx(report, labels)
    else:
        context = page or ReportPageContext(trend=None, filter_names={}, round_progress=None)
        body = render_report_page(report, labels, today, frame, context)
        body = page_pdf(body, labels.lang) if format_ is Format.PDF else body
    return file_response(body, format_, _filename(report, format_))


def render_unexecuted(
    listing: UnexecutedList, format_: Format, labels: Labels, query: str, frame: PageFrame
) -> Response:
    """The list of decisions not carried out as an HTTP response in a format other than JSON."""
    if format_ is Format.CSV:
        body = render_csv_table(UNEXECUTED_COLUMNS, listing.assignments, labels)
    elif format_ is Format.XLSX:
        facts: list[tuple[str, Cell]] = [
            ("as_of", listing.as_of),
            ("filters", unexecuted_filters_text(listing, labels) or labels("all")),
            ("generated_at", listing.generated_at),
        ]
        body = render_xlsx_list(labels("unexecuted"), facts, UNEXECUTED_COLUMNS, listing.assignments, labels)
    else:
        body = render_unexecuted_page(listing, labels, unexecuted_links(query), frame)
        body = page_pdf(body, labels.lang) if format_ is Format.PDF else body
    return file_response(body, format_, f"uppdrag-ej-verkstallda-{listing.as_of.isoformat()}.{format_}")
