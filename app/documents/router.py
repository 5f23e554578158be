from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.access import READERS, AdminDep
from app.deps import SessionDep
from app.documents import service
from app.documents.models import Origin, SourceDocument
from app.documents.schemas import (
    DocumentFilters,
    DocumentHistoryEntry,
    DocumentRead,
    DocumentRef,
    DocumentUpdate,
    DocumentWithText,
    GoalRead,
    PlanPeriodRead,
)
from app.errors import problem_responses
from app.etags import IfMatchHeader, etag_for, expected_version
from app.inputs import IdPath, IdQuery

# Readers read; admins edit documents. Registering one (as JSON, or by uploading its file) is
# app/ingest/router.py's, a document's assignments app/assignments/router.py's.
router = APIRouter(prefix="/api/v1", tags=["documents and goals"], dependencies=[READERS])


def _versioned(document: SourceDocument, response: Response) -> DocumentWithText:
    response.headers["ETag"] = etag_for(document.version)
    return DocumentWithText.model_validate(document, from_attributes=True)


@router.get(
    "/documents",
    response_model=list[DocumentRead],
    summary="Source documents, the most recently decided first",
    responses=problem_responses(422),
)
def list_documents(filters: Annotated[DocumentFilters, Query()], session: SessionDep) -> list[DocumentRead]:
    return [
        DocumentRead.model_validate(document, from_attributes=True)
        for document in service.list_documents(session, filters=filters)
    ]


@router.get(
    "/documents/{document_id}",
    response_model=DocumentWithText,
    summary="A document with its full text (its ETag is its version)",
    responses=problem_responses(404),
)
def get_document(document_id: IdPath, session: SessionDep, response: Response) -> DocumentWithText:
    return _versioned(service.get_document(session, document_id, with_text=True), response)


@router.patch(
    "/documents/{document_id}",
    response_model=DocumentWithText,
    summary="Change some of a document's fields, with history (needs If-Match or `version`)",
    responses=problem_responses(404, 412, 422, 428),
)
def update_document(
    document_id: IdPath,
    data: DocumentUpdate,
    session: SessionDep,
    actor: AdminDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> DocumentWithText:
    version = expected_version(if_match, data.version)
    document = service.update_document(session, document_id, data=data, actor=actor, expected_version=version)
    return _versioned(document, response)


@router.get(
    "/documents/{document_id}/history",
    response_model=list[DocumentHistoryEntry],
    summary="Everything that happened to a document, with the changed fields",
    responses=problem_responses(404),
)
def document_history(document_id: IdPath, session: SessionDep) -> list[DocumentHistoryEntry]:
    return service.document_history(session, document_id)


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


@router.get(
    "/plan-period",
    response_model=PlanPeriodRead,
    summary="The plan period of the most recent document that has one",
    responses=problem_responses(404),
)
def plan_period(session: SessionDep) -> PlanPeriodRead:
    document = service.current_plan_document(session)
    assert document.plan_start_year is not None and document.plan_end_year is not None
    return PlanPeriodRead(
        start_year=document.plan_start_year,
        end_year=document.plan_end_year,
        start=date(document.plan_start_year, 1, 1),
        end=date(document.plan_end_year, 12, 31),
        document=DocumentRef.model_validate(document),
    )
