from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from app.assignments import service
from app.assignments.schemas import (
    ArchiveRequest,
    AssignmentCreate,
    AssignmentFilters,
    AssignmentRead,
    AssignmentUpdate,
    HistoryEntry,
    StatusUpdateCreate,
    StatusUpdateRead,
    assignment_read,
)
from app.deps import ActorDep, SessionDep, TodayDep
from app.pagination import Page

router = APIRouter(prefix="/api/v1/assignments", tags=["assignments"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No assignment with that id (problem+json)."}
}
INVALID: dict[int | str, dict[str, Any]] = {
    422: {"description": "Invalid input; the problem document names the field (problem+json)."}
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "Conflicts with the current state (problem+json)."}
}


@router.get("", response_model=Page[AssignmentRead], summary="List assignments", responses=INVALID)
def list_assignments(
    filters: Annotated[AssignmentFilters, Query()], session: SessionDep, today: TodayDep
) -> Page[AssignmentRead]:
    items, total = service.list_assignments(session, filters, today)
    return Page(
        items=[assignment_read(item, overdue=service.is_overdue(item, today)) for item in items],
        total=total,
        limit=filters.limit,
        offset=filters.offset,
    )


@router.post(
    "",
    response_model=AssignmentRead,
    status_code=status.HTTP_201_CREATED,
    summary="Create an assignment",
    responses={**INVALID, **CONFLICT},
)
def create_assignment(
    data: AssignmentCreate, session: SessionDep, actor: ActorDep, today: TodayDep, response: Response
) -> AssignmentRead:
    assignment = service.create_assignment(session, data, actor, today)
    response.headers["Location"] = f"{router.prefix}/{assignment.id}"
    return assignment_read(assignment, overdue=service.is_overdue(assignment, today))


@router.get("/{assignment_id}", response_model=AssignmentRead, summary="One assignment", responses=NOT_FOUND)
def get_assignment(assignment_id: int, session: SessionDep, today: TodayDep) -> AssignmentRead:
    assignment = service.get_assignment(session, assignment_id)
    return assignment_read(assignment, overdue=service.is_overdue(assignment, today))


@router.patch(
    "/{assignment_id}",
    response_model=AssignmentRead,
    summary="Change some of an assignment's fields",
    responses={**NOT_FOUND, **INVALID, **CONFLICT},
)
def update_assignment(
    assignment_id: int, data: AssignmentUpdate, session: SessionDep, actor: ActorDep, today: TodayDep
) -> AssignmentRead:
    assignment = service.update_assignment(session, assignment_id, data, actor)
    return assignment_read(assignment, overdue=service.is_overdue(assignment, today))


@router.delete(
    "/{assignment_id}",
    response_model=AssignmentRead,
    summary="Archive an assignment (soft delete; its history is kept)",
    responses={**NOT_FOUND, **CONFLICT},
)
def archive_assignment(
    assignment_id: int,
    session: SessionDep,
    actor: ActorDep,
    today: TodayDep,
    data: ArchiveRequest | None = None,
) -> AssignmentRead:
    assignment = service.archive_assignment(session, assignment_id, data.reason if data else None, actor)
    return assignment_read(assignment, overdue=service.is_overdue(assignment, today))


@router.post(
    "/{assignment_id}/updates",
    response_model=StatusUpdateRead,
    status_code=status.HTTP_201_CREATED,
    summary="Report status (append-only; may be back-dated with effective_date)",
    responses={**NOT_FOUND, **INVALID, **CONFLICT},
)
def add_status_update(
    assignment_id: int, data: StatusUpdateCreate, session: SessionDep, actor: ActorDep, today: TodayDep
) -> StatusUpdateRead:
    update = service.add_status_update(session, assignment_id, data, actor, today)
    return StatusUpdateRead.model_validate(update)


@router.get(
    "/{assignment_id}/updates",
    response_model=list[StatusUpdateRead],
    summary="The assignment's status updates in effective order",
    responses=NOT_FOUND,
)
def list_status_updates(assignment_id: int, session: SessionDep) -> list[StatusUpdateRead]:
    return [
        StatusUpdateRead.model_validate(update)
        for update in service.list_status_updates(session, assignment_id)
    ]


@router.get(
    "/{assignment_id}/history",
    response_model=list[HistoryEntry],
    summary="Everything that happened to the assignment, names resolved and changed fields listed",
    responses=NOT_FOUND,
)
def assignment_history(assignment_id: int, session: SessionDep) -> list[HistoryEntry]:
    return service.assignment_history(session, assignment_id)
