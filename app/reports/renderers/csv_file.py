"""A report's lines as CSV for Swedish Excel (app/spreadsheets.py): one row per assignment."""

from collections.abc import Sequence
from typing import Any

from app.reports.renderers.labels import Labels
from app.reports.renderers.tables import DETAIL_COLUMNS, Column
from app.reports.schemas import Report
from app.spreadsheets import csv_table


def render_csv_table(columns: Sequence[Column], lines: Sequence[Any], t: Labels) -> bytes:
    """A row of headings, then a row per line."""
    rows = ([column.value(line, t) for column in columns] for line in lines)
    return csv_table([t(column.heading) for column in columns], rows, t.zone)


def render_csv(report: Report, t: Labels) -> bytes:
    """One row per assignment of the report."""
    return render_csv_table(DETAIL_COLUMNS, report.assignments, t)
