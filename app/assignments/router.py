from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.access import READERS, EditorDep
from app.assignments import history, links, queries, service, status_updates
from app.assignments.models import Assignment
from app.assignments.schemas import (
    ArchiveRequest,
    AssignmentCreate,
    AssignmentDetail,
    AssignmentFilters,
    AssignmentLinkCreate,
    AssignmentRead,
    AssignmentUpdate,
    BatchResult,
    BatchStatusUpdates,
    HistoryEntry,
    StatusUpdateCreate,
    StatusUpdateRead,
    assignment_read,
)
from app.deps import SessionDep, TimezoneDep, TodayDep
from app.documents.service import get_document
from app.errors import problem_responses
from app.etags import IfMatchHeader, etag_for, expected_version
from app.inputs import IdPath, OffsetQuery
from app.pagination import Page

# Readers read; a write needs an editor (whose unit owns or executes the assignment) or an admin.
router = APIRouter(prefix="/api/v1/assignments", tags=["assignments"], dependencies=[READERS])


def _reads_as_of(session: SessionDep, items: Sequence[Assignment], day: date) -> list[AssignmentRead]:
    """The assignments as they stood on `day`: their reported state then, and overdue on that day."""
    states = status_updates.states_on_day(session, assignment_ids=[item.id for item in items], day=day)
    return [
        assignment_read(
            item, overdue=queries.overdue_on(item.deadline_latest, states[item.id].status, day)
        ).model_copy(update=asdict(states[item.id]))
        for item in items
    ]


def assignment_page(
    session: SessionDep, filters: AssignmentFilters, today: date, timezone: str
) -> Page[AssignmentRead]:
    """A page of the register: as it is today, or as it stood on `filters.as_of`."""
    items, total = queries.list_assignments(session, filters=filters, today=today, timezone=timezone)
    return Page(
        items=_reads_as_of(session, items, filters.as_of)
        if filters.as_of
        else [assignment_read(item, overdue=queries.is_overdue(item, today)) for item in items],
        total=total,
        limit=filters.limit,
        offset=filters.offset,
    )


@router.get(
    "", response_model=Page[AssignmentRead], summary="List assignments", responses=problem_responses(422)
)
def list_assignments(
    filters: Annotated[AssignmentFilters, Query()],
    session: SessionDep,
    today: TodayDep,
    timezone: TimezoneDep,
) -> Page[AssignmentRead]:
    return assignment_page(session, filters, today, timezone)


def _versioned_read(
    session: SessionDep, assignment: Assignment, today: date, response: Response
) -> AssignmentDetail:
    """One assignment with its links, and its version as ETag."""
    response.headers["ETag"] = etag_for(assignment.version)
    read = assignment_read(assignment, overdue=queries.is_overdue(assignment, today))
    return AssignmentDetail(**dict(read), links=links.link_reads(session, assignment.id))


@router.post(
    "",
    response_model=AssignmentDetail,
    status_code=status.HTTP_201_CREATED,
    summary="Create an assignment",
    responses=problem_responses(401, 403, 409, 422),
)
def create_assignment(
    data: AssignmentCreate, session: SessionDep, actor: EditorDep, today: TodayDep, response: Response
) -> AssignmentDetail:
    assignment = service.create_assignment(session, data=data, actor=actor, today=today)
    response.headers["Location"] = f"{router.prefix}/{assignment.id}"
    return _versioned_read(session, assignment, today, response)


@router.get(
    "/{assignment_id}",
    response_model=AssignmentDetail,
    summary="One assignment with its links both ways (its ETag is its version)",
    responses=problem_responses(404),
)
def get_assignment(
    assignment_id: IdPath, session: SessionDep, today: TodayDep, response: Response
) -> AssignmentDetail:
    return _versioned_read(session, queries.get_assignment(session, assignment_id), today, response)


@router.patch(
    "/{assignment_id}",
    response_model=AssignmentDetail,
    summary="Change some of an assignment's fields (needs If-Match or `version`)",
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
def update_assignment(
    assignment_id: IdPath,
    data: AssignmentUpdate,
    session: SessionDep,
    actor: EditorDep,
    today: TodayDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> AssignmentDetail:
    version = expected_version(if_match, data.version)
    assignment = service.update_assignment(
        session, assignment_id, data=data, actor=actor, expected_version=version
    )
    return _versioned_read(session, assignment, today, response)


@router.delete(
    "/{assignment_id}",
    response_model=AssignmentDetail,
    summary="Archive an assignment (soft delete; its history is kept)",
    responses=problem_responses(401, 403, 404, 409, 412),
)
def archive_assignment(
    assignment_id: IdPath,
    session: SessionDep,
    actor: EditorDep,
    today: TodayDep,
    response: Response,
    data: ArchiveRequest | None = None,
    if_match: IfMatchHeader = None,
) -> AssignmentDetail:
    version = expected_version(if_match, None)
    assignment = service.archive_assignment(
        session, assignment_id, reason=data.reason if data else None, actor=actor, expected_version=version
    )
    return _versioned_read(session, assignment, today, response)


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
    actor: EditorDep,
    today: TodayDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> StatusUpdateRead:
    version = expected_version(if_match, data.version)
    update, assignment = status_updates.add_status_update(
        session, assignment_id, data=data, actor=actor, today=today, expected_version=version
    )
    response.headers["ETag"] = etag_for(assignment.version)
    return StatusUpdateRead.model_validate(update)


@router.post(
    "/updates:batch",
    response_model=BatchResult,
    summary="Apply many status updates, with a result per item; `atomic` for all or nothing",
    # An atomic batch that fails answers with its first failure's status.
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
def apply_status_update_batch(
    batch: BatchStatusUpdates, session: SessionDep, actor: EditorDep, today: TodayDep
) -> BatchResult:
    return status_updates.apply_status_update_batch(session, batch=batch, actor=actor, today=today)


@router.get(
    "/{assignment_id}/updates",
    response_model=list[StatusUpdateRead],
    summary="The assignment's status updates in effective order",
    responses=problem_responses(404),
)
def list_status_updates(assignment_id: IdPath, session: SessionDep) -> list[StatusUpdateRead]:
    return [
        StatusUpdateRead.model_validate(update)
        for update in status_updates.list_status_updates(session, assignment_id)
    ]


@router.get(
    "/{assignment_id}/history",
    response_model=list[HistoryEntry],
    summary="Everything that happened to the assignment, names resolved and changed fields listed",
    responses=problem_responses(404),
)
def assignment_history(assignment_id: IdPath, session: SessionDep) -> list[HistoryEntry]:
    return history.assignment_history(session, assignment_id)


@router.post(
    "/{assignment_id}/links",
    response_model=AssignmentDetail,
    status_code=status.HTTP_201_CREATED,
    summary="Link the assignment to another: it continues, replaces, was split into or merged into it",
    responses=problem_responses(404, 409, 422),
)
def add_link(
    assignment_id: IdPath,
    data: AssignmentLinkCreate,
    session: SessionDep,
    actor: EditorDep,
    today: TodayDep,
    response: Response,
) -> AssignmentDetail:
    links.add_link(session, assignment_id, data=data, actor=actor)
    return _versioned_read(session, queries.get_assignment(session, assignment_id), today, response)


@router.delete(
    "/{assignment_id}/links/{link_id}",
    response_model=AssignmentDetail,
    summary="Remove a link (it stays on record as removed, in both assignments' history)",
    responses=problem_responses(404, 409),
)
def remove_link(
    assignment_id: IdPath,
    link_id: IdPath,
    session: SessionDep,
    actor: EditorDep,
    today: TodayDep,
    response: Response,
) -> AssignmentDetail:
    links.remove_link(session, assignment_id, link_id, actor=actor)
    return _versioned_read(session, queries.get_assignment(session, assignment_id), today, response)


# The assignments of one document, served here with the register's filter (`document`).
documents_router = APIRouter(
    prefix="/api/v1/documents",
    tags=["documents and goals"],
    dependencies=[READERS],
)


@documents_router.get(
    "/{document_id}/assignments",
    response_model=Page[AssignmentRead],
    summary="The assignments that come from a document",
)
def document_assignments(
    document_id: IdPath,
    session: SessionDep,
    today: TodayDep,
    timezone: TimezoneDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: OffsetQuery = 0,
) -> Page[AssignmentRead]:
    get_document(session, document_id)
    filters = AssignmentFilters(document=document_id, limit=limit, offset=offset)
    return assignment_page(session, filters, today, timezone)
