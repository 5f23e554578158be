"""A report's summary: counts by status, assessment and traffic light, and roll-ups by owner and by
executor (each down the organisation) and by goal, each with the inputs a reader can check
(assignments, reported, completed, overdue). Made from the count of each distinct `LineFacts` of the lines."""

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from app.assignments.vocabulary import Assessment, Status, TrafficLight
from app.org.models import OrgUnit
from app.org.service import children_by_parent
from app.reports.lines import LineFacts
from app.reports.names import Names
from app.reports.schemas import (
    NO_ASSESSMENT,
    ArchivedLine,
    DocumentTally,
    GoalTally,
    OwnerRollup,
    ReportSummary,
    Tally,
)

_NO_LINES = {"assignments": 0, "reported": 0, "completed": 0, "overdue": 0}


def _add(first: dict[str, int], second: dict[str, int]) -> dict[str, int]:
    return {key: first[key] + second[key] for key in first}


def _tallies(facts: Mapping[LineFacts, int], key: Callable[[LineFacts], Any]) -> dict[Any, dict[str, int]]:
    """Counts per group (`key` of a line's facts): assignments, reported, completed and overdue."""
    tallies: dict[Any, dict[str, int]] = defaultdict(lambda: dict(_NO_LINES))
    for line_facts, count in facts.items():
        tally = tallies[key(line_facts)]
        tally["assignments"] += count
        tally["reported"] += line_facts.updated_in_period * count
        tally["completed"] += (line_facts.status == Status.COMPLETED) * count
        tally["overdue"] += line_facts.overdue * count
    return tallies


def _unit_rollup(
    facts: Mapping[LineFacts, int], names: Names, unit_of: Callable[[LineFacts], int | None]
) -> list[OwnerRollup]:
    """Units (owners or executors, `unit_of` a line's facts) in tree order, each counting its own
    assignments and those of every unit below it.

    Units without assignments anywhere below them are left out.
    """
    own_tallies = _tallies(facts, unit_of)
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

    nodes: list[OwnerRollup] = []
    for root in children.get(None, []):
        root_nodes, _root_total = rollup(root, 0)
        nodes += root_nodes
    return nodes


def _goal_tallies(facts: Mapping[LineFacts, int], names: Names) -> list[GoalTally]:
    """Per goal in goal order, then the assignments without a goal."""
    by_goal = _tallies(facts, lambda line_facts: line_facts.goal_id)
    ordered = sorted(names.goals, key=lambda goal: (goal.origin != "adopted", goal.number))
    keys: list[int | None] = [goal.id for goal in ordered if goal.id in by_goal]
    if None in by_goal:
        keys.append(None)
    return [GoalTally(goal=names.goal_refs[key] if key else None, **by_goal[key]) for key in keys]


def _document_tallies(facts: Mapping[LineFacts, int], names: Names) -> list[DocumentTally]:
    """Per document, the most recently decided first (as documents are listed), then the
    assignments without a document."""
    by_document = _tallies(facts, lambda line_facts: line_facts.document_id)
    keys: list[int | None] = [
        document_id for document_id in names.document_refs if document_id in by_document
    ]
    if None in by_document:
        keys.append(None)
    return [
        DocumentTally(document=names.document_refs[key] if key else None, **by_document[key]) for key in keys
    ]


def summarise(facts: Mapping[LineFacts, int], archived: list[ArchivedLine], names: Names) -> ReportSummary:
    """The summary of the lines whose facts were counted, and of the assignments archived in the period."""
    by_status: dict[str, int] = dict.fromkeys(Status, 0)
    by_assessment: dict[str, int] = dict.fromkeys([*Assessment, NO_ASSESSMENT], 0)
    by_traffic_light: dict[str, int] = dict.fromkeys(TrafficLight, 0)
    due_before_next_cutoff = new_in_period = 0
    for line_facts, count in facts.items():
        by_status[line_facts.status] += count
        by_assessment[line_facts.assessment or NO_ASSESSMENT] += count
        by_traffic_light[line_facts.traffic_light] += count
        due_before_next_cutoff += line_facts.due_before_next_cutoff * count
        new_in_period += line_facts.new_in_period * count
    tally = _tallies(facts, lambda _line_facts: None)[None]
    return ReportSummary(
        by_status=by_status,
        by_assessment=by_assessment,
        by_traffic_light=by_traffic_light,
        by_owner=_unit_rollup(facts, names, lambda line_facts: line_facts.owner_id),
        by_executor=_unit_rollup(facts, names, lambda line_facts: line_facts.executor_id),
        without_executor=Tally(**_tallies(facts, lambda line_facts: line_facts.executor_id is None)[True]),
        by_goal=_goal_tallies(facts, names),
        by_document=_document_tallies(facts, names),
        completion_rate=round(100 * tally["completed"] / tally["assignments"], 1)
        if tally["assignments"]
        else 0.0,
        due_before_next_cutoff=due_before_next_cutoff,
        new_in_period=new_in_period,
        archived_in_period=archived,
        **tally,
    )
