from datetime import date

from fastapi import APIRouter

from app.access import ACCESS_PROBLEMS, READERS
from app.deps import SessionDep
from app.documents import service
from app.documents.models import Origin
from app.documents.schemas import DocumentRead, DocumentRef, DocumentWithText, GoalRead, PlanPeriodRead
from app.inputs import IdPath, IdQuery

# Readers read (a document's assignments are served by app/assignments/router.py).
router = APIRouter(
    prefix="/api/v1", tags=["documents and goals"], dependencies=[READERS], responses=ACCESS_PROBLEMS
)


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
