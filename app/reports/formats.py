"""Formats of a report: choosing one from `?format=` or the Accept header, and rendering it.

Every format renders the same report model: JSON is the model itself, CSV and XLSX are for Excel,
HTML is a printable page with inline SVG charts.
"""

from collections.abc import Callable
from datetime import date

from fastapi import Response

from app.errors import ProblemError
from app.page_frame import PageFrame
from app.reports.links import unexecuted_links
from app.reports.renderers.csv_file import render_csv, render_csv_table
from app.reports.renderers.html_page import render_report_page, render_unexecuted_page
from app.reports.renderers.labels import Labels
from app.reports.renderers.tables import UNEXECUTED_COLUMNS, Cell
from app.reports.renderers.xlsx_file import render_xlsx, render_xlsx_list
from app.reports.schemas import Format, ReportResponse, UnexecutedList

MEDIA_TYPES = {
    Format.JSON: "application/json",
    Format.CSV: "text/csv",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Format.HTML: "text/html",
}
# A wildcard picks the first format of its kind: application/* is JSON, text/* is HTML.
_WILDCARDS = {"*/*": Format.JSON, "application/*": Format.JSON, "text/*": Format.HTML}
_BY_MEDIA_TYPE = {media_type: format_ for format_, media_type in MEDIA_TYPES.items()} | _WILDCARDS


class NotAcceptableError(ProblemError):
    status = 406
    problem_type = "not-acceptable"


def _accepted(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their quality, best first (ties in header order)."""
    ranges = []
    for part in accept.split(","):
        media_range, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((media_range.lower(), quality))
    return sorted(ranges, key=lambda item: -item[1])


def negotiate(requested: Format | None, accept: str | None) -> Format:
    """`?format=` wins; else the best supported type in Accept; no Accept at all means JSON."""
    if requested is not None:
        return requested
    if not accept:
        return Format.JSON
    for media_range, quality in _accepted(accept):
        if quality > 0 and media_range in _BY_MEDIA_TYPE:
            return _BY_MEDIA_TYPE[media_range]
    raise NotAcceptableError(
        "None of the accepted media types is available; ask for one of " + ", ".join(MEDIA_TYPES.values()),
    )


def _filename(report: ReportResponse, format_: Format) -> str:
    name = f"{report.period.year}-{report.period.period}" if report.period else report.as_of.isoformat()
    return f"uppdrag-{name}.{format_}"


_RENDERERS: dict[Format, Callable[[ReportResponse, Labels, date, PageFrame], bytes]] = {
    Format.CSV: lambda report, labels, _today, _frame: render_csv(report, labels),
    Format.XLSX: lambda report, labels, _today, _frame: render_xlsx(report, labels),
    Format.HTML: render_report_page,
}


def json_response(body: bytes) -> Response:
    """A report already serialised as JSON (app/reports/service.py makes it without a model per line)."""
    return Response(body, media_type=MEDIA_TYPES[Format.JSON], headers={"Vary": "Accept"})


def _file_response(body: bytes, format_: Format, filename: str) -> Response:
    """A rendered file: CSV and XLSX as downloads, HTML as a page (with the service's one
    Content-Security-Policy, set by app/http_middleware.py)."""
    headers = {"Vary": "Accept"}
    if format_ is not Format.HTML:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    media_type = MEDIA_TYPES[format_] + ("; charset=utf-8" if format_ in (Format.CSV, Format.HTML) else "")
    return Response(body, media_type=media_type, headers=headers)


def render(
    report: ReportResponse, format_: Format, labels: Labels, today: date, frame: PageFrame
) -> Response:
    """The report as an HTTP response in the format; CSV and XLSX come as downloads."""
    if format_ is Format.JSON:
        return json_response(report.model_dump_json().encode())
    body = _RENDERERS[format_](report, labels, today, frame)
    return _file_response(body, format_, _filename(report, format_))


def render_unexecuted(
    listing: UnexecutedList, format_: Format, labels: Labels, query: str, frame: PageFrame
) -> Response:
    """The list of decisions not carried out as an HTTP response in a format other than JSON."""
    if format_ is Format.CSV:
        body = render_csv_table(UNEXECUTED_COLUMNS, listing.assignments, labels)
    elif format_ is Format.XLSX:
        facts: list[tuple[str, Cell]] = [("as_of", listing.as_of), ("generated_at", listing.generated_at)]
        body = render_xlsx_list(labels("unexecuted"), facts, UNEXECUTED_COLUMNS, listing.assignments, labels)
    else:
        body = render_unexecuted_page(listing, labels, unexecuted_links(query), frame)
    return _file_response(body, format_, f"uppdrag-ej-verkstallda-{listing.as_of.isoformat()}.{format_}")
