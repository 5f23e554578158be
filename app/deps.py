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


def get_today(request: Request) -> date:
    """Today's date in the service's configured time zone."""
    settings: Settings = request.app.state.settings
    return local_today(settings.timezone)


def get_timezone(request: Request) -> str:
    """The service's configured time zone: where days begin and end."""
    settings: Settings = request.app.state.settings
    return settings.timezone


TodayDep = Annotated[date, Depends(get_today)]
TimezoneDep = Annotated[str, Depends(get_timezone)]
