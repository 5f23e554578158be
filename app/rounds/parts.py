"""What the units' parts of a round hold, read from the register in set-based queries.

A round's assignments: the adopted ones followed up by the cut-off (app/assignments/as_of.py), not
archived by then and not finished before the period began (finished at the previous cut-off:
app/assignments/finished_spans.py). Each belongs to the part of the unit
that reports it (its reporting unit, else executor, else owner), followed to its successor at the
cut-off when that unit has since been renamed or merged. An assignment is updated in the round when
it has a status update effective in the period: after the previous cut-off, up to and including the
cut-off; `confirmed` when that update confirms an unchanged state, `reported` otherwise.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, exists, func, select
from sqlalchemy.orm import Session

from app.assignments.as_of import adopted_by_the_city, archived_by, followed_up_by, latest_comment, state_on
from app.assignments.finished_spans import finished_on
from app.assignments.models import Assignment, StatusUpdate
from app.assignments.reporting import reporting_unit_id_column
from app.clock import day_end
from app.org.models import OrgUnit
from app.org.service import list_units, unit_on


@dataclass(frozen=True)
class RoundDays:
    """The days a round covers: after `previous_cutoff` up to and including `cutoff`."""

    previous_cutoff: date
    cutoff: date

    @property
    def first_day(self) -> date:
        return self.previous_cutoff + timedelta(days=1)

    def reporting_day(self, today: date) -> date:
        """The day a round's confirmations and imports take effect: the cut-off, or today while the
        period runs (a status update is never effective in the future)."""
        return min(self.cutoff, today)


@dataclass(frozen=True)
class PartCount:
    expected: int
    updated: int


def _updated_in(days: RoundDays, *, confirmation: bool | None = None) -> ColumnElement[bool]:
    """The assignment has a status update effective in the round's period (of confirmations only,
    or of other updates only, when `confirmation` says)."""
    in_period = [
        StatusUpdate.assignment_id == Assignment.id,
        StatusUpdate.effective_date > days.previous_cutoff,
        StatusUpdate.effective_date <= days.cutoff,
    ]
    if confirmation is not None:
        in_period.append(StatusUpdate.confirmation.is_(confirmation))
    return exists().where(*in_period)


@dataclass(frozen=True)
class RoundState:
    """What a query over assignments reads of a round: whether each assignment was updated in the
    period, and the conditions of the round's assignments.

    Both are hashed (anti-)semi-joins, read once rather than probed per assignment: `updated` the
    period's updates by effective date (ix_status_updates_effective_date), the conditions what was
    finished at the previous cut-off, from the finished spans (app/assignments/finished_spans.py).
    """

    updated: ColumnElement[bool]
    clauses: list[ColumnElement[bool]]


def _round_state(days: RoundDays, timezone: str) -> RoundState:
    in_period = select(StatusUpdate.assignment_id).where(
        StatusUpdate.effective_date > days.previous_cutoff, StatusUpdate.effective_date <= days.cutoff
    )
    cutoff_end = day_end(days.cutoff, timezone)
    clauses = [
        adopted_by_the_city(),
        followed_up_by(days.cutoff, cutoff_end),
        ~archived_by(cutoff_end),
        Assignment.id.not_in(finished_on(days.previous_cutoff)),
    ]
    return RoundState(Assignment.id.in_(in_period), clauses)


def units_at(session: Session, day: date) -> dict[int, OrgUnit]:
    """Every unit by id, mapped to the unit that carries its work on `day`."""
    return {unit.id: unit_on(unit, day) for unit in list_units(session)}


def part_counts(session: Session, days: RoundDays, *, timezone: str) -> dict[int, PartCount]:
    """Each reporting unit's expected and updated assignments, by unit id (successors at the cut-off)."""
    round_state = _round_state(days, timezone)
    reporting_unit = reporting_unit_id_column()
    query = select(
        reporting_unit.label("unit_id"),
        func.count().label("expected"),
        func.count().filter(round_state.updated).label("updated"),
    ).where(*round_state.clauses)
    units = units_at(session, days.cutoff)
    counts: dict[int, PartCount] = {}
    for row in session.execute(query.group_by(reporting_unit)):
        unit_id = units[row.unit_id].id
        known = counts.get(unit_id, PartCount(0, 0))
        counts[unit_id] = PartCount(known.expected + row.expected, known.updated + row.updated)
    return counts


def part_assignments(session: Session, days: RoundDays, *, unit_id: int, timezone: str) -> list[Row[Any]]:
    """The assignments of one unit's part with their state at the cut-off, by reference."""
    dialect = session.get_bind().dialect.name
    round_state = _round_state(days, timezone)
    now = state_on(days.cutoff, dialect, "state_at_cutoff")
    comment = latest_comment(days.cutoff, dialect)
    reported_by = [
        unit for unit, carried_by in units_at(session, days.cutoff).items() if carried_by.id == unit_id
    ]
    query: Select[*tuple[Any, ...]] = select(
        Assignment.id,
        Assignment.reference,
        Assignment.title,
        Assignment.owner_id,
        Assignment.executor_id,
        Assignment.deadline_latest,
        Assignment.version,
        now.state.status.label("status"),
        now.state.progress.label("progress"),
        now.state.assessment.label("assessment"),
        now.state.traffic_light.label("traffic_light"),
        now.effective_date.label("reported_on"),
        comment.comment.label("comment"),
        _updated_in(days, confirmation=False).label("reported"),
        _updated_in(days, confirmation=True).label("confirmed"),
    )
    query = comment.join_to(now.join_to(query))
    query = query.where(*round_state.clauses, reporting_unit_id_column().in_(reported_by))
    query = query.order_by(Assignment.reference)
    return list(session.execute(query).all())
