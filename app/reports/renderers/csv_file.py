"""CSV that Swedish Excel opens directly: UTF-8 with a byte order mark, `;` between fields, decimal
comma, ISO dates, one row per assignment."""

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from app.reports.renderers.labels import Labels
from app.reports.renderers.tables import DETAIL_COLUMNS, Cell, Column
from app.reports.schemas import Report

BYTE_ORDER_MARK = "\ufeff"
# Excel runs a cell that starts with one of these as a formula; such text gets a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def excel_text(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _field(value: Cell, t: Labels) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return t.moment(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f").replace(".", ",")
    if isinstance(value, float):
        return str(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return excel_text(value)


def render_csv_table(columns: Sequence[Column], lines: Sequence[Any], t: Labels) -> bytes:
    """A row of headings, then a row per line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([t(column.heading) for column in columns])
    for line in lines:
        writer.writerow([_field(column.value(line, t), t) for column in columns])
    return (BYTE_ORDER_MARK + buffer.getvalue()).encode("utf-8")


def render_csv(report: Report, t: Labels) -> bytes:
    """One row per assignment of the report."""
    return render_csv_table(DETAIL_COLUMNS, report.assignments, t)
