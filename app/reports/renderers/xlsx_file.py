"""An XLSX workbook: a summary sheet and a detail sheet with real dates and numbers, the header row
frozen, filters on and columns sized to their content (app/spreadsheets.py)."""

from collections.abc import Sequence
from typing import Any

from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from app.reports.renderers.labels import Labels
from app.reports.renderers.tables import DETAIL_COLUMNS, Column, Section, summary_sections
from app.reports.schemas import Report
from app.spreadsheets import (
    BOLD,
    Cell,
    new_workbook,
    put_cell,
    size_columns,
    workbook_bytes,
    write_facts,
    write_header,
    write_table,
)


def _write_section(sheet: Worksheet, row: int, section: Section, t: Labels) -> int:
    """Write a titled table from `row`; returns the first row after it and a blank line."""
    put_cell(sheet, row, 1, section.title, t.zone).font = BOLD
    write_header(sheet, row + 1, section.headings, t.zone)
    row += 2
    for section_row in section.rows:
        for column, value in enumerate(section_row.cells, start=1):
            put_cell(sheet, row, column, value, t.zone)
        sheet.cell(row=row, column=1).alignment = Alignment(indent=section_row.level)
        row += 1
    return row + 1


def _write_summary(sheet: Worksheet, report: Report, t: Labels) -> None:
    title = t.period_name(report.period) if report.period else t("dashboard_lead")
    facts: list[tuple[str, Cell]] = [
        (t("cutoff"), report.as_of),
        (t("previous_cutoff"), report.previous_cutoff),
        (t("next_cutoff"), report.next_cutoff),
        (t("generated_at"), report.generated_at),
    ]
    row = write_facts(sheet, f"{title} – {t.subject(report.document)}", facts, t.zone)
    for section in summary_sections(report, t):
        row = _write_section(sheet, row, section, t)
    size_columns(sheet)


def _write_lines(
    sheet: Worksheet, first_row: int, columns: Sequence[Column], lines: Sequence[Any], t: Labels
) -> None:
    """A header row at `first_row` (frozen, with filters), then a row per line."""
    rows = [[column.value(line, t) for column in columns] for line in lines]
    write_table(sheet, first_row, [t(column.heading) for column in columns], rows, t.zone)


def render_xlsx(report: Report, t: Labels) -> bytes:
    book, summary = new_workbook(t("sheet_summary"))
    _write_summary(summary, report, t)
    _write_lines(book.create_sheet(t("sheet_detail")), 1, DETAIL_COLUMNS, report.assignments, t)
    return workbook_bytes(book)


def render_xlsx_list(
    title: str, facts: list[tuple[str, Cell]], columns: Sequence[Column], lines: Sequence[Any], t: Labels
) -> bytes:
    """One sheet: a title, a few facts (heading key, value), then a table of the lines."""
    book, sheet = new_workbook(t("sheet_detail"))
    first_row = write_facts(sheet, title, [(t(key), value) for key, value in facts], t.zone)
    _write_lines(sheet, first_row, columns, lines, t)
    return workbook_bytes(book)
