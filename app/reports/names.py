"""How reports name what their lines refer to, loaded once per report: units (as they were on the
cut-off day: a unit that had ceased is shown as its successor), goals, the decisions behind
assignments, and the links between assignments whose both ends are followed up by the cut-off."""

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.assignments.links import link_summaries
from app.documents.models import Goal
from app.documents.schemas import DecisionRef, DocumentRef, GoalRef
from app.documents.service import get_goal, list_documents, list_goals
from app.org.models import OrgUnit
from app.org.schemas import UnitRef
from app.org.service import list_units, resolve_unit_reference, unit_on
from app.reports.schemas import ReportFilters


class Names:
    """As models (for summaries) and as the plain dicts that lines hold."""

    def __init__(self, session: Session, day: date, timezone: str) -> None:
        self.units: list[OrgUnit] = list(list_units(session))
        self.unit_refs = {unit.id: UnitRef.model_validate(unit) for unit in self.units}
        unit_values = {unit_id: ref.model_dump() for unit_id, ref in self.unit_refs.items()}
        # Each unit's id as reports on `day` count it, and its name as lines show it then.
        self.unit_on_day = {unit.id: unit_on(unit, day).id for unit in self.units}
        self.unit_values = {unit_id: unit_values[self.unit_on_day[unit_id]] for unit_id in unit_values}
        self.goals: list[Goal] = list(list_goals(session))
        self.goal_refs = {goal.id: GoalRef.model_validate(goal) for goal in self.goals}
        self.goal_values = {goal_id: ref.model_dump() for goal_id, ref in self.goal_refs.items()}
        documents = list_documents(session)
        self.document_refs = {document.id: DocumentRef.model_validate(document) for document in documents}
        self.decision_values: dict[int, dict[str, Any]] = {
            document.id: DecisionRef.model_validate(document).model_dump() for document in documents
        }
        self.links = link_summaries(session, day=day, zone=ZoneInfo(timezone))


def filter_names(session: Session, filters: ReportFilters) -> dict[str, str]:
    """The names of what a report's filters point at, by filter (the owner's and the deciding body's
    names, the goal's number and title), for a page to say its selection in words. The report was
    made with these filters, so each is known."""
    names: dict[str, str] = {}
    for field, reference in (("owner", filters.owner), ("decided_by", filters.decided_by)):
        if reference is not None:
            names[field] = resolve_unit_reference(session, reference, field=field).name
    if filters.goal is not None:
        goal = get_goal(session, filters.goal)
        names["goal"] = f"{goal.number} {goal.title}"
    return names
