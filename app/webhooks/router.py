from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.access import ADMINS, AdminDep
from app.deps import SessionDep
from app.errors import problem_responses
from app.inputs import IdPath
from app.pagination import Page
from app.webhooks import service
from app.webhooks.schemas import (
    DeliveryFilters,
    DeliveryRead,
    EventFilters,
    EventRead,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionRead,
    SubscriptionUpdate,
)

# Webhooks are for admins only, to read as well as to write.
router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"], dependencies=[ADMINS])


@router.post(
    "",
    response_model=SubscriptionCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Subscribe a URL to events (the secret is in this response only)",
    responses=problem_responses(422),
)
def create_subscription(
    data: SubscriptionCreate, session: SessionDep, actor: AdminDep, response: Response
) -> SubscriptionCreated:
    subscription = service.create_subscription(session, data=data, created_by=actor)
    response.headers["Location"] = f"{router.prefix}/{subscription.id}"
    return SubscriptionCreated.model_validate(subscription)


@router.get("", response_model=list[SubscriptionRead], summary="All subscriptions, active or not")
def list_subscriptions(session: SessionDep) -> list[SubscriptionRead]:
    return [SubscriptionRead.model_validate(item) for item in service.list_subscriptions(session)]


# Declared before /{subscription_id} so that "events" is not read as an id.
@router.get(
    "/events",
    response_model=Page[EventRead],
    summary="Outbox events, newest first",
    responses=problem_responses(422),
)
def list_events(filters: Annotated[EventFilters, Query()], session: SessionDep) -> Page[EventRead]:
    events, total = service.list_events(session, filters=filters)
    return Page(
        items=[EventRead.model_validate(event) for event in events],
        total=total,
        limit=filters.limit,
        offset=filters.offset,
    )


@router.get(
    "/{subscription_id}",
    response_model=SubscriptionRead,
    summary="One subscription",
    responses=problem_responses(404),
)
def get_subscription(subscription_id: IdPath, session: SessionDep) -> SubscriptionRead:
    return SubscriptionRead.model_validate(service.get_subscription(session, subscription_id))


@router.patch(
    "/{subscription_id}",
    response_model=SubscriptionRead,
    summary="Change some of a subscription's fields",
    responses=problem_responses(404, 422),
)
def update_subscription(
    subscription_id: IdPath, data: SubscriptionUpdate, session: SessionDep
) -> SubscriptionRead:
    return SubscriptionRead.model_validate(service.update_subscription(session, subscription_id, data=data))


@router.delete(
    "/{subscription_id}",
    response_model=SubscriptionRead,
    summary="Deactivate a subscription (its delivery log is kept; pending deliveries fail)",
    responses=problem_responses(404),
)
def deactivate_subscription(subscription_id: IdPath, session: SessionDep) -> SubscriptionRead:
    return SubscriptionRead.model_validate(service.deactivate_subscription(session, subscription_id))


@router.get(
    "/{subscription_id}/deliveries",
    response_model=Page[DeliveryRead],
    summary="The subscription's delivery log, newest first",
    responses=problem_responses(404, 422),
)
def list_deliveries(
    subscription_id: IdPath, filters: Annotated[DeliveryFilters, Query()], session: SessionDep
) -> Page[DeliveryRead]:
    deliveries, total = service.list_deliveries(session, subscription_id, filters=filters)
    return Page(
        items=[DeliveryRead.model_validate(delivery) for delivery in deliveries],
        total=total,
        limit=filters.limit,
        offset=filters.offset,
    )


@router.post(
    "/deliveries/{delivery_id}/redeliver",
    response_model=DeliveryRead,
    status_code=status.HTTP_201_CREATED,
    summary="Send a delivery's event again, as a new delivery (the old log row stays)",
    responses=problem_responses(404, 409),
)
def redeliver(delivery_id: IdPath, session: SessionDep) -> DeliveryRead:
    return DeliveryRead.model_validate(service.redeliver(session, delivery_id))
