"""The background worker (`uppdrag worker`): deadline events, webhook deliveries, housekeeping."""

import logging
import time
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.clock import local_today
from app.db import utcnow
from app.idempotency.service import purge_expired
from app.settings import Settings
from app.webhooks.worker import DELIVERY_BATCH, deliver_due, raise_deadline_events

logger = logging.getLogger("uppdrag.worker")


def run_round(session_factory: sessionmaker[Session], settings: Settings) -> int:
    """One round: raise deadline events, deliver what is due, forget old idempotency keys.

    Returns the deliveries attempted.
    """
    with session_factory() as session:
        raised = raise_deadline_events(session, local_today(settings.timezone), settings.due_soon_days)
    attempted = deliver_due(session_factory, settings)
    with session_factory() as session:
        purge_expired(session, utcnow() - timedelta(hours=settings.idempotency_retention_hours))
    if raised or attempted:
        logger.info("raised %d deadline events, attempted %d deliveries", raised, attempted)
    return attempted


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
