"""Reports: the register as it stood at a cut-off, computed from the status history in a few queries.

A report reads, in one statement, every assignment that existed at the cut-off with its state on the
cut-off day, its state on the previous cut-off and its latest comment (app/assignments/as_of.py); the
summary is counted while the lines are made. Publishing freezes the default report: the report
without its lines in `published_reports.snapshot`, each line's JSON a row of `published_report_lines`.

Reports have tens of thousands of lines, and the JSON report is answered within a second at 50,000
assignments (docs/performance.md), so its path makes no model per line:
- rows are streamed (fetch.py), and each line is made as a plain dict and serialised by pydantic-core
  as its row arrives (the same bytes as `ReportLine` gives: one model, one JSON), while PostgreSQL is
  still computing the next rows; the summary is counted from a few facts per line;
- a published report's lines are served as stored, without parsing them;
- its diff with live data reads only what a diff compares (`_compared_query`) and compares each
  line's digest of it with the digest stored at publishing; only lines whose digests differ are
  parsed and compared field by field.
CSV, XLSX and HTML, and callers of `build_report` and `period_report`, get validated models.
"""

import gc
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date
from enum import Enum
from functools import wraps
from hashlib import blake2b
from typing import Any, ParamSpec, Protocol, TypeVar

from pydantic import BaseModel, TypeAdapter
from pydantic_core import to_json
from sqlalchemy import ColumnElement, Select, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.assignments.as_of import (
    AsOfState,
    LatestComment,
    archived_by,
    latest_comment,
    started_by,
    state_on,
    states_on_two_days,
)
from app.assignments.models import Assignment
from app.assignments.schemas import FieldChange
from app.assignments.service import STATE_FIELDS, overdue_on
from app.assignments.vocabulary import FINISHED_STATUSES, Assessment, Status, TrafficLight
from app.clock import day_end
from app.db import utcnow
from app.documents.models import Goal, SourceDocument
from app.documents.schemas import DocumentRef, GoalRef
from app.documents.service import current_document, list_goals
from app.errors import ConflictError, InvalidInputError
from app.org.models import OrgUnit
from app.org.schemas import UnitRef
from app.org.service import children_by_parent, list_units, resolve_unit_reference, unit_with_descendant_ids
from app.reports.fetch import stream_rows
from app.reports.links import report_links
from app.reports.models import PublishedReport, PublishedReportLine
from app.reports.periods import (
    ReportingPeriod,
    ReportWindow,
    find_period,
    plan_periods,
    previous_period,
    window_around,
)
from app.reports.schemas import (
    NO_ASSESSMENT,
    ArchivedLine,
    GoalTally,
    OwnerRollup,
    PeriodRead,
    PeriodRef,
    PlanTrajectory,
    Publication,
    Report,
    ReportComparison,
    ReportDiff,
    ReportFilters,
    ReportLine,
    ReportResponse,
    ReportSummary,
    TrajectoryPoint,
)
from app.webhooks.outbox import record_event
from app.webhooks.vocabulary import EventType

P = ParamSpec("P")
T = TypeVar("T")

# The fields of a line that a diff between two reports compares (`changes` is derived from these).
DIFF_FIELDS = (
    "title", "owner", "executor", "goal", "deadline", "status", "progress", "assessment",
    "traffic_light", "comment", "overdue", "updated_in_period",
)  # fmt: skip

# --- the lines: one query ---------------------------------------------------------------------

_LINES = TypeAdapter(list[ReportLine])


def _filter_clauses(session: Session, filters: ReportFilters) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = [Assignment.origin.in_([origin.value for origin in filters.origins])]
    if filters.owner is not None:
        owner = resolve_unit_reference(session, "owner", filters.owner)
        clauses.append(Assignment.owner_id.in_(unit_with_descendant_ids(session, owner.id)))
    if filters.goal is not None:
        if session.get(Goal, filters.goal) is None:
            raise InvalidInputError("goal", f"unknown goal {filters.goal}")
        clauses.append(Assignment.goal_id == filters.goal)
    if filters.kind:
        clauses.append(Assignment.kind.in_([kind.value for kind in filters.kind]))
    return clauses


def _in_report(
    window: ReportWindow, timezone: str, clauses: list[ColumnElement[bool]]
) -> list[ColumnElement[bool]]:
    """The assignments of a report: existing at the cut-off, not archived before the period, filtered."""
    cutoff_end = day_end(window.cutoff, timezone)
    previous_end = day_end(window.previous_cutoff, timezone)
    return [started_by(window.cutoff, cutoff_end), ~archived_by(previous_end), *clauses]


def _compared_columns(now: AsOfState, comment: LatestComment) -> list[ColumnElement[Any]]:
    """What `_comparer` takes of a row: the fields of a line that a diff compares, or what they are
    made of (the deadline of its parts, overdue and updated in the period of the state)."""
    return [
        Assignment.title,
        Assignment.owner_id,
        Assignment.executor_id,
        Assignment.goal_id,
        Assignment.deadline_text,
        Assignment.deadline_earliest,
        Assignment.deadline_latest,
        Assignment.deadline_precision,
        *(getattr(now.state, name).label(name) for name in STATE_FIELDS),
        now.effective_date.label("reported_on"),
        comment.comment.label("comment"),
    ]


_COMPARED_COLUMNS = 14  # len(_compared_columns(...))


def _lines_query(
    window: ReportWindow, timezone: str, dialect: str, clauses: list[ColumnElement[bool]]
) -> Select[*tuple[Any, ...]]:
    """Every assignment that existed at the cut-off or was archived in the period, with its state
    at the cut-off and at the previous cut-off and its latest comment: one statement.

    The columns are in the order `_line_maker` unpacks them.
    """
    now, before = states_on_two_days(window.cutoff, window.previous_cutoff, dialect)
    comment = latest_comment(window.cutoff, dialect)
    query = select(
        Assignment.id,
        Assignment.reference,
        *_compared_columns(now, comment),
        Assignment.origin,
        Assignment.kind,
        Assignment.target_indicator,
        Assignment.target_value,
        Assignment.target_unit,
        Assignment.target_year,
        *(getattr(before.state, name).label(f"previous_{name}") for name in STATE_FIELDS),
        comment.effective_date.label("commented_on"),
        started_by(window.previous_cutoff, day_end(window.previous_cutoff, timezone)).label("existed_before"),
        Assignment.archived_at,
        archived_by(day_end(window.cutoff, timezone)).label("archived"),
    )
    query = comment.join_to(before.join_to(now.join_to(query)))
    return query.where(*_in_report(window, timezone, clauses))


def _compared_query(
    window: ReportWindow, timezone: str, dialect: str, clauses: list[ColumnElement[bool]]
) -> Select[*tuple[Any, ...]]:
    """The lines query with only what a diff compares (reference, `_compared_columns`, archived):
    no state at the previous cut-off, so one index probe less per assignment."""
    now = state_on(window.cutoff, dialect)
    comment = latest_comment(window.cutoff, dialect)
    query = select(
        Assignment.reference,
        *_compared_columns(now, comment),
        archived_by(day_end(window.cutoff, timezone)).label("archived"),
    )
    query = comment.join_to(now.join_to(query))
    return query.where(*_in_report(window, timezone, clauses))


class _Names:
    """Units and goals as reports name them, loaded once per report: as models, and as the plain
    dicts that lines hold."""

    def __init__(self, session: Session) -> None:
        self.units = list_units(session)
        self.unit_refs = {unit.id: UnitRef.model_validate(unit) for unit in self.units}
        self.unit_values = {unit_id: ref.model_dump() for unit_id, ref in self.unit_refs.items()}
        self.goals = list_goals(session)
        self.goal_refs = {goal.id: GoalRef.model_validate(goal) for goal in self.goals}
        self.goal_values = {goal_id: ref.model_dump() for goal_id, ref in self.goal_refs.items()}


Comparer = Callable[[Sequence[Any]], list[Any]]


def _comparer(window: ReportWindow, names: _Names) -> Comparer:
    """A function making a line's compared fields (`DIFF_FIELDS`, in order, as a line holds them)
    from the `_compared_columns` of a row. Lines are made with it too, so that both agree."""
    cutoff, previous_cutoff = window.cutoff, window.previous_cutoff
    units, goals = names.unit_values, names.goal_values

    def compared(columns: Sequence[Any]) -> list[Any]:
        (
            title, owner_id, executor_id, goal_id,
            deadline_text, deadline_earliest, deadline_latest, deadline_precision,
            status, progress, assessment, traffic_light, reported_on, comment,
        ) = columns  # fmt: skip
        return [
            title,
            units[owner_id],
            units[executor_id] if executor_id else None,
            goals[goal_id] if goal_id else None,
            {
                "text": deadline_text,
                "earliest": deadline_earliest,
                "latest": deadline_latest,
                "precision": deadline_precision,
            },
            status,
            progress,
            assessment,
            traffic_light,
            comment,
            overdue_on(deadline_latest, status, cutoff),
            reported_on is not None and reported_on > previous_cutoff,
        ]

    return compared


def _digest(compared: list[Any]) -> bytes:
    """A digest of a line's compared fields: lines with equal digests need no comparing."""
    return blake2b(to_json(compared), digest_size=16).digest()


# What the summary counts of a line: owner id, goal id, status, assessment, traffic light, updated
# in the period, overdue, due before the next cut-off, new in the period. Lines are counted by these
# (a few thousand distinct ones at most), and the summary is made from the counts.
Facts = tuple[int, int | None, str, str | None, str, bool, bool, bool, bool]
LineMaker = Callable[[Sequence[Any]], tuple[dict[str, Any], Facts, list[Any]]]


def _line_maker(window: ReportWindow, names: _Names) -> LineMaker:
    """A function making one line, as plain data in the shape of `ReportLine`, from a row of the
    lines query, with what the summary counts of it and its compared fields."""
    cutoff, next_cutoff = window.cutoff, window.next_cutoff
    compared = _comparer(window, names)
    last_compared = 2 + _COMPARED_COLUMNS

    def line(row: Sequence[Any]) -> tuple[dict[str, Any], Facts, list[Any]]:
        (
            id_, reference,
            _title, owner_id, _executor_id, goal_id, _text, _earliest, deadline_latest, _precision,
            status, progress, assessment, traffic_light, reported_on, comment,
            origin, kind, target_indicator, target_value, target_unit, target_year,
            previous_status, previous_progress, previous_assessment, previous_traffic_light,
            commented_on, existed_before, _archived_at, _archived,
        ) = row  # fmt: skip
        compared_fields = compared(row[2:last_compared])
        title, owner, executor, goal, deadline, *_state, overdue, updated = compared_fields
        changes: dict[str, dict[str, Any]] = {}
        if existed_before:  # none for an assignment new since the previous cut-off
            if status != previous_status:
                changes["status"] = {"old": previous_status, "new": status}
            if progress != previous_progress:
                changes["progress"] = {"old": previous_progress, "new": progress}
            if assessment != previous_assessment:
                changes["assessment"] = {"old": previous_assessment, "new": assessment}
            if traffic_light != previous_traffic_light:
                changes["traffic_light"] = {"old": previous_traffic_light, "new": traffic_light}
        due_next = (
            deadline_latest is not None
            and cutoff < deadline_latest <= next_cutoff
            and status not in FINISHED_STATUSES
        )
        new = not existed_before
        values = {
            "id": id_,
            "reference": reference,
            "title": title,
            "owner": owner,
            "executor": executor,
            "goal": goal,
            "origin": origin,
            "kind": kind,
            "deadline": deadline,
            "target": {
                "indicator": target_indicator,
                "value": target_value,
                "unit": target_unit,
                "year": target_year,
            }
            if target_indicator
            else None,
            "status": status,
            "progress": progress,
            "assessment": assessment,
            "traffic_light": traffic_light,
            "reported_on": reported_on,
            "comment": comment,
            "commented_on": commented_on,
            "overdue": overdue,
            "updated_in_period": updated,
            "new_in_period": new,
            "due_before_next_cutoff": due_next,
            "changes": changes,
        }
        facts = (owner_id, goal_id, status, assessment, traffic_light, updated, overdue, due_next, new)
        return values, facts, compared_fields

    return line


class _Keep(Enum):
    """What a live report keeps of its lines, besides what its summary counts."""

    NOTHING = "nothing"  # the summary is all
    DICTS = "dicts"  # each line as plain data, for models
    JSON = "json"  # each line's JSON (its dict is dropped as soon as it is serialised)
    PUBLISHED = "published"  # each line's JSON and the digest of its compared fields


class _LiveLines:
    """Lines made now, in reference order: as plain dicts, or as JSON (with digests when published)."""

    def __init__(
        self,
        references: list[str],
        dicts: list[dict[str, Any]] | None,
        bodies: list[bytes] | None,
        digests: list[bytes] | None,
    ) -> None:
        self.references = references
        self.dicts = dicts
        self._bodies = bodies
        self.digests = digests

    def bodies(self) -> list[bytes]:
        """Each line's JSON, exactly as `ReportLine` would give it."""
        if self._bodies is None:
            self._bodies = [to_json(line) for line in self.dicts or []]
        return self._bodies

    def models(self) -> list[ReportLine]:
        if self.dicts is None:
            return _LINES.validate_json(_json_array(self.bodies()))
        return _LINES.validate_python(self.dicts)


class _FrozenLines:
    """The lines of a published report as stored: (reference, digest, JSON) in report order."""

    def __init__(self, rows: Sequence[Sequence[Any]]) -> None:
        self.rows = rows

    def bodies(self) -> list[bytes]:
        return [body for _reference, _digest, body in self.rows]

    def models(self) -> list[ReportLine]:
        return _LINES.validate_json(_json_array(self.bodies()))


class _Lines(Protocol):
    """A report's lines, live or frozen: as JSON, each line's, or as models."""

    def bodies(self) -> list[bytes]: ...

    def models(self) -> list[ReportLine]: ...


def _json_array(bodies: list[bytes]) -> bytes:
    return b"[" + b",".join(bodies) + b"]"


def _report_json(report: BaseModel, bodies: list[bytes]) -> bytes:
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


# --- the summary ------------------------------------------------------------------------------

_NO_LINES = {"assignments": 0, "reported": 0, "completed": 0, "overdue": 0}


def _add(first: dict[str, int], second: dict[str, int]) -> dict[str, int]:
    return {key: first[key] + second[key] for key in first}


def _tallies(facts: Mapping[Facts, int], key: Callable[[Facts], Any]) -> dict[Any, dict[str, int]]:
    """Counts per group (`key` of a line's facts): assignments, reported, completed and overdue."""
    tallies: dict[Any, dict[str, int]] = defaultdict(lambda: dict(_NO_LINES))
    for line_facts, count in facts.items():
        _owner, _goal, status, _assessment, _light, reported, overdue, _due, _new = line_facts
        tally = tallies[key(line_facts)]
        tally["assignments"] += count
        tally["reported"] += reported * count
        tally["completed"] += (status == Status.COMPLETED) * count
        tally["overdue"] += overdue * count
    return tallies


def _owner_rollup(facts: Mapping[Facts, int], names: _Names) -> list[OwnerRollup]:
    """Owners in tree order, each counting its own assignments and those of every unit below it.

    Units without assignments anywhere below them are left out.
    """
    own_tallies = _tallies(facts, lambda line_facts: line_facts[0])
    children = children_by_parent(names.units)

    def rollup(unit: OrgUnit, level: int) -> tuple[list[OwnerRollup], dict[str, int]]:
        nodes: list[OwnerRollup] = []
        total = own_tallies.get(unit.id, _NO_LINES)
        for child in children.get(unit.id, []):
            child_nodes, child_total = rollup(child, level + 1)
            nodes += child_nodes
            total = _add(total, child_total)
        if not total["assignments"]:
            return [], total
        node = OwnerRollup(
            unit=names.unit_refs[unit.id],
            parent_id=unit.parent_id,
            level=level,
            own_assignments=own_tallies.get(unit.id, _NO_LINES)["assignments"],
            **total,
        )
        return [node, *nodes], total

    return [node for root in children.get(None, []) for node in rollup(root, 0)[0]]


def _goal_tallies(facts: Mapping[Facts, int], names: _Names) -> list[GoalTally]:
    """Per goal in goal order, then the assignments without a goal."""
    by_goal = _tallies(facts, lambda line_facts: line_facts[1])
    ordered = sorted(names.goals, key=lambda goal: (goal.origin != "adopted", goal.number))
    keys: list[int | None] = [goal.id for goal in ordered if goal.id in by_goal]
    if None in by_goal:
        keys.append(None)
    return [GoalTally(goal=names.goal_refs[key] if key else None, **by_goal[key]) for key in keys]


def _summary(facts: Mapping[Facts, int], archived: list[ArchivedLine], names: _Names) -> ReportSummary:
    by_status: dict[str, int] = dict.fromkeys(Status, 0)
    by_assessment: dict[str, int] = dict.fromkeys([*Assessment, NO_ASSESSMENT], 0)
    by_traffic_light: dict[str, int] = dict.fromkeys(TrafficLight, 0)
    due_before_next_cutoff = new_in_period = 0
    for line_facts, count in facts.items():
        _owner, _goal, status, assessment, light, _reported, _overdue, due, new = line_facts
        by_status[status] += count
        by_assessment[assessment or NO_ASSESSMENT] += count
        by_traffic_light[light] += count
        due_before_next_cutoff += due * count
        new_in_period += new * count
    tally = _tallies(facts, lambda _line_facts: None)[None]
    return ReportSummary(
        by_status=by_status,
        by_assessment=by_assessment,
        by_traffic_light=by_traffic_light,
        by_owner=_owner_rollup(facts, names),
        by_goal=_goal_tallies(facts, names),
        completion_rate=round(100 * tally["completed"] / tally["assignments"], 1)
        if tally["assignments"]
        else 0.0,
        due_before_next_cutoff=due_before_next_cutoff,
        new_in_period=new_in_period,
        archived_in_period=archived,
        **tally,
    )


# --- building a report ------------------------------------------------------------------------


def _cyclic_gc_paused(function: Callable[P, T]) -> Callable[P, T]:
    """Run `function` with the cycle collector paused.

    A large report makes hundreds of thousands of objects in a burst, none of them in cycles; the
    collector would scan the growing heap again and again (measured: half the report's time at 50,000
    assignments). Reference counting still frees everything. The collector resumes once `function`
    has returned, so what it made and dropped is never scanned at all.
    """

    @wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> T:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


def _period_ref(period: ReportingPeriod) -> PeriodRef:
    return PeriodRef(
        year=period.year,
        period=period.key,
        name_sv=period.name_sv,
        name_en=period.name_en,
        cutoff=period.cutoff,
    )


def _live_report(
    session: Session,
    document: SourceDocument,
    window: ReportWindow,
    filters: ReportFilters,
    timezone: str,
    period: ReportingPeriod | None = None,
    *,
    keep: _Keep = _Keep.DICTS,
) -> tuple[Report, _LiveLines]:
    """The live report, its lines left out, and its lines in the form `keep` asks for: one query,
    one pass, the lines made (and serialised) while the rows arrive."""
    filters = ReportFilters(**{**filters.model_dump(), "origin": filters.origins})
    clauses = _filter_clauses(session, filters)
    names = _Names(session)
    make_line = _line_maker(window, names)
    query = _lines_query(window, timezone, session.get_bind().dialect.name, clauses)
    references: list[str] = []
    dicts: list[dict[str, Any]] = []
    bodies: list[bytes] = []
    digests: list[bytes] = []
    archived: list[ArchivedLine] = []
    facts: Counter[Facts] = Counter()
    for row in stream_rows(session, query):
        if row[-1]:  # archived by the cut-off: listed in the summary, not a line
            reference, title, owner_id, archived_at = row[1], row[2], row[3], row[-2]
            owner = names.unit_refs[owner_id]
            archived_at = archived_at.astimezone(UTC)  # streamed: in the connection's time zone
            archived.append(
                ArchivedLine(reference=reference, title=title, owner=owner, archived_at=archived_at)
            )
            continue
        line, line_facts, compared = make_line(row)
        facts[line_facts] += 1
        references.append(line["reference"])
        if keep is _Keep.DICTS:
            dicts.append(line)
        elif keep is not _Keep.NOTHING:
            bodies.append(to_json(line))
            if keep is _Keep.PUBLISHED:
                digests.append(_digest(compared))
    order = sorted(range(len(references)), key=references.__getitem__)
    archived.sort(key=lambda item: item.reference)
    report = Report(
        document=DocumentRef.model_validate(document),
        plan_start_year=document.plan_start_year,
        plan_end_year=document.plan_end_year,
        period=_period_ref(period) if period else None,
        as_of=window.cutoff,
        previous_cutoff=window.previous_cutoff,
        next_cutoff=window.next_cutoff,
        generated_at=utcnow(),
        filters=filters,
        summary=_summary(facts, archived, names),
        assignments=[],
    )
    lines = _LiveLines(
        [references[position] for position in order],
        [dicts[position] for position in order] if keep is _Keep.DICTS else None,
        [bodies[position] for position in order] if keep in (_Keep.JSON, _Keep.PUBLISHED) else None,
        [digests[position] for position in order] if keep is _Keep.PUBLISHED else None,
    )
    return report, lines


@_cyclic_gc_paused
def build_report(
    session: Session,
    document: SourceDocument,
    window: ReportWindow,
    filters: ReportFilters,
    timezone: str,
    period: ReportingPeriod | None = None,
) -> Report:
    """The live report: the register as it stood at the end of the window's cut-off day."""
    report, lines = _live_report(session, document, window, filters, timezone, period)
    return report.model_copy(update={"assignments": lines.models()})


def _field_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, FieldChange]:
    """The compared fields that differ between two versions of a line (JSON values)."""
    return {
        name: FieldChange(old=old.get(name), new=new.get(name))
        for name in DIFF_FIELDS
        if old.get(name) != new.get(name)
    }


def _diff(
    changed: Mapping[str, dict[str, FieldChange]], before: Iterable[str], after: Iterable[str]
) -> ReportDiff:
    before, after = set(before), set(after)
    return ReportDiff(
        changed=dict(sorted(changed.items())),
        added=sorted(after - before),
        removed=sorted(before - after),
    )


def diff_reports(old: Report, new: Report) -> ReportDiff:
    """Per assignment reference, the fields that differ (old → new), and assignments added or removed."""
    fields = {"__all__": {"reference", *DIFF_FIELDS}}
    before = {
        line["reference"]: line for line in _LINES.dump_python(old.assignments, mode="json", include=fields)
    }
    after = {
        line["reference"]: line for line in _LINES.dump_python(new.assignments, mode="json", include=fields)
    }
    changed = {}
    for reference in before.keys() & after.keys():
        if changes := _field_changes(before[reference], after[reference]):
            changed[reference] = changes
    return _diff(changed, before, after)


def _live_compared(
    session: Session, window: ReportWindow, timezone: str
) -> dict[str, tuple[bytes, list[Any]]]:
    """What a diff compares of each line of the live default report, with its digest, by reference:
    the `_compared_query`, made while its rows arrive."""
    filters = ReportFilters()
    compared = _comparer(window, _Names(session))
    query = _compared_query(
        window, timezone, session.get_bind().dialect.name, _filter_clauses(session, filters)
    )
    lines = {}
    for row in stream_rows(session, query):
        if not row[-1]:  # archived by the cut-off: not a line
            values = compared(row[1:-1])
            lines[row[0]] = (_digest(values), values)
    return lines


def _frozen_diff(frozen: _FrozenLines, live: Mapping[str, tuple[bytes, list[Any]]]) -> ReportDiff:
    """How live data differs from a published report (as `diff_reports`): lines whose compared
    fields have the digest they had when published are equal; only the others are parsed."""
    changed = {}
    for reference, digest, body in frozen.rows:
        now = live.get(reference)
        if now is None or now[0] == digest:
            continue
        new = dict(zip(DIFF_FIELDS, json.loads(to_json(now[1])), strict=True))
        if changes := _field_changes(json.loads(body), new):
            changed[reference] = changes
    return _diff(changed, (reference for reference, _digest, _body in frozen.rows), live)


# --- periods and publishing ---------------------------------------------------------------------


def _publications(session: Session) -> dict[tuple[int, str], PublishedReport]:
    return {(row.year, row.period): row for row in session.scalars(select(PublishedReport))}


def _publication(row: PublishedReport) -> Publication:
    return Publication(at=row.published_at, by=row.published_by)


def list_periods(session: Session, today: date) -> list[PeriodRead]:
    publications = _publications(session)
    periods = []
    for period in plan_periods(current_document(session)):
        published = publications.get((period.year, period.key))
        periods.append(
            PeriodRead(
                **_period_ref(period).model_dump(),
                previous_cutoff=period.window.previous_cutoff,
                next_cutoff=period.window.next_cutoff,
                state="published" if published else "open",
                due=period.cutoff < today,
                published=_publication(published) if published else None,
                links=report_links(period.year, period.key),
            )
        )
    return periods


def _published_row(session: Session, period: ReportingPeriod) -> PublishedReport | None:
    return session.scalar(
        select(PublishedReport).where(
            PublishedReport.year == period.year, PublishedReport.period == period.key
        )
    )


def _frozen_report(session: Session, published: PublishedReport) -> tuple[Report, _FrozenLines]:
    """A published report as stored: the report without its lines, and its lines as JSON."""
    report = Report.model_validate({**published.snapshot, "assignments": []})
    query = (
        select(PublishedReportLine.reference, PublishedReportLine.digest, PublishedReportLine.body)
        .where(PublishedReportLine.report_id == published.id)
        .order_by(PublishedReportLine.position)
    )
    return report, _FrozenLines(list(stream_rows(session, query)))


def _response(
    report: Report, published: PublishedReport | None, diff: ReportDiff | None = None
) -> ReportResponse:
    """The report endpoint's answer: a live report (no diff), or a frozen one with its diff."""
    return ReportResponse(
        **dict(report),
        source="live" if diff is None else "published",
        published=_publication(published) if published else None,
        live_differs=None if diff is None else not diff.is_empty,
        diff=diff,
    )


def _period_report(
    session: Session, year: int, key: str, filters: ReportFilters, timezone: str, keep: _Keep
) -> tuple[ReportResponse, _Lines]:
    document = current_document(session)
    period = find_period(document, year, key)
    published = _published_row(session, period)
    if published is None or not filters.is_default:
        live, lines = _live_report(session, document, period.window, filters, timezone, period, keep=keep)
        return _response(live, published), lines
    report, frozen = _frozen_report(session, published)
    diff = _frozen_diff(frozen, _live_compared(session, period.window, timezone))
    return _response(report, published, diff), frozen


@_cyclic_gc_paused
def period_report(
    session: Session, year: int, key: str, filters: ReportFilters, timezone: str
) -> ReportResponse:
    """The report of a period: the frozen snapshot once published (with how live data now differs),
    else computed live. A filtered report is always live."""
    report, lines = _period_report(session, year, key, filters, timezone, _Keep.DICTS)
    return report.model_copy(update={"assignments": lines.models()})


@_cyclic_gc_paused
def period_report_json(session: Session, year: int, key: str, filters: ReportFilters, timezone: str) -> bytes:
    """`period_report` as JSON, the same bytes, made without a model per line."""
    report, lines = _period_report(session, year, key, filters, timezone, _Keep.JSON)
    return _report_json(report, lines.bodies())


@_cyclic_gc_paused
def publish_report(session: Session, year: int, key: str, actor: str, timezone: str, today: date) -> bytes:
    """Freeze the period's default report as it is now, with who published it and when; returns the
    frozen report as the report endpoint now gives it (JSON)."""
    document = current_document(session)
    period = find_period(document, year, key)
    if period.cutoff >= today:
        raise ConflictError(
            f"{period.key} {period.year} cannot be published before its cut-off {period.cutoff} has passed."
        )
    if _published_row(session, period) is not None:
        raise ConflictError(f"{period.key} {period.year} has already been published; it does not change.")
    report, lines = _live_report(
        session, document, period.window, ReportFilters(), timezone, period, keep=_Keep.PUBLISHED
    )
    published = PublishedReport(
        year=period.year,
        period=period.key,
        published_at=utcnow(),
        published_by=actor,
        snapshot=report.model_dump(mode="json", exclude={"assignments"}),
    )
    bodies, digests = lines.bodies(), lines.digests or []
    session.add(published)
    try:
        session.flush()
        if bodies:
            session.execute(
                insert(PublishedReportLine),
                [
                    {
                        "report_id": published.id,
                        "position": position,
                        "reference": reference,
                        "digest": digest,
                        "body": body,
                    }
                    for position, (reference, digest, body) in enumerate(
                        zip(lines.references, digests, bodies, strict=True)
                    )
                ],
            )
        _record_publication(session, published)
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise ConflictError(f"{period.key} {period.year} has just been published by someone else.") from error
    unchanged = ReportDiff(changed={}, added=[], removed=[])
    return _report_json(_response(report, published, unchanged), bodies)


def _record_publication(session: Session, published: PublishedReport) -> None:
    """The `report.published` webhook event, in the publishing transaction."""
    record_event(
        session,
        EventType.REPORT_PUBLISHED,
        {
            "year": published.year,
            "period": published.period,
            "published_at": published.published_at,
            "published_by": published.published_by,
            "summary": published.snapshot.get("summary"),
            "links": report_links(published.year, published.period),
        },
    )


def _default_report(
    session: Session, document: SourceDocument, period: ReportingPeriod, timezone: str
) -> tuple[Report, PublishedReport | None]:
    """The period's default report as the report endpoint gives it: frozen once published."""
    published = _published_row(session, period)
    if published is not None:
        report, lines = _frozen_report(session, published)
        return report.model_copy(update={"assignments": lines.models()}), published
    return build_report(session, document, period.window, ReportFilters(), timezone, period), None


def compare_with_previous(session: Session, year: int, key: str, timezone: str) -> ReportComparison:
    """How a period's report differs from the previous period's (each frozen if published)."""
    document = current_document(session)
    period = find_period(document, year, key)
    earlier = previous_period(document, period)
    current_report, current_published = _default_report(session, document, period, timezone)
    previous_report, previous_published = _default_report(session, document, earlier, timezone)
    return ReportComparison(
        previous=_period_ref(earlier),
        previous_source="published" if previous_published else "live",
        current=_period_ref(period),
        current_source="published" if current_published else "live",
        diff=diff_reports(previous_report, current_report),
    )


def plan_trajectory(session: Session, timezone: str, today: date) -> PlanTrajectory:
    """Counts per period across the plan, for a burn-up chart; published periods count as frozen."""
    document = current_document(session)
    publications = _publications(session)
    points = []
    for period in plan_periods(document):
        if period.cutoff >= today:
            points.append(TrajectoryPoint(period=_period_ref(period)))
            continue
        published = publications.get((period.year, period.key))
        summary = (
            ReportSummary.model_validate(published.snapshot["summary"])
            if published
            else _live_report(
                session, document, period.window, ReportFilters(), timezone, period, keep=_Keep.NOTHING
            )[0].summary
        )
        points.append(
            TrajectoryPoint(
                period=_period_ref(period),
                source="published" if published else "live",
                assignments=summary.assignments,
                completed=summary.completed,
                overdue=summary.overdue,
                by_status=summary.by_status,
            )
        )
    return PlanTrajectory(
        document=DocumentRef.model_validate(document),
        plan_start_year=document.plan_start_year,
        plan_end_year=document.plan_end_year,
        points=points,
    )


def dashboard_report(session: Session, timezone: str, today: date) -> tuple[Report, list[PeriodRead]]:
    """Where the plan stands today (the default report as of today), and every period's report."""
    document = current_document(session)
    report = build_report(session, document, window_around(document, today), ReportFilters(), timezone)
    return report, list_periods(session, today)
