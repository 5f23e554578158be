"""Webhooks on SQLite and PostgreSQL: the outbox, signed delivery to a real receiver, retries, deadlines."""

import base64
import hashlib
import hmac
import json
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.assignments.deadline_events import raise_deadline_events
from app.assignments.models import Assignment
from app.assignments.vocabulary import Status
from app.cli import main
from app.db import make_session_factory, utcnow
from app.org.models import OrgUnit
from app.settings import Settings, get_settings
from app.webhooks.delivery import deliver_due
from app.webhooks.models import OutboxEvent, WebhookDelivery, WebhookSubscription
from app.webhooks.outbox import record_event
from app.webhooks.schemas import SubscriptionCreate
from app.webhooks.service import create_subscription
from app.webhooks.vocabulary import DeliveryStatus, EventType
from tests.conftest import Backend
from tests.helpers import assert_problem
from tests.webhook_receiver import ReceivedRequest, Receiver

pytestmark = pytest.mark.usefixtures("small_register")

ALL_TYPES = [event_type.value for event_type in EventType]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    running.start()
    yield running
    running.stop()


@pytest.fixture
def settings(backend: Backend) -> Settings:
    return backend.settings.model_copy(update={"webhook_max_attempts": 3, "webhook_timeout_seconds": 5})


def verify_signature(secret: str, request: ReceivedRequest) -> bool:
    """A receiver's check, written from the Standard Webhooks specification, not from the service's code."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = b".".join(
        [request.headers["webhook-id"].encode(), request.headers["webhook-timestamp"].encode(), request.body]
    )
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = request.headers["webhook-signature"].split()
    return any(
        hmac.compare_digest(value, expected)
        for version, _, value in (item.partition(",") for item in offered)
        if version == "v1"
    )


def unit_id(session: Session, key: str) -> int:
    found = session.scalar(select(OrgUnit.id).where(OrgUnit.key == key))
    assert found is not None
    return found


def assignment(session: Session, reference: str) -> Assignment:
    found = session.scalar(select(Assignment).where(Assignment.reference == reference))
    assert found is not None
    return found


def subscribe(
    session: Session, url: str, event_types: list[str], owner: str | None = None
) -> WebhookSubscription:
    data: dict[str, Any] = {"url": url, "event_types": event_types}
    if owner:
        data["owner_unit_id"] = unit_id(session, owner)
    subscription = create_subscription(session, data=SubscriptionCreate.model_validate(data))
    session.commit()
    return subscription


def record(session: Session, event_type: EventType, owner: str | None = None, **payload: Any) -> OutboxEvent:
    """Record an event as a change would, inside a transaction, then commit it."""
    event = record_event(
        session, event_type, payload=payload, owner_unit_id=unit_id(session, owner) if owner else None
    )
    session.commit()
    return event


def deliveries(session: Session) -> list[WebhookDelivery]:
    session.expire_all()
    return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def deliver(backend: Backend, settings: Settings, **options: Any) -> int:
    return deliver_due(make_session_factory(backend.engine), settings, **options)


# --- the outbox -----------------------------------------------------------------------------


def test_event_is_delivered_signed_as_standard_webhooks(
    session: Session, backend: Backend, settings: Settings, receiver: Receiver
) -> None:
    subscription = subscribe(session, receiver.url, ["assignment.created"])
    velo_city = assignment(session, "KS-2015-001")
    event = record_event(
        session,
        EventType.ASSIGNMENT_CREATED,
        payload={
            "reference": velo_city.reference,
            "deadline": date(2014, 12, 31),
            "title": "Velo-City 2017 – Stockholm",
        },
        assignment_id=velo_city.id,
        owner_unit_id=velo_city.owner_id,
    )
    session.commit()
    now = utcnow()

    assert deliver(backend, settings, now=now) == 1

    [request] = receiver.requests
    assert verify_signature(subscription.secret, request)
    assert request.headers["webhook-id"] == f"msg_{event.public_id}_{subscription.id}"
    assert request.headers["webhook-timestamp"] == str(int(now.timestamp()))
    assert request.headers["content-type"] == "application/json"
    message = json.loads(request.body)
    assert message["type"] == "assignment.created"
    assert message["data"] == {
        "reference": "KS-2015-001",
        "deadline": "2014-12-31",
        "title": "Velo-City 2017 – Stockholm",
    }
    [delivery] = deliveries(session)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 204)
    assert delivery.delivered_at == now
    assert not verify_signature("whsec_" + base64.b64encode(b"x" * 32).decode(), request)


def test_event_is_rolled_back_with_the_change(session: Session, receiver: Receiver) -> None:
    subscribe(session, receiver.url, ALL_TYPES)
    record_event(session, EventType.ASSIGNMENT_UPDATED, payload={"id": 1})
    session.rollback()
    assert session.scalar(select(func.count()).select_from(OutboxEvent)) == 0
    assert deliveries(session) == []


def test_subscriptions_filter_by_type_and_owner_with_sub_units(session: Session) -> None:
    everything = subscribe(session, "https://all.example.org/", ALL_TYPES)
    status_only = subscribe(session, "https://status.example.org/", ["assignment.status_changed"])
    slk_tree = subscribe(session, "https://slk.example.org/", ALL_TYPES, owner="SLK")
    inactive = subscribe(session, "https://gone.example.org/", ALL_TYPES)
    inactive.active = False
    session.commit()

    in_department = record(session, EventType.ASSIGNMENT_CREATED, owner="SLK_PERSONAL")
    above_slk = record(session, EventType.ASSIGNMENT_STATUS_CHANGED, owner="KS")
    without_owner = record(session, EventType.REPORT_PUBLISHED)

    received = {(delivery.event_id, delivery.subscription_id) for delivery in deliveries(session)}
    assert received == {
        (in_department.id, everything.id),
        (in_department.id, slk_tree.id),
        (above_slk.id, everything.id),
        (above_slk.id, status_only.id),
        (without_owner.id, everything.id),
    }


# --- retries --------------------------------------------------------------------------------


def test_receiver_outage_is_retried_and_delivered_once(
    session: Session, backend: Backend, settings: Settings, receiver: Receiver
) -> None:
    subscription = subscribe(session, receiver.url, ["assignment.updated"])
    record(session, EventType.ASSIGNMENT_UPDATED, owner="KS", change="title")
    receiver.stop()
    started = utcnow()

    assert deliver(backend, settings, now=started) == 1

    [delivery] = deliveries(session)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, None)
    assert delivery.next_attempt_at is not None and delivery.next_attempt_at > started
    assert delivery.last_error and "ConnectError" in delivery.last_error

    receiver.start()  # back, on the same port
    assert deliver(backend, settings, now=started) == 0  # the retry is not due yet
    retry_time = delivery.next_attempt_at + timedelta(seconds=1)
    assert deliver(backend, settings, now=retry_time) == 1
    assert deliver(backend, settings, now=retry_time + timedelta(days=1)) == 0

    [request] = receiver.requests
    assert verify_signature(subscription.secret, request)
    [delivery] = deliveries(session)
    assert (delivery.status, delivery.attempts, delivery.delivered_at) == ("delivered", 2, retry_time)
    assert delivery.last_error is None and delivery.next_attempt_at is None


def test_delivery_fails_after_max_attempts(
    session: Session, backend: Backend, settings: Settings, receiver: Receiver
) -> None:
    subscribe(session, receiver.url, ["assignment.updated"])
    record(session, EventType.ASSIGNMENT_UPDATED)
    receiver.status = 500
    moment = utcnow()
    delays = []
    for _ in range(settings.webhook_max_attempts):
        assert deliver(backend, settings, now=moment) == 1
        [delivery] = deliveries(session)
        if delivery.next_attempt_at:
            delays.append((delivery.next_attempt_at - moment).total_seconds())
            moment = delivery.next_attempt_at

    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 3, 500)
    assert delivery.next_attempt_at is None and delivery.last_error == "HTTP 500"
    assert deliver(backend, settings, now=moment + timedelta(days=30)) == 0
    assert len({request.headers["webhook-id"] for request in receiver.requests}) == 1
    base = settings.webhook_backoff_base_seconds
    assert base * 2 * 0.5 <= delays[0] <= base * 2  # backoff: base * 2**failures, times 0.5–1.0
    assert base * 4 * 0.5 <= delays[1] <= base * 4


# --- the admin API --------------------------------------------------------------------------


def test_subscription_admin_api_shows_the_secret_only_once(session: Session, api: httpx.Client) -> None:
    slk = unit_id(session, "SLK")
    created = api.post(
        "/api/v1/webhooks",
        json={
            "url": "https://hooks.example.org/uppdrag",
            "event_types": ["assignment.overdue"],
            "owner_unit_id": slk,
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["secret"].startswith("whsec_") and len(base64.b64decode(body["secret"][6:])) == 32
    assert body["secret_last4"] == body["secret"][-4:]
    assert created.headers["location"] == f"/api/v1/webhooks/{body['id']}"

    shown = api.get(created.headers["location"]).json()
    assert "secret" not in shown and shown["secret_last4"] == body["secret_last4"]
    assert "secret" not in api.get("/api/v1/webhooks").json()[0]

    changed = api.patch(
        created.headers["location"],
        json={
            "event_types": ["assignment.due_soon", "assignment.overdue", "assignment.due_soon"],
            "owner_unit_id": None,
        },
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["event_types"] == ["assignment.due_soon", "assignment.overdue"]
    assert changed.json()["owner_unit_id"] is None and "secret" not in changed.json()

    deactivated = api.delete(created.headers["location"])
    assert deactivated.status_code == 200 and deactivated.json()["active"] is False
    assert api.get(created.headers["location"]).json()["active"] is False
    assert_problem(api.get("/api/v1/webhooks/987654"), 404)


GOOD_SUBSCRIPTION = {"url": "https://hooks.example.org/", "event_types": ["assignment.created"]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**GOOD_SUBSCRIPTION, "url": "ftp://hooks.example.org/"}, "url"),
        ({**GOOD_SUBSCRIPTION, "url": "not a url"}, "url"),
        ({**GOOD_SUBSCRIPTION, "event_types": ["assignment.deleted"]}, "event_types.0"),
        ({**GOOD_SUBSCRIPTION, "event_types": []}, "event_types"),
        ({**GOOD_SUBSCRIPTION, "owner_unit_id": 987654}, "owner_unit_id"),
        ({**GOOD_SUBSCRIPTION, "secret": "hunter2"}, "secret"),
        ({**GOOD_SUBSCRIPTION, "secret": "whsec_" + base64.b64encode(b"short").decode()}, "secret"),
        ({**GOOD_SUBSCRIPTION, "target": "https://x.example.org/"}, "target"),
    ],
)
def test_bad_subscription_is_refused_naming_the_field(
    api: httpx.Client, session: Session, body: dict[str, Any], field: str
) -> None:
    assert_problem(api.post("/api/v1/webhooks", json=body), 422, field)
    assert session.scalar(select(func.count()).select_from(WebhookSubscription)) == 0


def test_delivery_log_and_manual_redelivery(
    session: Session, backend: Backend, settings: Settings, receiver: Receiver, api: httpx.Client
) -> None:
    secret = "whsec_" + base64.b64encode(bytes(range(32))).decode()
    created = api.post(
        "/api/v1/webhooks", json={"url": receiver.url, "event_types": ALL_TYPES, "secret": secret}
    )
    assert created.json()["secret"] == secret
    subscription_id = created.json()["id"]
    record(session, EventType.REPORT_PUBLISHED, period="T1", year=2015)
    assert deliver(backend, settings) == 1
    log_url = f"/api/v1/webhooks/{subscription_id}/deliveries"
    [first] = api.get(log_url).json()["items"]
    assert first["status"] == "delivered" and first["event_type"] == "report.published"

    again = api.post(f"/api/v1/webhooks/deliveries/{first['id']}/redeliver")
    assert again.status_code == 201, again.text
    assert (again.json()["status"], again.json()["redelivery_of_id"]) == ("pending", first["id"])
    assert_problem(api.post(f"/api/v1/webhooks/deliveries/{first['id']}/redeliver"), 409)
    assert deliver(backend, settings) == 1

    log = api.get(log_url, params={"limit": 1}).json()
    assert (log["total"], log["limit"], len(log["items"])) == (2, 1, 1)
    assert [item["status"] for item in api.get(log_url).json()["items"]] == ["delivered", "delivered"]
    assert [request.headers["webhook-id"] for request in receiver.requests] == [first["webhook_id"]] * 2
    assert all(verify_signature(secret, request) for request in receiver.requests)
    assert_problem(api.get(log_url, params={"limit": 1000}), 422, "limit")
    assert_problem(api.post("/api/v1/webhooks/deliveries/987654/redeliver"), 404)


def test_deactivation_fails_pending_deliveries_and_keeps_the_log(
    session: Session, backend: Backend, settings: Settings, receiver: Receiver, api: httpx.Client
) -> None:
    subscription = subscribe(session, receiver.url, ALL_TYPES)
    record(session, EventType.ASSIGNMENT_CREATED)
    assert api.delete(f"/api/v1/webhooks/{subscription.id}").status_code == 200
    assert deliver(backend, settings) == 0
    [logged] = api.get(f"/api/v1/webhooks/{subscription.id}/deliveries").json()["items"]
    assert (logged["status"], logged["last_error"]) == ("failed", "subscription deactivated")
    assert_problem(api.post(f"/api/v1/webhooks/deliveries/{logged['id']}/redeliver"), 409)
    assert receiver.requests == []


def test_outbox_events_are_listed_newest_first(session: Session, api: httpx.Client) -> None:
    for number in range(3):
        record(session, EventType.ASSIGNMENT_UPDATED, number=number)
    record(session, EventType.REPORT_PUBLISHED)
    page = api.get("/api/v1/webhooks/events", params={"type": "assignment.updated", "limit": 2}).json()
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 0)
    assert [item["payload"]["number"] for item in page["items"]] == [2, 1]
    assert_problem(api.get("/api/v1/webhooks/events", params={"type": "nope"}), 422, "type")


# --- deadline events ------------------------------------------------------------------------


def raised(session: Session) -> list[tuple[str, str, str]]:
    session.expire_all()
    events = session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))
    return [
        (event.type, event.payload["assignment"]["reference"], event.payload["deadline"]) for event in events
    ]


def raise_events(session: Session, today: date) -> int:
    """One worker round's deadline events, committed as the worker's unit of work commits them."""
    raised = raise_deadline_events(session, today=today, due_soon_days=14)
    session.commit()
    return raised


def test_due_soon_and_overdue_are_raised_once_per_assignment_and_deadline(session: Session) -> None:
    subscription = subscribe(
        session, "https://hooks.example.org/", ["assignment.due_soon", "assignment.overdue"]
    )
    today = date(2016, 11, 20)

    assert raise_events(session, today) == 2
    assert raised(session) == [
        ("assignment.due_soon", "KS-2015-003", "2016-11-30"),
        ("assignment.overdue", "KS-2015-001", "2014-12-31"),
    ]
    assert raise_events(session, today) == 0
    assert [delivery.subscription_id for delivery in deliveries(session)] == [subscription.id] * 2

    assignment(session, "KS-2015-003").deadline_latest = date(2016, 12, 2)  # moved: a new deadline
    finished = assignment(session, "KS-2015-002")
    finished.deadline_latest, finished.status = date(2016, 11, 25), Status.COMPLETED
    archived = assignment(session, "KS-2015-004")
    archived.deadline_latest, archived.archived_at = date(2016, 11, 21), utcnow()
    session.commit()
    assert raise_events(session, today) == 1
    assert raised(session)[-1] == ("assignment.due_soon", "KS-2015-003", "2016-12-02")

    assert raise_events(session, date(2016, 12, 5)) == 1
    assert raised(session)[-1] == ("assignment.overdue", "KS-2015-003", "2016-12-02")
    assert raise_events(session, date(2016, 12, 6)) == 0
    [event] = session.scalars(select(OutboxEvent).order_by(OutboxEvent.id.desc()).limit(1))
    assert event.owner_unit_id == unit_id(session, "SLK_PERSONAL")
    assert event.payload["assignment"]["owner"]["key"] == "SLK_PERSONAL"


def test_worker_command_runs_one_round(
    session: Session, backend: Backend, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscription = subscribe(session, receiver.url, ["assignment.overdue"])
    monkeypatch.setenv("DATABASE_URL", backend.settings.database_url)
    get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit):  # the command's end; what the round did is asserted below
            main(["worker", "--once"])
    finally:
        get_settings.cache_clear()
    overdue = sorted(
        json.loads(request.body)["data"]["assignment"]["reference"] for request in receiver.requests
    )
    assert overdue == ["KS-2015-001", "KS-2015-002", "KS-2015-003"]  # every dated deadline has passed
    assert all(verify_signature(subscription.secret, request) for request in receiver.requests)


# --- several workers ------------------------------------------------------------------------


def test_concurrent_workers_deliver_each_event_once(
    session: Session, backend: Backend, settings: Settings, receiver: Receiver
) -> None:
    if backend.name != "postgresql":
        pytest.skip("SQLite supports a single worker")
    subscribe(session, receiver.url, ["assignment.updated"])
    for number in range(12):
        record(session, EventType.ASSIGNMENT_UPDATED, number=number)
    # The first two requests wait for each other: this passes only if the second worker skips the
    # row the first one holds locked and claims another, while the first one's request is in flight.
    # Without SKIP LOCKED the second worker would wait for that lock, and the barrier breaks.
    both_sending = threading.Barrier(2, timeout=settings.webhook_timeout_seconds / 2)
    arrivals = iter(range(2))
    receiver.on_request = lambda: both_sending.wait() if next(arrivals, None) is not None else None
    results: list[int] = []

    def work() -> None:
        results.append(deliver(backend, settings))

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)

    assert not both_sending.broken
    assert sorted(results)[0] > 0 and sum(results) == 12
    per_message = Counter(request.headers["webhook-id"] for request in receiver.requests)
    assert len(per_message) == 12 and set(per_message.values()) == {1}
    assert {delivery.status for delivery in deliveries(session)} == {DeliveryStatus.DELIVERED}


# --- end to end through the API -------------------------------------------------------------


def test_api_changes_reach_a_subscriber(
    api: httpx.Client, session: Session, backend: Backend, settings: Settings, receiver: Receiver
) -> None:
    """Status updates, batches and edits through the API arrive signed at a real receiver."""
    created = api.post(
        "/api/v1/webhooks",
        json={
            "url": receiver.url,
            "event_types": ["assignment.status_changed", "assignment.updated"],
            "owner_unit_id": unit_id(session, "KS"),
        },
    ).json()
    velo_city, servicen = assignment(session, "KS-2015-001"), assignment(session, "KS-2015-004")
    url = f"/api/v1/assignments/{velo_city.id}/updates"
    api.post(url, json={"status": "in_progress", "version": velo_city.version}).raise_for_status()
    api.post(
        "/api/v1/assignments/updates:batch",
        json={
            "items": [
                {"assignment_id": velo_city.id, "version": velo_city.version + 1, "comment": "Lägesrapport"},
                {"assignment_id": servicen.id, "version": servicen.version, "status": "in_progress"},
            ]
        },
    ).raise_for_status()

    api.patch(
        f"/api/v1/assignments/{velo_city.id}",
        json={"contact_person": "Eva Ek", "version": velo_city.version + 2},
    ).raise_for_status()

    assert deliver(backend, settings) == 3

    messages = [json.loads(request.body) for request in receiver.requests]
    assert all(verify_signature(created["secret"], request) for request in receiver.requests)
    assert [message["type"] for message in messages] == [
        "assignment.status_changed",
        "assignment.status_changed",
        "assignment.updated",
    ]
    assert {message["data"]["assignment"]["reference"] for message in messages} == {"KS-2015-001"}
    first, comment_only, edit = (message["data"] for message in messages)
    assert (first["previous_status"], first["assignment"]["status"]) == ("not_started", "in_progress")
    assert comment_only["status_update"]["comment"] == "Lägesrapport"
    assert edit["changed_fields"] == ["contact_person"]


def test_publishing_a_report_reaches_a_subscriber(
    api: httpx.Client, backend: Backend, settings: Settings, receiver: Receiver
) -> None:
    api.post(
        "/api/v1/webhooks", json={"url": receiver.url, "event_types": ["report.published"]}
    ).raise_for_status()
    api.post("/api/v1/reports/2015/T1/publish").raise_for_status()

    assert deliver(backend, settings) == 1

    [message] = [json.loads(request.body) for request in receiver.requests]
    assert message["type"] == "report.published"
    assert (message["data"]["year"], message["data"]["period"]) == (2015, "T1")
    assert message["data"]["published_by"] == "test admin"
    assert message["data"]["summary"]["assignments"] == 2  # the adopted ones of the small register
    assert message["data"]["links"]["csv"].endswith("/reports/2015/T1?format=csv")
