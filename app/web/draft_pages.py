"""The pages for documents and their drafts: the documents, uploading one (a file with its metadata),
a document's drafts with filters and their confidence, and one draft with its quote in the text
around it, why it was proposed, and the forms to edit, accept, reject, merge and split it.

Access: readers read, as in the API; uploading and every review form need an admin (as the API) and
the form's CSRF token. Every form goes through the API's models and services, in a savepoint, so
that a refused one writes nothing and the page is shown again with its messages in Swedish (or
English) next to the fields.
"""

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import FormData

from app.access import PAGE_READERS, PageAdminDep, PageReaderDep, Principal, Role
from app.assignments.queries import get_assignment_by_reference
from app.assignments.vocabulary import AssignmentKind
from app.deps import SessionDep, TodayDep
from app.documents.models import DocumentKind, Origin
from app.documents.service import get_document, list_documents
from app.errors import ConflictError, InvalidInputError, NotFoundError, PreconditionFailedError, ProblemError
from app.ingest import review, service
from app.ingest.extract import ExtractionLimits
from app.ingest.models import Draft, DraftState
from app.ingest.schemas import DraftAccept, DraftFilters, DraftMerge, DraftReject, DraftSplit, DraftUpdate
from app.ingest.upload_form import read_form, upload_of
from app.inputs import IdPath
from app.org.service import resolve_unit_reference
from app.page_frame import CSRF_FIELD, DOCUMENTS_PATH
from app.reports.schemas import Lang
from app.settings import Settings
from app.web.assignment_pages import unit_choices
from app.web.draft_forms import (
    EDIT_FIELDS,
    FormRefusedError,
    ReviewFields,
    UploadFields,
    edit_body,
    edit_values,
    problem_messages,
    split_point,
    validation_messages,
)
from app.web.draft_labels import STATE_KEYS
from app.web.rendering import check_form_token, page_lang, render_page

router = APIRouter(include_in_schema=False, dependencies=[PAGE_READERS])

UPLOAD_PATH = DOCUMENTS_PATH + "/ladda-upp"
DRAFTS_PATH = DOCUMENTS_PATH + "/{document_id}/utkast"
DRAFT_PATH = DRAFTS_PATH + "/{draft_id}"
PAGE_SIZE = 50
CONFIDENCE_CHOICES = ("0.5", "0.6", "0.7", "0.8", "0.9")
DOCUMENT_KINDS = tuple(kind.value for kind in DocumentKind)
# The form field an API field's refusal is shown at.
FORM_FIELD_OF = {
    "owner_id": "owner",
    "executor_id": "executor",
    "money": "amount_min",
    "deadline": "deadline_text",
    "continues_id": "continues",
    "at": "split_before",
}


def _lang(request: Request) -> Lang:
    return page_lang(request)


def _with_lang(request: Request, path: str, **query: str) -> str:
    """A page address with its query and the page's language."""
    chosen = {**query, **({"lang": "en"} if _lang(request) == "en" else {})}
    return f"{path}?{urlencode(chosen)}" if chosen else path


def _size_text(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} kB"


# --- documents and uploading ------------------------------------------------------------------


@router.get(DOCUMENTS_PATH)
def document_list(request: Request, session: SessionDep, principal: PageReaderDep) -> Response:
    return render_page(
        request,
        "documents.html",
        documents=list_documents(session),
        states=service.draft_states_by_document(session),
        may_upload=principal.role == Role.ADMIN,
    )


def _upload_page(
    request: Request,
    session: SessionDep,
    principal: Principal,
    *,
    values: UploadFields | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    settings: Settings = request.app.state.settings
    return render_page(
        request,
        "upload.html",
        status_code=status_code,
        values=values or UploadFields(),
        errors=errors or {},
        units=unit_choices(session),
        kinds=DOCUMENT_KINDS,
        limit=_size_text(settings.upload_max_bytes),
        csrf_token=principal.session_csrf or "",
    )


@router.get(UPLOAD_PATH)
def upload_form(request: Request, session: SessionDep, principal: PageAdminDep) -> Response:
    return _upload_page(request, session, principal)


async def _submitted_form(request: Request) -> AsyncIterator[FormData | None]:
    """The upload form as sent (None when it cannot be read at all); its file closed afterwards."""
    try:
        form = await read_form(request)
    except InvalidInputError:
        yield None
        return
    try:
        yield form
    finally:
        await form.close()


@router.post(UPLOAD_PATH)
def upload_document(
    request: Request,
    session: SessionDep,
    principal: PageAdminDep,
    form: Annotated[FormData | None, Depends(_submitted_form)],
) -> Response:
    """The upload form: the drafts' page when the file was read (or had been before), else the form
    again with what is wrong."""
    submitted = form or FormData()
    token = submitted.get(CSRF_FIELD)
    check_form_token(request, principal, token if isinstance(token, str) else None)
    fields = {name: value for name, value in submitted.multi_items() if isinstance(value, str)}
    values = UploadFields.model_validate(fields)
    settings: Settings = request.app.state.settings
    lang = _lang(request)
    try:
        with session.begin_nested():
            outcome = service.ingest_document(
                session,
                upload=upload_of(submitted, ignore=frozenset({CSRF_FIELD})),
                actor=principal,
                limits=ExtractionLimits(max_bytes=settings.upload_max_bytes),
            )
    except RequestValidationError as error:
        errors = validation_messages(lang, error)
        return _upload_page(request, session, principal, values=values, errors=errors, status_code=422)
    except ProblemError as error:
        errors = problem_messages(lang, error, limit=_size_text(settings.upload_max_bytes))
        return _upload_page(
            request, session, principal, values=values, errors=errors, status_code=error.status
        )
    notice = {"inlast": str(outcome.counts.total)} if outcome.created else {"redan": "1"}
    path = DRAFTS_PATH.format(document_id=outcome.document.id)
    return RedirectResponse(_with_lang(request, path, **notice), status_code=303)


# --- a document's drafts ----------------------------------------------------------------------


class DraftListQuery(BaseModel):
    """The drafts list's filter form, as query parameters (an empty choice means all)."""

    model_config = ConfigDict(extra="ignore")

    state: list[DraftState] = Field(default_factory=list)
    min_confidence: str = ""
    kind: str = ""
    origin: str = ""
    page: int = Field(default=1, ge=1, le=100_000)
    lang: str = "sv"
    inlast: str = ""
    redan: str = ""

    def filters(self) -> DraftFilters:
        return DraftFilters(
            state=self.state,
            min_confidence=float(self.min_confidence) if self.min_confidence in CONFIDENCE_CHOICES else None,
            kind=[AssignmentKind(self.kind)] if self.kind in AssignmentKind.__members__.values() else [],
            origin=[Origin(self.origin)] if self.origin in Origin.__members__.values() else [],
            limit=PAGE_SIZE,
            offset=(self.page - 1) * PAGE_SIZE,
        )

    @property
    def is_filtered(self) -> bool:
        return any((self.state, self.min_confidence, self.kind, self.origin))

    def page_href(self, page: int) -> str:
        chosen = [
            *(("state", state.value) for state in self.state),
            ("min_confidence", self.min_confidence),
            ("kind", self.kind),
            ("origin", self.origin),
            ("lang", self.lang if self.lang == "en" else ""),
        ]
        return "?" + urlencode([*((name, value) for name, value in chosen if value), ("page", str(page))])


@router.get(DRAFTS_PATH)
def draft_list(
    request: Request,
    document_id: IdPath,
    session: SessionDep,
    principal: PageReaderDep,
    query: Annotated[DraftListQuery, Query()],
) -> Response:
    document = get_document(session, document_id)
    drafts, total = service.list_drafts(session, document_id, filters=query.filters())
    return render_page(
        request,
        "drafts.html",
        document=document,
        counts=service.draft_counts(session, document_id),
        drafts=[service.draft_read(draft) for draft in drafts],
        total=total,
        query=query,
        page=query.page,
        pages=max(1, -(-total // PAGE_SIZE)),
        page_size=PAGE_SIZE,
        states=list(DraftState),
        state_keys=STATE_KEYS,
        confidence_choices=CONFIDENCE_CHOICES,
        kinds=[kind.value for kind in AssignmentKind],
        origins=[origin.value for origin in Origin],
    )


# --- one draft --------------------------------------------------------------------------------

NOTICES = {"sparat": "draft_saved", "godkant": "draft_accepted", "avvisat": "draft_rejected"}
NOTICES |= {"sammanslaget": "draft_merged", "delat": "draft_split"}


def _draft(session: SessionDep, document_id: int, draft_id: int) -> Draft:
    return service.get_draft(session, document_id, draft_id)


def _draft_page(
    request: Request,
    session: SessionDep,
    principal: Principal,
    draft: Draft,
    *,
    notice: str | None = None,
    form: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    document = get_document(session, draft.document_id, with_text=True)
    return render_page(
        request,
        "draft.html",
        status_code=status_code,
        document=document,
        draft=service.draft_detail(session, draft),
        context=service.context_paragraphs(document.full_text, draft.quote_start, draft.quote_end),
        neighbours=[service.draft_read(other) for other in service.neighbours(session, draft)],
        units=unit_choices(session),
        kinds=[kind.value for kind in AssignmentKind],
        origins=[origin.value for origin in Origin],
        state_keys=STATE_KEYS,
        may_review=principal.role == Role.ADMIN,
        notice=notice,
        form=form,
        errors=errors or {},
        values=values or edit_values(draft),
        csrf_token=principal.session_csrf or "",
    )


@router.get(DRAFT_PATH)
def draft_page(
    request: Request,
    document_id: IdPath,
    draft_id: IdPath,
    session: SessionDep,
    principal: PageReaderDep,
    done: Annotated[str, Query(alias="klart")] = "",
) -> Response:
    draft = _draft(session, document_id, draft_id)
    return _draft_page(request, session, principal, draft, notice=NOTICES.get(done))


Review = Callable[[Draft, ReviewFields], tuple[Draft, str]]


def _reviewed(
    request: Request,
    session: SessionDep,
    principal: Principal,
    document_id: int,
    draft_id: int,
    fields: ReviewFields,
    *,
    form: str,
    review_step: Review,
) -> Response:
    """Run a review form's step in a savepoint: the page it leads to (POST, redirect, GET), or the
    draft's page again with the refusal next to the fields."""
    check_form_token(request, principal, fields.csrf_token)
    draft = _draft(session, document_id, draft_id)
    lang = _lang(request)
    values = {**edit_values(draft), **_sent_edit_values(fields)} if form == "edit" else None
    try:
        with session.begin_nested():
            shown, done = review_step(draft, fields)
    except FormRefusedError as refused:
        errors = refused.errors
    except (RequestValidationError, ValidationError) as error:
        errors = validation_messages(lang, error)
    except PreconditionFailedError:
        session.expire_all()
        fresh = _draft(session, document_id, draft_id)
        return _draft_page(request, session, principal, fresh, notice="draft_stale", status_code=409)
    except ConflictError:
        session.expire_all()
        fresh = _draft(session, document_id, draft_id)
        return _draft_page(request, session, principal, fresh, notice="not_proposed", status_code=409)
    except InvalidInputError as error:
        errors = problem_messages(lang, error)
    else:
        path = DRAFT_PATH.format(document_id=document_id, draft_id=shown.id)
        return RedirectResponse(_with_lang(request, path, klart=done), status_code=303)
    errors = {
        FORM_FIELD_OF.get(name.split(".")[0], name.split(".")[0]): text for name, text in errors.items()
    }
    session.expire_all()
    fresh = _draft(session, document_id, draft_id)
    return _draft_page(
        request, session, principal, fresh, form=form, errors=errors, values=values, status_code=422
    )


def _sent_edit_values(fields: ReviewFields) -> dict[str, str]:
    return {name: getattr(fields, name) for name in EDIT_FIELDS}


def _unit_id(session: SessionDep, key: str, field: str) -> int | None:
    return resolve_unit_reference(session, key, field=field).id if key else None


def _continued_id(session: SessionDep, reference: str, draft: Draft) -> int | None:
    if not reference:
        return None
    if draft.continues is not None and draft.continues.reference == reference.upper():
        return draft.continues.id
    try:
        return get_assignment_by_reference(session, reference).id
    except NotFoundError:
        raise InvalidInputError("continues_id", f"no such assignment: {reference}") from None


ReviewFieldsForm = Annotated[ReviewFields, Form()]


@router.post(DRAFT_PATH + "/andra")
def edit_draft(
    request: Request,
    document_id: IdPath,
    draft_id: IdPath,
    fields: ReviewFieldsForm,
    session: SessionDep,
    principal: PageAdminDep,
) -> Response:
    def step(draft: Draft, sent: ReviewFields) -> tuple[Draft, str]:
        body: dict[str, Any] = {
            **edit_body(sent, draft, _lang(request)),
            "owner_id": _unit_id(session, sent.owner.strip(), "owner_id"),
            "executor_id": _unit_id(session, sent.executor.strip(), "executor_id"),
            "version": sent.version_number,
        }
        if sent.continues.strip().upper() != (draft.continues.reference if draft.continues else ""):
            body["continues_id"] = _continued_id(session, sent.continues.strip(), draft)
        data = DraftUpdate.model_validate(body)
        edited = review.edit_draft(
            session, document_id, draft_id, data=data, actor=principal, expected_version=data.version
        )
        return edited, "sparat"

    return _reviewed(
        request, session, principal, document_id, draft_id, fields, form="edit", review_step=step
    )


@router.post(DRAFT_PATH + "/godkann")
def accept_draft(
    request: Request,
    document_id: IdPath,
    draft_id: IdPath,
    fields: ReviewFieldsForm,
    session: SessionDep,
    principal: PageAdminDep,
    today: TodayDep,
) -> Response:
    def step(_draft: Draft, sent: ReviewFields) -> tuple[Draft, str]:
        data = DraftAccept(link_continues=sent.link_continues == "yes", version=sent.version_number)
        accepted, _assignment, _created = review.accept_draft(
            session, document_id, draft_id, data=data, actor=principal, today=today
        )
        return accepted, "godkant"

    return _reviewed(
        request, session, principal, document_id, draft_id, fields, form="accept", review_step=step
    )


@router.post(DRAFT_PATH + "/avvisa")
def reject_draft(
    request: Request,
    document_id: IdPath,
    draft_id: IdPath,
    fields: ReviewFieldsForm,
    session: SessionDep,
    principal: PageAdminDep,
) -> Response:
    def step(_draft: Draft, sent: ReviewFields) -> tuple[Draft, str]:
        data = DraftReject.model_validate({"reason": sent.reason, "version": sent.version_number})
        return review.reject_draft(session, document_id, draft_id, data=data, actor=principal), "avvisat"

    return _reviewed(
        request, session, principal, document_id, draft_id, fields, form="reject", review_step=step
    )


@router.post(DRAFT_PATH + "/sla-ihop")
def merge_drafts(
    request: Request,
    document_id: IdPath,
    draft_id: IdPath,
    fields: ReviewFieldsForm,
    session: SessionDep,
    principal: PageAdminDep,
) -> Response:
    def step(_draft: Draft, sent: ReviewFields) -> tuple[Draft, str]:
        if not (sent.other.isascii() and sent.other.isdigit()):
            raise InvalidInputError("other", review.MERGE_ITSELF)
        data = DraftMerge(other=int(sent.other), version=sent.version_number)
        return review.merge_drafts(session, document_id, draft_id, data=data, actor=principal), "sammanslaget"

    return _reviewed(
        request, session, principal, document_id, draft_id, fields, form="merge", review_step=step
    )


@router.post(DRAFT_PATH + "/dela")
def split_draft(
    request: Request,
    document_id: IdPath,
    draft_id: IdPath,
    fields: ReviewFieldsForm,
    session: SessionDep,
    principal: PageAdminDep,
) -> Response:
    def step(draft: Draft, sent: ReviewFields) -> tuple[Draft, str]:
        data = DraftSplit(at=split_point(sent, draft, _lang(request)), version=sent.version_number)
        _split, parts = review.split_draft(session, document_id, draft_id, data=data, actor=principal)
        return parts[0], "delat"

    return _reviewed(
        request, session, principal, document_id, draft_id, fields, form="split", review_step=step
    )
