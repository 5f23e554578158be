from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow
from app.webhooks.vocabulary import DeliveryStatus, EventType


class WebhookSubscription(Base):
    """A receiver of events: where to POST, the signing secret, and which events it wants.

    With an owner unit set, it receives only events whose owner is that unit or one of its
    sub-units. Subscriptions are deactivated, never deleted, so the delivery log stays whole.
    """

    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(200))
    event_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))

    @property
    def secret_last4(self) -> str:
        """The end of the secret: enough to tell secrets apart, never enough to sign."""
        return self.secret[-4:]


class OutboxEvent(Base):
    """Something that happened, written in the same transaction as the change it describes."""

    __tablename__ = "outbox_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    type: Mapped[EventType] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"), index=True)
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class WebhookDelivery(Base):
    """The delivery of one event to one subscription, and how its attempts went.

    A manual redelivery is a new row pointing at the one it repeats; the old row is kept as log.
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),  # the worker's claim query
        Index("ix_webhook_deliveries_log", "subscription_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("outbox_events.id"), index=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscriptions.id"))
    status: Mapped[DeliveryStatus] = mapped_column(String(20), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    redelivery_of_id: Mapped[int | None] = mapped_column(ForeignKey("webhook_deliveries.id"))

    event: Mapped[OutboxEvent] = relationship(lazy="selectin")
    subscription: Mapped[WebhookSubscription] = relationship(lazy="selectin")

    @property
    def event_type(self) -> EventType:
        return self.event.type

    @property
    def webhook_id(self) -> str:
        """The Standard Webhooks message id: one per event and subscription, the same on every retry."""
        return f"msg_{self.event.public_id}_{self.subscription_id}"
