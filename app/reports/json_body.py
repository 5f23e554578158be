"""A report's lines in the forms its callers take them: each line's JSON, or models.

The JSON report is answered within a second at 50,000 assignments (docs/performance.md), so its
path makes no model per line: live lines are serialised from plain data as their rows arrive, and
a published report's lines are served as stored. `report_json` puts the lines' JSON inside the
report's own JSON, giving the bytes `model_dump_json` would give. CSV, XLSX and HTML take models.
"""

from typing import Any, NamedTuple, Protocol

from pydantic import BaseModel, TypeAdapter
from pydantic_core import to_json

from app.reports.schemas import ReportLine

LINES = TypeAdapter(list[ReportLine])


def json_array(bodies: list[bytes]) -> bytes:
    return b"[" + b",".join(bodies) + b"]"


class Lines(Protocol):
    """A report's lines, live or frozen: each line's JSON, or models."""

    def bodies(self) -> list[bytes]: ...

    def models(self) -> list[ReportLine]: ...


class LiveLines:
    """Lines made now, in reference order: as plain data, or as JSON (with digests when published)."""

    def __init__(
        self,
        references: list[str],
        values: list[dict[str, Any]] | None,
        bodies: list[bytes] | None,
        digests: list[bytes] | None,
    ) -> None:
        self.references = references
        self.values = values
        self._bodies = bodies
        self.digests = digests

    def bodies(self) -> list[bytes]:
        """Each line's JSON, exactly as `ReportLine` would give it."""
        if self._bodies is None:
            self._bodies = [to_json(line) for line in self.values or []]
        return self._bodies

    def models(self) -> list[ReportLine]:
        if self.values is None:
            return LINES.validate_json(json_array(self.bodies()))
        return LINES.validate_python(self.values)


class FrozenLine(NamedTuple):
    """A line of a published report as stored."""

    reference: str
    digest: bytes
    body: bytes


class FrozenLines:
    """The lines of a published report as stored, in report order."""

    def __init__(self, rows: list[FrozenLine]) -> None:
        self.rows = rows

    def bodies(self) -> list[bytes]:
        return [row.body for row in self.rows]

    def models(self) -> list[ReportLine]:
        return LINES.validate_json(json_array(self.bodies()))


def report_json(report: BaseModel, bodies: list[bytes]) -> bytes:
    """The JSON of a report model whose `assignments` is left empty, with these lines (each one's
    JSON) in their place: the bytes `model_dump_json` gives when the model holds every line. The
    lines are copied once: joined with the report's other fields around them."""
    fields = list(type(report).model_fields)
    position = fields.index("assignments")
    before, after = (
        report.model_dump_json(include=set(names)).encode()[1:-1]  # the fields, without the braces
        for names in (fields[:position], fields[position + 1 :])
    )
    opening = b"{" + before + (b"," if before else b"") + b'"assignments":['
    closing = b"]" + (b"," if after else b"") + after + b"}"
    if not bodies:
        return opening + closing
    pieces = list(bodies)
    pieces[0] = opening + pieces[0]
    pieces[-1] = pieces[-1] + closing
    return b",".join(pieces)
