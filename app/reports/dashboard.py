"""The managers' dashboard at `/`: a period's report as a plain server-rendered page, the period
chosen with links and a form that work without JavaScript, and the decisions not carried out."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.access import FeedReaderDep
from app.deps import SessionDep, TimezoneDep, TodayDep
from app.errors import problem_responses
from app.page_frame import frame_for
from app.reports import service
from app.reports.links import unexecuted_links
from app.reports.live import period_ref
from app.reports.renderers.html_page import render_dashboard
from app.reports.renderers.labels import Labels
from app.reports.schemas import Lang
from app.reports.unexecuted import unexecuted_overview
from app.rounds.renderers import round_page
from app.rounds.service import round_progress

# Readers read it; a manager's browser may come with a feed token in the URL, or signed in.
router = APIRouter(tags=["dashboard"])
OLDEST_SHOWN = 5


@router.get(
    "/",
    summary="Dashboard for managers (HTML)",
    response_class=Response,
    responses={
        200: {"description": "The dashboard page.", "content": {"text/html": {"schema": {"type": "string"}}}},
        **problem_responses(404),
    },
)
def dashboard(
    request: Request,
    session: SessionDep,
    reader: FeedReaderDep,
    timezone: TimezoneDep,
    today: TodayDep,
    year: Annotated[
        int | None, Query(ge=1900, le=2100, description="The year of the period to show.")
    ] = None,
    period: Annotated[str | None, Query(max_length=20, description="The period to show, e.g. T1.")] = None,
    lang: Annotated[Lang, Query()] = "sv",
    token: Annotated[
        str | None, Query(description="A feed token: managers' browsers cannot send a Bearer token.")
    ] = None,
) -> Response:
    view = service.dashboard_view(session, timezone=timezone, today=today, year=year, key=period)
    day = view.report.as_of  # the decisions not carried out on the day the page shows
    page = render_dashboard(
        view.report,
        view.periods,
        Labels(lang, timezone),
        today,
        frame_for(request, lang, caller=reader),
        shown=period_ref(view.period),
        trend=service.plan_trend(session, view.period.year, timezone=timezone, today=today),
        reason=view.reason,
        unexecuted=unexecuted_overview(session, day=day, timezone=timezone, oldest=OLDEST_SHOWN),
        unexecuted_links=unexecuted_links("" if day == today else f"as_of={day.isoformat()}"),
        round_progress=round_progress(session, period=view.period, today=today, timezone=timezone),
        round_href=round_page(view.period.year, view.period.key),
    )
    return Response(page, media_type="text/html; charset=utf-8")
