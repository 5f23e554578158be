"""The Excel round-trip's way back: a unit's filled-in form (the XLSX or CSV the service wrote,
app/rounds/renderers.py) read row by row and written as status updates.

Each row is `accepted`, `unchanged` or `refused` with the reason: an unknown value, a stale version
(the assignment changed since the form was downloaded), a reference not in the unit's part, or the
part already submitted. Accepted rows are written as status updates effective on the round's
reporting day, each checked against its row's version like If-Match, all or nothing: a dry run
(the default) writes them in a savepoint and rolls it back, so that it answers exactly what a real
import would; a real import with a refused row writes nothing. A row that says what the assignment
already says is unchanged, so uploading the same file again writes nothing new.
"""

import csv
import io
import itertools
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Literal

from openpyxl import load_workbook
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.access import Principal
from app.assignments.schemas import StatusUpdateCreate
from app.assignments.status_updates import add_status_update
from app.assignments.vocabulary import LABELS, Assessment, Status, TrafficLight
from app.errors import InvalidInputError, PayloadTooLargeError, ProblemError
from app.rounds.labels import ROUND_LABELS
from app.rounds.schemas import ImportResponse, ImportRowResult, PartAssignment
from app.rounds.service import PartAddress, UnitPart, addressed_part
from app.rounds.tables import FORM_COLUMNS
from app.rounds.transitions import check_may_report
from app.rounds.vocabulary import LOCKED_STATES

MAX_FILE_BYTES = 1024 * 1024  # a unit's form of a thousand assignments is about 100 kB
MAX_ROWS = 20_000  # far more than a unit's part; a file with more is not a form of ours
MAX_UNPACKED_BYTES = 16 * 1024 * 1024  # what a form of 1 MB (MAX_FILE_BYTES) unpacks to, with room
HEADER_SEARCH_ROWS = 40
SHOWN_LENGTH = 60  # the most of a cell's text an answer repeats (a reference is at most 40)
REQUIRED = ("reference", "version", *(column.key for column in FORM_COLUMNS))
XLSX_MAGIC = b"PK\x03\x04"


class ImportRefusedError(ProblemError):
    """A real import with refused rows: nothing was written."""

    status = 422
    problem_type = "import-refused"


def _folded(text: object) -> str:
    return str(text).strip().casefold()


# Headings in either language, folded, to the column's key.
HEADINGS = {_folded(words[key]): key for words in ROUND_LABELS.values() for key in REQUIRED}
UNIT_FACT = {_folded(words["unit_key"]) for words in ROUND_LABELS.values()}
ROUND_FACT = {_folded(words["round_key"]) for words in ROUND_LABELS.values()}


def _vocabulary(values: type[StrEnum]) -> dict[str, StrEnum]:
    """A vocabulary's values by their code and their Swedish and English labels, folded."""
    known: dict[str, StrEnum] = {}
    for value in values:
        known[_folded(value.value)] = value
        for labels in LABELS.values():
            known[_folded(labels[value])] = value
    return known


CHOICES: dict[str, dict[str, StrEnum]] = {
    "new_status": _vocabulary(Status),
    "new_assessment": _vocabulary(Assessment),
    "new_traffic_light": _vocabulary(TrafficLight),
}


# --- reading the file -------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """The file's rows as cell values, with the facts above the table (XLSX only)."""

    rows: list[tuple[int, Sequence[Any]]]  # (the row's number in the file, its cells)
    facts: dict[str, str]


@contextmanager
def _readable_workbook() -> Iterator[None]:
    """Whatever reading a broken workbook raises (openpyxl's, lxml's and ElementTree's own types,
    or an index or key a crafted file lacks) as a 422 naming the file."""
    try:
        yield
    except Exception as error:
        raise InvalidInputError("file", "is not a readable XLSX workbook") from error


def _check_unpacked_size(content: bytes) -> None:
    """Refuse from the ZIP directory alone a workbook that would unpack to more than a form can be
    (a small upload can hold a hundred megabytes of XML). The sizes it declares bound what is read:
    an entry that unpacks to more than its declared size fails its check."""
    with _readable_workbook(), zipfile.ZipFile(io.BytesIO(content)) as archive:
        unpacked = sum(entry.file_size for entry in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise InvalidInputError(
            "file",
            f"would unpack to {unpacked} bytes, more than the {MAX_UNPACKED_BYTES} of any form of a round",
        )


def _xlsx_rows(content: bytes) -> list[tuple[int, Sequence[Any]]]:
    """The first sheet's rows. openpyxl reads lazily, so a broken sheet fails while its rows are
    read, not when the workbook opens: both are refused alike."""
    _check_unpacked_size(content)
    with _readable_workbook():
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    if not book.worksheets:
        raise InvalidInputError("file", "is an XLSX workbook without a sheet")
    with _readable_workbook():
        numbered = enumerate(book.worksheets[0].iter_rows(values_only=True), start=1)
        rows: list[tuple[int, Sequence[Any]]] = list(itertools.islice(numbered, MAX_ROWS + 1))
    if len(rows) > MAX_ROWS:
        raise InvalidInputError("file", f"has more than {MAX_ROWS} rows")
    return rows


def _csv_rows(content: bytes) -> Iterator[tuple[int, Sequence[Any]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInputError("file", "is neither an XLSX workbook nor a CSV file in UTF-8") from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line else ","
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
            if number > MAX_ROWS:
                raise InvalidInputError("file", f"has more than {MAX_ROWS} rows")
            yield number, row
    except csv.Error as error:
        raise InvalidInputError("file", f"is not a readable CSV file: {error}") from error


def _rows_of(content: bytes) -> Iterable[tuple[int, Sequence[Any]]]:
    if not content:
        raise InvalidInputError("file", "is empty")
    return _xlsx_rows(content) if content.startswith(XLSX_MAGIC) else _csv_rows(content)


def _header(rows: list[tuple[int, Sequence[Any]]]) -> tuple[int, dict[str, int]]:
    """The table's heading row (the first with a reference heading) and each known column's position."""
    for position, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = {
            HEADINGS[_folded(cell)]: index for index, cell in enumerate(cells) if _folded(cell) in HEADINGS
        }
        if "reference" in columns:
            missing = [key for key in REQUIRED if key not in columns]
            if missing:
                names = ", ".join(ROUND_LABELS["sv"][key] for key in missing)
                raise InvalidInputError("file", f"lacks the columns {names} (download the form again)")
            return position, columns
    raise InvalidInputError("file", "has no heading row with a reference column: it is not a form of a round")


def _facts(rows: list[tuple[int, Sequence[Any]]]) -> dict[str, str]:
    facts = {}
    for _number, cells in rows:
        if len(cells) >= 2 and cells[0] is not None and cells[1] is not None:
            name = _folded(cells[0])
            if name in UNIT_FACT:
                facts["unit"] = str(cells[1]).strip()
            elif name in ROUND_FACT:
                facts["round"] = str(cells[1]).strip()
    return facts


def _check_facts(facts: dict[str, str], part: UnitPart) -> None:
    unit = facts.get("unit")
    if unit is not None and unit.upper() != part.unit.key:
        raise InvalidInputError("file", f"is the form of unit {unit}, not of {part.unit.key}")
    round_key = f"{part.context.period.year} {part.context.period.key}"
    if facts.get("round") is not None and facts["round"] != round_key:
        raise InvalidInputError("file", f"is the form of round {facts['round']}, not of {round_key}")


# --- reading a row ----------------------------------------------------------------------------


class RowRefusedError(Exception):
    def __init__(self, reason: str, column: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.column = column


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: Any) -> str:
    """A cell's text as an answer repeats it: cut short, so that a huge cell is not sent back whole."""
    text = str(value).strip()
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


def _choice(key: str, value: Any) -> StrEnum | None:
    if _blank(value):
        return None
    found = CHOICES[key].get(_folded(value))
    if found is None:
        labels = ", ".join(sorted({LABELS["sv"][choice] for choice in CHOICES[key].values()}))
        raise RowRefusedError(f"unknown value {_shown(value)!r}; one of {labels}", key)
    return found


def _progress(value: Any) -> int | None:
    if _blank(value):
        return None
    text = str(value).strip().removesuffix("%").strip().replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise RowRefusedError(f"{_shown(value)!r} is not a number from 0 to 100", "new_progress") from None
    if number != number.to_integral_value() or not 0 <= number <= 100:
        raise RowRefusedError(f"{_shown(value)!r} is not a whole number from 0 to 100", "new_progress")
    return int(number)


def _version(value: Any) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise RowRefusedError(
            "the version is missing or not a number (download the form again)", "version"
        ) from None


RowResult = Literal["accepted", "unchanged", "refused"]


@dataclass
class _Row:
    number: int
    reference: str | None
    result: RowResult = "refused"
    reason: str | None = None
    column: str | None = None  # the column a refusal is about
    assignment: PartAssignment | None = None
    version: int = 0
    report: dict[str, Any] = field(default_factory=dict)  # the reported fields, as the answer shows them
    update: StatusUpdateCreate | None = None  # what an accepted row writes

    def refuse(self, reason: str, column: str | None = None) -> None:
        self.result, self.reason, self.column = "refused", reason, column

    def answer(self) -> ImportRowResult:
        changes = {
            name: str(value) if isinstance(value, StrEnum) else value for name, value in self.report.items()
        }
        return ImportRowResult(
            row=self.number,
            reference=self.reference,
            result=self.result,
            reason=self.reason,
            field=self.column,
            changes=changes if self.result == "accepted" else {},
        )


def _reported(cells: Sequence[Any], columns: dict[str, int]) -> dict[str, Any]:
    def cell(key: str) -> Any:
        index = columns[key]
        return cells[index] if index < len(cells) else None

    comment = cell("new_comment")
    reported = {
        "status": _choice("new_status", cell("new_status")),
        "progress": _progress(cell("new_progress")),
        "assessment": _choice("new_assessment", cell("new_assessment")),
        "traffic_light": _choice("new_traffic_light", cell("new_traffic_light")),
        "comment": None if _blank(comment) else str(comment).strip(),
    }
    return {name: value for name, value in reported.items() if value is not None}


def _says_nothing_new(reported: dict[str, Any], assignment: PartAssignment) -> bool:
    current = {
        "status": assignment.status,
        "progress": assignment.progress,
        "assessment": assignment.assessment,
        "traffic_light": assignment.traffic_light,
        "comment": assignment.comment,
    }
    return all(current[name] == value for name, value in reported.items())


def _validated(report: dict[str, Any], *, day: date) -> StatusUpdateCreate:
    """The row's report as the API's model of a status update; what the model refuses (a comment
    too long, text that cannot be stored) refuses the row, naming its column."""
    try:
        return StatusUpdateCreate.model_validate({**report, "effective_date": day})
    except ValidationError as error:
        first = error.errors()[0]
        # Without a location the model refused text that cannot be stored: the comment is the only text.
        name = str(first["loc"][0]) if first["loc"] else "comment"
        raise RowRefusedError(f"the {name} is refused: {first['msg']}", f"new_{name}") from None


def _read_row(
    number: int, cells: Sequence[Any], columns: dict[str, int], part: UnitPart, seen: set[str]
) -> _Row:
    raw_reference = cells[columns["reference"]] if columns["reference"] < len(cells) else None
    reference = None if _blank(raw_reference) else str(raw_reference).strip()
    row = _Row(number, None if reference is None else _shown(reference))
    by_reference = {assignment.reference: assignment for assignment in part.assignments}
    try:
        if reference is None:
            raise RowRefusedError("the reference is missing", "reference")
        if reference in seen:
            raise RowRefusedError(f"{_shown(reference)} is on more than one row", "reference")
        seen.add(reference)
        row.assignment = by_reference.get(reference)
        if row.assignment is None:
            raise RowRefusedError(f"not in {part.unit.name}'s part of {part.context.name}", "reference")
        row.report = _reported(cells, columns)
        if not row.report or _says_nothing_new(row.report, row.assignment):
            row.result = "unchanged"
            return row
        row.update = _validated(row.report, day=part.context.days.reporting_day(part.context.today))
        row.version = _version(cells[columns["version"]] if columns["version"] < len(cells) else None)
        if row.version != row.assignment.version:
            raise RowRefusedError(
                f"stale version: the row has version {_shown(row.version)}, the assignment is at "
                f"{row.assignment.version} (it changed since the form was downloaded)",
                "version",
            )
        if part.state in LOCKED_STATES:
            raise RowRefusedError(f"the round is {part.state} for {part.unit.name}: its reporting is locked")
        row.result = "accepted"
    except RowRefusedError as refusal:
        row.refuse(refusal.reason, refusal.column)
    return row


def _is_empty(cells: Sequence[Any]) -> bool:
    return all(_blank(cell) for cell in cells)


# --- the import -------------------------------------------------------------------------------


def _write(session: Session, rows: list[_Row], *, actor: Principal, today: date) -> None:
    """Write the accepted rows, each in a savepoint of its own; a row the write refuses (the status
    rule, say) is marked refused with the problem's words."""
    for row in rows:
        if row.result != "accepted" or row.assignment is None or row.update is None:
            continue
        try:
            with session.begin_nested():
                add_status_update(
                    session,
                    row.assignment.id,
                    data=row.update,
                    actor=actor,
                    today=today,
                    expected_version=row.version,
                )
        except ProblemError as problem:
            field = problem.errors[0].field if problem.errors else None
            row.refuse(problem.detail, field)


def import_form(
    session: Session, address: PartAddress, *, content: bytes, dry_run: bool, actor: Principal
) -> ImportResponse:
    """Read a filled-in form and answer per row; write the accepted rows unless `dry_run`."""
    part = addressed_part(session, address)
    check_may_report(actor, part)
    if len(content) > MAX_FILE_BYTES:
        raise PayloadTooLargeError(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    all_rows = list(_rows_of(content))
    header, columns = _header(all_rows)
    _check_facts(_facts(all_rows[:header]), part)
    seen: set[str] = set()
    rows = [
        _read_row(number, cells, columns, part, seen)
        for number, cells in all_rows[header + 1 :]
        if not _is_empty(cells)
    ]
    savepoint = session.begin_nested()
    _write(session, rows, actor=actor, today=address.today)
    refused = sum(row.result == "refused" for row in rows)
    written = not dry_run and refused == 0
    if not written:
        savepoint.rollback()
    answers = [row.answer() for row in rows]
    response = ImportResponse(
        dry_run=dry_run,
        written=written,
        accepted=sum(answer.result == "accepted" for answer in answers),
        unchanged=sum(answer.result == "unchanged" for answer in answers),
        refused=refused,
        rows=answers,
    )
    if not dry_run and refused:
        raise ImportRefusedError(
            f"Nothing was written: {refused} of {len(rows)} rows were refused.",
            **response.model_dump(mode="json"),
        )
    return response
