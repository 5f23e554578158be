"""Request-scoped dependencies shared by the routers."""

from collections.abc import Iterator
from datetime import date
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from app.clock import local_today
from app.settings import Settings


def get_session(request: Request) -> Iterator[Session]:
    """A session for one request. Services commit their own unit of work; anything left is rolled back."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    session = factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


def get_actor(request: Request) -> str:
    """Who makes a write: the `X-Actor` header (a person or system name), else 'anonymous'."""
    return request.headers.get("x-actor", "").strip()[:200] or "anonymous"


def get_today(request: Request) -> date:
    """Today's date in the service's configured time zone."""
    settings: Settings = request.app.state.settings
    return local_today(settings.timezone)


ActorDep = Annotated[str, Depends(get_actor)]
TodayDep = Annotated[date, Depends(get_today)]
