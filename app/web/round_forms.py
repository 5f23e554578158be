"""The forms of a unit's part page (app/web/round_pages.py): report an assignment, confirm
unchanged ones, upload the filled-in Excel form (a dry run first, then write the same file),
submit; return and approve for coordinators.

Each goes through the API's models and the round's services, in a savepoint, so that a refused
form writes nothing and the page is shown again with the refusal in Swedish next to the form it is
about; done, the page is shown again through a redirect (POST, redirect, GET). Every form carries
the session's CSRF token; who may is checked by the services as in the API (a unit not in the
person's scope is a 403 page).
"""

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import RedirectResponse
from pydantic import Field
from sqlalchemy.orm import Session

from app.access import PAGE_READERS, PageCoordinatorDep, PageEditorDep, Principal
from app.assignments import status_updates
from app.deps import SessionDep
from app.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    PayloadTooLargeError,
    PreconditionFailedError,
    ProblemError,
)
from app.inputs import parse_id
from app.page_frame import CSRF_FIELD, REPORTING_PATH
from app.rounds import excel_import, pending_uploads, service, transitions
from app.rounds.labels import RoundLabels
from app.rounds.router import PartAddressDep
from app.rounds.schemas import ConfirmRequest, ImportResponse, PartRead, ReturnRequest, TransitionRequest
from app.rounds.service import PartAddress
from app.web.assignment_pages import StatusFormFields
from app.web.labels import PageLabels
from app.web.rendering import FormFields, check_form_token, page_lang
from app.web.round_pages import (
    SHOW,
    UNREPORTED_ONLY,
    PartPageState,
    part_href,
    part_page,
    reporting_day,
    unreported_only,
)
from app.web.status_form import StatusForm, as_update, explain, submitted_form, validated

router = APIRouter(include_in_schema=False, dependencies=[PAGE_READERS])

PART = REPORTING_PATH + "/{year}/{period}/{unit}"


class MoveFields(FormFields):
    """A form of the part as a whole: its CSRF token, a comment, the references selected."""

    csrf_token: str = Field(default="", alias=CSRF_FIELD)
    comment: str = ""
    reference: list[str] = Field(default_factory=list)


class _Page:
    """The request's part page: its part, read afresh, shown again with what the form left on it."""

    def __init__(
        self, request: Request, session: Session, principal: Principal, address: PartAddress
    ) -> None:
        self.request, self.session, self.principal, self.address = request, session, principal, address
        self.today, self.timezone = address.today, address.timezone
        self.year, self.period, self.unit = address.year, address.period, address.unit
        self.t = PageLabels(page_lang(request), address.timezone)
        self.r = RoundLabels(page_lang(request), address.timezone)

    def part(self) -> PartRead:
        return service.unit_part(self.session, self.address)

    def reported_part(self) -> PartRead:
        """The part, for someone who reports it: an editor of its unit (or an admin); else a 403."""
        part = self.part()
        if not self.principal.may_write_for(part.unit.id):
            raise ForbiddenError(
                f"Only an editor of {part.unit.name} (or an admin) reports its part of the round."
            )
        return part

    def import_form(self, content: bytes, *, dry_run: bool) -> ImportResponse:
        """The round's import of a filled-in form of this part, as the API runs it."""
        return excel_import.import_form(
            self.session, self.address, content=content, dry_run=dry_run, actor=self.principal
        )

    def again(self, state: PartPageState, status_code: int) -> Response:
        self.session.expire_all()
        return part_page(
            self.request, self.part(), self.principal, self.today, state, status_code=status_code
        )

    def refused(self, move: str, problem: ProblemError) -> Response:
        """The page again with a move's refusal said in the page's language."""
        state = PartPageState(move=move, refusal=self._refusal_text(problem))
        state.refused_references = list(problem.extra.get("missing", []))
        return self.again(state, problem.status)

    def _refusal_text(self, problem: ProblemError) -> str:
        t = self.t
        if "missing" in problem.extra:
            return t("missing_refusal", count=len(problem.extra["missing"]))
        if isinstance(problem, ConflictError) and "state" in problem.extra:
            return t("state_refusal", state=self.r.value(str(problem.extra["state"])).lower())
        if isinstance(problem, ConflictError) and "has not begun" in problem.detail:
            return t("not_open_refusal")
        return t("locked_refusal") if isinstance(problem, ConflictError) else problem.detail

    def done(self, notice: str, **query: str) -> Response:
        href = part_href(self.year, self.period, self.unit, self.t.lang)
        separator = "&" if "?" in href else "?"
        kept = {SHOW: UNREPORTED_ONLY} if unreported_only(self.request) else {}
        extra = urlencode({"klart": notice, **query, **kept})
        # The notice is at the top; without a fragment the form's own (#a-…) would be kept.
        return RedirectResponse(f"{href}{separator}{extra}#notice", status_code=303)


@router.post(PART + "/uppdrag/{reference}")
def report_assignment(
    request: Request,
    reference: str,
    fields: Annotated[StatusFormFields, Form()],
    session: SessionDep,
    principal: PageEditorDep,
    address: PartAddressDep,
) -> Response:
    """One assignment's card: a status update effective on the round's reporting day."""
    check_form_token(request, principal, fields.csrf_token)
    page = _Page(request, session, principal, address)
    part = page.part()
    line = next((line for line in part.assignments if line.reference == reference), None)
    if line is None:
        raise NotFoundError(f"{reference} is not in {part.unit.name}'s part of the round.")
    if not principal.may_write_for(part.unit.id):
        raise ForbiddenError(
            f"Only an editor of {part.unit.name} (or an admin) reports its part of the round."
        )
    version = parse_id(fields.version)
    form = submitted_form(fields.model_dump(), version or line.version)
    form.values["effective_date"] = reporting_day(part.round, page.today).isoformat()
    update = as_update(form, page.t)
    if update is None:
        return page.again(PartPageState(forms={reference: form}), 422)
    try:
        with session.begin_nested():
            status_updates.add_status_update(
                session, line.id, data=update, actor=principal, today=page.today, expected_version=version
            )
    except InvalidInputError as error:
        explain(error, form, page.t)
        return page.again(PartPageState(forms={reference: form}), 422)
    except PreconditionFailedError:
        fresh = page.part()
        current = next(item for item in fresh.assignments if item.reference == reference)
        kept = StatusForm.for_assignment(current)
        kept.values.update({name: form.values[name] for name in ("comment", "reason")})
        return page.again(PartPageState(forms={reference: kept}, stale=reference), 409)
    except ConflictError as error:
        return page.refused("card", error)
    return page.done("saved", uppdrag=reference)


@router.post(PART + "/bekrafta")
def confirm(
    request: Request,
    fields: Annotated[MoveFields, Form()],
    session: SessionDep,
    principal: PageEditorDep,
    address: PartAddressDep,
) -> Response:
    """Confirm the selected (or one) assignments unchanged, through the API's model and service."""
    check_form_token(request, principal, fields.csrf_token)
    page = _Page(request, session, principal, address)
    errors: dict[str, str] = {}
    data = validated(ConfirmRequest, {"references": fields.reference}, errors, page.t)
    if data is None:
        state = PartPageState(move="confirm", refusal=page.t("confirm_none"))
        return page.again(state, 422)
    try:
        with session.begin_nested():
            answer = transitions.confirm_unchanged(
                session, page.address, references=data.references, actor=principal
            )
    except (InvalidInputError, ConflictError) as error:
        return page.refused("confirm", error)
    return page.done("confirmed", antal=str(answer.confirmed))


PartMove = Callable[..., PartRead]
MOVES: dict[str, tuple[PartMove, type[TransitionRequest] | type[ReturnRequest], str]] = {
    # form: the service, the API's model of its body, the notice once done
    "submit": (transitions.submit_part, TransitionRequest, "submitted"),
    "return": (transitions.return_part, ReturnRequest, "returned"),
    "approve": (transitions.approve_part, TransitionRequest, "approved"),
}


def _move(page: "_Page", fields: MoveFields, move: str) -> Response:
    """Submit, return or approve the part with the form's comment, as the API would."""
    check_form_token(page.request, page.principal, fields.csrf_token)
    call, model, notice = MOVES[move]
    comment = fields.comment.strip()
    errors: dict[str, str] = {}
    data = validated(
        model, {"comment": comment or (None if model is TransitionRequest else "")}, errors, page.t
    )
    if data is None:
        return page.again(PartPageState(move=move, field_errors={f"{move}-comment": errors["comment"]}), 422)
    try:
        with page.session.begin_nested():
            call(page.session, page.address, comment=data.comment, actor=page.principal)
    except (InvalidInputError, ConflictError) as error:
        return page.refused(move, error)
    return page.done(notice)


@router.post(PART + "/lamna-in")
def submit(
    request: Request,
    fields: Annotated[MoveFields, Form()],
    session: SessionDep,
    principal: PageEditorDep,
    address: PartAddressDep,
) -> Response:
    """Mark the part ready (refused, listing them, while an assignment has no report in the period)."""
    return _move(_Page(request, session, principal, address), fields, "submit")


@router.post(PART + "/aterforvisa")
def return_part(
    request: Request,
    fields: Annotated[MoveFields, Form()],
    session: SessionDep,
    principal: PageCoordinatorDep,
    address: PartAddressDep,
) -> Response:
    """Return the part with a comment (required, as in the API)."""
    return _move(_Page(request, session, principal, address), fields, "return")


@router.post(PART + "/godkann")
def approve(
    request: Request,
    fields: Annotated[MoveFields, Form()],
    session: SessionDep,
    principal: PageCoordinatorDep,
    address: PartAddressDep,
) -> Response:
    return _move(_Page(request, session, principal, address), fields, "approve")


# --- the Excel form -------------------------------------------------------------------------


def _upload_binding(principal: Principal) -> str:
    """What an upload is bound to: the browser session (its CSRF token), or a Bearer token."""
    return principal.session_csrf or f"token:{principal.token_id}"


@router.post(PART + "/excel")
def preview_import(
    request: Request,
    session: SessionDep,
    principal: PageEditorDep,
    address: PartAddressDep,
    file: Annotated[UploadFile | None, File()] = None,
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
) -> Response:
    """The uploaded form as a dry run: the rows as the import would answer them, and (when every
    row would be accepted or is unchanged, and one is accepted) a button that writes this file."""
    check_form_token(request, principal, csrf_token)
    page = _Page(request, session, principal, address)
    unit_id = page.reported_part().unit.id
    content = file.file.read(excel_import.MAX_FILE_BYTES + 1) if file is not None else b""
    name = (file.filename or "") if file is not None else ""
    if not content:
        return page.again(PartPageState(move="excel", field_errors={"file": page.t("upload_missing")}), 422)
    try:
        answer = page.import_form(content, dry_run=True)
    except (InvalidInputError, PayloadTooLargeError) as error:
        message = "file_too_large" if isinstance(error, PayloadTooLargeError) else "file_refused"
        return page.again(PartPageState(move="excel", field_errors={"file": page.t(message)}), 422)
    except ConflictError as error:  # the round has not begun
        return page.refused("excel", error)
    key = None
    if answer.accepted and not answer.refused:
        key = pending_uploads.keep_upload(
            session,
            binding=_upload_binding(principal),
            person_id=principal.person_id,
            unit_id=unit_id,
            year=page.year,
            period=page.period,
            filename=name,
            content=content,
        )
    return page.again(PartPageState(move="excel", dry_run=answer, upload_key=key, upload_name=name), 200)


@router.post(PART + "/excel/{key}")
def write_import(
    request: Request,
    key: str,
    fields: Annotated[MoveFields, Form()],
    session: SessionDep,
    principal: PageEditorDep,
    address: PartAddressDep,
) -> Response:
    """Write the file the person saw as a dry run (all or nothing, each row against its version)."""
    check_form_token(request, principal, fields.csrf_token)
    page = _Page(request, session, principal, address)
    unit_id = page.reported_part().unit.id
    try:
        upload = pending_uploads.pending_upload(
            session,
            key,
            binding=_upload_binding(principal),
            unit_id=unit_id,
            year=page.year,
            period=page.period,
        )
    except NotFoundError:
        return page.again(PartPageState(move="excel", field_errors={"file": page.t("upload_gone")}), 404)
    try:
        answer = page.import_form(upload.content, dry_run=False)
    except excel_import.ImportRefusedError as error:
        refused = ImportResponse.model_validate(error.extra)
        pending_uploads.forget_upload(session, upload)
        return page.again(PartPageState(move="excel", dry_run=refused, upload_name=upload.filename), 422)
    pending_uploads.forget_upload(session, upload)
    return page.done("imported", antal=str(answer.accepted))
