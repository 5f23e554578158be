"""A report as tables: the detail columns and the summary sections, defined once for every format.

Cells keep their type (numbers, dates, text) so that the XLSX sheet gets real numbers and dates,
the CSV file Swedish Excel conventions, and the HTML page its own formatting.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from app.assignments.schemas import FieldChange
from app.reports.renderers.labels import Labels
from app.reports.schemas import OwnerRollup, Report, ReportLine, Tally

Cell = str | int | float | Decimal | date | datetime | None


@dataclass(frozen=True)
class Column:
    """A column of a table of lines (report lines, or the lines of the unexecuted list). A page
    aligns a numeric column's heading and cells to the right, its empty cells ("–") too."""

    heading: str
    value: Callable[[Any, Labels], Cell]
    numeric: bool = False


def change_value(name: str, value: Any, t: Labels) -> str:
    """A changed field's old or new value as text: units and goals by name, deadlines by date."""
    if name == "progress":
        return f"{value} %"
    if isinstance(value, bool):
        return t.yes_no(value)
    if isinstance(value, dict):
        return str(value.get("name") or value.get("title") or value.get("latest") or t("empty"))
    if name in ("title", "comment"):
        return str(value) if value is not None else t("empty")
    return t.value(value)


def _change_text(name: str, change: FieldChange, t: Labels) -> str:
    return f"{t(name)}: {change_value(name, change.old, t)} → {change_value(name, change.new, t)}"


def links_text(line: ReportLine, t: Labels) -> str | None:
    """The line's links as one line of text: "Fortsätter KS-2015-012; Ersätts av KS-2016-003"."""
    return "; ".join(t.link(link.kind, link.direction, link.reference) for link in line.links) or None


def changes_text(line: ReportLine, t: Labels) -> str:
    """What changed since the previous report, as one line of text."""
    if line.new_in_period:
        return t("new")
    return "; ".join(_change_text(name, change, t) for name, change in line.changes.items())


DETAIL_COLUMNS = (
    Column("reference", lambda line, t: line.reference),
    Column("title", lambda line, t: line.title),
    Column("owner", lambda line, t: line.owner.name),
    Column("executor", lambda line, t: line.executor.name if line.executor else None),
    Column("goal", lambda line, t: f"{line.goal.number} {line.goal.title}" if line.goal else None),
    Column("origin", lambda line, t: t.value(line.origin)),
    Column("kind", lambda line, t: t.value(line.kind)),
    Column("deadline", lambda line, t: line.deadline.text),
    Column("deadline_latest", lambda line, t: line.deadline.latest),
    Column("target_value", lambda line, t: line.target.value if line.target else None, numeric=True),
    Column("target_unit", lambda line, t: line.target.unit if line.target else None),
    Column("status", lambda line, t: t.value(line.status)),
    Column("progress", lambda line, t: line.progress, numeric=True),
    Column("assessment", lambda line, t: t.value(line.assessment)),
    Column("traffic_light", lambda line, t: t.value(line.traffic_light)),
    Column("overdue", lambda line, t: t.yes_no(line.overdue)),
    Column("updated_in_period", lambda line, t: t.yes_no(line.updated_in_period)),
    Column("new_in_period", lambda line, t: t.yes_no(line.new_in_period)),
    Column("due_before_next_cutoff", lambda line, t: t.yes_no(line.due_before_next_cutoff)),
    Column("reported_on", lambda line, t: line.reported_on),
    Column("comment", lambda line, t: line.comment),
    Column("commented_on", lambda line, t: line.commented_on),
    Column("changes", changes_text),
    Column("decision", lambda line, t: t.decision(line.decision)),
    Column("links", lambda line, t: links_text(line, t)),
)


UNEXECUTED_COLUMNS = (
    Column("reference", lambda line, t: line.reference),
    Column("title", lambda line, t: line.title),
    Column(
        "decided_by",
        lambda line, t: line.decision.decided_by.name if line.decision and line.decision.decided_by else None,
    ),
    Column("decision_date", lambda line, t: line.decided_on),
    Column("paragraph", lambda line, t: line.decision.paragraph if line.decision else None),
    Column("diarienummer", lambda line, t: line.decision.diarienummer if line.decision else None),
    Column("document", lambda line, t: line.decision.title if line.decision else t("no_document")),
    Column("days_since_decision", lambda line, t: line.days_since_decision, numeric=True),
    Column("last_update", lambda line, t: line.last_update),
    Column("days_since_update", lambda line, t: line.days_since_update, numeric=True),
    Column("owner", lambda line, t: line.owner.name),
    Column("executor", lambda line, t: line.executor.name if line.executor else None),
    Column("status", lambda line, t: t.value(line.status)),
    Column("progress", lambda line, t: line.progress, numeric=True),
    Column("deadline_latest", lambda line, t: line.deadline.latest),
    Column("overdue", lambda line, t: t.yes_no(line.overdue)),
)


def columns(*headings: str, among: tuple[Column, ...] = DETAIL_COLUMNS) -> tuple[Column, ...]:
    """The columns (of the detail columns, unless `among` others) with these headings, in this order."""
    by_heading = {column.heading: column for column in among}
    return tuple(by_heading[heading] for heading in headings)


@dataclass(frozen=True)
class SectionRow:
    cells: list[Cell]
    level: int = 0  # indentation of the first cell: depth in the organisation tree


@dataclass(frozen=True)
class Section:
    title: str
    headings: list[str]
    rows: list[SectionRow] = field(default_factory=list)

    @property
    def numeric(self) -> list[bool]:
        """Per column, whether it holds numbers (a page aligns its heading and cells, "–" too, to the
        right); the first column names its rows, and dates are not numbers."""
        return [
            index > 0 and any(_is_number(row.cells[index]) for row in self.rows)
            for index in range(len(self.headings))
        ]


def _is_number(value: Cell) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _counts_section(title: str, heading: str, counts: dict[Any, int], t: Labels) -> Section:
    return Section(
        t(title),
        [t(heading), t("count")],
        [SectionRow([t.value(key), count]) for key, count in counts.items()],
    )


def _tally_cells(tally: Tally) -> list[Cell]:
    return [tally.assignments, tally.reported, tally.completed, tally.overdue]


def _rollup_section(
    title: str, heading: str, nodes: list[OwnerRollup], without: Tally | None, t: Labels
) -> Section:
    """A roll-up down the organisation (by owner or by executor), each unit with what it holds
    itself and how many of its assignments were reported; then the assignments without a unit."""
    rows = [
        SectionRow(
            [
                node.unit.name,
                *_tally_cells(node),
                node.own_assignments,
                t("reported_of", reported=node.reported, total=node.assignments),
            ],
            level=node.level,
        )
        for node in nodes
    ]
    if without is not None and without.assignments:
        reporting = t("reported_of", reported=without.reported, total=without.assignments)
        rows.append(SectionRow([t("no_executor"), *_tally_cells(without), without.assignments, reporting]))
    headings = [heading, t("total"), t("reported"), t("completed"), t("overdue_count")]
    return Section(title, [*headings, t("own_assignments"), t("reporting")], rows)


def summary_sections(report: Report, t: Labels) -> list[Section]:
    """The report's summary as titled tables: key figures, counts, roll-ups, archived assignments."""
    summary = report.summary
    key_figures = [
        ("total", summary.assignments),
        ("completed", summary.completed),
        ("completion_rate", summary.completion_rate),
        ("overdue_count", summary.overdue),
        ("reported", summary.reported),
        ("due_before_next_cutoff", summary.due_before_next_cutoff),
        ("new_in_period_count", summary.new_in_period),
        ("archived_in_period", len(summary.archived_in_period)),
    ]
    tally_headings = [t("total"), t("reported"), t("completed"), t("overdue_count")]
    return [
        Section(t("key_figures"), [t("figure"), t("count")], [SectionRow([t(k), v]) for k, v in key_figures]),
        _counts_section("by_status", "status", summary.by_status, t),
        _counts_section("by_assessment", "assessment", summary.by_assessment, t),
        _counts_section("by_traffic_light", "traffic_light", summary.by_traffic_light, t),
        _rollup_section(t("by_owner"), t("owner"), summary.by_owner, None, t),
        _rollup_section(t("by_executor"), t("executor"), summary.by_executor, summary.without_executor, t),
        Section(
            t("by_goal"),
            [t("goal"), *tally_headings],
            [
                SectionRow(
                    [
                        f"{item.goal.number} {item.goal.title}" if item.goal else t("no_goal"),
                        *_tally_cells(item),
                    ]
                )
                for item in summary.by_goal
            ],
        ),
        Section(
            t("by_document"),
            [t("document"), *tally_headings],
            [
                SectionRow(
                    [
                        item.document.title if item.document else t("no_document"),
                        *_tally_cells(item),
                    ]
                )
                for item in summary.by_document
            ],
        ),
        Section(
            t("archived_in_period"),
            [t("reference"), t("title"), t("owner"), t("archived_at")],
            [
                SectionRow([item.reference, item.title, item.owner.name, item.archived_at])
                for item in summary.archived_in_period
            ],
        ),
    ]
