"""Assignments: the register, status updates and history. Plain functions taking a session."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from app.assignments.as_of import (
    CURRENT_STATE,
    NEWEST_FIRST,
    StateColumns,
    archived_by,
    started_by,
    state_on,
)
from app.assignments.deadline_text import PlanPeriod, parse_deadline
from app.assignments.models import Assignment, AssignmentRevision, AssignmentTag, StatusUpdate
from app.assignments.schemas import (
    AssignmentCreate,
    AssignmentFilters,
    AssignmentUpdate,
    BatchItemResult,
    BatchResult,
    BatchStatusUpdateItem,
    BatchStatusUpdates,
    DeadlineInput,
    FieldChange,
    HistoryEntry,
    Money,
    StatusUpdateCreate,
    StatusUpdateRead,
    Target,
    assignment_event_payload,
)
from app.assignments.vocabulary import (
    FINISHED_STATUSES,
    STATUSES_NEEDING_REASON,
    Assessment,
    Status,
    TrafficLight,
)
from app.auth.principal import Principal
from app.clock import day_end
from app.db import ModelT, get_or_404, lock_rows, utcnow
from app.documents.models import Goal, SourceDocument
from app.documents.service import latest_document
from app.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    PreconditionFailedError,
    PreconditionRequiredError,
    ProblemError,
)
from app.org.models import OrgUnit
from app.org.service import resolve_unit_reference, unit_with_descendant_ids
from app.webhooks.outbox import record_event
from app.webhooks.vocabulary import EventType

logger = logging.getLogger("uppdrag.assignments")

# --- reading --------------------------------------------------------------------------------


def overdue_on(deadline_latest: date | None, status: Status, day: date) -> bool:
    """Overdue (försenad) is derived: the latest deadline has passed and the work is not finished."""
    return deadline_latest is not None and deadline_latest < day and status not in FINISHED_STATUSES


def is_overdue(assignment: Assignment, today: date) -> bool:
    return overdue_on(assignment.deadline_latest, assignment.status, today)


def search_text_of(*parts: str | None) -> str:
    """The case-folded text that free-text search matches against (works alike on every backend)."""
    return " ".join(part for part in parts if part).casefold()


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_pattern(text: str) -> str:
    return f"%{_escape_like(text.casefold())}%"


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


def _order_by(sort: str, state: StateColumns) -> list[Any]:
    columns = {**_SORT_COLUMNS, "status": state.status, "progress": state.progress}
    order = []
    for name in sort.split(","):
        column = columns[name.lstrip("-")]
        order.append(column.desc().nulls_last() if name.startswith("-") else column.asc().nulls_last())
    order.append(Assignment.id.asc())
    return order


def _register_on(
    session: Session, filters: AssignmentFilters, timezone: str
) -> tuple[Select[Assignment], StateColumns]:
    """The assignments to list and where their state is read: today's rows, or the day `as_of`.

    As of a past day the list holds the assignments that existed then, in the state they were in.
    """
    if filters.as_of is None:
        query = select(Assignment)
        if not filters.include_archived:
            query = query.where(Assignment.archived_at.is_(None))
        return query, CURRENT_STATE
    end = day_end(filters.as_of, timezone)
    as_of = state_on(filters.as_of, session.get_bind().dialect.name)
    query = as_of.join_to(select(Assignment)).where(started_by(filters.as_of, end))
    if not filters.include_archived:
        query = query.where(~archived_by(end))
    return query, as_of.state


def _filtered(
    session: Session, filters: AssignmentFilters, today: date, timezone: str
) -> tuple[Select[Assignment], StateColumns]:
    query, state = _register_on(session, filters, timezone)
    day = filters.as_of or today
    if filters.q:
        query = query.where(Assignment.search_text.like(_like_pattern(filters.q), escape="\\"))
    if filters.owner:
        owner = resolve_unit_reference(session, "owner", filters.owner)
        query = query.where(Assignment.owner_id.in_(unit_with_descendant_ids(session, owner.id)))
    if filters.executor:
        executor = resolve_unit_reference(session, "executor", filters.executor)
        query = query.where(Assignment.executor_id.in_(unit_with_descendant_ids(session, executor.id)))
    if filters.status:
        query = query.where(state.status.in_([status.value for status in filters.status]))
    if filters.assessment:
        query = query.where(state.assessment.in_([item.value for item in filters.assessment]))
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
        query = query.where(state.overdue(day))
    elif filters.overdue is False:
        query = query.where(or_(Assignment.deadline_latest.is_(None), ~state.overdue(day)))
    return query, state


def list_assignments(
    session: Session, filters: AssignmentFilters, today: date, timezone: str
) -> tuple[Sequence[Assignment], int]:
    """One page of assignments matching the filters, and the total number that match.

    With `as_of`, the filters on status, assessment and overdue and the sort on status and progress
    apply to the state on that day; `states_on_day` gives that state for the page.
    """
    query, state = _filtered(session, filters, today, timezone)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = query.order_by(*_order_by(filters.sort, state)).limit(filters.limit).offset(filters.offset)
    return session.scalars(page).all(), total


def open_deadlines(
    session: Session, filters: AssignmentFilters, today: date, timezone: str
) -> Sequence[Assignment]:
    """Every unarchived, unfinished assignment with a latest deadline that matches the filters."""
    query, _state = _filtered(session, filters, today, timezone)
    query = query.where(
        Assignment.deadline_latest.is_not(None),
        Assignment.status.not_in([status.value for status in FINISHED_STATUSES]),
    )
    return session.scalars(query.order_by(Assignment.deadline_latest, Assignment.id)).all()


def get_assignment(session: Session, assignment_id: int) -> Assignment:
    return get_or_404(session, Assignment, assignment_id, "assignment")


def _check_scope(actor: Principal, owner_id: int | None, executor_id: int | None) -> None:
    if not actor.may_write_for(owner_id, executor_id):
        raise ForbiddenError(
            "The token may only write assignments its unit (or a sub-unit) owns or executes."
        )


def _lock_for_write(
    session: Session,
    assignment_id: int,
    actor: Principal,
    expected_version: int | None = None,
    *,
    versioned: bool,
) -> Assignment:
    """Load the assignment with a row lock so that concurrent writers are serialised.

    Checks, in this order: it exists, the actor may write it, it is not archived, and (for
    `versioned` writes) the client saw its current version, so that no update is lost.
    """
    lock_rows(session, Assignment, [assignment_id])
    assignment = get_or_404(session, Assignment, assignment_id, "assignment", populate_existing=True)
    _check_scope(actor, assignment.owner_id, assignment.executor_id)
    if assignment.archived_at is not None:
        raise ConflictError(f"Assignment {assignment.reference} is archived and cannot be changed.")
    if versioned:
        _check_version(assignment, expected_version)
    return assignment


def _check_version(assignment: Assignment, expected_version: int | None) -> None:
    if expected_version is None:
        raise PreconditionRequiredError(
            "Send the version you last read: an If-Match header with the ETag, or `version` in the body.",
            current_version=assignment.version,
        )
    if expected_version != assignment.version:
        raise PreconditionFailedError(
            f"The assignment is at version {assignment.version}, not {expected_version}; read it again.",
            current_version=assignment.version,
        )


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
        assignment.goal = _referenced(session, Goal, data.goal_id, "goal_id")
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
    session: Session, assignment: Assignment, action: str, changes: dict[str, Any], actor: Principal
) -> None:
    session.add(
        AssignmentRevision(
            assignment_id=assignment.id,
            recorded_by=actor.name,
            token_id=actor.token_id,
            action=action,
            changes=changes,
            version=assignment.version,
        )
    )


def _record_assignment_event(
    session: Session, event_type: EventType, assignment: Assignment, **extra: Any
) -> None:
    record_event(
        session,
        event_type,
        {"assignment": assignment_event_payload(assignment), **extra},
        assignment_id=assignment.id,
        owner_unit_id=assignment.owner_id,
    )


def _next_reference(session: Session, prefix: str) -> str:
    references = session.scalars(
        select(Assignment.reference).where(
            Assignment.reference.like(f"{_escape_like(prefix)}-%", escape="\\")
        )
    ).all()
    numbers = [int(tail) for tail in (ref.rsplit("-", 1)[1] for ref in references) if tail.isdigit()]
    return f"{prefix}-{max(numbers, default=0) + 1:03d}"


def _commit(session: Session, conflict_message: str) -> None:
    try:
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise ConflictError(conflict_message) from error


REFERENCE_ATTEMPTS = 5


def create_assignment(session: Session, data: AssignmentCreate, actor: Principal, today: date) -> Assignment:
    """Create an assignment; a generated reference that a concurrent create took first is drawn again."""
    _check_scope(actor, data.owner_id, data.executor_id)
    for _attempt in range(REFERENCE_ATTEMPTS):
        try:
            return _insert_assignment(session, data, actor, today)
        except IntegrityError as error:
            session.rollback()
            if data.reference is not None:
                raise ConflictError(
                    f"An assignment with reference {data.reference} already exists."
                ) from error
    raise ConflictError("No free reference could be drawn for the assignment; try again.")


def _insert_assignment(session: Session, data: AssignmentCreate, actor: Principal, today: date) -> Assignment:
    document = _referenced(session, SourceDocument, data.document_id, "document_id")
    prefix = document.reference_prefix if document else f"UPP-{today.year}"
    assignment = Assignment(
        reference=data.reference or _next_reference(session, prefix), document=document, version=1
    )
    _apply_fields(session, assignment, data, set(AssignmentCreate.model_fields))
    session.add(assignment)
    session.flush()
    _record_revision(session, assignment, "created", _diff({}, _snapshot(assignment)), actor)
    _record_assignment_event(session, EventType.ASSIGNMENT_CREATED, assignment)
    session.commit()
    return assignment


def update_assignment(
    session: Session,
    assignment_id: int,
    data: AssignmentUpdate,
    actor: Principal,
    expected_version: int | None,
) -> Assignment:
    assignment = _lock_for_write(session, assignment_id, actor, expected_version, versioned=True)
    before = _snapshot(assignment)
    _apply_fields(session, assignment, data, data.model_fields_set)
    session.flush()  # so that owner_id and executor_id follow a changed owner or executor
    _check_scope(actor, assignment.owner_id, assignment.executor_id)
    changes = _diff(before, _snapshot(assignment))
    if changes:
        assignment.version += 1
        assignment.updated_at = utcnow()
        _record_revision(session, assignment, "edited", changes, actor)
        _record_assignment_event(
            session, EventType.ASSIGNMENT_UPDATED, assignment, changed_fields=list(changes)
        )
    _commit(session, "The assignment changed while it was being updated.")
    return assignment


def apply_seed_entry(session: Session, reference: str, data: AssignmentCreate, actor: Principal) -> str:
    """Create or update an assignment from seed data; returns 'created', 'updated' or 'unchanged'.

    Only fields whose value changed in the seed file since the last load are applied, so that a
    reload never reverts what users changed through the API. Status history is never touched, and
    loading seeds raises no webhook events. Does not commit.
    """
    seeded = data.model_dump(mode="json", exclude={"reference"})
    assignment = session.scalar(select(Assignment).where(Assignment.reference == reference))
    if assignment is None:
        assignment = Assignment(
            reference=reference,
            document=_referenced(session, SourceDocument, data.document_id, "document_id"),
            version=1,
        )
        _apply_fields(session, assignment, data, set(AssignmentCreate.model_fields))
        assignment.seeded_values = seeded
        session.add(assignment)
        session.flush()
        _record_revision(session, assignment, "created", _diff({}, _snapshot(assignment)), actor)
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
    _record_revision(session, assignment, "seed_updated", changes, actor)
    return "updated"


def archive_assignment(
    session: Session, assignment_id: int, reason: str | None, actor: Principal, expected_version: int | None
) -> Assignment:
    """Soft delete: the assignment leaves lists and reports but keeps its whole history.

    If-Match is optional here: archiving does not overwrite anything a client could have missed.
    """
    assignment = _lock_for_write(
        session, assignment_id, actor, expected_version, versioned=expected_version is not None
    )
    assignment.archived_at = utcnow()
    assignment.updated_at = assignment.archived_at
    assignment.version += 1
    _record_revision(session, assignment, "archived", {"archived": {"old": None, "new": reason or ""}}, actor)
    _record_assignment_event(session, EventType.ASSIGNMENT_UPDATED, assignment, changed_fields=["archived"])
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
        .order_by(*NEWEST_FIRST)
        .limit(1)
    ).first()
    return _state_of(latest) if latest else INITIAL_STATE


def _state_of(update: StatusUpdate) -> ReportedState:
    return ReportedState(update.status, update.progress, update.assessment, update.traffic_light)


def states_on_day(session: Session, assignment_ids: Sequence[int], day: date) -> dict[int, ReportedState]:
    """The reported state of each of the assignments on `day`, in one query."""
    as_of = state_on(day, session.get_bind().dialect.name)
    state = as_of.state
    query = select(Assignment.id, state.status, state.progress, state.assessment, state.traffic_light)
    rows = session.execute(as_of.join_to(query).where(Assignment.id.in_(assignment_ids))).all()
    return {
        row[0]: ReportedState(
            Status(row[1]), row[2], Assessment(row[3]) if row[3] else None, TrafficLight(row[4])
        )
        for row in rows
    }


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


def append_status_update(
    session: Session,
    assignment_id: int,
    data: StatusUpdateCreate,
    actor: Principal,
    today: date,
    expected_version: int | None,
) -> tuple[StatusUpdate, Assignment]:
    """Append a status update and bring the assignment's current state in line with its history.

    Writes the outbox events in the same transaction; does not commit (batches share one).
    """
    effective = data.effective_date or today
    _check_status_update(data, effective, today)
    assignment = _lock_for_write(session, assignment_id, actor, expected_version, versioned=True)
    state = _resolve_reported_state(data, state_as_of(session, assignment_id, effective))
    update = StatusUpdate(
        assignment_id=assignment_id,
        effective_date=effective,
        recorded_at=utcnow(),
        recorded_by=actor.name,
        token_id=actor.token_id,
        comment=data.comment,
        reason=data.reason,
        **{name: getattr(state, name) for name in STATE_FIELDS},
    )
    session.add(update)
    session.flush()
    previous_status = assignment.status
    current = state_as_of(session, assignment_id, date.max)
    for name in STATE_FIELDS:
        setattr(assignment, name, getattr(current, name))
    assignment.version += 1
    assignment.updated_at = update.recorded_at
    _record_assignment_event(
        session,
        EventType.ASSIGNMENT_STATUS_CHANGED,
        assignment,
        status_update=StatusUpdateRead.model_validate(update),
        previous_status=previous_status,
    )
    return update, assignment


def add_status_update(
    session: Session,
    assignment_id: int,
    data: StatusUpdateCreate,
    actor: Principal,
    today: date,
    expected_version: int | None,
) -> tuple[StatusUpdate, Assignment]:
    result = append_status_update(session, assignment_id, data, actor, today, expected_version)
    _commit(session, "The assignment changed while the status update was recorded.")
    return result


def _item_problem(error: ProblemError) -> dict[str, Any]:
    problem: dict[str, Any] = {"status": error.status, "detail": error.detail, **error.extra}
    if error.errors:
        problem["errors"] = [item.as_dict() for item in error.errors]
    return problem


class BatchFailedError(ProblemError):
    """An atomic batch in which an item failed: nothing was written."""

    def __init__(self, first_failure: BatchItemResult, results: list[BatchItemResult]) -> None:
        problem = first_failure.problem or {}
        super().__init__(
            f"Nothing was applied: item {first_failure.index} failed: {problem.get('detail')}",
            results=[result.model_dump(mode="json") for result in results],
        )
        self.status = first_failure.status
        self.problem_type = "batch-failed"


def _failed_item(index: int, assignment_id: int, problem: dict[str, Any]) -> BatchItemResult:
    return BatchItemResult(
        index=index, assignment_id=assignment_id, status=problem["status"], problem=problem
    )


def _apply_batch_item(
    session: Session, index: int, item: BatchStatusUpdateItem, actor: Principal, today: date, *, atomic: bool
) -> BatchItemResult:
    """One item of a batch; when not atomic, it is committed on its own."""
    try:
        update, assignment = append_status_update(
            session, item.assignment_id, item, actor, today, item.version
        )
        if not atomic:
            _commit(session, "The assignment changed while the status update was recorded.")
    except ProblemError as error:
        session.rollback()
        return _failed_item(index, item.assignment_id, _item_problem(error))
    except SQLAlchemyError:
        session.rollback()
        logger.exception("batch item %d failed", index)
        return _failed_item(
            index, item.assignment_id, {"status": 500, "detail": "An internal error occurred."}
        )
    return BatchItemResult(
        index=index,
        assignment_id=item.assignment_id,
        status=201,
        update=StatusUpdateRead.model_validate(update),
        version=assignment.version,
    )


def apply_status_update_batch(
    session: Session, batch: BatchStatusUpdates, actor: Principal, today: date
) -> BatchResult:
    """Apply many status updates, each with its own result.

    Not atomic: each item is its own transaction. Atomic: one transaction; on the first failure
    nothing is kept, the remaining items are not tried (424) and the batch fails with that status.
    """
    if batch.atomic:  # all locks up front, in id order: concurrent batches wait rather than deadlock
        lock_rows(session, Assignment, [item.assignment_id for item in batch.items])
    results: list[BatchItemResult] = []
    for index, item in enumerate(batch.items):
        if batch.atomic and any(result.problem for result in results):
            results.append(BatchItemResult(index=index, assignment_id=item.assignment_id, status=424))
        else:
            results.append(_apply_batch_item(session, index, item, actor, today, atomic=batch.atomic))
    failures = [result for result in results if result.problem]
    if batch.atomic and failures:
        rolled_back = [result.model_copy(update={"update": None, "version": None}) for result in results]
        raise BatchFailedError(failures[0], rolled_back)
    if batch.atomic:
        _commit(session, "An assignment changed while the batch was recorded.")
    return BatchResult(
        atomic=batch.atomic, applied=len(results) - len(failures), failed=len(failures), results=results
    )


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
    for reported in updates:
        current = _state_of(reported)
        changes = {
            name: FieldChange(old=getattr(previous, name), new=getattr(current, name))
            for name in STATE_FIELDS
            if getattr(previous, name) != getattr(current, name)
        }
        if reported.comment:
            changes["comment"] = FieldChange(old=None, new=reported.comment)
        entries.append(
            HistoryEntry(
                type="status_update",
                recorded_at=reported.recorded_at,
                recorded_by=reported.recorded_by,
                token_id=reported.token_id,
                effective_date=reported.effective_date,
                status_update=StatusUpdateRead.model_validate(reported),
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
        token_id=revision.token_id,
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
