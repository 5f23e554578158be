"""GET /api/v1/calendar.ics: a feed Outlook can subscribe to. Calendar clients cannot send
headers, so it also accepts a revocable feed token in the URL (`?token=…`)."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.access import FeedReaderDep
from app.assignments.schemas import AssignmentFilters
from app.assignments.vocabulary import Status
from app.calendar.service import deadline_calendar
from app.db import utcnow
from app.deps import SessionDep, TimezoneDep, TodayDep
from app.inputs import IdQuery

# Readers read it, also with a feed token in the URL.
router = APIRouter(prefix="/api/v1", tags=["calendar"])
FEED_TOKEN_HELP = "A feed token (`uppdrag token create --feed`), for clients that cannot send headers."
FEED_HEADERS = {
    "Content-Disposition": 'inline; filename="uppdrag.ics"',
    "Cache-Control": "private, max-age=300",
}


@router.get(
    "/calendar.ics",
    summary="Open deadlines and reporting rounds' due dates as all-day events (iCalendar)",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
def calendar_feed(
    session: SessionDep,
    _reader: FeedReaderDep,
    today: TodayDep,
    timezone: TimezoneDep,
    owner: Annotated[str | None, Query(description="Owner unit id or key, with its sub-units.")] = None,
    goal: IdQuery = None,
    status: Annotated[list[Status] | None, Query()] = None,
    rounds: Annotated[
        bool, Query(description="Also the days units' parts of the reporting rounds are due.")
    ] = True,
    token: Annotated[str | None, Query(description=FEED_TOKEN_HELP)] = None,
) -> Response:
    filters = AssignmentFilters(owner=owner, goal=goal, status=status or [])
    body = deadline_calendar(
        session, filters=filters, rounds=rounds, today=today, timezone=timezone, stamp=utcnow()
    )
    return Response(body, media_type="text/calendar; charset=utf-8", headers=FEED_HEADERS)
