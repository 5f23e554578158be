"""Request and response shapes of the webhook admin API."""

from datetime import datetime
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, UrlConstraints, model_validator

from app.inputs import DbId, Offset, QueryDbId, StrictInput, refuse_cleared
from app.webhooks.signing import secret_key
from app.webhooks.vocabulary import DeliveryStatus, EventType


def _valid_secret(secret: str) -> str:
    secret_key(secret)
    return secret


MAX_URL_LENGTH = 2000


def _stored_length_fits(url: HttpUrl) -> HttpUrl:
    """The limit applies to the URL as stored, after non-ASCII characters are percent-encoded."""
    if len(str(url)) > MAX_URL_LENGTH:
        raise ValueError(f"must be at most {MAX_URL_LENGTH} characters once encoded")
    return url


TargetUrl = Annotated[HttpUrl, UrlConstraints(max_length=MAX_URL_LENGTH), AfterValidator(_stored_length_fits)]
Secret = Annotated[
    str,
    AfterValidator(_valid_secret),
    Field(description="'whsec_' + base64 of 24–64 random bytes (Standard Webhooks)."),
]
EventTypes = Annotated[list[EventType], Field(min_length=1, description="The event types to receive.")]

SUBSCRIPTION_EXAMPLE: dict[str, Any] = {
    "url": "https://integration.example.stockholm.se/uppdrag/hooks",
    "event_types": ["assignment.status_changed", "assignment.overdue"],
    "owner_unit_id": 3,
    "description": "Stadsledningskontorets ärendesystem",
}


class SubscriptionCreate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [SUBSCRIPTION_EXAMPLE]})

    url: TargetUrl = Field(description="Where events are POSTed (http or https).")
    event_types: EventTypes
    owner_unit_id: DbId | None = Field(
        default=None, description="Only events whose owner is this unit or one of its sub-units."
    )
    secret: Secret | None = Field(default=None, description="Generated when left out; returned only now.")
    description: str | None = Field(default=None, max_length=500)


class SubscriptionUpdate(StrictInput):
    """A partial update: only the fields present change; `active: false` deactivates (like DELETE)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"active": False}, {"event_types": ["assignment.status_changed"]}]}
    )

    url: TargetUrl | None = None
    event_types: EventTypes | None = None
    owner_unit_id: DbId | None = None
    secret: Secret | None = Field(default=None, description="A new secret (rotation); never shown again.")
    description: str | None = Field(default=None, max_length=500)
    active: bool | None = Field(default=None, strict=True)

    @model_validator(mode="after")
    def _required_fields_not_cleared(self) -> Self:
        refuse_cleared(self, ("url", "event_types", "secret", "active"))
        return self


class SubscriptionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    url: str
    event_types: list[EventType]
    owner_unit_id: int | None
    description: str | None
    active: bool
    created_at: datetime
    created_by_token_id: int | None
    secret_last4: str = Field(description="The end of the signing secret, to tell secrets apart.")


class SubscriptionCreated(SubscriptionRead):
    secret: str = Field(description="The signing secret. Shown this once; store it now.")


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    subscription_id: int
    event_id: int
    event_type: EventType
    webhook_id: str = Field(description="The `webhook-id` header: the same on every retry and redelivery.")
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    redelivery_of_id: int | None = Field(
        description="The delivery this one repeats, for a manual redelivery."
    )


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    public_id: str
    type: EventType
    payload: dict[str, Any] = Field(description="The `data` of the delivered message.")
    assignment_id: int | None
    owner_unit_id: int | None
    occurred_at: datetime


# --- list parameters ------------------------------------------------------------------------


class PageParams(StrictInput):
    limit: int = Field(default=50, ge=1, le=200)
    offset: Offset = 0


class DeliveryFilters(PageParams):
    """Query parameters of a subscription's delivery log (newest first)."""

    status: DeliveryStatus | None = None


class EventFilters(PageParams):
    """Query parameters of the outbox event list (newest first)."""

    type: EventType | None = None
    assignment_id: QueryDbId | None = None
