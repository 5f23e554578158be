"""GET /api/v1/calendar.ics: a feed Outlook can subscribe to. Calendar clients cannot send
headers, so besides a Bearer token it accepts a revocable feed token in the URL."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.assignments.schemas import AssignmentFilters
from app.assignments.vocabulary import Status
from app.auth.deps import OptionalPrincipalDep
from app.auth.models import TokenKind
from app.auth.service import find_active_token
from app.calendar.service import deadline_calendar
from app.db import utcnow
from app.deps import SessionDep, TimezoneDep, TodayDep
from app.errors import UnauthorizedError
from app.inputs import IdQuery
from app.settings import Settings

router = APIRouter(prefix="/api/v1", tags=["calendar"])
FEED_TOKEN_HELP = "A feed token (`uppdrag token create --feed`), for clients that cannot send headers."
FEED_HEADERS = {
    "Content-Disposition": 'inline; filename="uppdrag.ics"',
    "Cache-Control": "private, max-age=300",
}


def _check_feed_access(
    request: Request, session: SessionDep, principal: OptionalPrincipalDep, token: str | None
) -> None:
    settings: Settings = request.app.state.settings
    if principal is not None or settings.public_read:
        return
    if token is None or find_active_token(session, token, TokenKind.FEED) is None:
        raise UnauthorizedError("The calendar feed needs a feed token (?token=…) or a Bearer token.")


@router.get(
    "/calendar.ics",
    summary="Open deadlines as all-day events (iCalendar)",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
def calendar_feed(
    request: Request,
    session: SessionDep,
    principal: OptionalPrincipalDep,
    today: TodayDep,
    timezone: TimezoneDep,
    owner: Annotated[str | None, Query(description="Owner unit id or key, with its sub-units.")] = None,
    goal: IdQuery = None,
    status: Annotated[list[Status] | None, Query()] = None,
    token: Annotated[str | None, Query(description=FEED_TOKEN_HELP)] = None,
) -> Response:
    _check_feed_access(request, session, principal, token)
    filters = AssignmentFilters(owner=owner, goal=goal, status=status or [])
    body = deadline_calendar(session, filters, today, timezone, utcnow())
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers=FEED_HEADERS,
    )
