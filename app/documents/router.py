from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from app.assignments.schemas import AssignmentFilters, AssignmentRead, assignment_read
from app.assignments.service import is_overdue, list_assignments
from app.deps import SessionDep, TimezoneDep, TodayDep
from app.documents import service
from app.documents.models import Origin
from app.documents.schemas import DocumentRead, DocumentRef, DocumentWithText, GoalRead, PlanPeriodRead
from app.inputs import IdPath, IdQuery, OffsetQuery
from app.pagination import Page

router = APIRouter(prefix="/api/v1", tags=["documents and goals"])


@router.get("/documents", response_model=list[DocumentRead], summary="Source documents")
def list_documents(session: SessionDep) -> list[DocumentRead]:
    return [
        DocumentRead.model_validate(document, from_attributes=True)
        for document in service.list_documents(session)
    ]


@router.get(
    "/documents/{document_id}", response_model=DocumentWithText, summary="A document with its full text"
)
def get_document(document_id: IdPath, session: SessionDep) -> DocumentWithText:
    document = service.get_document(session, document_id, with_text=True)
    return DocumentWithText.model_validate(document, from_attributes=True)


@router.get(
    "/documents/{document_id}/assignments",
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
    service.get_document(session, document_id)
    filters = AssignmentFilters(document=document_id, limit=limit, offset=offset)
    items, total = list_assignments(session, filters, today, timezone)
    return Page(
        items=[assignment_read(item, overdue=is_overdue(item, today)) for item in items],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/goals", response_model=list[GoalRead], summary="Goals (KF's inriktningsmål and reservation goals)"
)
def list_goals(session: SessionDep, document: IdQuery = None, origin: Origin | None = None) -> list[GoalRead]:
    return [
        GoalRead.model_validate(goal, from_attributes=True)
        for goal in service.list_goals(session, document_id=document, origin=origin)
    ]


@router.get("/goals/{goal_id}", response_model=GoalRead, summary="One goal")
def get_goal(goal_id: IdPath, session: SessionDep) -> GoalRead:
    return GoalRead.model_validate(service.get_goal(session, goal_id), from_attributes=True)


@router.get("/plan-period", response_model=PlanPeriodRead, summary="The plan period reported against")
def plan_period(session: SessionDep) -> PlanPeriodRead:
    document = service.current_document(session)
    return PlanPeriodRead(
        start_year=document.plan_start_year,
        end_year=document.plan_end_year,
        start=date(document.plan_start_year, 1, 1),
        end=date(document.plan_end_year, 12, 31),
        document=DocumentRef.model_validate(document),
    )
