from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response, status

from app.access import ACCESS_PROBLEMS, READERS, AdminDep, FeedReaderDep, refuse_browser_credential
from app.deps import SessionDep, TimezoneDep, TodayDep
from app.page_frame import frame_for
from app.reports import service
from app.reports.formats import MEDIA_TYPES, json_response, negotiate, render
from app.reports.links import REPORTS_PATH
from app.reports.renderers.labels import Labels
from app.reports.schemas import (
    Format,
    PeriodRead,
    PlanTrajectory,
    PublishParams,
    ReportComparison,
    ReportQuery,
    ReportResponse,
)

# Readers read reports. A feed token (in a browser's URL) or a person's session opens a report's
# pages and downloads but not its JSON, nor the other report resources. Admins publish.
router = APIRouter(prefix="/api/v1", tags=["reports"], responses=ACCESS_PROBLEMS)

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
}


@router.get(
    "/periods",
    response_model=list[PeriodRead],
    summary="Reporting periods of the plan",
    dependencies=[READERS],
)
def list_periods(session: SessionDep, today: TodayDep) -> list[PeriodRead]:
    return service.list_periods(session, today=today)


@router.get(
    "/reports/plan",
    response_model=PlanTrajectory,
    summary="Counts per period across the plan (for a burn-up chart)",
    dependencies=[READERS],
)
def plan_trajectory(session: SessionDep, timezone: TimezoneDep, today: TodayDep) -> PlanTrajectory:
    return service.plan_trajectory(session, timezone=timezone, today=today)


@router.get(
    "/reports/{year}/{period}",
    response_model=ReportResponse,
    summary="A period's report as of its cut-off (frozen once published)",
    responses={**REPORT_FORMATS, **NOT_FOUND, **INVALID},
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
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    format_ = negotiate(query.format, accept)
    if format_ is Format.JSON:  # the report's JSON is made without a model per line (service.py)
        refuse_browser_credential(reader)
        return json_response(
            service.period_report_json(session, year, period, filters=query.filters(), timezone=timezone)
        )
    report = service.period_report(session, year, period, filters=query.filters(), timezone=timezone)
    labels = Labels(query.lang, timezone, query.token)
    return render(report, format_, labels, today, frame_for(request, query.lang))


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
    summary="How a period's report differs from the previous period's",
    responses=NOT_FOUND,
    dependencies=[READERS],
)
def compare_with_previous(
    year: int, period: str, session: SessionDep, timezone: TimezoneDep
) -> ReportComparison:
    return service.compare_with_previous(session, year, period, timezone=timezone)
