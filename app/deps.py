"""Request-scoped dependencies shared by the routers."""

from collections.abc import Iterator
from datetime import date
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from app.clock import local_today
from app.db import savepoint_in, unit_of_work
from app.settings import Settings

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# Where a middleware that owns a request's transaction leaves its session (see `join_transaction`).
_OWNED_SESSION = "owned_session"


def join_transaction(request: Request, session: Session) -> None:
    """Run this request's route in `session`, a unit of work its caller (a middleware) owns and
    commits, rather than in one of its own: so that what the middleware writes (an idempotency key's
    response) and what the route writes are committed together or not at all."""
    setattr(request.state, _OWNED_SESSION, session)


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work (app.db.unit_of_work): committed when the route has made its
    response and before it is sent, so that nothing is acknowledged that is not durable; rolled back
    when the route raises. When a middleware owns the request's transaction (`join_transaction`),
    the route's work is a savepoint in it instead: undone when the route raises, committed by the
    middleware before the response is sent."""
    owned: Session | None = getattr(request.state, _OWNED_SESSION, None)
    if owned is not None:
        with savepoint_in(owned) as session:
            yield session
        return
    factory: sessionmaker[Session] = request.app.state.session_factory
    with unit_of_work(factory, lock_first=request.method not in READ_METHODS) as session:
        yield session


# scope="function": the commit happens before the response is sent, not after.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_today(request: Request) -> date:
    """Today's date in the service's configured time zone."""
    settings: Settings = request.app.state.settings
    return local_today(settings.timezone)


def get_timezone(request: Request) -> str:
    """The service's configured time zone: where days begin and end."""
    settings: Settings = request.app.state.settings
    return settings.timezone


def get_pdf_max_lines(request: Request) -> int:
    """The most assignments one PDF holds (PDF_MAX_LINES)."""
    settings: Settings = request.app.state.settings
    return settings.pdf_max_lines


TodayDep = Annotated[date, Depends(get_today)]
PdfMaxLinesDep = Annotated[int, Depends(get_pdf_max_lines)]
TimezoneDep = Annotated[str, Depends(get_timezone)]
