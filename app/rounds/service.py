"""Reporting rounds: every reporting period is a round in which each unit reports on the
assignments it reports (app/rounds/parts.py), marks its part ready, and the office returns or
approves it (app/rounds/transitions.py).

A round needs no setting up: it exists for every period of the city's calendar. Its row in `rounds`
is made when its due date is set or a part first moves; a part's row when it first moves. Until
then a part is `not_started` (nothing reported in the period) or `in_progress`.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from app.access import Principal
from app.db import insert_if_absent, lock_rows, utcnow
from app.errors import InvalidInputError, NotFoundError, PreconditionFailedError, PreconditionRequiredError
from app.org.models import OrgUnit
from app.org.schemas import UnitRef
from app.org.service import list_units, resolve_unit_reference
from app.periods.service import ReportingPeriod, load_calendar
from app.rounds.models import Round, RoundDueDate, RoundPart, RoundTransition
from app.rounds.parts import PartCount, RoundDays, part_assignments, part_counts
from app.rounds.schemas import (
    OverviewUnit,
    PartAssignment,
    PartRead,
    Rollup,
    RoundOverview,
    RoundRef,
    RoundSummary,
    TransitionRead,
)
from app.rounds.vocabulary import READY_STATES, PartState

DEFAULT_DUE_DAYS = 7  # a unit's report is due a week after the cut-off unless the round says otherwise


# --- the round --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundContext:
    """A round as the services use it: its period, its stored row (if any) and the day it is read."""

    period: ReportingPeriod
    row: Round | None
    today: date

    @property
    def days(self) -> RoundDays:
        return RoundDays(self.period.window.previous_cutoff, self.period.cutoff)

    @property
    def due(self) -> date:
        if self.row is not None and self.row.due_on is not None:
            return self.row.due_on
        return self.period.cutoff + timedelta(days=DEFAULT_DUE_DAYS)

    @property
    def open(self) -> bool:
        """The period has begun: units can report in it and submit."""
        return self.today > self.period.window.previous_cutoff

    @property
    def name(self) -> str:
        return f"{self.period.key} {self.period.year}"

    def late(self, state: PartState) -> bool:
        return self.today > self.due and state not in READY_STATES

    def ref(self) -> RoundRef:
        period = self.period
        return RoundRef(
            year=period.year,
            period=period.key,
            name_sv=period.name_sv,
            name_en=period.name_en,
            previous_cutoff=period.window.previous_cutoff,
            cutoff=period.cutoff,
            first_day=self.days.first_day,
            due=self.due,
            due_is_default=self.row is None or self.row.due_on is None,
            open=self.open,
            version=self.row.version if self.row else 1,
        )


def find_round(session: Session, *, year: int, period: str, today: date) -> RoundContext:
    """The round of a period of the city's calendar (404 for a period there is none of)."""
    found = load_calendar(session, today=today).find(year, period, subject="round")
    row = session.scalar(select(Round).where(Round.year == found.year, Round.period == found.key))
    return RoundContext(found, row, today)


def stored_round(session: Session, context: RoundContext) -> Round:
    """The round's row, made if missing, locked until the transaction ends."""
    keys = {"year": context.period.year, "period": context.period.key}
    insert_if_absent(session, Round, {**keys, "version": 1, "created_at": utcnow()}, key=list(keys))
    row = session.scalars(select(Round).filter_by(**keys)).one()
    lock_rows(session, Round, [row.id])
    session.refresh(row)
    return row


def set_due_date(
    session: Session,
    *,
    year: int,
    period: str,
    due: date | None,
    expected_version: int | None,
    actor: Principal,
    today: date,
) -> RoundRef:
    """Set the day units' reports are due (None: back to the default), recorded in its history."""
    context = find_round(session, year=year, period=period, today=today)
    row = stored_round(session, context)
    if expected_version is None:
        raise PreconditionRequiredError(
            "Send the round's version you last read: If-Match or `version`.", current_version=row.version
        )
    if expected_version != row.version:
        raise PreconditionFailedError(
            f"The round is at version {row.version}, not {expected_version}; read it again.",
            current_version=row.version,
        )
    if due is not None and due < context.period.cutoff:
        raise InvalidInputError("due", f"must not be before the cut-off {context.period.cutoff}")
    if due != row.due_on:
        row.due_on = due
        row.version += 1
        session.add(
            RoundDueDate(
                round_id=row.id,
                due_on=due,
                recorded_at=utcnow(),
                recorded_by=actor.name,
                recorded_token_id=actor.token_id,
                recorded_person_id=actor.person_id,
            )
        )
    session.flush()
    return RoundContext(context.period, row, today).ref()


# --- the parts --------------------------------------------------------------------------------


def stored_parts(session: Session, context: RoundContext) -> dict[int, RoundPart]:
    """The parts that have moved, by unit id."""
    if context.row is None:
        return {}
    parts = session.scalars(select(RoundPart).where(RoundPart.round_id == context.row.id))
    return {part.unit_id: part for part in parts}


def part_state(part: RoundPart | None, count: PartCount) -> PartState:
    """A part's state: its latest transition's, else whether anything was reported in the period."""
    if part is not None:
        return PartState(part.state)
    return PartState.IN_PROGRESS if count.updated else PartState.NOT_STARTED


def transition_read(transition: RoundTransition) -> TransitionRead:
    return TransitionRead(
        action=transition.action,
        from_state=transition.from_state,
        to_state=transition.to_state,
        comment=transition.comment,
        at=transition.recorded_at,
        by=transition.recorded_by,
    )


def _last_transition(part: RoundPart | None) -> TransitionRead | None:
    return transition_read(part.transitions[-1]) if part is not None and part.transitions else None


def unit_for_path(session: Session, reference: str) -> OrgUnit:
    """The unit a path names by key or id; an unknown one is a 404."""
    try:
        return resolve_unit_reference(session, reference, field="unit")
    except InvalidInputError as error:
        raise NotFoundError(f"No organisational unit {reference!r}.") from error


# --- the overview -----------------------------------------------------------------------------


@dataclass
class _Node:
    unit: OrgUnit
    children: list["_Node"]


@dataclass(frozen=True)
class _OwnPart:
    """A unit's own part as the overview counts it."""

    count: PartCount
    state: PartState
    late: bool


NO_ROLLUP = Rollup(units=0, ready=0, approved=0, late=0, expected=0, updated=0)


def _own_rollup(own: _OwnPart) -> Rollup:
    return Rollup(
        units=1,
        ready=int(own.state in READY_STATES),
        approved=int(own.state == PartState.APPROVED),
        late=int(own.late),
        expected=own.count.expected,
        updated=own.count.updated,
    )


def _added(first: Rollup, second: Rollup) -> Rollup:
    return Rollup(**{name: getattr(first, name) + getattr(second, name) for name in Rollup.model_fields})


def _rollup(node: _Node, parts: dict[int, _OwnPart]) -> Rollup:
    """The node's own part and every part below it, counted."""
    own = parts.get(node.unit.id)
    totals = _own_rollup(own) if own else NO_ROLLUP
    for child in node.children:
        totals = _added(totals, _rollup(child, parts))
    return totals


def _tree(units: Sequence[OrgUnit], with_part: Iterable[int]) -> list[_Node]:
    """The units with a part and every unit above them, as a tree (children by name)."""
    by_id = {unit.id: unit for unit in units}
    included: set[int] = set()
    for unit_id in with_part:
        current: int | None = unit_id
        while current is not None and current not in included and current in by_id:
            included.add(current)
            current = by_id[current].parent_id
    nodes = {unit_id: _Node(by_id[unit_id], []) for unit_id in included}
    roots: list[_Node] = []
    for node in sorted(nodes.values(), key=lambda node: node.unit.name):
        parent_id = node.unit.parent_id
        (nodes[parent_id].children if parent_id in nodes else roots).append(node)
    return roots


def _own_parts(
    context: RoundContext, counts: dict[int, PartCount], stored: dict[int, RoundPart]
) -> dict[int, _OwnPart]:
    """Every unit with a part: one it reports assignments in, or one that moved."""
    parts = {}
    for unit_id in {*counts, *stored}:
        count = counts.get(unit_id, PartCount(0, 0))
        state = part_state(stored.get(unit_id), count)
        parts[unit_id] = _OwnPart(count, state, context.late(state))
    return parts


def _tree_rows(
    context: RoundContext, roots: list[_Node], parts: dict[int, _OwnPart], stored: dict[int, RoundPart]
) -> list[OverviewUnit]:
    """The tree depth first, a row a unit with its own part (if any) and its roll-up."""
    rows: list[OverviewUnit] = []

    def visit(node: _Node, parent: OrgUnit | None, level: int) -> None:
        own = parts.get(node.unit.id)
        rows.append(
            OverviewUnit(
                unit=UnitRef.model_validate(node.unit),
                parent=parent.key if parent else None,
                level=level,
                has_part=own is not None,
                expected=own.count.expected if own else 0,
                updated=own.count.updated if own else 0,
                state=own.state if own else None,
                due=context.due,
                late=own.late if own else False,
                last_transition=_last_transition(stored.get(node.unit.id)),
                rollup=_rollup(node, parts),
            )
        )
        for child in node.children:
            visit(child, node.unit, level + 1)

    for root in roots:
        visit(root, None, 0)
    return rows


def _summary(rows: list[OverviewUnit], parts: dict[int, _OwnPart]) -> RoundSummary:
    totals = NO_ROLLUP
    for row in rows:
        if row.level == 0:
            totals = _added(totals, row.rollup)
    by_state = {state: sum(part.state == state for part in parts.values()) for state in PartState}
    return RoundSummary(**totals.model_dump(), by_state=by_state)


def overview(
    session: Session, *, year: int, period: str, states: Sequence[PartState], today: date, timezone: str
) -> RoundOverview:
    """Every unit with a part in the round, as a tree with roll-ups, and the round's summary;
    with `states`, only the rows of units whose own part is in one of them (roll-ups count all)."""
    context = find_round(session, year=year, period=period, today=today)
    stored = stored_parts(session, context)
    parts = _own_parts(context, part_counts(session, context.days, timezone=timezone), stored)
    rows = _tree_rows(context, _tree(list_units(session), parts), parts, stored)
    shown = [row for row in rows if not states or row.state in states]
    return RoundOverview(
        round=context.ref(), as_of=today, summary=_summary(rows, parts), units=shown, generated_at=utcnow()
    )


# --- a unit's part ----------------------------------------------------------------------------


def _part_assignment(row: Row[Any], units: dict[int, OrgUnit]) -> PartAssignment:
    return PartAssignment(
        id=row.id,
        reference=row.reference,
        title=row.title,
        owner=UnitRef.model_validate(units[row.owner_id]),
        executor=UnitRef.model_validate(units[row.executor_id]) if row.executor_id else None,
        deadline_latest=row.deadline_latest,
        version=row.version,
        status=row.status,
        progress=row.progress,
        assessment=row.assessment,
        traffic_light=row.traffic_light,
        reported_on=row.reported_on,
        comment=row.comment,
        updated=bool(row.reported or row.confirmed),
        confirmed=bool(row.confirmed and not row.reported),
    )


@dataclass(frozen=True)
class UnitPart:
    """A unit's part as the services work with it: its assignments and its stored row, if any."""

    context: RoundContext
    unit: OrgUnit
    assignments: list[PartAssignment]
    row: RoundPart | None

    @property
    def state(self) -> PartState:
        updated = sum(assignment.updated for assignment in self.assignments)
        return part_state(self.row, PartCount(len(self.assignments), updated))

    @property
    def missing(self) -> list[str]:
        return [assignment.reference for assignment in self.assignments if not assignment.updated]


def load_part(session: Session, context: RoundContext, unit: OrgUnit, *, timezone: str) -> UnitPart:
    """One unit's part (404 when the unit reports nothing in the round and its part never moved)."""
    rows = part_assignments(session, context.days, unit_id=unit.id, timezone=timezone)
    stored = stored_parts(session, context).get(unit.id)
    if not rows and stored is None:
        raise NotFoundError(f"{unit.name} ({unit.key}) has no assignments to report in {context.name}.")
    units = {known.id: known for known in list_units(session)}
    return UnitPart(context, unit, [_part_assignment(row, units) for row in rows], stored)


def part_read(part: UnitPart) -> PartRead:
    state = part.state
    assignments = part.assignments
    return PartRead(
        round=part.context.ref(),
        unit=UnitRef.model_validate(part.unit),
        as_of=part.context.today,
        state=state,
        expected=len(assignments),
        updated=sum(assignment.updated for assignment in assignments),
        missing=part.missing,
        due=part.context.due,
        late=part.context.late(state),
        version=part.row.version if part.row else 0,
        transitions=[transition_read(transition) for transition in part.row.transitions] if part.row else [],
        assignments=assignments,
        generated_at=utcnow(),
    )


@dataclass(frozen=True)
class PartAddress:
    """A unit's part of a round as a request names it (`…/{year}/{period}/units/{unit}`, the unit by
    key or id), with the day it is asked on and the service's time zone."""

    year: int
    period: str
    unit: str
    today: date
    timezone: str


def addressed_part(session: Session, address: PartAddress) -> UnitPart:
    """The part at the address (404 for an unknown round or unit, or a unit without a part)."""
    context = find_round(session, year=address.year, period=address.period, today=address.today)
    return load_part(session, context, unit_for_path(session, address.unit), timezone=address.timezone)


def unit_part(session: Session, address: PartAddress) -> PartRead:
    return part_read(addressed_part(session, address))


# --- for the city's report --------------------------------------------------------------------


@dataclass(frozen=True)
class RoundProgress:
    units: int  # units with a part in the round
    ready: int  # of them, submitted or approved
    approved: int


def round_progress(session: Session, *, period: ReportingPeriod, today: date, timezone: str) -> RoundProgress:
    """How many units have a part in the period's round, how many are ready and how many approved."""
    row = session.scalar(select(Round).where(Round.year == period.year, Round.period == period.key))
    context = RoundContext(period, row, today)
    counts = part_counts(session, context.days, timezone=timezone)
    stored = stored_parts(session, context)
    states = [part.state for part in stored.values()]
    return RoundProgress(
        units=len({*counts, *stored}),
        ready=sum(state in READY_STATES for state in states),
        approved=sum(state == PartState.APPROVED for state in states),
    )


# --- for the calendar feed --------------------------------------------------------------------


@dataclass(frozen=True)
class PartDue:
    """A unit's part of a round and the day it is due."""

    context: RoundContext
    unit: OrgUnit
    state: PartState
    count: PartCount


def parts_due_between(
    session: Session, *, first: date, last: date, today: date, timezone: str
) -> list[PartDue]:
    """Every unit's part of the rounds due from `first` to `last`, by due date and unit name."""
    rows = {(row.year, row.period): row for row in session.scalars(select(Round))}
    units = {unit.id: unit for unit in list_units(session)}
    found = []
    for period in load_calendar(session, today=today).periods():
        context = RoundContext(period, rows.get((period.year, period.key)), today)
        if not first <= context.due <= last:
            continue
        stored = stored_parts(session, context)
        for unit_id, count in part_counts(session, context.days, timezone=timezone).items():
            found.append(PartDue(context, units[unit_id], part_state(stored.get(unit_id), count), count))
    return sorted(found, key=lambda part: (part.context.due, part.unit.name))
