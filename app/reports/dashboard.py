"""The managers' dashboard at `/`: where the plan stands today, as a plain server-rendered page."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.access import ACCESS_PROBLEMS, FeedReaderDep
from app.deps import SessionDep, TimezoneDep, TodayDep
from app.page_frame import frame_for
from app.reports import service
from app.reports.renderers.html_page import render_dashboard
from app.reports.renderers.labels import Labels
from app.reports.schemas import Lang

# Readers read it; a manager's browser may come with a feed token in the URL, or signed in.
router = APIRouter(tags=["dashboard"], responses=ACCESS_PROBLEMS)


@router.get("/", summary="Dashboard for managers (HTML)", response_class=Response)
def dashboard(
    request: Request,
    session: SessionDep,
    _reader: FeedReaderDep,
    timezone: TimezoneDep,
    today: TodayDep,
    lang: Annotated[Lang, Query()] = "sv",
    token: Annotated[
        str | None, Query(description="A feed token: managers' browsers cannot send a Bearer token.")
    ] = None,
) -> Response:
    report, periods = service.dashboard_report(session, timezone=timezone, today=today)
    return Response(
        render_dashboard(report, periods, Labels(lang, timezone, token), today, frame_for(request, lang)),
        media_type="text/html; charset=utf-8",
    )
