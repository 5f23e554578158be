"""Webhook administration: subscriptions, the delivery log, redelivery and the outbox. Plain functions."""

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from app.access import Principal
from app.db import get_or_404, lock_rows, utcnow
from app.errors import ConflictError
from app.org.service import resolve_unit_reference
from app.webhooks.models import OutboxEvent, WebhookDelivery, WebhookSubscription
from app.webhooks.schemas import (
    DeliveryFilters,
    EventFilters,
    PageParams,
    SubscriptionCreate,
    SubscriptionUpdate,
)
from app.webhooks.signing import generate_secret
from app.webhooks.vocabulary import SUBSCRIPTION_DEACTIVATED, DeliveryStatus, EventType

RowT = TypeVar("RowT")


def _page(session: Session, query: Select[RowT], params: PageParams) -> tuple[Sequence[RowT], int]:
    """One page of an already ordered query, and how many rows the whole query has."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    return session.scalars(query.limit(params.limit).offset(params.offset)).all(), total


def _canonical(event_types: list[EventType]) -> list[str]:
    """Each type once, in the vocabulary's order."""
    return [event_type.value for event_type in EventType if event_type in event_types]


# --- subscriptions --------------------------------------------------------------------------


def create_subscription(
    session: Session, *, data: SubscriptionCreate, created_by: Principal | None = None
) -> WebhookSubscription:
    if data.owner_unit_id is not None:
        resolve_unit_reference(session, data.owner_unit_id, field="owner_unit_id")
    subscription = WebhookSubscription(
        url=str(data.url),
        secret=data.secret or generate_secret(),
        event_types=_canonical(data.event_types),
        owner_unit_id=data.owner_unit_id,
        active=True,
        description=data.description,
        created_by_token_id=created_by.token_id if created_by else None,
    )
    session.add(subscription)
    session.flush()
    return subscription


def list_subscriptions(session: Session) -> Sequence[WebhookSubscription]:
    return session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id)).all()


def get_subscription(session: Session, subscription_id: int) -> WebhookSubscription:
    return get_or_404(session, WebhookSubscription, subscription_id, "webhook subscription")


def update_subscription(
    session: Session, subscription_id: int, *, data: SubscriptionUpdate
) -> WebhookSubscription:
    subscription = get_subscription(session, subscription_id)
    fields = data.model_fields_set
    if "owner_unit_id" in fields and data.owner_unit_id is not None:
        resolve_unit_reference(session, data.owner_unit_id, field="owner_unit_id")
    if data.url is not None:
        subscription.url = str(data.url)
    if data.event_types is not None:
        subscription.event_types = _canonical(data.event_types)
    if "owner_unit_id" in fields:
        subscription.owner_unit_id = data.owner_unit_id
    if data.secret is not None:
        subscription.secret = data.secret
    if "description" in fields:
        subscription.description = data.description
    if data.active is False:
        _fail_pending_deliveries(session, subscription)
    if data.active is not None:
        subscription.active = data.active
    session.flush()
    return subscription


def deactivate_subscription(session: Session, subscription_id: int) -> WebhookSubscription:
    """Stop deliveries to a subscription; it and its delivery log are kept."""
    return update_subscription(session, subscription_id, data=SubscriptionUpdate(active=False))


def _fail_pending_deliveries(session: Session, subscription: WebhookSubscription) -> None:
    session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.subscription_id == subscription.id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
        )
        .values(status=DeliveryStatus.FAILED, next_attempt_at=None, last_error=SUBSCRIPTION_DEACTIVATED)
        .execution_options(synchronize_session=False)
    )


# --- deliveries and events ------------------------------------------------------------------


def list_deliveries(
    session: Session, subscription_id: int, *, filters: DeliveryFilters
) -> tuple[Sequence[WebhookDelivery], int]:
    """A subscription's delivery log, newest first."""
    get_subscription(session, subscription_id)
    query = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
    if filters.status:
        query = query.where(WebhookDelivery.status == filters.status)
    return _page(session, query.order_by(WebhookDelivery.id.desc()), filters)


def redeliver(session: Session, delivery_id: int) -> WebhookDelivery:
    """Queue the delivery's event to its subscription again, as a new delivery; the old row stays."""
    original = get_or_404(session, WebhookDelivery, delivery_id, "webhook delivery")
    if not original.subscription.active:
        raise ConflictError(f"Webhook subscription {original.subscription_id} is not active.")
    lock_rows(session, WebhookSubscription, [original.subscription_id])  # one redelivery at a time
    pending = session.scalar(
        select(WebhookDelivery.id).where(
            WebhookDelivery.event_id == original.event_id,
            WebhookDelivery.subscription_id == original.subscription_id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
        )
    )
    if pending is not None:
        raise ConflictError(f"Delivery {pending} of this event to this subscription is still pending.")
    delivery = WebhookDelivery(
        event=original.event,
        subscription=original.subscription,
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
        redelivery_of_id=original.id,
    )
    session.add(delivery)
    session.flush()
    return delivery


def list_events(session: Session, *, filters: EventFilters) -> tuple[Sequence[OutboxEvent], int]:
    """Outbox events, newest first."""
    query = select(OutboxEvent)
    if filters.type:
        query = query.where(OutboxEvent.type == filters.type)
    if filters.assignment_id is not None:
        query = query.where(OutboxEvent.assignment_id == filters.assignment_id)
    return _page(session, query.order_by(OutboxEvent.occurred_at.desc(), OutboxEvent.id.desc()), filters)
