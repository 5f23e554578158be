import re
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status

from app.assignments import service
from app.assignments.models import Assignment
from app.assignments.schemas import (
    ArchiveRequest,
    AssignmentCreate,
    AssignmentFilters,
    AssignmentRead,
    AssignmentUpdate,
    BatchResult,
    BatchStatusUpdates,
    HistoryEntry,
    StatusUpdateCreate,
    StatusUpdateRead,
    assignment_read,
)
from app.auth.deps import ActorDep
from app.deps import SessionDep, TimezoneDep, TodayDep
from app.errors import InvalidInputError, problem_responses
from app.inputs import MAX_DB_ID, IdPath
from app.pagination import Page

router = APIRouter(prefix="/api/v1/assignments", tags=["assignments"])


def _reads_as_of(session: SessionDep, items: Sequence[Assignment], day: date) -> list[AssignmentRead]:
    """The assignments as they stood on `day`: their reported state then, and overdue on that day."""
    states = service.states_on_day(session, [item.id for item in items], day)
    return [
        assignment_read(
            item, overdue=service.overdue_on(item.deadline_latest, states[item.id].status, day)
        ).model_copy(update=asdict(states[item.id]))
        for item in items
    ]


@router.get(
    "", response_model=Page[AssignmentRead], summary="List assignments", responses=problem_responses(422)
)
def list_assignments(
    filters: Annotated[AssignmentFilters, Query()],
    session: SessionDep,
    today: TodayDep,
    timezone: TimezoneDep,
) -> Page[AssignmentRead]:
    items, total = service.list_assignments(session, filters, today, timezone)
    return Page(
        items=_reads_as_of(session, items, filters.as_of)
        if filters.as_of
        else [assignment_read(item, overdue=service.is_overdue(item, today)) for item in items],
        total=total,
        limit=filters.limit,
        offset=filters.offset,
    )


IfMatchHeader = Annotated[
    str | None,
    Header(description='The ETag last read, e.g. "3". Required unless `version` is in the body.'),
]


def etag_for(version: int) -> str:
    return f'"{version}"'


ETAG_PATTERN = re.compile(r'(?:W/)?"?([0-9]{1,10})"?')


def expected_version(if_match: str | None, body_version: int | None) -> int | None:
    """The version the client last read: from If-Match (an ETag such as "3" or W/"3") or the body."""
    if if_match is None:
        return body_version
    tag = ETAG_PATTERN.fullmatch(if_match.strip())
    if tag is None or int(tag[1]) > MAX_DB_ID:
        raise InvalidInputError("If-Match", 'must be the ETag of the version last read, e.g. "3"')
    return int(tag[1])


def _versioned_read(assignment: Assignment, today: date, response: Response) -> AssignmentRead:
    response.headers["ETag"] = etag_for(assignment.version)
    return assignment_read(assignment, overdue=service.is_overdue(assignment, today))


@router.post(
    "",
    response_model=AssignmentRead,
    status_code=status.HTTP_201_CREATED,
    summary="Create an assignment",
    responses=problem_responses(401, 403, 409, 422),
)
def create_assignment(
    data: AssignmentCreate, session: SessionDep, actor: ActorDep, today: TodayDep, response: Response
) -> AssignmentRead:
    assignment = service.create_assignment(session, data, actor, today)
    response.headers["Location"] = f"{router.prefix}/{assignment.id}"
    return _versioned_read(assignment, today, response)


@router.get(
    "/{assignment_id}",
    response_model=AssignmentRead,
    summary="One assignment (its ETag is its version)",
    responses=problem_responses(404),
)
def get_assignment(
    assignment_id: IdPath, session: SessionDep, today: TodayDep, response: Response
) -> AssignmentRead:
    return _versioned_read(service.get_assignment(session, assignment_id), today, response)


@router.patch(
    "/{assignment_id}",
    response_model=AssignmentRead,
    summary="Change some of an assignment's fields (needs If-Match or `version`)",
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
def update_assignment(
    assignment_id: IdPath,
    data: AssignmentUpdate,
    session: SessionDep,
    actor: ActorDep,
    today: TodayDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> AssignmentRead:
    version = expected_version(if_match, data.version)
    assignment = service.update_assignment(session, assignment_id, data, actor, version)
    return _versioned_read(assignment, today, response)


@router.delete(
    "/{assignment_id}",
    response_model=AssignmentRead,
    summary="Archive an assignment (soft delete; its history is kept)",
    responses=problem_responses(401, 403, 404, 409, 412),
)
def archive_assignment(
    assignment_id: IdPath,
    session: SessionDep,
    actor: ActorDep,
    today: TodayDep,
    response: Response,
    data: ArchiveRequest | None = None,
    if_match: IfMatchHeader = None,
) -> AssignmentRead:
    version = expected_version(if_match, None)
    assignment = service.archive_assignment(
        session, assignment_id, data.reason if data else None, actor, version
    )
    return _versioned_read(assignment, today, response)


@router.post(
    "/{assignment_id}/updates",
    response_model=StatusUpdateRead,
    status_code=status.HTTP_201_CREATED,
    summary="Report status (append-only; may be back-dated; needs If-Match or `version`)",
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
def add_status_update(
    assignment_id: IdPath,
    data: StatusUpdateCreate,
    session: SessionDep,
    actor: ActorDep,
    today: TodayDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> StatusUpdateRead:
    version = expected_version(if_match, data.version)
    update, assignment = service.add_status_update(session, assignment_id, data, actor, today, version)
    response.headers["ETag"] = etag_for(assignment.version)
    return StatusUpdateRead.model_validate(update)


@router.post(
    "/updates:batch",
    response_model=BatchResult,
    summary="Apply many status updates, with a result per item; `atomic` for all or nothing",
    responses=problem_responses(401, 403, 422),
)
def apply_status_update_batch(
    batch: BatchStatusUpdates, session: SessionDep, actor: ActorDep, today: TodayDep
) -> BatchResult:
    return service.apply_status_update_batch(session, batch, actor, today)


@router.get(
    "/{assignment_id}/updates",
    response_model=list[StatusUpdateRead],
    summary="The assignment's status updates in effective order",
    responses=problem_responses(404),
)
def list_status_updates(assignment_id: IdPath, session: SessionDep) -> list[StatusUpdateRead]:
    return [
        StatusUpdateRead.model_validate(update)
        for update in service.list_status_updates(session, assignment_id)
    ]


@router.get(
    "/{assignment_id}/history",
    response_model=list[HistoryEntry],
    summary="Everything that happened to the assignment, names resolved and changed fields listed",
    responses=problem_responses(404),
)
def assignment_history(assignment_id: IdPath, session: SessionDep) -> list[HistoryEntry]:
    return service.assignment_history(session, assignment_id)
