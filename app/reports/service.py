"""Reports: the register as it stood at a cut-off, computed from the status history in a few queries.

A report reads, in one statement, every assignment that existed at the cut-off with its state on the
cut-off day, its state on the previous cut-off and its latest comment (app/assignments/as_of.py); the
summary is computed from those lines. Publishing stores the default report as a frozen snapshot.
"""

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import ColumnElement, Row, Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.assignments.as_of import archived_by, latest_comment, started_by, states_on_two_days
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
from app.reports.links import report_links
from app.reports.models import PublishedReport
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


def _lines_query(
    window: ReportWindow, timezone: str, dialect: str, clauses: list[ColumnElement[bool]]
) -> Select[*tuple[Any, ...]]:
    """Every assignment that existed at the cut-off or was archived in the period, with its state
    at the cut-off and at the previous cut-off and its latest comment: one statement."""
    cutoff_end = day_end(window.cutoff, timezone)
    previous_end = day_end(window.previous_cutoff, timezone)
    now, before = states_on_two_days(window.cutoff, window.previous_cutoff, dialect)
    state, earlier = now.state, before.state
    comment, commented_on = latest_comment(window.cutoff)
    query = select(
        Assignment.id,
        Assignment.reference,
        Assignment.title,
        Assignment.owner_id,
        Assignment.executor_id,
        Assignment.goal_id,
        Assignment.origin,
        Assignment.kind,
        Assignment.deadline_text,
        Assignment.deadline_earliest,
        Assignment.deadline_latest,
        Assignment.deadline_precision,
        Assignment.target_indicator,
        Assignment.target_value,
        Assignment.target_unit,
        Assignment.target_year,
        Assignment.archived_at,
        *(getattr(state, name).label(name) for name in STATE_FIELDS),
        now.effective_date.label("reported_on"),
        *(getattr(earlier, name).label(f"previous_{name}") for name in STATE_FIELDS),
        comment.label("comment"),
        commented_on.label("commented_on"),
        started_by(window.previous_cutoff, previous_end).label("existed_before"),
        archived_by(cutoff_end).label("archived"),
    )
    query = before.join_to(now.join_to(query))
    return query.where(started_by(window.cutoff, cutoff_end), ~archived_by(previous_end), *clauses)


class _Names:
    """Units and goals as reports name them, loaded once per report."""

    def __init__(self, session: Session) -> None:
        self.units = list_units(session)
        self.unit_refs = {unit.id: UnitRef.model_validate(unit) for unit in self.units}
        self.goals = list_goals(session)
        self.goal_refs = {goal.id: GoalRef.model_validate(goal) for goal in self.goals}


_PREVIOUS = tuple((name, f"previous_{name}") for name in STATE_FIELDS)


def _changes(row: Row[Any]) -> dict[str, dict[str, Any]]:
    """The state fields that changed since the previous cut-off; none for an assignment new since then."""
    if not row.existed_before:
        return {}
    values = row._mapping
    return {
        name: {"old": values[previous], "new": values[name]}
        for name, previous in _PREVIOUS
        if values[previous] != values[name]
    }


def _line(row: Row[Any], window: ReportWindow, names: _Names) -> dict[str, Any]:
    """One line as plain data; all lines are validated into models at once (fast, in pydantic-core)."""
    deadline = row.deadline_latest
    due_next = deadline is not None and window.cutoff < deadline <= window.next_cutoff
    return {
        "id": row.id,
        "reference": row.reference,
        "title": row.title,
        "owner": names.unit_refs[row.owner_id],
        "executor": names.unit_refs[row.executor_id] if row.executor_id else None,
        "goal": names.goal_refs[row.goal_id] if row.goal_id else None,
        "origin": row.origin,
        "kind": row.kind,
        "deadline": {
            "text": row.deadline_text,
            "earliest": row.deadline_earliest,
            "latest": deadline,
            "precision": row.deadline_precision,
        },
        "target": {
            "indicator": row.target_indicator,
            "value": row.target_value,
            "unit": row.target_unit,
            "year": row.target_year,
        }
        if row.target_indicator
        else None,
        **{name: getattr(row, name) for name in STATE_FIELDS},
        "reported_on": row.reported_on,
        "comment": row.comment,
        "commented_on": row.commented_on,
        "overdue": overdue_on(deadline, row.status, window.cutoff),
        "updated_in_period": row.reported_on is not None and row.reported_on > window.previous_cutoff,
        "new_in_period": not row.existed_before,
        "due_before_next_cutoff": due_next and row.status not in FINISHED_STATUSES,
        "changes": _changes(row),
    }


# --- the summary ------------------------------------------------------------------------------

_NO_LINES = {"assignments": 0, "reported": 0, "completed": 0, "overdue": 0}


def _tally(lines: Iterable[ReportLine]) -> dict[str, int]:
    tally = dict(_NO_LINES)
    for line in lines:
        tally["assignments"] += 1
        tally["reported"] += line.updated_in_period
        tally["completed"] += line.status == Status.COMPLETED
        tally["overdue"] += line.overdue
    return tally


def _add(first: dict[str, int], second: dict[str, int]) -> dict[str, int]:
    return {key: first[key] + second[key] for key in first}


def _owner_rollup(lines: Sequence[ReportLine], units: Sequence[OrgUnit]) -> list[OwnerRollup]:
    """Owners in tree order, each counting its own assignments and those of every unit below it.

    Units without assignments anywhere below them are left out.
    """
    own: dict[int, list[ReportLine]] = defaultdict(list)
    for line in lines:
        own[line.owner.id].append(line)
    own_tallies = {unit_id: _tally(owned) for unit_id, owned in own.items()}
    children = children_by_parent(units)

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
            unit=UnitRef.model_validate(unit),
            parent_id=unit.parent_id,
            level=level,
            own_assignments=own_tallies.get(unit.id, _NO_LINES)["assignments"],
            **total,
        )
        return [node, *nodes], total

    return [node for root in children.get(None, []) for node in rollup(root, 0)[0]]


def _goal_tallies(lines: Sequence[ReportLine], names: _Names) -> list[GoalTally]:
    """Per goal in goal order, then the assignments without a goal."""
    by_goal: dict[int | None, list[ReportLine]] = defaultdict(list)
    for line in lines:
        by_goal[line.goal.id if line.goal else None].append(line)
    ordered = sorted(names.goals, key=lambda goal: (goal.origin != "adopted", goal.number))
    keys: list[int | None] = [goal.id for goal in ordered if goal.id in by_goal]
    if None in by_goal:
        keys.append(None)
    return [GoalTally(goal=names.goal_refs[key] if key else None, **_tally(by_goal[key])) for key in keys]


def _counts(values: Iterable[str], keys: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys(keys, 0)
    for value in values:
        counts[value] += 1
    return counts


def _summary(lines: list[ReportLine], archived: list[ArchivedLine], names: _Names) -> ReportSummary:
    tally = _tally(lines)
    return ReportSummary(
        by_status=_counts((line.status for line in lines), Status),
        by_assessment=_counts(
            (line.assessment or NO_ASSESSMENT for line in lines), [*Assessment, NO_ASSESSMENT]
        ),
        by_traffic_light=_counts((line.traffic_light for line in lines), TrafficLight),
        by_owner=_owner_rollup(lines, names.units),
        by_goal=_goal_tallies(lines, names),
        completion_rate=round(100 * tally["completed"] / len(lines), 1) if lines else 0.0,
        due_before_next_cutoff=sum(line.due_before_next_cutoff for line in lines),
        new_in_period=sum(line.new_in_period for line in lines),
        archived_in_period=archived,
        **tally,
    )


# --- building a report ------------------------------------------------------------------------


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause the cycle collector while a report's lines are made.

    A large report makes hundreds of thousands of objects in a burst, none of them in cycles; the
    collector would scan the growing heap again and again (measured: half the report's time at 50,000
    assignments). Reference counting still frees everything; the collector resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _period_ref(period: ReportingPeriod) -> PeriodRef:
    return PeriodRef(
        year=period.year,
        period=period.key,
        name_sv=period.name_sv,
        name_en=period.name_en,
        cutoff=period.cutoff,
    )


def build_report(
    session: Session,
    document: SourceDocument,
    window: ReportWindow,
    filters: ReportFilters,
    timezone: str,
    period: ReportingPeriod | None = None,
) -> Report:
    """The live report: the register as it stood at the end of the window's cut-off day."""
    filters = ReportFilters(**{**filters.model_dump(), "origin": filters.origins})
    clauses = _filter_clauses(session, filters)
    names = _Names(session)
    query = _lines_query(window, timezone, session.get_bind().dialect.name, clauses)
    with _cyclic_gc_paused():
        rows = sorted(session.execute(query), key=lambda row: row.reference)
        lines = _LINES.validate_python([_line(row, window, names) for row in rows if not row.archived])
    archived = [
        ArchivedLine(
            reference=row.reference,
            title=row.title,
            owner=names.unit_refs[row.owner_id],
            archived_at=row.archived_at,
        )
        for row in rows
        if row.archived
    ]
    return Report(
        document=DocumentRef.model_validate(document),
        plan_start_year=document.plan_start_year,
        plan_end_year=document.plan_end_year,
        period=_period_ref(period) if period else None,
        as_of=window.cutoff,
        previous_cutoff=window.previous_cutoff,
        next_cutoff=window.next_cutoff,
        generated_at=utcnow(),
        filters=filters,
        summary=_summary(lines, archived, names),
        assignments=lines,
    )


def _comparable(report: Report) -> dict[str, dict[str, Any]]:
    """The lines' compared fields as JSON values, by reference."""
    fields = {"__all__": {"reference", *DIFF_FIELDS}}
    lines = _LINES.dump_python(report.assignments, mode="json", include=fields)
    return {line["reference"]: line for line in lines}


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
        changes = {
            name: FieldChange(old=before[reference][name], new=after[reference][name])
            for name in DIFF_FIELDS
            if before[reference][name] != after[reference][name]
        }
        if changes:
            changed[reference] = changes
    return ReportDiff(
        changed=dict(sorted(changed.items())),
        added=sorted(after.keys() - before.keys()),
        removed=sorted(before.keys() - after.keys()),
    )


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


def _live_response(report: Report, published: PublishedReport | None) -> ReportResponse:
    return ReportResponse(
        **dict(report),
        source="live",
        published=_publication(published) if published else None,
        live_differs=None,
        diff=None,
    )


def _frozen_response(published: PublishedReport, live: Report) -> ReportResponse:
    frozen = Report.model_validate(published.snapshot)
    diff = diff_reports(frozen, live)
    return ReportResponse(
        **dict(frozen),
        source="published",
        published=_publication(published),
        live_differs=not diff.is_empty,
        diff=diff,
    )


def period_report(
    session: Session, year: int, key: str, filters: ReportFilters, timezone: str
) -> ReportResponse:
    """The report of a period: the frozen snapshot once published (with how live data now differs),
    else computed live. A filtered report is always live."""
    document = current_document(session)
    period = find_period(document, year, key)
    with _cyclic_gc_paused():
        live = build_report(session, document, period.window, filters, timezone, period)
        published = _published_row(session, period)
        if published is None or not filters.is_default:
            return _live_response(live, published)
        return _frozen_response(published, live)


def publish_report(
    session: Session, year: int, key: str, actor: str, timezone: str, today: date
) -> ReportResponse:
    """Freeze the period's default report as it is now, with who published it and when."""
    document = current_document(session)
    period = find_period(document, year, key)
    if period.cutoff >= today:
        raise ConflictError(
            f"{period.key} {period.year} cannot be published before its cut-off {period.cutoff} has passed."
        )
    if _published_row(session, period) is not None:
        raise ConflictError(f"{period.key} {period.year} has already been published; it does not change.")
    report = build_report(session, document, period.window, ReportFilters(), timezone, period)
    published = PublishedReport(
        year=period.year,
        period=period.key,
        published_at=utcnow(),
        published_by=actor,
        snapshot=report.model_dump(mode="json"),
    )
    session.add(published)
    try:
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise ConflictError(f"{period.key} {period.year} has just been published by someone else.") from error
    return _frozen_response(published, report)


def _default_report(
    session: Session, document: SourceDocument, period: ReportingPeriod, timezone: str
) -> tuple[Report, PublishedReport | None]:
    """The period's default report as the report endpoint gives it: frozen once published."""
    published = _published_row(session, period)
    if published is not None:
        return Report.model_validate(published.snapshot), published
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
            else build_report(session, document, period.window, ReportFilters(), timezone, period).summary
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
