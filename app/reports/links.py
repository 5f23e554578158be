"""Where a period's report is, in each format (for the period list, the dashboard and report pages)."""

from app.formats import Format

REPORTS_PATH = "/api/v1/reports"


def report_links(year: int, period: str) -> dict[Format, str]:
    return {format_: f"{REPORTS_PATH}/{year}/{period}?format={format_}" for format_ in Format}


UNEXECUTED_PATH = f"{REPORTS_PATH}/unexecuted"


def unexecuted_links(query: str = "") -> dict[Format, str]:
    """The list of decisions not carried out in each format; `query` the filters' query string."""
    extra = f"&{query}" if query else ""
    return {format_: f"{UNEXECUTED_PATH}?format={format_}{extra}" for format_ in Format}
