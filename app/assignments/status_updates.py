"""Status updates: the append-only reported states of an assignment, one at a time or in batches.

Each update is a complete state (status, progress, assessment, traffic light); fields a reporter
leaves out are filled from the state on the update's effective date. The assignment's own status
columns are a cache of the state today, and its finished spans (app/assignments/finished_spans.py)
are derived from its history: both are brought in line in the same transaction.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.access import Principal
from app.assignments.as_of import NEWEST_FIRST, state_on
from app.assignments.events import record_assignment_event
from app.assignments.finished_spans import rewrite_finished_spans
from app.assignments.guards import lock_for_write
from app.assignments.models import Assignment, StatusUpdate
from app.assignments.queries import get_assignment
from app.assignments.reporting import check_reporting_open
from app.assignments.schemas import (
    BatchItemResult,
    BatchResult,
    BatchStatusUpdateItem,
    BatchStatusUpdates,
    StatusUpdateCreate,
    StatusUpdateRead,
)
from app.assignments.vocabulary import STATUSES_NEEDING_REASON, Assessment, Status, TrafficLight
from app.db import lock_rows, utcnow
from app.documents.service import decision_at
from app.errors import InvalidInputError, ProblemError
from app.webhooks.vocabulary import EventType

logger = logging.getLogger("uppdrag.assignments")

STATE_FIELDS = ("status", "progress", "assessment", "traffic_light")


@dataclass(frozen=True)
class ReportedState:
    status: Status = Status.NOT_STARTED
    progress: int = 0
    assessment: Assessment | None = None
    traffic_light: TrafficLight = TrafficLight.GREY


INITIAL_STATE = ReportedState()
TIMELINE_ORDER = (StatusUpdate.effective_date, StatusUpdate.recorded_at, StatusUpdate.id)


def state_of(update: StatusUpdate) -> ReportedState:
    return ReportedState(update.status, update.progress, update.assessment, update.traffic_light)


def state_as_of(session: Session, assignment_id: int, *, day: date) -> ReportedState:
    """The assignment's reported state on `day`: its latest status update effective on or before it."""
    latest = session.scalars(
        select(StatusUpdate)
        .where(StatusUpdate.assignment_id == assignment_id, StatusUpdate.effective_date <= day)
        .order_by(*NEWEST_FIRST)
        .limit(1)
    ).first()
    return state_of(latest) if latest else INITIAL_STATE


def states_on_day(session: Session, *, assignment_ids: Sequence[int], day: date) -> dict[int, ReportedState]:
    """The reported state of each of the assignments on `day`, in one query."""
    as_of = state_on(day, session.get_bind().dialect.name)
    state = as_of.state
    query: Select[*tuple[Any, ...]] = select(
        Assignment.id,
        state.status.label("status"),
        state.progress.label("progress"),
        state.assessment.label("assessment"),
        state.traffic_light.label("traffic_light"),
    )
    rows = session.execute(as_of.join_to(query).where(Assignment.id.in_(assignment_ids))).all()
    return {
        row.id: ReportedState(
            Status(row.status),
            row.progress,
            Assessment(row.assessment) if row.assessment else None,
            TrafficLight(row.traffic_light),
        )
        for row in rows
    }


def list_status_updates(session: Session, assignment_id: int) -> Sequence[StatusUpdate]:
    """The assignment's status updates in effective order."""
    get_assignment(session, assignment_id)
    return session.scalars(
        select(StatusUpdate).where(StatusUpdate.assignment_id == assignment_id).order_by(*TIMELINE_ORDER)
    ).all()


# --- reporting one --------------------------------------------------------------------------


def _resolve_reported_state(data: StatusUpdateCreate, before: ReportedState) -> ReportedState:
    status = data.status or before.status
    if data.progress is not None:
        progress = data.progress
    else:
        progress = PROGRESS_DONE if status == Status.COMPLETED else before.progress
    return ReportedState(
        status=status,
        progress=progress,
        assessment=data.assessment or before.assessment,
        traffic_light=data.traffic_light or before.traffic_light,
    )


# The status rule: `completed` means the work is done, so its progress is 100; and 100 % means
# completed, so a reporter who says 100 % says `completed` too. Closed and cancelled keep the
# progress reached when the work ended. A status update that breaks it is refused (never silently
# changed): in the API, the batch, the pages' forms and imports alike, since all go through here.
PROGRESS_DONE = 100
COMPLETED_NOT_DONE = "must be 100 when status is completed"
DONE_NOT_COMPLETED = "must be completed when progress is 100"
REASON_REQUIRED = "required when status is {status}"
NOT_IN_FUTURE = "must not be in the future"


def check_status_rule(state: ReportedState) -> None:
    if state.status == Status.COMPLETED and state.progress != PROGRESS_DONE:
        raise InvalidInputError("progress", COMPLETED_NOT_DONE)
    if state.progress == PROGRESS_DONE and state.status in (Status.NOT_STARTED, Status.IN_PROGRESS):
        raise InvalidInputError("status", DONE_NOT_COMPLETED)


def _check_status_update(data: StatusUpdateCreate, effective: date, today: date) -> None:
    if effective > today:
        raise InvalidInputError("effective_date", NOT_IN_FUTURE)
    if data.status in STATUSES_NEEDING_REASON and not (data.reason and data.reason.strip()):
        raise InvalidInputError("reason", REASON_REQUIRED.format(status=data.status))


def add_status_update(
    session: Session,
    assignment_id: int,
    *,
    data: StatusUpdateCreate,
    actor: Principal,
    today: date,
    expected_version: int | None,
    confirmation: bool = False,
) -> tuple[StatusUpdate, Assignment]:
    """Append a status update and bring the assignment's current state in line with its history,
    with its webhook event. `confirmation`: a unit confirms in a round that the state is unchanged."""
    effective = data.effective_date or today
    _check_status_update(data, effective, today)
    decision = decision_at(session, data.decision_document_id, field="decision_document_id")
    assignment = lock_for_write(
        session, assignment_id, actor=actor, expected_version=expected_version, versioned=True
    )
    check_reporting_open(session, assignment, day=effective)
    state = _resolve_reported_state(data, state_as_of(session, assignment_id, day=effective))
    check_status_rule(state)
    update = StatusUpdate(
        assignment_id=assignment_id,
        effective_date=effective,
        recorded_at=utcnow(),
        recorded_by=actor.name,
        token_id=actor.token_id,
        person_id=actor.person_id,
        comment=data.comment,
        reason=data.reason,
        decision_document_id=decision.id if decision else None,
        confirmation=confirmation,
        **{name: getattr(state, name) for name in STATE_FIELDS},
    )
    session.add(update)
    session.flush()
    rewrite_finished_spans(session, assignment_id)
    previous_status = assignment.status
    current = state_as_of(session, assignment_id, day=date.max)
    for name in STATE_FIELDS:
        setattr(assignment, name, getattr(current, name))
    assignment.version += 1
    assignment.updated_at = update.recorded_at
    record_assignment_event(
        session,
        EventType.ASSIGNMENT_STATUS_CONFIRMED if confirmation else EventType.ASSIGNMENT_STATUS_CHANGED,
        assignment,
        status_update=StatusUpdateRead.model_validate(update),
        previous_status=previous_status,
    )
    return update, assignment


# --- batches ----------------------------------------------------------------------------------


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
    session: Session, index: int, item: BatchStatusUpdateItem, actor: Principal, today: date
) -> BatchItemResult:
    """One item of a batch, in a savepoint of its own: when it fails, only it is undone."""
    try:
        with session.begin_nested():
            update, assignment = add_status_update(
                session,
                item.assignment_id,
                data=item,
                actor=actor,
                today=today,
                expected_version=item.version,
            )
    except ProblemError as error:
        return _failed_item(index, item.assignment_id, _item_problem(error))
    except SQLAlchemyError:
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
    session: Session, *, batch: BatchStatusUpdates, actor: Principal, today: date
) -> BatchResult:
    """Apply many status updates, each with its own result.

    Not atomic: each item succeeds or fails on its own (a savepoint each), and the successful ones
    are kept. Atomic: on the first failure the remaining items are not tried (424) and the batch
    fails with that item's status, so that the caller's transaction keeps nothing.
    """
    if batch.atomic:  # all locks up front, in id order: concurrent batches wait rather than deadlock
        lock_rows(session, Assignment, [item.assignment_id for item in batch.items])
    results: list[BatchItemResult] = []
    for index, item in enumerate(batch.items):
        if batch.atomic and any(result.problem for result in results):
            results.append(BatchItemResult(index=index, assignment_id=item.assignment_id, status=424))
        else:
            results.append(_apply_batch_item(session, index, item, actor, today))
    failures = [result for result in results if result.problem]
    if batch.atomic and failures:
        rolled_back = [result.model_copy(update={"update": None, "version": None}) for result in results]
        raise BatchFailedError(failures[0], rolled_back)
    return BatchResult(
        atomic=batch.atomic, applied=len(results) - len(failures), failed=len(failures), results=results
    )
