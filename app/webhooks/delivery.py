"""Delivering webhook messages (run by `uppdrag worker`, app/worker.py).

Each delivery is claimed and attempted in a transaction of its own with SELECT … FOR UPDATE SKIP
LOCKED. On PostgreSQL the row stays locked while its HTTP request runs, so workers running side by
side never send the same delivery twice: each skips the rows the others hold. A worker that dies
mid-request leaves its row pending, to be sent again (delivery is at least once; receivers
de-duplicate on `webhook-id`). SQLite has no row locks and SQLAlchemy renders a plain SELECT there:
run a single worker on SQLite.
"""

import json
import logging
import random
from datetime import datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db import unit_of_work, utcnow
from app.settings import Settings
from app.webhooks.models import OutboxEvent, WebhookDelivery
from app.webhooks.signing import sign
from app.webhooks.vocabulary import SUBSCRIPTION_DEACTIVATED, DeliveryStatus

logger = logging.getLogger("uppdrag.webhooks")

DELIVERY_BATCH = 100
USER_AGENT = "Uppdrag-Webhooks/1"
ERROR_TEXT_LIMIT = 2000

# --- delivering -----------------------------------------------------------------------------


def deliver_due(
    session_factory: sessionmaker[Session],
    settings: Settings,
    *,
    now: datetime | None = None,
    limit: int = DELIVERY_BATCH,
) -> int:
    """Attempt up to `limit` pending deliveries whose time has come; returns how many were attempted.

    `now` fixes the worker's clock (tests move it forward); otherwise it is read before each
    delivery. It decides which deliveries are due, schedules retries and is the signed
    `webhook-timestamp`.
    """
    attempted = 0
    with httpx.Client(timeout=settings.webhook_timeout_seconds, headers={"user-agent": USER_AGENT}) as client:
        while attempted < limit:
            moment = now or utcnow()
            # Not locked first: SQLite's write lock must not be held across the HTTP request.
            with unit_of_work(session_factory, lock_first=False) as session:
                delivery = _claim_next(session, moment)
                if delivery is None:
                    break
                _attempt(client, delivery, moment, settings)
            attempted += 1
    return attempted


def _claim_next(session: Session, now: datetime) -> WebhookDelivery | None:
    """Lock the most overdue pending delivery that no other worker holds (plain SELECT on SQLite)."""
    return session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()


def message_body(event: OutboxEvent) -> bytes:
    """The JSON body of a message, as the Standard Webhooks specification shapes it."""
    message = {"type": event.type, "timestamp": event.occurred_at.isoformat(), "data": event.payload}
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()


def _attempt(client: httpx.Client, delivery: WebhookDelivery, now: datetime, settings: Settings) -> None:
    subscription = delivery.subscription
    if not subscription.active:  # deactivated after the event was recorded
        _give_up(delivery, SUBSCRIPTION_DEACTIVATED)
        return
    delivery.attempts += 1
    delivery.last_attempt_at = now
    body = message_body(delivery.event)
    timestamp = int(now.timestamp())
    headers = {
        "content-type": "application/json",
        "webhook-id": delivery.webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(subscription.secret, delivery.webhook_id, timestamp, body),
    }
    try:
        response = client.post(subscription.url, content=body, headers=headers)
    except httpx.HTTPError as error:
        _retry_later(delivery, now, settings, None, f"{type(error).__name__}: {error}")
        return
    if response.is_success:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        delivery.last_status_code = response.status_code
        delivery.last_error = None
    else:
        answer = f"HTTP {response.status_code}" + (f": {response.text}" if response.text else "")
        _retry_later(delivery, now, settings, response.status_code, answer)


def _retry_later(
    delivery: WebhookDelivery, now: datetime, settings: Settings, status_code: int | None, error: str
) -> None:
    """Record a failed attempt; schedule the next one, or fail the delivery when out of attempts."""
    delivery.last_status_code = status_code
    if delivery.attempts >= settings.webhook_max_attempts:
        _give_up(delivery, error)
        return
    delivery.last_error = error[:ERROR_TEXT_LIMIT]
    delivery.next_attempt_at = now + timedelta(seconds=retry_delay(delivery.attempts, settings))


def _give_up(delivery: WebhookDelivery, error: str) -> None:
    delivery.status = DeliveryStatus.FAILED
    delivery.next_attempt_at = None
    delivery.last_error = error[:ERROR_TEXT_LIMIT]


def retry_delay(failed_attempts: int, settings: Settings) -> float:
    """Seconds until the next try: base * 2**failed_attempts, capped, times a random 0.5–1.0 (jitter)."""
    delay = min(
        settings.webhook_backoff_cap_seconds, settings.webhook_backoff_base_seconds * 2.0**failed_attempts
    )
    return delay * random.uniform(0.5, 1.0)
