"""Writing an assignment's own fields: create, edit, archive, and load from seed data.

Status is not written here (status_updates.py). Every change of the fields is recorded as a
revision with names resolved (`assignment_revisions`), and raises its webhook event, in the
caller's transaction: these functions flush and never commit (app.db.unit_of_work).
"""

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import Principal
from app.assignments.deadline_text import PlanPeriod, parse_deadline
from app.assignments.events import record_assignment_event
from app.assignments.guards import check_scope, lock_for_write
from app.assignments.history import record_revision
from app.assignments.models import Assignment, AssignmentTag
from app.assignments.queries import search_text_of
from app.assignments.references import claim_reference, draw_reference
from app.assignments.schemas import AssignmentCreate, AssignmentUpdate, DeadlineInput
from app.assignments.values import nested_values, write_money, write_target
from app.db import ModelT, utcnow
from app.documents.models import Goal, SourceDocument
from app.documents.service import decision_at, latest_document, plan_document_for_year
from app.errors import InvalidInputError
from app.org.models import OrgUnit
from app.org.service import resolve_unit_reference
from app.webhooks.vocabulary import EventType

TRACKED_FIELDS = (
    "title", "description", "quote", "section", "origin", "goal", "owner", "executor", "reporting_unit",
    "partners", "contact_person", "kind", "deadline", "money", "target", "tags",
)  # fmt: skip

# --- change records ---------------------------------------------------------------------------


def _unit_label(unit: OrgUnit | None) -> dict[str, Any] | None:
    return {"id": unit.id, "key": unit.key, "name": unit.name} if unit else None


def _decimal_text(value: Decimal | None) -> str | None:
    """'50' for 50, 50.0 and 50.0000 alike, so a database round trip is not a change."""
    return None if value is None else format(value.normalize(), "f")


def _snapshot(assignment: Assignment) -> dict[str, Any]:
    """The tracked fields as people read them (names, not ids; JSON values), for change records."""
    goal = assignment.goal
    nested = to_jsonable_python(nested_values(assignment))
    if nested["target"]:
        nested["target"]["value"] = _decimal_text(assignment.target_value)
    return {
        "title": assignment.title,
        "description": assignment.description,
        "quote": assignment.quote,
        "section": assignment.section,
        "origin": assignment.origin,
        "goal": {"id": goal.id, "key": goal.key, "title": goal.title} if goal else None,
        "owner": _unit_label(assignment.owner),
        "executor": _unit_label(assignment.executor),
        "reporting_unit": _unit_label(assignment.reporting_unit),
        "partners": sorted(
            (_unit_label(unit) or {} for unit in assignment.partners), key=lambda unit: unit["id"]
        ),
        "contact_person": assignment.contact_person,
        "kind": assignment.kind,
        **nested,
        "tags": list(assignment.tags),
    }


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: {"old": before.get(name), "new": after[name]}
        for name in TRACKED_FIELDS
        if before.get(name) != after[name]
    }


# --- applying input ---------------------------------------------------------------------------


def _referenced(session: Session, model: type[ModelT], row_id: int | None, field: str) -> ModelT | None:
    """The row an input field refers to; an unknown id is a 422 naming the field."""
    if row_id is None:
        return None
    row = session.get(model, row_id)
    if row is None:
        raise InvalidInputError(
            field, f"no such {model.__tablename__.removesuffix('s').replace('_', ' ')}: {row_id}"
        )
    return row


def reading_context(
    session: Session, *, decided_on: date, plan_years: tuple[int, int] | None
) -> tuple[date, PlanPeriod]:
    """The date and plan period a document's relative deadlines ("under planperioden", "nästa år")
    are read against: its own plan years, else the plan in force the year it was decided, else
    that year alone."""
    if plan_years is None:
        plan = plan_document_for_year(session, decided_on.year)
        if plan is not None and plan.plan_start_year is not None and plan.plan_end_year is not None:
            plan_years = (plan.plan_start_year, plan.plan_end_year)
    if plan_years is None:
        return decided_on, PlanPeriod(decided_on.year, decided_on.year)
    return decided_on, PlanPeriod(*plan_years)


def deadline_context(session: Session, document: SourceDocument | None) -> tuple[date, PlanPeriod] | None:
    """What the deadlines of a document's assignments are read against (`reading_context`);
    without a document: the latest plan's."""
    context = document or latest_document(session)
    if context is None:
        return None
    plan_years = (
        (context.plan_start_year, context.plan_end_year)
        if context.plan_start_year is not None and context.plan_end_year is not None
        else None
    )
    return reading_context(session, decided_on=context.decided_on, plan_years=plan_years)


def interpret_deadline(
    session: Session, *, deadline: DeadlineInput, document: SourceDocument | None
) -> tuple[date | None, date | None, str | None]:
    """Dates given explicitly win; otherwise the text is read against the document's plan period."""
    if deadline.earliest or deadline.latest:
        return deadline.earliest, deadline.latest, "day"
    context = deadline_context(session, document) if deadline.text else None
    if not deadline.text or context is None:
        return None, None, None
    document_date, plan_period = context
    interval = parse_deadline(deadline.text, document_date=document_date, plan_period=plan_period)
    if interval is None:
        return None, None, None
    return interval.earliest, interval.latest, interval.precision.value


def _write_deadline(session: Session, assignment: Assignment, deadline: DeadlineInput | None) -> None:
    deadline = deadline or DeadlineInput()
    earliest, latest, precision = interpret_deadline(session, deadline=deadline, document=assignment.document)
    assignment.deadline_text = deadline.text
    assignment.deadline_earliest = earliest
    assignment.deadline_latest = latest
    assignment.deadline_precision = precision


def _write_tags(assignment: Assignment, tags: list[str]) -> None:
    wanted = sorted(set(tags))
    if wanted != assignment.tags:
        assignment.tag_rows = [AssignmentTag(tag=tag) for tag in wanted]


def _write_partners(session: Session, assignment: Assignment, unit_ids: list[int]) -> None:
    partners = [resolve_unit_reference(session, unit_id, field="partner_ids") for unit_id in unit_ids]
    if {unit.id for unit in partners} != {unit.id for unit in assignment.partners}:
        assignment.partners = partners


_SIMPLE_FIELDS = ("title", "description", "quote", "section", "origin", "contact_person", "kind")


def _apply_fields(
    session: Session, assignment: Assignment, data: AssignmentCreate | AssignmentUpdate, fields: set[str]
) -> None:
    """Copy the given input fields onto the assignment, resolving ids and reading the deadline."""
    for name in _SIMPLE_FIELDS:
        if name in fields:
            setattr(assignment, name, getattr(data, name))
    if "goal_id" in fields:
        assignment.goal = _referenced(session, Goal, data.goal_id, "goal_id")
    if "owner_id" in fields and data.owner_id is not None:
        assignment.owner = resolve_unit_reference(session, data.owner_id, field="owner_id")
    if "executor_id" in fields:
        executor_id = data.executor_id
        assignment.executor = (
            None if executor_id is None else resolve_unit_reference(session, executor_id, field="executor_id")
        )
    if "reporting_unit_id" in fields:
        unit_id = data.reporting_unit_id
        assignment.reporting_unit = (
            None if unit_id is None else resolve_unit_reference(session, unit_id, field="reporting_unit_id")
        )
    if "partner_ids" in fields:
        _write_partners(session, assignment, data.partner_ids or [])
    if "deadline" in fields:
        _write_deadline(session, assignment, data.deadline)
    if "money" in fields:
        write_money(assignment, data.money)
    if "target" in fields:
        write_target(assignment, data.target)
    if "tags" in fields:
        _write_tags(assignment, data.tags or [])
    assignment.search_text = search_text_of(
        assignment.reference, assignment.title, assignment.quote, assignment.description
    )


# --- create, edit, archive --------------------------------------------------------------------


def create_assignment(
    session: Session, *, data: AssignmentCreate, actor: Principal, today: date
) -> Assignment:
    """Create an assignment with the reference given (a 409 when it is taken) or the next one drawn."""
    check_scope(actor, data.owner_id, data.executor_id, data.reporting_unit_id)
    document = _referenced(session, SourceDocument, data.document_id, "document_id")
    reference = (
        claim_reference(session, data.reference)
        if data.reference is not None
        else draw_reference(session, document.reference_prefix if document else f"UPP-{today.year}")
    )
    assignment = Assignment(reference=reference, document=document, version=1)
    _apply_fields(session, assignment, data, set(AssignmentCreate.model_fields))
    session.add(assignment)
    session.flush()
    record_revision(
        session, assignment, action="created", changes=_diff({}, _snapshot(assignment)), actor=actor
    )
    record_assignment_event(session, EventType.ASSIGNMENT_CREATED, assignment)
    return assignment


def update_assignment(
    session: Session,
    assignment_id: int,
    *,
    data: AssignmentUpdate,
    actor: Principal,
    expected_version: int | None,
) -> Assignment:
    decision = decision_at(session, data.decision_document_id, field="decision_document_id")
    assignment = lock_for_write(
        session, assignment_id, actor=actor, expected_version=expected_version, versioned=True
    )
    before = _snapshot(assignment)
    _apply_fields(session, assignment, data, data.model_fields_set)
    session.flush()  # so that the unit ids follow a changed owner, executor or reporting unit
    check_scope(actor, assignment.owner_id, assignment.executor_id, assignment.reporting_unit_id)
    changes = _diff(before, _snapshot(assignment))
    if changes:
        assignment.version += 1
        assignment.updated_at = utcnow()
        record_revision(
            session,
            assignment,
            action="edited",
            changes=changes,
            actor=actor,
            decision_id=decision.id if decision else None,
        )
        record_assignment_event(
            session, EventType.ASSIGNMENT_UPDATED, assignment, changed_fields=list(changes)
        )
    session.flush()
    return assignment


def archive_assignment(
    session: Session,
    assignment_id: int,
    *,
    reason: str | None,
    actor: Principal,
    expected_version: int | None,
) -> Assignment:
    """Soft delete: the assignment leaves lists and reports but keeps its whole history.

    If-Match is optional here: archiving does not overwrite anything a client could have missed.
    """
    assignment = lock_for_write(
        session,
        assignment_id,
        actor=actor,
        expected_version=expected_version,
        versioned=expected_version is not None,
    )
    assignment.archived_at = utcnow()
    assignment.updated_at = assignment.archived_at
    assignment.version += 1
    record_revision(
        session,
        assignment,
        action="archived",
        changes={"archived": {"old": None, "new": reason or ""}},
        actor=actor,
    )
    record_assignment_event(session, EventType.ASSIGNMENT_UPDATED, assignment, changed_fields=["archived"])
    session.flush()
    return assignment


def apply_seed_entry(session: Session, *, reference: str, data: AssignmentCreate, actor: Principal) -> str:
    """Create or update an assignment from seed data; returns 'created', 'updated' or 'unchanged'.

    Only fields whose value changed in the seed file since the last load are applied, so that a
    reload never reverts what users changed through the API. Status history is never touched, and
    loading seeds raises no webhook events.
    """
    seeded = data.model_dump(mode="json", exclude={"reference"})
    assignment = session.scalar(select(Assignment).where(Assignment.reference == reference))
    if assignment is None:
        assignment = Assignment(
            reference=claim_reference(session, reference),
            document=_referenced(session, SourceDocument, data.document_id, "document_id"),
            version=1,
        )
        _apply_fields(session, assignment, data, set(AssignmentCreate.model_fields))
        assignment.seeded_values = seeded
        session.add(assignment)
        session.flush()
        record_revision(
            session, assignment, action="created", changes=_diff({}, _snapshot(assignment)), actor=actor
        )
        return "created"
    previously_seeded = assignment.seeded_values or {}
    if previously_seeded == seeded:
        return "unchanged"
    changed_in_file = {name for name in seeded if previously_seeded.get(name) != seeded[name]}
    before = _snapshot(assignment)
    _apply_fields(session, assignment, data, changed_in_file - {"document_id"})
    assignment.seeded_values = seeded
    changes = _diff(before, _snapshot(assignment))
    if not changes:
        return "unchanged"
    assignment.version += 1
    assignment.updated_at = utcnow()
    record_revision(session, assignment, action="seed_updated", changes=changes, actor=actor)
    return "updated"
