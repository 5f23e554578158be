"""A round's overview and a unit's part as CSV, XLSX (the part's is the form a unit fills in), an
HTML page on the shared frame (app/page_frame.py) and that page as PDF (app/pdf.py); JSON is the
model itself."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import Response
from jinja2 import Environment, StrictUndefined, select_autoescape
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from app.access import FEED_TOKEN_PARAMETER
from app.assignments.vocabulary import Assessment, Status, TrafficLight
from app.formats import Format, file_response
from app.page_frame import PageFrame, cell_text, layout_loader
from app.pdf import page_pdf
from app.rounds.labels import RoundLabels
from app.rounds.schemas import PartRead, RoundOverview, RoundRef
from app.rounds.tables import (
    FORM_COLUMNS,
    OVERVIEW_COLUMNS,
    PART_COLUMNS,
    Column,
    rollup_text,
    transition_text,
)
from app.rounds.vocabulary import PartState
from app.spreadsheets import Cell, csv_table, new_workbook, workbook_bytes, write_facts, write_table

ROUNDS_PATH = "/api/v1/rounds"
FILL_IN = PatternFill("solid", fgColor="FFF2CC")  # the columns a unit fills in: light yellow
FORM_ROWS_SPARE = 50  # validation reaches this many rows below the last, for rows a unit adds

_environment = Environment(
    loader=layout_loader("app.rounds"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def round_path(round_: RoundRef) -> str:
    return f"{ROUNDS_PATH}/{round_.year}/{round_.period}"


def round_page(year: int, period: str, format_: Format = Format.HTML) -> str:
    """The overview page of a period's round, or its PDF (for links from other pages)."""
    return f"{ROUNDS_PATH}/{year}/{period}?format={format_}"


def part_path(round_: RoundRef, unit_key: str) -> str:
    return f"{round_path(round_)}/units/{unit_key}"


def _rows(columns: Sequence[Column], lines: Sequence[Any], t: RoundLabels) -> list[list[Cell]]:
    return [[column.value(line, t) for column in columns] for line in lines]


def _headings(columns: Sequence[Column], t: RoundLabels) -> list[str]:
    return [t(column.key) for column in columns]


def _round_facts(
    round_: RoundRef, as_of: date, generated_at: datetime, t: RoundLabels
) -> list[tuple[str, Cell]]:
    return [
        (t("round_key"), f"{round_.year} {round_.period}"),
        (t("previous_cutoff"), round_.previous_cutoff),
        (t("cutoff"), round_.cutoff),
        (t("due"), round_.due),
        (t("as_of"), as_of),
        (t("generated_at"), generated_at),
    ]


# --- the overview -----------------------------------------------------------------------------


def _overview_xlsx(overview: RoundOverview, t: RoundLabels) -> bytes:
    book, sheet = new_workbook(t("sheet_overview"))
    title = f"{t('round')} {t.round_name(overview.round)}"
    summary = overview.summary
    facts = [
        *_round_facts(overview.round, overview.as_of, overview.generated_at, t),
        (t("summary"), t("ready_of", ready=summary.ready, units=summary.units)),
    ]
    first_row = write_facts(sheet, title, facts, t.zone)
    write_table(
        sheet, first_row, _headings(OVERVIEW_COLUMNS, t), _rows(OVERVIEW_COLUMNS, overview.units, t), t.zone
    )
    return workbook_bytes(book)


def _page(template: str, t: RoundLabels, frame: PageFrame, **context: Any) -> bytes:
    return (
        _environment.get_template(template)
        .render(t=t, frame=frame, cell=cell_text(t), **context)
        .encode("utf-8")
    )


def _format_links(path: str, query: list[tuple[str, str]]) -> dict[Format, str]:
    return {format_: f"{path}?{urlencode([*query, ('format', format_.value)])}" for format_ in Format}


def _filters(frame: PageFrame) -> list[tuple[str, str]]:
    """The page's filters, for links to the same page in other formats (which carry the language
    and a feed token on: `PageFrame.format_links`)."""
    return [(name, value) for name, value in frame.query if name not in ("format", FEED_TOKEN_PARAMETER)]


def render_overview(overview: RoundOverview, format_: Format, t: RoundLabels, frame: PageFrame) -> Response:
    filename = f"uppdrag-omgang-{overview.round.year}-{overview.round.period}.{format_}"
    if format_ is Format.CSV:
        body = csv_table(_headings(OVERVIEW_COLUMNS, t), _rows(OVERVIEW_COLUMNS, overview.units, t), t.zone)
    elif format_ is Format.XLSX:
        body = _overview_xlsx(overview, t)
    else:
        path = round_path(overview.round)
        body = _page(
            "round.html",
            t,
            frame,
            overview=overview,
            states=list(PartState),
            chosen={value for name, value in frame.query if name == "state"},
            links=_format_links(path, _filters(frame)),
            part_href=lambda key: frame.href(part_path(overview.round, key), feed=True),
            rollup=lambda unit: rollup_text(unit, t),
            transition=lambda transition: transition_text(transition, t),
        )
    return file_response(_printed(body, format_, t), format_, filename)


def _printed(page: bytes, format_: Format, t: RoundLabels) -> bytes:
    """The page as asked for: as it is (HTML), or as PDF."""
    return page_pdf(page, t.lang) if format_ is Format.PDF else page


# --- a unit's part ----------------------------------------------------------------------------


def _choices(values: Sequence[str], t: RoundLabels) -> str:
    return '"' + ",".join(t.value(value) for value in values) + '"'


def _add_validation(sheet: Worksheet, header_row: int, last_row: int, t: RoundLabels) -> None:
    """Lists of the vocabulary's labels (and a whole number 0–100 for progress) in the fill-in columns."""
    first_fill = len(PART_COLUMNS) + 1
    rules = {
        "new_status": DataValidation(type="list", formula1=_choices(list(Status), t), allow_blank=True),
        "new_progress": DataValidation(
            type="whole", operator="between", formula1="0", formula2="100", allow_blank=True
        ),
        "new_assessment": DataValidation(
            type="list", formula1=_choices(list(Assessment), t), allow_blank=True
        ),
        "new_traffic_light": DataValidation(
            type="list", formula1=_choices(list(TrafficLight), t), allow_blank=True
        ),
    }
    for offset, column in enumerate(FORM_COLUMNS):
        letter = get_column_letter(first_fill + offset)
        for row in range(header_row, last_row + 1):
            sheet[f"{letter}{row}"].fill = FILL_IN
        rule = rules.get(column.key)
        if rule is not None:
            rule.error = t("form_help")
            rule.showErrorMessage = True
            rule.add(f"{letter}{header_row + 1}:{letter}{last_row}")
            sheet.add_data_validation(rule)


def _part_xlsx(part: PartRead, t: RoundLabels) -> bytes:
    book, sheet = new_workbook(t("sheet_part"))
    title = f"{t('part')} {t.round_name(part.round)} – {part.unit.name}"
    facts = [
        (t("unit_key"), part.unit.key),
        *_round_facts(part.round, part.as_of, part.generated_at, t),
        (t("instructions"), t("form_help")),
    ]
    first_row = write_facts(sheet, title, facts, t.zone)
    columns = (*PART_COLUMNS, *FORM_COLUMNS)
    write_table(sheet, first_row, _headings(columns, t), _rows(columns, part.assignments, t), t.zone)
    _add_validation(sheet, first_row, first_row + len(part.assignments) + FORM_ROWS_SPARE, t)
    return workbook_bytes(book)


def render_part(part: PartRead, format_: Format, t: RoundLabels, frame: PageFrame) -> Response:
    filename = f"uppdrag-rapportering-{part.round.year}-{part.round.period}-{part.unit.key}.{format_}"
    columns = (*PART_COLUMNS, *FORM_COLUMNS)
    if format_ is Format.CSV:
        body = csv_table(_headings(columns, t), _rows(columns, part.assignments, t), t.zone)
    elif format_ is Format.XLSX:
        body = _part_xlsx(part, t)
    else:
        body = _page(
            "part.html",
            t,
            frame,
            part=part,
            links=_format_links(part_path(part.round, part.unit.key), _filters(frame)),
            round_href=frame.href(round_path(part.round), feed=True),
            transition=lambda transition: transition_text(transition, t),
        )
    return file_response(_printed(body, format_, t), format_, filename)
