"""`POST /api/v1/documents` (a JSON registration or a file upload, by content type) and the drafts of
a document: list, read, edit, accept, reject, merge, split.

Access: readers read drafts as they read documents; registering or uploading a document and every
review step need an admin (accepting creates assignments for any unit, which is the central
office's call; coordinators read, and their round rights come with the reporting rounds).
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse

from app.access import READERS, AdminDep
from app.assignments.queries import is_overdue
from app.assignments.schemas import assignment_read
from app.deps import SessionDep, TodayDep
from app.documents.models import SourceDocument
from app.documents.schemas import DocumentCreate, DocumentRead, DocumentWithText
from app.documents.service import register_document
from app.errors import problem_responses
from app.etags import IfMatchHeader, etag_for, expected_version
from app.ingest import review, service
from app.ingest.extract import ExtractionLimits
from app.ingest.schemas import (
    DocumentIngestRead,
    DraftAccept,
    DraftAccepted,
    DraftDetail,
    DraftFilters,
    DraftMerge,
    DraftRead,
    DraftReject,
    DraftSplit,
    DraftSplitResult,
    DraftUpdate,
    SourceFile,
    json_body_schema,
    upload_form_schema,
)
from app.ingest.service import Upload
from app.ingest.upload_form import MULTIPART, read_document_body
from app.inputs import IdPath
from app.pagination import Page
from app.settings import Settings

router = APIRouter(prefix="/api/v1", tags=["documents and goals"], dependencies=[READERS])
DRAFTS = "/documents/{document_id}/drafts"
DRAFT = DRAFTS + "/{draft_id}"

# The form's fields; `file` is the file's content (here a plain-text decision).
UPLOAD_EXAMPLE = {
    "file": "Kommunstyrelsen ska under 2016 ta fram en strategi för cykeltrafiken.",
    "title": "Kommunstyrelsens beslut",
    "decided_by": "KS",
    "issuer": "SLK",
    "decision_date": "2016-03-14",
}
TWO_BODIES: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": json_body_schema()},
            MULTIPART: {"schema": upload_form_schema(), "example": UPLOAD_EXAMPLE},
        },
    }
}
UPLOAD_DESCRIPTION = """Two request bodies, by `Content-Type`:

* `application/json`: the document's metadata and text (`DocumentCreate`); the answer is the document
  with its text (201).
* `multipart/form-data`: `file` (PDF, DOCX or plain text, at most `UPLOAD_MAX_BYTES`) and the metadata
  as form fields. The text is read from the file and the draft assignments the engine finds are
  stored (see `…/drafts`); the answer says how many (201). It is done within the request: a 100-page
  PDF takes about a second. The same file again (same SHA-256) writes nothing and answers 200 with the
  document made the first time (`already_ingested`). A file that gives no usable text (empty, binary,
  a scan without a text layer, a broken or encrypted PDF, a DOCX that would unpack to too much) is a
  422 naming `file` with a `reason`; one over the size limit is a 413.
"""


def _limits(request: Request) -> ExtractionLimits:
    settings: Settings = request.app.state.settings
    return ExtractionLimits(max_bytes=settings.upload_max_bytes)


def _document_headers(document: SourceDocument) -> dict[str, str]:
    return {"Location": f"{router.prefix}/documents/{document.id}", "ETag": etag_for(document.version)}


def _ingest_read(outcome: service.IngestOutcome) -> DocumentIngestRead:
    document = outcome.document
    return DocumentIngestRead(
        **DocumentRead.model_validate(document, from_attributes=True).model_dump(),
        file=SourceFile(
            name=document.file_name,
            format=document.file_format,
            size=document.file_size,
            sha256=document.file_sha256 or "",
        ),
        already_ingested=not outcome.created,
        drafts_found=outcome.counts.total,
        drafts=outcome.counts,
        drafts_href=f"{router.prefix}/documents/{document.id}/drafts",
    )


@router.post(
    "/documents",
    status_code=status.HTTP_201_CREATED,
    response_model=None,
    summary="Register a document (JSON), or upload its file and get its draft assignments (multipart)",
    description=UPLOAD_DESCRIPTION,
    openapi_extra=TWO_BODIES,
    responses={
        201: {"model": DocumentWithText | DocumentIngestRead, "description": "Registered or ingested."},
        200: {"model": DocumentIngestRead, "description": "The same file was uploaded before."},
        **problem_responses(413, 422),
    },
)
def register_or_upload_document(
    session: SessionDep,
    actor: AdminDep,
    body: Annotated[DocumentCreate | Upload, Depends(read_document_body)],
    limits: Annotated[ExtractionLimits, Depends(_limits)],
) -> Response:
    if isinstance(body, DocumentCreate):
        document = register_document(session, data=body, actor=actor)
        read = DocumentWithText.model_validate(document, from_attributes=True)
        return JSONResponse(
            read.model_dump(mode="json"), status.HTTP_201_CREATED, _document_headers(document)
        )
    outcome = service.ingest_document(session, upload=body, actor=actor, limits=limits)
    code = status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK
    return JSONResponse(
        _ingest_read(outcome).model_dump(mode="json"), code, _document_headers(outcome.document)
    )


@router.get(
    DRAFTS,
    response_model=Page[DraftRead],
    summary="A document's draft assignments in the order of its text, filtered and paged",
    responses=problem_responses(404, 422),
)
def list_drafts(
    document_id: IdPath, filters: Annotated[DraftFilters, Query()], session: SessionDep
) -> Page[DraftRead]:
    drafts, total = service.list_drafts(session, document_id, filters=filters)
    return Page(
        items=[service.draft_read(draft) for draft in drafts],
        total=total,
        limit=filters.limit,
        offset=filters.offset,
    )


def _detail(session: SessionDep, draft: Any, response: Response) -> DraftDetail:
    response.headers["ETag"] = etag_for(draft.version)
    return service.draft_detail(session, draft)


@router.get(
    DRAFT,
    response_model=DraftDetail,
    summary="A draft with its quote in the text around it and its review history (ETag: its version)",
    responses=problem_responses(404),
)
def get_draft(document_id: IdPath, draft_id: IdPath, session: SessionDep, response: Response) -> DraftDetail:
    return _detail(session, service.get_draft(session, document_id, draft_id), response)


@router.patch(
    DRAFT,
    response_model=DraftDetail,
    summary="Edit a proposed draft (needs If-Match or `version`)",
    responses=problem_responses(404, 409, 412, 422, 428),
)
def edit_draft(
    document_id: IdPath,
    draft_id: IdPath,
    data: DraftUpdate,
    session: SessionDep,
    actor: AdminDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> DraftDetail:
    version = expected_version(if_match, data.version)
    draft = review.edit_draft(
        session, document_id, draft_id, data=data, actor=actor, expected_version=version
    )
    return _detail(session, draft, response)


@router.post(
    DRAFT + "/accept",
    response_model=DraftAccepted,
    status_code=status.HTTP_201_CREATED,
    summary="Accept a draft: it becomes an assignment of the document (again: the same one, 200)",
    responses={
        200: {"model": DraftAccepted, "description": "Accepted before."},
        **problem_responses(404, 409, 412, 422),
    },
)
def accept_draft(
    document_id: IdPath,
    draft_id: IdPath,
    session: SessionDep,
    actor: AdminDep,
    today: TodayDep,
    response: Response,
    data: DraftAccept | None = None,
    if_match: IfMatchHeader = None,
) -> DraftAccepted:
    data = data or DraftAccept()
    data = data.model_copy(update={"version": expected_version(if_match, data.version)})
    draft, assignment, created = review.accept_draft(
        session, document_id, draft_id, data=data, actor=actor, today=today
    )
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    response.headers["Location"] = f"{router.prefix}/assignments/{assignment.id}"
    return DraftAccepted(
        draft=service.draft_read(draft),
        assignment=assignment_read(assignment, overdue=is_overdue(assignment, today)),
        already_accepted=not created,
    )


@router.post(
    DRAFT + "/reject",
    response_model=DraftRead,
    summary="Reject a draft, with the reason",
    responses=problem_responses(404, 409, 412, 422),
)
def reject_draft(
    document_id: IdPath,
    draft_id: IdPath,
    data: DraftReject,
    session: SessionDep,
    actor: AdminDep,
    if_match: IfMatchHeader = None,
) -> DraftRead:
    data = data.model_copy(update={"version": expected_version(if_match, data.version)})
    return service.draft_read(review.reject_draft(session, document_id, draft_id, data=data, actor=actor))


@router.post(
    DRAFT + "/merge",
    response_model=DraftRead,
    summary="Merge another draft of the document into this one (the other is marked merged)",
    responses=problem_responses(404, 409, 412, 422),
)
def merge_drafts(
    document_id: IdPath,
    draft_id: IdPath,
    data: DraftMerge,
    session: SessionDep,
    actor: AdminDep,
    if_match: IfMatchHeader = None,
) -> DraftRead:
    data = data.model_copy(update={"version": expected_version(if_match, data.version)})
    return service.draft_read(review.merge_drafts(session, document_id, draft_id, data=data, actor=actor))


@router.post(
    DRAFT + "/split",
    response_model=DraftSplitResult,
    status_code=status.HTTP_201_CREATED,
    summary="Split a draft in two: at an offset of its quote, or into two quotes of the text",
    responses=problem_responses(404, 409, 412, 422),
)
def split_draft(
    document_id: IdPath,
    draft_id: IdPath,
    data: DraftSplit,
    session: SessionDep,
    actor: AdminDep,
    if_match: IfMatchHeader = None,
) -> DraftSplitResult:
    data = data.model_copy(update={"version": expected_version(if_match, data.version)})
    draft, parts = review.split_draft(session, document_id, draft_id, data=data, actor=actor)
    return DraftSplitResult(
        draft=service.draft_read(draft), parts=[service.draft_read(part) for part in parts]
    )
