"""An XLSX workbook: a summary sheet and a detail sheet with real dates and numbers, the header row
frozen, filters on and columns sized to their content."""

import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell as SheetCell
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.reports.renderers.labels import Labels
from app.reports.renderers.tables import DETAIL_COLUMNS, Cell, Column, Section, summary_sections
from app.reports.schemas import Report

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
DATE_FORMAT = "yyyy-mm-dd"
MOMENT_FORMAT = "yyyy-mm-dd hh:mm"
MAX_WIDTH = 60


def _put(sheet: Worksheet, row: int, column: int, value: Cell, t: Labels) -> SheetCell | MergedCell:
    """Write one typed cell: dates as dates (local time, as Excel has no time zones), text as text."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, datetime):
        cell.value = value.astimezone(t.zone).replace(tzinfo=None)
        cell.number_format = MOMENT_FORMAT
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    else:
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def _size_columns(sheet: Worksheet) -> None:
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is not None and isinstance(cell.column, int):
                length = 10 if isinstance(cell.value, date) else len(str(cell.value))
                widths[cell.column] = max(widths.get(cell.column, 0), length)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, MAX_WIDTH)


def _write_header(sheet: Worksheet, row: int, headings: list[str], t: Labels) -> None:
    for column, heading in enumerate(headings, start=1):
        _put(sheet, row, column, heading, t).font = BOLD


def _write_section(sheet: Worksheet, row: int, section: Section, t: Labels) -> int:
    """Write a titled table from `row`; returns the first row after it and a blank line."""
    _put(sheet, row, 1, section.title, t).font = BOLD
    _write_header(sheet, row + 1, section.headings, t)
    row += 2
    for section_row in section.rows:
        for column, value in enumerate(section_row.cells, start=1):
            _put(sheet, row, column, value, t)
        sheet.cell(row=row, column=1).alignment = Alignment(indent=section_row.level)
        row += 1
    return row + 1


def _write_summary(sheet: Worksheet, report: Report, t: Labels) -> None:
    title = t.period_name(report.period) if report.period else t("dashboard_lead")
    _put(sheet, 1, 1, f"{title} – {t.subject(report.document)}", t).font = TITLE
    facts: list[tuple[str, Cell]] = [
        ("cutoff", report.as_of),
        ("previous_cutoff", report.previous_cutoff),
        ("next_cutoff", report.next_cutoff),
        ("generated_at", report.generated_at),
    ]
    for row, (key, value) in enumerate(facts, start=2):
        _put(sheet, row, 1, t(key), t).font = BOLD
        _put(sheet, row, 2, value, t)
    row = len(facts) + 3
    for section in summary_sections(report, t):
        row = _write_section(sheet, row, section, t)
    _size_columns(sheet)


def _write_lines(
    sheet: Worksheet, first_row: int, columns: Sequence[Column], lines: Sequence[Any], t: Labels
) -> None:
    """A header row at `first_row` (frozen, with filters), then a row per line."""
    _write_header(sheet, first_row, [t(column.heading) for column in columns], t)
    for row, line in enumerate(lines, start=first_row + 1):
        for column, definition in enumerate(columns, start=1):
            _put(sheet, row, column, definition.value(line, t), t)
    sheet.freeze_panes = f"A{first_row + 1}"
    sheet.auto_filter.ref = (
        f"A{first_row}:{get_column_letter(len(columns))}{max(first_row, first_row + len(lines))}"
    )
    _size_columns(sheet)


def render_xlsx(report: Report, t: Labels) -> bytes:
    book = Workbook()
    summary = book.active
    assert summary is not None  # a new workbook has one sheet
    summary.title = t("sheet_summary")
    _write_summary(summary, report, t)
    _write_lines(book.create_sheet(t("sheet_detail")), 1, DETAIL_COLUMNS, report.assignments, t)
    return _saved(book)


def _saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render_xlsx_list(
    title: str, facts: list[tuple[str, Cell]], columns: Sequence[Column], lines: Sequence[Any], t: Labels
) -> bytes:
    """One sheet: a title, a few facts (heading, value), then a table of the lines."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = t("sheet_detail")
    _put(sheet, 1, 1, title, t).font = TITLE
    for row, (key, value) in enumerate(facts, start=2):
        _put(sheet, row, 1, t(key), t).font = BOLD
        _put(sheet, row, 2, value, t)
    _write_lines(sheet, len(facts) + 3, columns, lines, t)
    return _saved(book)
