"""Tables for Excel: CSV that Swedish Excel opens directly, and XLSX sheets with real dates and
numbers. Plumbing: callers give headings already in the reader's language and rows of typed cells.

CSV: UTF-8 with a byte order mark, `;` between fields, decimal comma, ISO dates, timestamps in the
service's time zone to the minute. XLSX: the header row bold and frozen, filters on, columns sized to
their content, text never read as a formula.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import Cell as SheetCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

Cell = str | int | float | Decimal | date | datetime | None

BYTE_ORDER_MARK = "\ufeff"
# Excel runs a cell that starts with one of these as a formula; such text gets a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
DATE_FORMAT = "yyyy-mm-dd"
# What stands in an XLSX cell for a control character, which XML (and so XLSX) cannot hold.
REPLACEMENT_CHARACTER = "\ufffd"
MOMENT_FORMAT = "yyyy-mm-dd hh:mm"
MAX_WIDTH = 60


def local_moment(instant: datetime, zone: ZoneInfo) -> str:
    """A timestamp in the service's time zone, to the minute."""
    return instant.astimezone(zone).strftime("%Y-%m-%d %H:%M")


# --- CSV --------------------------------------------------------------------------------------


def excel_text(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_field(value: Cell, zone: ZoneInfo) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_moment(value, zone)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f").replace(".", ",")
    if isinstance(value, float):
        return str(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return excel_text(value)


def csv_table(headings: Sequence[str], rows: Iterable[Sequence[Cell]], zone: ZoneInfo) -> bytes:
    """A row of headings, then the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headings)
    for row in rows:
        writer.writerow([csv_field(value, zone) for value in row])
    return (BYTE_ORDER_MARK + buffer.getvalue()).encode("utf-8")


# --- XLSX -------------------------------------------------------------------------------------


def put_cell(sheet: Worksheet, row: int, column: int, value: Cell, zone: ZoneInfo) -> SheetCell | MergedCell:
    """Write one typed cell: dates as dates (local time, as Excel has no time zones), text as text."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, datetime):
        cell.value = value.astimezone(zone).replace(tzinfo=None)
        cell.number_format = MOMENT_FORMAT
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT_CHARACTER, value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
    else:
        cell.value = value
    return cell


def size_columns(sheet: Worksheet) -> None:
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is not None and isinstance(cell.column, int):
                length = 10 if isinstance(cell.value, date) else len(str(cell.value))
                widths[cell.column] = max(widths.get(cell.column, 0), length)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, MAX_WIDTH)


def write_header(sheet: Worksheet, row: int, headings: Sequence[str], zone: ZoneInfo) -> None:
    for column, heading in enumerate(headings, start=1):
        put_cell(sheet, row, column, heading, zone).font = BOLD


def write_facts(sheet: Worksheet, title: str, facts: Sequence[tuple[str, Cell]], zone: ZoneInfo) -> int:
    """A title in the first row, then a row per fact (heading, value); returns the next free row
    after a blank one."""
    put_cell(sheet, 1, 1, title, zone).font = TITLE
    for row, (heading, value) in enumerate(facts, start=2):
        put_cell(sheet, row, 1, heading, zone).font = BOLD
        put_cell(sheet, row, 2, value, zone)
    return len(facts) + 3


def write_table(
    sheet: Worksheet, first_row: int, headings: Sequence[str], rows: Sequence[Sequence[Cell]], zone: ZoneInfo
) -> None:
    """A header row at `first_row` (frozen, with filters), then the rows."""
    write_header(sheet, first_row, headings, zone)
    for row_number, row in enumerate(rows, start=first_row + 1):
        for column, value in enumerate(row, start=1):
            put_cell(sheet, row_number, column, value, zone)
    sheet.freeze_panes = f"A{first_row + 1}"
    last_row = max(first_row, first_row + len(rows))
    sheet.auto_filter.ref = f"A{first_row}:{get_column_letter(max(1, len(headings)))}{last_row}"
    size_columns(sheet)


def new_workbook(first_sheet_title: str) -> tuple[Workbook, Worksheet]:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = first_sheet_title
    return book, sheet


def workbook_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
