"""Where a period's report is, in each format (for the period list, the dashboard and report pages)."""

from app.reports.schemas import Format

REPORTS_PATH = "/api/v1/reports"


def report_links(year: int, period: str) -> dict[Format, str]:
    return {format_: f"{REPORTS_PATH}/{year}/{period}?format={format_}" for format_ in Format}
