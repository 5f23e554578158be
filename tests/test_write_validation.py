"""Bad input on every write endpoint: a 422 problem document naming the field, and nothing written."""

from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.helpers import (
    assert_problem,
    assignment_by_reference,
    current_etag,
    database_state,
    fill_placeholders,
    unit_ids,
)

pytestmark = pytest.mark.usefixtures("small_register")

GOOD_CREATE = {"title": "Nytt uppdrag", "owner_id": "{KS}"}

# (method, path, body, field the problem must name); {id} is an existing assignment, {KS} a unit id.
BAD_WRITES: list[tuple[str, str, Any, str]] = [
    ("POST", "/api/v1/users", {"name": "Eva Ek", "email": "inte en adress"}, "email"),
    ("POST", "/api/v1/users", {"name": "", "email": "eva@stockholm.se"}, "name"),
    (
        "POST",
        "/api/v1/users",
        {"name": "Eva", "email": "eva@stockholm.se", "grants": [{"role": "editor"}]},
        "unit",
    ),
    ("POST", "/api/v1/users/{person}/grants", {"role": "boss"}, "role"),
    ("POST", "/api/v1/users/{person}/grants", {"role": "coordinator", "unit": "NOPE"}, "unit"),
    ("POST", "/api/v1/users/{person}/sign-in-links", {"minutes": 0}, "minutes"),
    ("DELETE", "/api/v1/users/{person}/grants/{none}", None, "grant_id"),
    ("POST", "/api/v1/assignments", {"owner_id": "{KS}"}, "title"),
    ("POST", "/api/v1/assignments", {"title": "", "owner_id": "{KS}"}, "title"),
    ("POST", "/api/v1/assignments", {"title": "x"}, "owner_id"),
    ("POST", "/api/v1/assignments", {**GOOD_CREATE, "owner_id": 987654}, "owner_id"),
    ("POST", "/api/v1/assignments", {**GOOD_CREATE, "executor_id": 987654}, "executor_id"),
    ("POST", "/api/v1/assignments", {**GOOD_CREATE, "partner_ids": ["{KS}", 987654]}, "partner_ids"),
    ("POST", "/api/v1/assignments", {**GOOD_CREATE, "goal_id": 987654}, "goal_id"),
    ("POST", "/api/v1/assignments", {**GOOD_CREATE, "document_id": 987654}, "document_id"),
    ("POST", "/api/v1/assignments", {**GOOD_CREATE, "kind": "wish"}, "kind"),
    ("POST", "/api/v1/assignments", {**GOOD_CREATE, "origin": "rumour"}, "origin"),
    ("POST", "/api/v1/assignments", {**GOOD_CREATE, "status": "completed"}, "status"),
    ("POST", "/api/v1/assignments", {**GOOD_CREATE, "reference": "not a reference"}, "reference"),
    ("POST", "/api/v1/assignments", {**GOOD_CREATE, "tags": ["has space"]}, "tags.0"),
    (
        "POST",
        "/api/v1/assignments",
        {**GOOD_CREATE, "deadline": {"earliest": "2016-01-01", "latest": "2015-01-01"}},
        "deadline",
    ),
    ("POST", "/api/v1/assignments", {**GOOD_CREATE, "money": {"min_sek": 10, "max_sek": 5}}, "money"),
    ("POST", "/api/v1/assignments", {**GOOD_CREATE, "money": {"min_sek": -1, "max_sek": 5}}, "money.min_sek"),
    ("POST", "/api/v1/assignments", {**GOOD_CREATE, "target": {"value": 3}}, "target.indicator"),
    ("POST", "/api/v1/assignments", "not json", "body"),
    ("POST", "/api/v1/assignments", [1, 2], "body"),
    ("PATCH", "/api/v1/assignments/{id}", {"status": "completed"}, "status"),
    ("PATCH", "/api/v1/assignments/{id}", {"title": None}, "body"),
    ("PATCH", "/api/v1/assignments/{id}", {"owner_id": 987654}, "owner_id"),
    ("PATCH", "/api/v1/assignments/{id}", {"goal_id": 987654, "title": "Ändrad"}, "goal_id"),
    ("PATCH", "/api/v1/assignments/{id}", {"kind": "wish"}, "kind"),
    ("DELETE", "/api/v1/assignments/{id}", {"reason": 5}, "reason"),
    ("DELETE", "/api/v1/assignments/{id}", {"why": "x"}, "why"),
    ("POST", "/api/v1/assignments/{id}/updates", {}, "body"),
    ("POST", "/api/v1/assignments/{id}/updates", {"status": "done"}, "status"),
    ("POST", "/api/v1/assignments/{id}/updates", {"progress": 101}, "progress"),
    ("POST", "/api/v1/assignments/{id}/updates", {"progress": -1}, "progress"),
    ("POST", "/api/v1/assignments/{id}/updates", {"assessment": "great"}, "assessment"),
    ("POST", "/api/v1/assignments/{id}/updates", {"traffic_light": "blue"}, "traffic_light"),
    (
        "POST",
        "/api/v1/assignments/{id}/updates",
        {"comment": "x", "effective_date": "2015-02-30"},
        "effective_date",
    ),
    ("POST", "/api/v1/assignments/{id}/updates", {"status": "cancelled"}, "reason"),
    ("POST", "/api/v1/assignments/{id}/updates", {"comment": "x", "recorded_by": "me"}, "recorded_by"),
    ("POST", "/api/v1/assignments/updates:batch", {"items": []}, "items"),
    (
        "POST",
        "/api/v1/assignments/updates:batch",
        {"items": [{"assignment_id": "{id}", "status": "in_progress"}]},
        "items.0.version",
    ),
    (
        "POST",
        "/api/v1/assignments/updates:batch",
        {"atomic": "perhaps", "items": [{"assignment_id": "{id}", "version": 1, "status": "in_progress"}]},
        "atomic",
    ),
    ("POST", "/api/v1/tokens", {"name": "x", "role": "king"}, "role"),
    ("POST", "/api/v1/tokens", {"name": "x", "role": "editor"}, "unit"),
    (
        "POST",
        "/api/v1/tokens",
        {"name": "x", "role": "reader", "expires_at": "2030-01-01T00:00:00"},
        "expires_at",
    ),
    ("DELETE", "/api/v1/tokens/{none}", None, "token_id"),
    ("POST", "/api/v1/webhooks", {"url": "ftp://example.org/", "event_types": ["assignment.created"]}, "url"),
    ("POST", "/api/v1/webhooks", {"url": "https://example.org/", "event_types": ["x"]}, "event_types.0"),
    ("POST", "/api/v1/webhooks", {"url": "https://example.org/", "event_types": []}, "event_types"),
    ("PATCH", "/api/v1/webhooks/{id}", {"secret": "hunter2"}, "secret"),
    ("PATCH", "/api/v1/webhooks/{none}", {"active": False}, "subscription_id"),
    ("DELETE", "/api/v1/webhooks/{none}", None, "subscription_id"),
    ("POST", "/api/v1/webhooks/deliveries/{none}/redeliver", None, "delivery_id"),
    ("POST", "/api/v1/reports/{year}/{period}/publish?owner=KS", None, "owner"),
]


def _person_id(api: httpx.Client) -> int:
    response = api.post("/api/v1/users", json={"name": "Eva Ek", "email": "eva.ek@stockholm.se"})
    response.raise_for_status()
    return int(response.json()["id"])


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    BAD_WRITES,
    ids=[f"{method} {path} {field}" for method, path, _body, field in BAD_WRITES],
)
def test_bad_input_is_422_and_writes_nothing(
    api: httpx.Client, session: Session, method: str, path: str, body: Any, field: str
) -> None:
    assignment_id = assignment_by_reference(api, "KS-2015-001")["id"]
    ids: dict[str, Any] = {
        **unit_ids(api),
        "id": assignment_id,
        "person": _person_id(api),
        "none": "not-an-id",
        "year": 2015,
        "period": "T1",
    }
    headers = {"If-Match": current_etag(api, assignment_id)}  # so that only the bad input is wrong
    before = database_state(session)
    if isinstance(body, str):
        headers["content-type"] = "application/json"
        response = api.request(method, path.format(**ids), content=body, headers=headers)
    else:
        response = api.request(method, path.format(**ids), json=fill_placeholders(body, ids), headers=headers)
    problem = assert_problem(response, 422, field)
    assert "Traceback" not in response.text
    assert problem["type"].endswith("validation-error")
    assert database_state(session) == before
