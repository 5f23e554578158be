from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Header, Query, Request, Response, status

from app.access import READERS, AdminDep, FeedReaderDep, refuse_browser_credential
from app.deps import PdfMaxLinesDep, SessionDep, TimezoneDep, TodayDep
from app.formats import MEDIA_TYPES, Format, json_response, negotiate
from app.inputs import MAX_DB_ID
from app.page_frame import frame_for
from app.pdf import refuse_large_pdf
from app.reports import service
from app.reports.formats import render, render_unexecuted
from app.reports.links import REPORTS_PATH
from app.reports.renderers.labels import Labels
from app.reports.schemas import (
    PeriodRead,
    PlanTrajectory,
    PublishParams,
    ReportComparison,
    ReportQuery,
    ReportResponse,
    UnexecutedList,
    UnexecutedQuery,
)
from app.reports.unexecuted import unexecuted_json, unexecuted_list

# Readers read reports. A feed token (in a browser's URL) or a person's session opens a report's
# pages and downloads but not its JSON, nor the other report resources. Admins publish.
router = APIRouter(prefix="/api/v1", tags=["reports"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such year or period in the plan's reporting calendar (problem+json)."}
}
INVALID: dict[int | str, dict[str, Any]] = {
    422: {"description": "Invalid filter, format or language; the problem names the field (problem+json)."}
}
REPORT_FORMATS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report, in the format asked for by `format` or Accept.",
        "content": {
            media_type: {} for media_type in MEDIA_TYPES.values() if media_type != "application/json"
        },
    },
    406: {"description": "None of the accepted media types is available (problem+json)."},
    422: {
        "description": "Invalid filter, format or language, or a PDF of more assignments than PDF_MAX_LINES "
        "(problem+json naming the field)."
    },
}


@router.get(
    "/periods",
    response_model=list[PeriodRead],
    summary="Reporting periods: the city's calendar, every year there are reports for",
    dependencies=[READERS],
    responses=INVALID,
)
def list_periods(
    session: SessionDep,
    today: TodayDep,
    year: Annotated[int | None, Query(ge=1900, le=2100, description="Only this year's periods.")] = None,
) -> list[PeriodRead]:
    return service.list_periods(session, today=today, year=year)


@router.get(
    "/reports/plan",
    response_model=PlanTrajectory,
    summary="Counts per period across a plan period (for a burn-up chart)",
    dependencies=[READERS],
    responses={
        **NOT_FOUND,
        409: {"description": "The document named has no plan period (problem+json)."},
        **INVALID,
    },
)
def plan_trajectory(
    session: SessionDep,
    timezone: TimezoneDep,
    today: TodayDep,
    document: Annotated[
        int | None,
        Query(
            ge=1, le=MAX_DB_ID, description="The document whose plan years; the latest plan's if left out."
        ),
    ] = None,
) -> PlanTrajectory:
    return service.plan_trajectory(session, timezone=timezone, today=today, document_id=document)


@router.get(
    "/reports/unexecuted",
    response_model=UnexecutedList,
    summary="Decisions not carried out: adopted assignments not finished, oldest decision first",
    responses={**INVALID, **REPORT_FORMATS},
)
def unexecuted(
    query: Annotated[UnexecutedQuery, Query()],
    request: Request,
    session: SessionDep,
    reader: FeedReaderDep,
    timezone: TimezoneDep,
    today: TodayDep,
    pdf_max_lines: PdfMaxLinesDep,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    format_ = negotiate(query.format, accept)
    filters = query.filters()
    if format_ is Format.JSON:
        refuse_browser_credential(reader)
        return json_response(unexecuted_json(session, filters=filters, today=today, timezone=timezone))
    listing = unexecuted_list(session, filters=filters, today=today, timezone=timezone)
    if format_ is Format.PDF:
        refuse_large_pdf(listing.count, pdf_max_lines)
    labels = Labels(query.lang, timezone)
    frame = frame_for(request, query.lang, caller=reader)
    return render_unexecuted(listing, format_, labels, _filter_query(request), frame)


@router.get(
    "/reports/{year}/{period}",
    response_model=ReportResponse,
    summary="A period's report as of its cut-off (frozen once published)",
    responses={**NOT_FOUND, **INVALID, **REPORT_FORMATS},
)
def get_report(
    request: Request,
    year: int,
    period: str,
    query: Annotated[ReportQuery, Query()],
    session: SessionDep,
    reader: FeedReaderDep,
    timezone: TimezoneDep,
    today: TodayDep,
    pdf_max_lines: PdfMaxLinesDep,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    format_ = negotiate(query.format, accept)
    if format_ is Format.JSON:  # the report's JSON is made without a model per line (service.py)
        refuse_browser_credential(reader)
        return json_response(
            service.period_report_json(
                session, year, period, filters=query.filters(), timezone=timezone, today=today
            )
        )
    report = service.period_report(
        session, year, period, filters=query.filters(), timezone=timezone, today=today
    )
    if format_ is Format.PDF:
        refuse_large_pdf(len(report.assignments), pdf_max_lines)
    labels = Labels(query.lang, timezone)
    page = format_ in (Format.HTML, Format.PDF)
    context = service.report_page_context(session, report, timezone=timezone, today=today) if page else None
    return render(report, format_, labels, today, frame_for(request, query.lang, caller=reader), context)


@router.post(
    "/reports/{year}/{period}/publish",
    response_model=ReportResponse,
    status_code=status.HTTP_201_CREATED,
    summary="Publish (freeze) a period's default report",
    responses={
        **NOT_FOUND,
        409: {"description": "Already published, or the cut-off has not passed (problem+json)."},
        422: {"description": "Filters were given: only the default report is published (problem+json)."},
    },
)
def publish_report(
    year: int,
    period: str,
    _params: Annotated[PublishParams, Query()],
    session: SessionDep,
    actor: AdminDep,
    timezone: TimezoneDep,
    today: TodayDep,
) -> Response:
    report = service.publish_report(session, year, period, actor=actor, timezone=timezone, today=today)
    return Response(
        report,
        status.HTTP_201_CREATED,
        media_type=MEDIA_TYPES[Format.JSON],
        headers={"Location": f"{REPORTS_PATH}/{year}/{period}"},
    )


@router.get(
    "/reports/{year}/{period}/compare",
    response_model=ReportComparison,
    summary="How a period's report differs from the previous period's, or from an earlier one named",
    responses={**NOT_FOUND, **INVALID},
    dependencies=[READERS],
)
def compare_with_previous(
    year: int,
    period: str,
    session: SessionDep,
    timezone: TimezoneDep,
    today: TodayDep,
    with_year: Annotated[int | None, Query(ge=1900, le=2100, description="The other report's year.")] = None,
    with_period: Annotated[str | None, Query(max_length=20, description="The other report's period.")] = None,
) -> ReportComparison:
    return service.compare_reports(
        session, year, period, timezone=timezone, today=today, with_year=with_year, with_period=with_period
    )


def _filter_query(request: Request) -> str:
    """The request's filters as a query string, for links to the same list in other formats."""
    kept = [
        (name, value)
        for name, value in request.query_params.multi_items()
        if name not in ("format", "lang", "token")
    ]
    return urlencode(kept)
