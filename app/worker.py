"""The background worker (`uppdrag worker`): deadline events, round reminders, webhook deliveries,
housekeeping."""

import logging
import time
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.assignments.deadline_events import raise_deadline_events
from app.auth.sessions import purge_unusable
from app.clock import local_today
from app.db import unit_of_work, utcnow
from app.errors import ConflictError
from app.idempotency.service import purge_expired
from app.rounds.reminders import raise_round_reminders
from app.settings import Settings
from app.webhooks.delivery import DELIVERY_BATCH, deliver_due

logger = logging.getLogger("uppdrag.worker")


def run_round(session_factory: sessionmaker[Session], settings: Settings) -> int:
    """One round: raise deadline events and round reminders, deliver what is due, forget old
    idempotency keys and the sessions and sign-in links that can sign no one in any more.

    Returns the deliveries attempted.
    """
    raised = _raise_deadline_events(session_factory, settings) + _raise_round_reminders(
        session_factory, settings
    )
    attempted = deliver_due(session_factory, settings)
    with unit_of_work(session_factory) as session:
        purge_expired(session, older_than=utcnow() - timedelta(hours=settings.idempotency_retention_hours))
        purge_unusable(session, idle_timeout=timedelta(minutes=settings.session_idle_minutes))
    if raised or attempted:
        logger.info("raised %d deadline events and reminders, attempted %d deliveries", raised, attempted)
    return attempted


def _raise_deadline_events(session_factory: sessionmaker[Session], settings: Settings) -> int:
    try:
        with unit_of_work(session_factory) as session:
            return raise_deadline_events(
                session, today=local_today(settings.timezone), due_soon_days=settings.due_soon_days
            )
    except ConflictError:
        logger.info("another worker raised the same deadline events; this round raised none")
        return 0


def _raise_round_reminders(session_factory: sessionmaker[Session], settings: Settings) -> int:
    try:
        with unit_of_work(session_factory) as session:
            return raise_round_reminders(
                session,
                today=local_today(settings.timezone),
                due_soon_days=settings.due_soon_days,
                timezone=settings.timezone,
            )
    except ConflictError:
        logger.info("another worker raised the same round reminders; this round raised none")
        return 0


def run_worker(session_factory: sessionmaker[Session], settings: Settings, *, once: bool = False) -> None:
    """Run rounds until stopped, pausing `worker_poll_seconds` when there was no backlog.

    A failed round (the database away, say) is logged and tried again after the pause, so that
    deliveries resume by themselves; with `once`, the error is raised.
    """
    while True:
        try:
            attempted = run_round(session_factory, settings)
        except SQLAlchemyError:
            if once:
                raise
            logger.exception("worker round failed; trying again")
            attempted = 0
        if once:
            return
        if attempted < DELIVERY_BATCH:
            time.sleep(settings.worker_poll_seconds)
