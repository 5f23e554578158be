"""A round's tables, defined once for CSV, XLSX and HTML: the overview's units, and a unit's part,
whose download is also the form a unit fills in (the `FORM_COLUMNS`, read back by
app/rounds/excel_import.py)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.rounds.labels import RoundLabels
from app.rounds.schemas import OverviewUnit, PartAssignment, TransitionRead
from app.spreadsheets import Cell


@dataclass(frozen=True)
class Column:
    key: str  # the heading's label key
    value: Callable[[Any, RoundLabels], Cell]


def transition_text(transition: TransitionRead | None, t: RoundLabels) -> str | None:
    """ "Inlämnad 2016-05-03 10:12 av Anna Andersson: comment"."""
    if transition is None:
        return None
    text = f"{t.value(transition.action)} {t.moment(transition.at)} {t('by')} {transition.by}"
    return f"{text}: {transition.comment}" if transition.comment else text


def rollup_text(unit: OverviewUnit, t: RoundLabels) -> str:
    return t("ready_of", ready=unit.rollup.ready, units=unit.rollup.units)


OVERVIEW_COLUMNS: tuple[Column, ...] = (
    Column("unit", lambda unit, t: unit.unit.name),
    Column("unit_key", lambda unit, t: unit.unit.key),
    Column("parent", lambda unit, t: unit.parent),
    Column("level", lambda unit, t: unit.level),
    Column("expected", lambda unit, t: unit.expected if unit.has_part else None),
    Column("updated", lambda unit, t: unit.updated if unit.has_part else None),
    Column("state", lambda unit, t: t.value(unit.state) if unit.state else None),
    Column("due", lambda unit, t: unit.due if unit.has_part else None),
    Column("late", lambda unit, t: t.yes_no(unit.late) if unit.has_part else None),
    Column("last_transition", lambda unit, t: transition_text(unit.last_transition, t)),
    Column("rollup", rollup_text),
    Column("ready", lambda unit, t: unit.rollup.ready),
    Column("units", lambda unit, t: unit.rollup.units),
    Column("approved", lambda unit, t: unit.rollup.approved),
)


def _assessment(assignment: PartAssignment, t: RoundLabels) -> str:
    return t.value(assignment.assessment)


# The part's columns: what the assignment is and how it stood at the cut-off.
PART_COLUMNS: tuple[Column, ...] = (
    Column("reference", lambda line, t: line.reference),
    Column("title", lambda line, t: line.title),
    Column("owner", lambda line, t: line.owner.name),
    Column("executor", lambda line, t: line.executor.name if line.executor else None),
    Column("deadline_latest", lambda line, t: line.deadline_latest),
    Column("status_at_cutoff", lambda line, t: t.value(line.status)),
    Column("progress_at_cutoff", lambda line, t: line.progress),
    Column("assessment_at_cutoff", _assessment),
    Column("traffic_light_at_cutoff", lambda line, t: t.value(line.traffic_light)),
    Column("reported_on", lambda line, t: line.reported_on),
    Column("latest_comment", lambda line, t: line.comment),
    Column("updated_in_period", lambda line, t: t.yes_no(line.updated)),
    Column("version", lambda line, t: line.version),
)
# The columns a unit fills in, empty in the download.
FORM_COLUMNS: tuple[Column, ...] = tuple(
    Column(key, lambda line, t: None)
    for key in ("new_status", "new_progress", "new_assessment", "new_traffic_light", "new_comment")
)
