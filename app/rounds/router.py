"""The reporting rounds API: a round's overview, a unit's part (also the Excel form), and the
moves of a part.

Readers read rounds (a feed token or a person's session opens their pages and downloads, like
reports). An editor of a unit (or an admin) confirms, imports and submits the unit's part; a
coordinator of the unit or of a unit above it (or an admin) returns or approves it. Admins set a
round's due date.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Header, Query, Request, Response, UploadFile, status

from app.access import (
    AdminDep,
    CoordinatorDep,
    EditorDep,
    FeedReaderDep,
    refuse_browser_credential,
)
from app.deps import PdfMaxLinesDep, SessionDep, TimezoneDep, TodayDep
from app.errors import problem_responses
from app.etags import IfMatchHeader, etag_for, expected_version
from app.formats import MEDIA_TYPES, Format, json_response, negotiate
from app.page_frame import frame_for
from app.pdf import refuse_large_pdf
from app.rounds import excel_import, service, transitions
from app.rounds.labels import RoundLabels
from app.rounds.renderers import render_overview, render_part
from app.rounds.schemas import (
    ConfirmRequest,
    ConfirmResponse,
    ImportResponse,
    OverviewQuery,
    PartRead,
    RenderQuery,
    ReturnRequest,
    RoundOverview,
    RoundRef,
    RoundUpdate,
    TransitionRequest,
)
from app.rounds.service import PartAddress

router = APIRouter(prefix="/api/v1/rounds", tags=["rounds"])


def part_address(year: int, period: str, unit: str, today: TodayDep, timezone: TimezoneDep) -> PartAddress:
    """The part a path names (`…/{year}/{period}/…/{unit}`), asked for today."""
    return PartAddress(year, period, unit, today, timezone)


# The path's year, period and unit (the unit's key or id), as the part they name.
PartAddressDep = Annotated[PartAddress, Depends(part_address)]

FORMATS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "In the format asked for by `format` or Accept.",
        "content": {
            media_type: {} for media_type in MEDIA_TYPES.values() if media_type != "application/json"
        },
    },
    **problem_responses(404, 406, 422),
}
MOVES = problem_responses(403, 404, 409, 422)
# A filled-in form as CSV: its headings and one row.
IMPORT_EXAMPLE: dict[str, Any] = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "example": {
                    "file": "Referens;Version;Ny status;Ny framdrift (%);Ny bedömning;Nytt trafikljus;"
                    "Kommentar\r\n"
                    "KS-2015-001;1;in_progress;40;;;Ansökan inlämnad\r\n"
                }
            }
        }
    }
}


@router.get(
    "/{year}/{period}",
    response_model=RoundOverview,
    summary="A round's overview: every unit with a part, as a tree with roll-ups",
    description="Its ETag is the version of the round's settings (its due date), for If-Match.",
    responses=FORMATS,
)
def get_overview(
    year: int,
    period: str,
    query: Annotated[OverviewQuery, Query()],
    request: Request,
    session: SessionDep,
    reader: FeedReaderDep,
    timezone: TimezoneDep,
    today: TodayDep,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    format_ = negotiate(query.format, accept)
    overview = service.overview(
        session, year=year, period=period, states=query.state, today=today, timezone=timezone
    )
    if format_ is Format.JSON:
        refuse_browser_credential(reader)
        response = json_response(overview.model_dump_json().encode())
        response.headers["ETag"] = etag_for(overview.round.version)  # of the round's settings
        return response
    return render_overview(
        overview, format_, RoundLabels(query.lang, timezone), frame_for(request, query.lang, caller=reader)
    )


@router.patch(
    "/{year}/{period}",
    response_model=RoundRef,
    summary="Set a round's due date (needs If-Match or `version`)",
    responses=problem_responses(404, 412, 422, 428),
)
def update_round(
    year: int,
    period: str,
    data: RoundUpdate,
    session: SessionDep,
    actor: AdminDep,
    today: TodayDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> RoundRef:
    round_ = service.set_due_date(
        session,
        year=year,
        period=period,
        due=data.due,
        expected_version=expected_version(if_match, data.version),
        actor=actor,
        today=today,
    )
    response.headers["ETag"] = etag_for(round_.version)
    return round_


@router.get(
    "/{year}/{period}/units/{unit}",
    response_model=PartRead,
    summary="A unit's part of a round with its assignments (the XLSX and CSV are forms to fill in)",
    responses=FORMATS,
)
def get_part(
    address: PartAddressDep,
    query: Annotated[RenderQuery, Query()],
    request: Request,
    session: SessionDep,
    reader: FeedReaderDep,
    pdf_max_lines: PdfMaxLinesDep,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    format_ = negotiate(query.format, accept)
    part = service.unit_part(session, address)
    if format_ is Format.PDF:
        refuse_large_pdf(len(part.assignments), pdf_max_lines)
    if format_ is Format.JSON:
        refuse_browser_credential(reader)
        return json_response(part.model_dump_json().encode())
    labels = RoundLabels(query.lang, address.timezone)
    return render_part(part, format_, labels, frame_for(request, query.lang, caller=reader))


@router.post(
    "/{year}/{period}/units/{unit}/confirm",
    response_model=ConfirmResponse,
    summary="Confirm assignments unchanged: a status update repeating each one's state",
    responses=MOVES,
)
def confirm(
    address: PartAddressDep, data: ConfirmRequest, session: SessionDep, actor: EditorDep
) -> ConfirmResponse:
    return transitions.confirm_unchanged(session, address, references=data.references, actor=actor)


@router.post(
    "/{year}/{period}/units/{unit}/submit",
    response_model=PartRead,
    summary="Mark a unit's part ready (refused while an assignment has no update in the period)",
    responses=MOVES,
)
def submit(
    address: PartAddressDep, session: SessionDep, actor: EditorDep, data: TransitionRequest | None = None
) -> PartRead:
    return transitions.submit_part(session, address, comment=data.comment if data else None, actor=actor)


@router.post(
    "/{year}/{period}/units/{unit}/return",
    response_model=PartRead,
    summary="Return a unit's part with a comment (coordinator or admin); its reporting opens again",
    responses=MOVES,
)
def return_part(
    address: PartAddressDep, data: ReturnRequest, session: SessionDep, actor: CoordinatorDep
) -> PartRead:
    return transitions.return_part(session, address, comment=data.comment, actor=actor)


@router.post(
    "/{year}/{period}/units/{unit}/approve",
    response_model=PartRead,
    summary="Approve a unit's submitted part (coordinator or admin)",
    responses=MOVES,
)
def approve(
    address: PartAddressDep,
    session: SessionDep,
    actor: CoordinatorDep,
    data: TransitionRequest | None = None,
) -> PartRead:
    return transitions.approve_part(session, address, comment=data.comment if data else None, actor=actor)


@router.post(
    "/{year}/{period}/units/{unit}/import",
    response_model=ImportResponse,
    status_code=status.HTTP_200_OK,
    summary="Import a filled-in form (XLSX or CSV): answers per row; writes only with dry_run=false",
    responses=problem_responses(403, 404, 409, 413, 422),
    openapi_extra=IMPORT_EXAMPLE,
)
def import_form(
    address: PartAddressDep,
    file: Annotated[UploadFile, File(description="The form as downloaded and filled in: XLSX or CSV.")],
    session: SessionDep,
    actor: EditorDep,
    dry_run: Annotated[bool, Query(description="Only answer what would be written (the default).")] = True,
) -> ImportResponse:
    content = file.file.read(excel_import.MAX_FILE_BYTES + 1)
    return excel_import.import_form(session, address, content=content, dry_run=dry_run, actor=actor)
