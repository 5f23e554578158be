"""The transactional outbox: events are written with the change they describe, delivered later.

`record_event` only adds and flushes; the caller's commit makes the change, the event and its
pending deliveries durable together, and a rollback discards all of them.
"""

from typing import Any
from uuid import uuid4

from pydantic_core import to_jsonable_python
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.org.service import unit_with_descendant_ids
from app.webhooks.models import OutboxEvent, WebhookDelivery, WebhookSubscription
from app.webhooks.vocabulary import DeliveryStatus, EventType


def record_event(
    session: Session,
    event_type: EventType,
    *,
    payload: dict[str, Any],
    assignment_id: int | None = None,
    owner_unit_id: int | None = None,
) -> OutboxEvent:
    """Write an event to the outbox with one pending delivery per matching active subscription.

    Call it inside the transaction that makes the change; it never commits. The payload becomes
    the `data` of the delivered message and may hold dates, enums and decimals (stored as JSON).
    `owner_unit_id` is what subscriptions with an owner filter match against.
    """
    event = OutboxEvent(
        public_id=uuid4().hex,
        type=event_type,
        payload=to_jsonable_python(payload),
        assignment_id=assignment_id,
        owner_unit_id=owner_unit_id,
        occurred_at=utcnow(),
    )
    session.add(event)
    for subscription in _subscribers(session, event_type, owner_unit_id):
        session.add(
            WebhookDelivery(
                event=event,
                subscription=subscription,
                status=DeliveryStatus.PENDING,
                attempts=0,
                next_attempt_at=event.occurred_at,
            )
        )
    session.flush()
    return event


def _subscribers(
    session: Session, event_type: EventType, owner_unit_id: int | None
) -> list[WebhookSubscription]:
    """Active subscriptions that want this type and whose owner filter (if any) covers the owner."""
    active = session.scalars(
        select(WebhookSubscription)
        .where(WebhookSubscription.active.is_(True))
        .order_by(WebhookSubscription.id)
    )
    wanted = [subscription for subscription in active if event_type in subscription.event_types]
    filter_units = {item.owner_unit_id for item in wanted if item.owner_unit_id is not None}
    covering = {
        unit_id
        for unit_id in filter_units
        if owner_unit_id is not None and owner_unit_id in unit_with_descendant_ids(session, unit_id)
    }
    return [item for item in wanted if item.owner_unit_id is None or item.owner_unit_id in covering]
