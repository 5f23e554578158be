"""The calendar feed, and what every response carries: request id, security headers, limits, CORS."""

import json
import logging
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest
from icalendar import Calendar

from app.access import Role
from app.auth.models import TokenKind
from app.logs import JsonFormatter
from tests.conftest import TEST_ORIGIN, Backend, Clients, clients_on
from tests.helpers import assert_problem, assignment_by_reference, post_update

pytestmark = pytest.mark.usefixtures("small_register")


def _all_events(response: httpx.Response) -> list[Any]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def _events(response: httpx.Response) -> dict[str, date]:
    """The deadlines in the feed, by reference."""
    return {
        str(event["summary"]).split()[0]: event.decoded("dtstart")
        for event in _all_events(response)
        if str(event["uid"]).startswith("assignment-")
    }


def _round_events(response: httpx.Response) -> dict[str, date]:
    """The reporting rounds' due dates in the feed, by summary."""
    return {
        str(event["summary"]): event.decoded("dtstart")
        for event in _all_events(response)
        if str(event["uid"]).startswith("round-")
    }


def test_feed_lists_open_deadlines_as_all_day_events(api: httpx.Client) -> None:
    events = _events(api.get("/api/v1/calendar.ics"))
    assert events == {
        "KS-2015-001": date(2014, 12, 31),
        "KS-2015-002": date(2017, 12, 31),
        "KS-2015-003": date(2016, 11, 30),
    }
    assert all(type(day) is date for day in events.values())  # all-day, not a time of day
    done = assignment_by_reference(api, "KS-2015-002")
    post_update(api, done["id"], {"status": "completed"}).raise_for_status()
    assert "KS-2015-002" not in _events(api.get("/api/v1/calendar.ics"))


def test_feed_filters(api: httpx.Client) -> None:
    assert set(_events(api.get("/api/v1/calendar.ics", params={"owner": "SLK"}))) == {"KS-2015-003"}
    assert set(_events(api.get("/api/v1/calendar.ics", params={"status": "in_progress"}))) == set()


def _feed_rounds(clients: Clients, **params: str) -> dict[str, date]:
    return _round_events(clients.as_role(Role.ADMIN).get("/api/v1/calendar.ics", params=params))


def test_feed_has_the_due_dates_of_units_reports_in_the_rounds(backend: Backend) -> None:
    """The rounds due from a month before today to a year after it, on days the service is pinned to
    (so that the test passes whatever day it runs): in November only the annual report of the year is
    (due a week after 31 December): T1 and T2 were due more than a month before, the next year has no
    rounds yet. In March that year's tertial reports are too, and the annual report due in January not."""
    annual = "Rapportering Verksamhetsberättelse 2030: Stadsledningskontoret"
    with clients_on(date(2030, 11, 20), backend) as november:
        rounds = _feed_rounds(november)
        assert rounds == {annual: date(2031, 1, 7)}
        feed = Calendar.from_ical(november.as_role(Role.ADMIN).get("/api/v1/calendar.ics").content)
        [event] = [event for event in feed.walk("VEVENT") if str(event["uid"]).startswith("round-")]
        assert "Läge: Ej påbörjad" in str(event["description"])
        assert set(_feed_rounds(november, owner="KS")) == set(rounds)
        assert _feed_rounds(november, owner="SERVICEN") == {}
        assert _feed_rounds(november, rounds="false") == {}
        api = november.as_role(Role.ADMIN)
        assert len(_events(api.get("/api/v1/calendar.ics", params={"rounds": "false"}))) == 3
    with clients_on(date(2030, 3, 1), backend) as march:
        assert _feed_rounds(march) == {
            "Rapportering Tertialrapport 1 2030: Stadsledningskontoret": date(2030, 5, 7),
            "Rapportering Tertialrapport 2 2030: Stadsledningskontoret": date(2030, 9, 7),
            annual: date(2031, 1, 7),
        }


def test_feed_token_in_the_url(anon: httpx.Client, clients: Clients) -> None:
    assert_problem(anon.get("/api/v1/calendar.ics"), 401)
    feed = clients.token(Role.READER, kind=TokenKind.FEED)
    assert len(_events(anon.get("/api/v1/calendar.ics", params={"token": feed}))) == 3
    api_token = clients.token(Role.ADMIN)
    assert_problem(anon.get("/api/v1/calendar.ics", params={"token": api_token}), 401)
    # A feed token is no API token, not even as Bearer.
    assert_problem(clients.client(feed).get("/api/v1/assignments"), 401)


def test_every_response_has_a_request_id_and_security_headers(api: httpx.Client, anon: httpx.Client) -> None:
    for response in (api.get("/api/v1/assignments"), anon.get("/api/v1/assignments"), anon.get("/healthz")):
        assert len(response.headers["x-request-id"]) >= 16
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
    echoed = api.get("/healthz", headers={"X-Request-ID": "intranat-42"})
    assert echoed.headers["x-request-id"] == "intranat-42"
    refused = api.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert refused.headers["x-request-id"] != "<script>"


STRICT_PAGE_POLICY = {
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    "img-src 'self' data:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/api/v1/reports/2015/T1?format=html",
        "/api/v1/reports/unexecuted?format=html",
        "/api/v1/rounds/2015/T1?format=html",
        "/uppdrag",
        "/logga-in",
        "/tillganglighet",
    ],
)
def test_every_page_has_the_one_strict_content_security_policy(api: httpx.Client, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    policy = {part.strip() for part in response.headers["content-security-policy"].split(";")}
    assert policy == STRICT_PAGE_POLICY


def test_too_large_bodies_are_refused(api: httpx.Client) -> None:
    huge = {"title": "x" * 2_000_000, "owner_id": 1}
    assert_problem(api.post("/api/v1/assignments", json=huge), 413)

    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"x" * 65536

    streamed = api.post("/api/v1/assignments", content=chunks(), headers={"content-type": "application/json"})
    assert_problem(streamed, 413)


def test_cors_allows_listed_origins_only(api: httpx.Client) -> None:
    allowed = api.options(
        "/api/v1/assignments",
        headers={
            "Origin": TEST_ORIGIN,
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "if-match,authorization",
        },
    )
    assert allowed.headers["access-control-allow-origin"] == TEST_ORIGIN
    plain = api.get("/api/v1/assignments", headers={"Origin": TEST_ORIGIN})
    assert "etag" in plain.headers["access-control-expose-headers"].lower()
    other = api.get("/api/v1/assignments", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


def test_requests_are_logged_as_json_with_their_request_id_and_trace_id(api: httpx.Client) -> None:
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(JsonFormatter().format(record))

    collector = Collect()
    logger = logging.getLogger("uppdrag.http")
    previous_level = logger.level
    logger.addHandler(collector)
    logger.setLevel(logging.INFO)
    try:
        traceparent = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
        response = api.get(
            "/api/v1/assignments", headers={"X-Request-ID": "logg-test-1", "traceparent": traceparent}
        )
        deadline = (
            time.monotonic() + 5
        )  # the line is written as the response completes, in the server's thread
        while not any("logg-test-1" in line for line in records) and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        logger.removeHandler(collector)
        logger.setLevel(previous_level)
    entries = [json.loads(line) for line in records]
    [entry] = [entry for entry in entries if entry.get("request_id") == "logg-test-1"]
    assert response.headers["x-request-id"] == "logg-test-1"
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/api/v1/assignments", 200)
    assert entry["level"] == "info" and entry["duration_ms"] >= 0
    assert entry["trace_id"] == TRACE_ID == response.headers["traceparent"].split("-")[1]
    assert "Bearer" not in json.dumps(entries)
