"""Assignments: the register, status updates and history. Plain functions taking a session."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.assignments.deadline_text import PlanPeriod, parse_deadline
from app.assignments.models import Assignment, AssignmentRevision, AssignmentTag, StatusUpdate
from app.assignments.schemas import (
    AssignmentCreate,
    AssignmentFilters,
    AssignmentUpdate,
    DeadlineInput,
    FieldChange,
    HistoryEntry,
    Money,
    StatusUpdateCreate,
    StatusUpdateRead,
    Target,
)
from app.assignments.vocabulary import (
    FINISHED_STATUSES,
    STATUSES_NEEDING_REASON,
    Assessment,
    Status,
    TrafficLight,
)
from app.db import utcnow
from app.documents.models import Goal, SourceDocument
from app.documents.service import latest_document
from app.errors import ConflictError, InvalidInputError, NotFoundError
from app.org.models import OrgUnit
from app.org.service import resolve_unit_reference, unit_with_descendant_ids

# --- reading --------------------------------------------------------------------------------


def is_overdue(assignment: Assignment, today: date) -> bool:
    """Overdue (försenad) is derived: the latest deadline has passed and the work is not finished."""
    return (
        assignment.deadline_latest is not None
        and assignment.deadline_latest < today
        and assignment.status not in FINISHED_STATUSES
    )


def overdue_clause(today: date) -> ColumnElement[bool]:
    return and_(
        Assignment.deadline_latest < today,
        Assignment.status.not_in([status.value for status in FINISHED_STATUSES]),
    )


def search_text_of(*parts: str | None) -> str:
    """The case-folded text that free-text search matches against (works alike on every backend)."""
    return " ".join(part for part in parts if part).casefold()


def _like_pattern(text: str) -> str:
    escaped = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_SORT_COLUMNS: dict[str, Any] = {
    "reference": Assignment.reference,
    "title": Assignment.title,
    "deadline": Assignment.deadline_latest,
    "status": Assignment.status,
    "progress": Assignment.progress,
    "updated_at": Assignment.updated_at,
    "created_at": Assignment.created_at,
    "owner": Assignment.owner_id,
}


def _order_by(sort: str) -> list[Any]:
    order = []
    for name in sort.split(","):
        column = _SORT_COLUMNS[name.lstrip("-")]
        order.append(column.desc().nulls_last() if name.startswith("-") else column.asc().nulls_last())
    order.append(Assignment.id.asc())
    return order


def _filtered(session: Session, filters: AssignmentFilters, today: date) -> Select[Assignment]:
    query = select(Assignment)
    if not filters.include_archived:
        query = query.where(Assignment.archived_at.is_(None))
    if filters.q:
        query = query.where(Assignment.search_text.like(_like_pattern(filters.q), escape="\\"))
    if filters.owner:
        owner = resolve_unit_reference(session, "owner", filters.owner)
        query = query.where(Assignment.owner_id.in_(unit_with_descendant_ids(session, owner.id)))
    if filters.executor:
        executor = resolve_unit_reference(session, "executor", filters.executor)
        query = query.where(Assignment.executor_id.in_(unit_with_descendant_ids(session, executor.id)))
    if filters.status:
        query = query.where(Assignment.status.in_([status.value for status in filters.status]))
    if filters.assessment:
        query = query.where(Assignment.assessment.in_([item.value for item in filters.assessment]))
    if filters.goal is not None:
        query = query.where(Assignment.goal_id == filters.goal)
    if filters.document is not None:
        query = query.where(Assignment.document_id == filters.document)
    if filters.origin:
        query = query.where(Assignment.origin.in_([origin.value for origin in filters.origin]))
    if filters.kind:
        query = query.where(Assignment.kind.in_([kind.value for kind in filters.kind]))
    if filters.tag:
        tagged = select(AssignmentTag.assignment_id).where(AssignmentTag.tag == filters.tag.lower())
        query = query.where(Assignment.id.in_(tagged))
    if filters.deadline_before:
        query = query.where(Assignment.deadline_latest <= filters.deadline_before)
    if filters.deadline_after:
        query = query.where(Assignment.deadline_latest >= filters.deadline_after)
    if filters.overdue is True:
        query = query.where(overdue_clause(today))
    elif filters.overdue is False:
        query = query.where(or_(Assignment.deadline_latest.is_(None), ~overdue_clause(today)))
    return query


def list_assignments(
    session: Session, filters: AssignmentFilters, today: date
) -> tuple[Sequence[Assignment], int]:
    """One page of assignments matching the filters, and the total number that match."""
    query = _filtered(session, filters, today)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = query.order_by(*_order_by(filters.sort)).limit(filters.limit).offset(filters.offset)
    return session.scalars(page).all(), total


def get_assignment(session: Session, assignment_id: int) -> Assignment:
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFoundError(f"No assignment with id {assignment_id}.")
    return assignment


def _lock_for_write(session: Session, assignment_id: int) -> Assignment:
    """Load the assignment with a row lock so that concurrent writers are serialised."""
    assignment = session.get(Assignment, assignment_id, with_for_update=True, populate_existing=True)
    if assignment is None:
        raise NotFoundError(f"No assignment with id {assignment_id}.")
    if assignment.archived_at is not None:
        raise ConflictError(f"Assignment {assignment.reference} is archived and cannot be changed.")
    return assignment


# --- writing the assignment's own fields ----------------------------------------------------

TRACKED_FIELDS = (
    "title", "description", "quote", "section", "origin", "goal", "owner", "executor", "partners",
    "contact_person", "kind", "deadline", "money", "target", "tags",
)  # fmt: skip


def _unit_label(unit: OrgUnit | None) -> dict[str, Any] | None:
    return {"id": unit.id, "key": unit.key, "name": unit.name} if unit else None


def _snapshot(assignment: Assignment) -> dict[str, Any]:
    """The tracked fields as people read them (names, not ids), for change records."""
    goal = assignment.goal
    return {
        "title": assignment.title,
        "description": assignment.description,
        "quote": assignment.quote,
        "section": assignment.section,
        "origin": assignment.origin,
        "goal": {"id": goal.id, "key": goal.key, "title": goal.title} if goal else None,
        "owner": _unit_label(assignment.owner),
        "executor": _unit_label(assignment.executor),
        "partners": sorted(
            (_unit_label(unit) or {} for unit in assignment.partners), key=lambda unit: unit["id"]
        ),
        "contact_person": assignment.contact_person,
        "kind": assignment.kind,
        "deadline": {
            "text": assignment.deadline_text,
            "earliest": assignment.deadline_earliest.isoformat() if assignment.deadline_earliest else None,
            "latest": assignment.deadline_latest.isoformat() if assignment.deadline_latest else None,
            "precision": assignment.deadline_precision,
        },
        "money": {
            "min_sek": assignment.amount_min_sek,
            "max_sek": assignment.amount_max_sek,
            "year": assignment.amount_year,
            "text": assignment.amount_text,
        }
        if assignment.amount_min_sek is not None
        else None,
        "target": {
            "indicator": assignment.target_indicator,
            "value": _decimal_text(assignment.target_value),
            "unit": assignment.target_unit,
            "year": assignment.target_year,
        }
        if assignment.target_indicator
        else None,
        "tags": list(assignment.tags),
    }


def _decimal_text(value: Decimal | None) -> str | None:
    """'50' for 50, 50.0 and 50.0000 alike, so a database round trip is not a change."""
    return None if value is None else format(value.normalize(), "f")


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: {"old": before.get(name), "new": after[name]}
        for name in TRACKED_FIELDS
        if before.get(name) != after[name]
    }


def _resolve_goal(session: Session, goal_id: int | None) -> Goal | None:
    if goal_id is None:
        return None
    goal = session.get(Goal, goal_id)
    if goal is None:
        raise InvalidInputError("goal_id", f"unknown goal {goal_id}")
    return goal


def _resolve_document(session: Session, document_id: int | None) -> SourceDocument | None:
    if document_id is None:
        return None
    document = session.get(SourceDocument, document_id)
    if document is None:
        raise InvalidInputError("document_id", f"unknown document {document_id}")
    return document


def _resolve_optional_unit(session: Session, field: str, unit_id: int | None) -> OrgUnit | None:
    return None if unit_id is None else resolve_unit_reference(session, field, unit_id)


def _interpret_deadline(
    session: Session, deadline: DeadlineInput, document: SourceDocument | None
) -> tuple[date | None, date | None, str | None]:
    """Dates given explicitly win; otherwise the text is read against the document's plan period."""
    if deadline.earliest or deadline.latest:
        return deadline.earliest, deadline.latest, "day"
    if not deadline.text:
        return None, None, None
    context = document or latest_document(session)
    if context is None:
        return None, None, None
    interval = parse_deadline(
        deadline.text,
        document_date=context.document_date,
        plan_period=PlanPeriod(context.plan_start_year, context.plan_end_year),
    )
    if interval is None:
        return None, None, None
    return interval.earliest, interval.latest, interval.precision.value


def _set_deadline(session: Session, assignment: Assignment, deadline: DeadlineInput | None) -> None:
    deadline = deadline or DeadlineInput()
    earliest, latest, precision = _interpret_deadline(session, deadline, assignment.document)
    assignment.deadline_text = deadline.text
    assignment.deadline_earliest = earliest
    assignment.deadline_latest = latest
    assignment.deadline_precision = precision


def _set_money(assignment: Assignment, money: Money | None) -> None:
    assignment.amount_min_sek = money.min_sek if money else None
    assignment.amount_max_sek = money.max_sek if money else None
    assignment.amount_year = money.year if money else None
    assignment.amount_text = money.text if money else None


def _set_target(assignment: Assignment, target: Target | None) -> None:
    assignment.target_indicator = target.indicator if target else None
    assignment.target_value = target.value if target else None
    assignment.target_unit = target.unit if target else None
    assignment.target_year = target.year if target else None


def _set_tags(assignment: Assignment, tags: list[str]) -> None:
    wanted = sorted(set(tags))
    if wanted != assignment.tags:
        assignment.tag_rows = [AssignmentTag(tag=tag) for tag in wanted]


_SIMPLE_FIELDS = ("title", "description", "quote", "section", "origin", "contact_person", "kind")


def _apply_fields(
    session: Session, assignment: Assignment, data: AssignmentCreate | AssignmentUpdate, fields: set[str]
) -> None:
    """Copy the given input fields onto the assignment, resolving ids and reading the deadline."""
    for name in _SIMPLE_FIELDS:
        if name in fields:
            setattr(assignment, name, getattr(data, name))
    if "goal_id" in fields:
        assignment.goal = _resolve_goal(session, data.goal_id)
    if "owner_id" in fields and data.owner_id is not None:
        assignment.owner = resolve_unit_reference(session, "owner_id", data.owner_id)
    if "executor_id" in fields:
        assignment.executor = _resolve_optional_unit(session, "executor_id", data.executor_id)
    if "partner_ids" in fields:
        partners = [
            resolve_unit_reference(session, "partner_ids", unit_id) for unit_id in data.partner_ids or []
        ]
        if {unit.id for unit in partners} != {unit.id for unit in assignment.partners}:
            assignment.partners = partners
    if "deadline" in fields:
        _set_deadline(session, assignment, data.deadline)
    if "money" in fields:
        _set_money(assignment, data.money)
    if "target" in fields:
        _set_target(assignment, data.target)
    if "tags" in fields:
        _set_tags(assignment, data.tags or [])
    assignment.search_text = search_text_of(
        assignment.reference, assignment.title, assignment.quote, assignment.description
    )


def _record_revision(
    session: Session, assignment: Assignment, action: str, changes: dict[str, Any], actor: str
) -> None:
    session.add(
        AssignmentRevision(
            assignment_id=assignment.id,
            recorded_by=actor,
            action=action,
            changes=changes,
            version=assignment.version,
        )
    )


def _next_reference(session: Session, prefix: str) -> str:
    references = session.scalars(
        select(Assignment.reference).where(Assignment.reference.like(f"{prefix}-%"))
    ).all()
    numbers = [int(tail) for tail in (ref.rsplit("-", 1)[1] for ref in references) if tail.isdigit()]
    return f"{prefix}-{max(numbers, default=0) + 1:03d}"


def _commit(session: Session, conflict_message: str) -> None:
    try:
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise ConflictError(conflict_message) from error


def create_assignment(session: Session, data: AssignmentCreate, actor: str, today: date) -> Assignment:
    document = _resolve_document(session, data.document_id)
    reference = data.reference or _next_reference(
        session, document.reference_prefix if document else f"UPP-{today.year}"
    )
    if session.scalar(select(Assignment.id).where(Assignment.reference == reference)) is not None:
        raise ConflictError(f"An assignment with reference {reference} already exists.")
    assignment = Assignment(reference=reference, document=document, version=1)
    _apply_fields(session, assignment, data, set(AssignmentCreate.model_fields))
    session.add(assignment)
    session.flush()
    _record_revision(session, assignment, "created", _diff({}, _snapshot(assignment)), actor)
    _commit(session, f"An assignment with reference {reference} already exists.")
    return assignment


def update_assignment(session: Session, assignment_id: int, data: AssignmentUpdate, actor: str) -> Assignment:
    assignment = _lock_for_write(session, assignment_id)
    before = _snapshot(assignment)
    _apply_fields(session, assignment, data, data.model_fields_set)
    changes = _diff(before, _snapshot(assignment))
    if changes:
        assignment.version += 1
        assignment.updated_at = utcnow()
        _record_revision(session, assignment, "edited", changes, actor)
    _commit(session, "The assignment changed while it was being updated.")
    return assignment


def apply_seed_entry(
    session: Session, reference: str, data: AssignmentCreate, actor: str, today: date
) -> str:
    """Create or update an assignment from seed data; returns 'created', 'updated' or 'unchanged'.

    Only the assignment's own fields are touched; its status history never is. Does not commit.
    """
    assignment = session.scalar(select(Assignment).where(Assignment.reference == reference))
    if assignment is None:
        assignment = Assignment(
            reference=reference, document=_resolve_document(session, data.document_id), version=1
        )
        _apply_fields(session, assignment, data, set(AssignmentCreate.model_fields))
        session.add(assignment)
        session.flush()
        _record_revision(session, assignment, "created", _diff({}, _snapshot(assignment)), actor)
        return "created"
    before = _snapshot(assignment)
    _apply_fields(
        session, assignment, data, set(AssignmentCreate.model_fields) - {"document_id", "reference"}
    )
    changes = _diff(before, _snapshot(assignment))
    if not changes:
        return "unchanged"
    assignment.version += 1
    assignment.updated_at = utcnow()
    _record_revision(session, assignment, "seed_updated", changes, actor)
    return "updated"


def archive_assignment(session: Session, assignment_id: int, reason: str | None, actor: str) -> Assignment:
    """Soft delete: the assignment leaves lists and reports but keeps its whole history."""
    assignment = _lock_for_write(session, assignment_id)
    assignment.archived_at = utcnow()
    assignment.updated_at = assignment.archived_at
    assignment.version += 1
    _record_revision(session, assignment, "archived", {"archived": {"old": None, "new": reason or ""}}, actor)
    _commit(session, "The assignment changed while it was being archived.")
    return assignment


# --- status updates -------------------------------------------------------------------------

STATE_FIELDS = ("status", "progress", "assessment", "traffic_light")


@dataclass(frozen=True)
class ReportedState:
    status: Status = Status.NOT_STARTED
    progress: int = 0
    assessment: Assessment | None = None
    traffic_light: TrafficLight = TrafficLight.GREY


INITIAL_STATE = ReportedState()


def _timeline_order() -> list[Any]:
    return [StatusUpdate.effective_date, StatusUpdate.recorded_at, StatusUpdate.id]


def state_as_of(session: Session, assignment_id: int, day: date) -> ReportedState:
    """The assignment's reported state on `day`: its latest status update effective on or before it."""
    latest = session.scalars(
        select(StatusUpdate)
        .where(StatusUpdate.assignment_id == assignment_id, StatusUpdate.effective_date <= day)
        .order_by(*[column.desc() for column in _timeline_order()])
        .limit(1)
    ).first()
    return _state_of(latest) if latest else INITIAL_STATE


def _state_of(update: StatusUpdate) -> ReportedState:
    return ReportedState(update.status, update.progress, update.assessment, update.traffic_light)


def _resolve_reported_state(data: StatusUpdateCreate, before: ReportedState) -> ReportedState:
    status = data.status or before.status
    if data.progress is not None:
        progress = data.progress
    else:
        progress = 100 if status == Status.COMPLETED else before.progress
    return ReportedState(
        status=status,
        progress=progress,
        assessment=data.assessment or before.assessment,
        traffic_light=data.traffic_light or before.traffic_light,
    )


def _check_status_update(data: StatusUpdateCreate, effective: date, today: date) -> None:
    if effective > today:
        raise InvalidInputError("effective_date", "must not be in the future")
    if data.status in STATUSES_NEEDING_REASON and not (data.reason and data.reason.strip()):
        raise InvalidInputError("reason", f"required when status is {data.status}")


def add_status_update(
    session: Session, assignment_id: int, data: StatusUpdateCreate, actor: str, today: date
) -> StatusUpdate:
    """Append a status update and bring the assignment's current state in line with its history."""
    effective = data.effective_date or today
    _check_status_update(data, effective, today)
    assignment = _lock_for_write(session, assignment_id)
    state = _resolve_reported_state(data, state_as_of(session, assignment_id, effective))
    update = StatusUpdate(
        assignment_id=assignment_id,
        effective_date=effective,
        recorded_at=utcnow(),
        recorded_by=actor,
        comment=data.comment,
        reason=data.reason,
        **{name: getattr(state, name) for name in STATE_FIELDS},
    )
    session.add(update)
    session.flush()
    current = state_as_of(session, assignment_id, date.max)
    for name in STATE_FIELDS:
        setattr(assignment, name, getattr(current, name))
    assignment.version += 1
    assignment.updated_at = update.recorded_at
    _commit(session, "The assignment changed while the status update was recorded.")
    return update


def list_status_updates(session: Session, assignment_id: int) -> Sequence[StatusUpdate]:
    get_assignment(session, assignment_id)
    return session.scalars(
        select(StatusUpdate).where(StatusUpdate.assignment_id == assignment_id).order_by(*_timeline_order())
    ).all()


# --- history --------------------------------------------------------------------------------


def _status_update_entries(updates: Sequence[StatusUpdate]) -> list[HistoryEntry]:
    """Entries for status updates; changed fields are relative to the state before, in effective order."""
    entries = []
    previous = INITIAL_STATE
    for update in updates:
        current = _state_of(update)
        changes = {
            name: FieldChange(old=getattr(previous, name), new=getattr(current, name))
            for name in STATE_FIELDS
            if getattr(previous, name) != getattr(current, name)
        }
        if update.comment:
            changes["comment"] = FieldChange(old=None, new=update.comment)
        entries.append(
            HistoryEntry(
                type="status_update",
                recorded_at=update.recorded_at,
                recorded_by=update.recorded_by,
                effective_date=update.effective_date,
                status_update=StatusUpdateRead.model_validate(update),
                changed_fields=list(changes),
                changes=changes,
            )
        )
        previous = current
    return entries


def _revision_entry(revision: AssignmentRevision) -> HistoryEntry:
    changes = {name: FieldChange(**change) for name, change in revision.changes.items()}
    return HistoryEntry(
        type=revision.action,
        recorded_at=revision.recorded_at,
        recorded_by=revision.recorded_by,
        version=revision.version,
        changed_fields=list(changes),
        changes=changes,
    )


def assignment_history(session: Session, assignment_id: int) -> list[HistoryEntry]:
    """Everything that happened to an assignment, in the order it was recorded."""
    updates = list_status_updates(session, assignment_id)
    revisions = session.scalars(
        select(AssignmentRevision)
        .where(AssignmentRevision.assignment_id == assignment_id)
        .order_by(AssignmentRevision.recorded_at, AssignmentRevision.id)
    ).all()
    entries = _status_update_entries(updates) + [_revision_entry(revision) for revision in revisions]
    return sorted(entries, key=lambda entry: entry.recorded_at)
