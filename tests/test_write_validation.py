"""Bad input never gives a 500: every write endpoint answers a 422 problem document naming the field, a
read with bad parameters a 4xx problem, and nothing is written. Bodies that cannot be read as JSON (bad
syntax, not UTF-8, nested too deep, a number too long) get the same 422, naming `body`.
"""

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
from tests.uploads import STRATEGY, draft_with, upload

pytestmark = pytest.mark.usefixtures("small_register")

GOOD_CREATE = {"title": "Nytt uppdrag", "owner_id": "{KS}"}
GOOD_DOCUMENT = {"title": "Kommunstyrelsens beslut", "decision_date": "2016-03-14", "decided_by": "KS"}
DRAFT = "/api/v1/documents/{drafts_document}/drafts/{draft}"  # a draft of an uploaded document

# (method, path, body, field the problem must name); {id} is an existing assignment, {KS} a unit id.
BAD_WRITES: list[tuple[str, str, Any, str]] = [
    ("PATCH", "/api/v1/rounds/{year}/{period}", {"due": "2015-13-01", "version": 1}, "due"),
    ("PATCH", "/api/v1/rounds/{year}/{period}", {"due": "2016-05-12T00:00:00", "version": 1}, "due"),
    ("PATCH", "/api/v1/rounds/{year}/{period}", {"due": 1463011200, "version": 1}, "due"),
    ("PATCH", "/api/v1/rounds/{year}/{period}", {"due": "2015-05-20", "late": True}, "late"),
    ("POST", "/api/v1/rounds/{year}/{period}/units/{unit}/confirm", {"references": []}, "references"),
    (
        "POST",
        "/api/v1/rounds/{year}/{period}/units/{unit}/confirm",
        {"references": ["KS-2099-001"]},
        "references",
    ),
    ("POST", "/api/v1/rounds/{year}/{period}/units/{unit}/submit", {"comment": 5}, "comment"),
    ("POST", "/api/v1/rounds/{year}/{period}/units/{unit}/submit", None, "references"),  # nothing reported
    ("POST", "/api/v1/rounds/{year}/{period}/units/{unit}/return", {"comment": ""}, "comment"),
    ("POST", "/api/v1/rounds/{year}/{period}/units/{unit}/approve", {"comment": ["Bra"]}, "comment"),
    ("POST", "/api/v1/rounds/{year}/{period}/units/{unit}/import", {"file": "inte en fil"}, "file"),
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
    ("POST", "/api/v1/assignments", {**GOOD_CREATE, "partner_ids": ["{KS}", "{KS}"]}, "partner_ids"),
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
    ("POST", "/api/v1/assignments", {**GOOD_CREATE, "owner_id": True}, "owner_id"),
    ("POST", "/api/v1/assignments", {**GOOD_CREATE, "owner_id": 1.0}, "owner_id"),
    ("POST", "/api/v1/assignments", {**GOOD_CREATE, "owner_id": "1"}, "owner_id"),
    ("POST", "/api/v1/assignments", {**GOOD_CREATE, "owner_id": 2**63}, "owner_id"),
    (
        "POST",
        "/api/v1/assignments",
        {**GOOD_CREATE, "money": {"min_sek": True, "max_sek": 5}},
        "money.min_sek",
    ),
    (
        "POST",
        "/api/v1/assignments",
        {**GOOD_CREATE, "target": {"indicator": "x", "year": True}},
        "target.year",
    ),
    (
        "POST",
        "/api/v1/assignments",
        {**GOOD_CREATE, "deadline": {"earliest": "0001-01-01"}},
        "deadline.earliest",
    ),
    ("POST", "/api/v1/assignments", {**GOOD_CREATE, "deadline": {"latest": "9999-12-31"}}, "deadline.latest"),
    ("POST", "/api/v1/assignments", {**GOOD_CREATE, "description": "NUL \u0000"}, "body"),
    ("POST", "/api/v1/assignments", "not json", "body"),
    ("POST", "/api/v1/assignments", [1, 2], "body"),
    ("PATCH", "/api/v1/assignments/{id}", {"status": "completed"}, "status"),
    ("PATCH", "/api/v1/assignments/{id}", {"title": None}, "body"),
    ("PATCH", "/api/v1/assignments/{id}", {"owner_id": 987654}, "owner_id"),
    ("PATCH", "/api/v1/assignments/{id}", {"partner_ids": ["{KS}", "{KS}"]}, "partner_ids"),
    ("PATCH", "/api/v1/assignments/{id}", {"goal_id": 987654, "title": "Ändrad"}, "goal_id"),
    ("PATCH", "/api/v1/assignments/{id}", {"kind": "wish"}, "kind"),
    ("DELETE", "/api/v1/assignments/{id}", {"reason": 5}, "reason"),
    ("DELETE", "/api/v1/assignments/{id}", {"why": "x"}, "why"),
    ("POST", "/api/v1/assignments/{id}/updates", {}, "body"),
    ("POST", "/api/v1/assignments/{id}/updates", {"status": "done"}, "status"),
    ("POST", "/api/v1/assignments/{id}/updates", {"progress": 101}, "progress"),
    ("POST", "/api/v1/assignments/{id}/updates", {"progress": -1}, "progress"),
    ("POST", "/api/v1/assignments/{id}/updates", {"progress": True}, "progress"),
    ("POST", "/api/v1/assignments/{id}/updates", {"progress": 40.0}, "progress"),
    ("POST", "/api/v1/assignments/{id}/updates", {"comment": "x", "version": True}, "version"),
    ("POST", "/api/v1/assignments/{id}/updates", {"comment": "x", "version": 2**63}, "version"),
    (
        "POST",
        "/api/v1/assignments/{id}/updates",
        {"comment": "x", "effective_date": "0001-01-01"},
        "effective_date",
    ),
    ("POST", "/api/v1/assignments/{id}/updates", {"assessment": "great"}, "assessment"),
    ("POST", "/api/v1/assignments/{id}/updates", {"traffic_light": "blue"}, "traffic_light"),
    (
        "POST",
        "/api/v1/assignments/{id}/updates",
        {"comment": "x", "effective_date": "2015-02-30"},
        "effective_date",
    ),
    (
        "POST",
        "/api/v1/assignments/{id}/updates",
        {"comment": "x", "effective_date": "2015-02-01T00:00:00Z"},
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
    (
        "POST",
        "/api/v1/assignments/updates:batch",
        {"atomic": 1, "items": [{"assignment_id": "{id}", "version": 1, "status": "in_progress"}]},
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
    (
        "POST",
        "/api/v1/tokens",
        {"name": "x", "role": "reader", "expires_at": "2000-01-01T00:00:00Z"},
        "expires_at",
    ),
    (
        "POST",
        "/api/v1/tokens",
        {"name": "x", "role": "reader", "expires_at": "2099-01-01T00:00:00Z"},
        "expires_at",
    ),
    (
        "POST",
        "/api/v1/tokens",
        {"name": "x", "role": "reader", "expires_at": "9999-12-31T23:59:59-14:00"},
        "expires_at",
    ),
    (
        "POST",
        "/api/v1/tokens",
        {"name": "x", "role": "reader", "expires_at": "0001-01-01T00:00:00+14:00"},
        "expires_at",
    ),
    ("POST", "/api/v1/tokens", {"name": "x", "role": "editor", "unit": 2**63}, "unit"),
    ("POST", "/api/v1/tokens", {"name": "x", "role": "editor", "unit": True}, "unit"),
    ("POST", "/api/v1/tokens", {"name": "x", "role": "editor", "unit": "9" * 5000}, "unit"),
    ("POST", "/api/v1/tokens", {"name": "x", "role": "editor", "unit": "KS\u0000"}, "body"),
    ("POST", "/api/v1/tokens", {"name": "x\u0000", "role": "reader"}, "body"),
    ("DELETE", "/api/v1/tokens/{none}", None, "token_id"),
    ("POST", "/api/v1/webhooks", {"url": "ftp://example.org/", "event_types": ["assignment.created"]}, "url"),
    ("POST", "/api/v1/webhooks", {"url": "https://example.org/", "event_types": ["x"]}, "event_types.0"),
    ("POST", "/api/v1/webhooks", {"url": "https://example.org/", "event_types": []}, "event_types"),
    ("PATCH", "/api/v1/webhooks/{id}", {"secret": "hunter2"}, "secret"),
    ("PATCH", "/api/v1/webhooks/{id}", {"active": 1}, "active"),
    ("PATCH", "/api/v1/webhooks/{id}", {"active": "yes"}, "active"),
    ("PATCH", "/api/v1/webhooks/{none}", {"active": False}, "subscription_id"),
    ("DELETE", "/api/v1/webhooks/{none}", None, "subscription_id"),
    ("POST", "/api/v1/webhooks/deliveries/{none}/redeliver", None, "delivery_id"),
    ("POST", "/api/v1/reports/{year}/{period}/publish?owner=KS", None, "owner"),
    (
        "POST",
        "/api/v1/assignments/{id}/updates",
        {"comment": "x", "decision_document_id": 987654},
        "decision_document_id",
    ),
    (
        "PATCH",
        "/api/v1/assignments/{id}",
        {"title": "Ändrad", "decision_document_id": 987654},
        "decision_document_id",
    ),
    ("POST", "/api/v1/documents", {"decision_date": "2016-03-14"}, "title"),
    ("POST", "/api/v1/documents", {"title": "Beslut"}, "decision_date"),  # neither date
    ("POST", "/api/v1/documents", {**GOOD_DOCUMENT, "kind": "wish"}, "kind"),
    ("POST", "/api/v1/documents", {**GOOD_DOCUMENT, "decision_date": "2016-03-14T00:00"}, "decision_date"),
    ("POST", "/api/v1/documents", {**GOOD_DOCUMENT, "decided_by": "NOPE"}, "decided_by"),
    ("POST", "/api/v1/documents", {**GOOD_DOCUMENT, "issuer": 987654}, "issuer"),
    (
        "POST",
        "/api/v1/documents",
        {**GOOD_DOCUMENT, "plan_period": {"start_year": 2018, "end_year": 2016}},
        "plan_period",
    ),
    ("POST", "/api/v1/documents", {**GOOD_DOCUMENT, "reference_prefix": "ks 2016"}, "reference_prefix"),
    ("PATCH", "/api/v1/documents/{document}", {"title": None}, "body"),
    ("PATCH", "/api/v1/documents/{document}", {"kind": "wish"}, "kind"),
    ("PATCH", "/api/v1/documents/{none}", {"title": "x"}, "document_id"),
    ("POST", "/api/v1/assignments/{id}/links", {"kind": "continues", "target": "KS-2099-001"}, "target"),
    ("POST", "/api/v1/assignments/{id}/links", {"kind": "continues", "target": "{id}"}, "target"),
    ("POST", "/api/v1/assignments/{id}/links", {"kind": "likes", "target": "KS-2015-002"}, "kind"),
    (
        "POST",
        "/api/v1/assignments/{id}/links",
        {"kind": "continues", "target": "KS-2015-002", "decision_document_id": 987654},
        "decision_document_id",
    ),
    ("DELETE", "/api/v1/assignments/{id}/links/{none}", None, "link_id"),
    ("PATCH", DRAFT, {"title": None}, "body"),
    ("PATCH", DRAFT, {"owner_id": 987654}, "owner_id"),
    ("PATCH", DRAFT, {"partner_ids": ["{KS}", 987654]}, "partner_ids"),
    ("PATCH", DRAFT, {"partner_ids": ["{KS}", "{KS}"]}, "partner_ids"),
    ("PATCH", DRAFT, {"kind": "wish"}, "kind"),
    ("PATCH", DRAFT, {"quote": "Kommunstyrelsen ska avskaffa budgeten."}, "quote"),
    ("PATCH", DRAFT, {"deadline": {"earliest": "2016-02-01", "latest": "2016-01-01"}}, "deadline"),
    ("PATCH", DRAFT, {"money": {"min_sek": 10, "max_sek": 5}}, "money"),
    ("PATCH", DRAFT, {"continues_id": 987654}, "continues_id"),
    ("PATCH", DRAFT, {"state": "accepted"}, "state"),
    ("PATCH", "/api/v1/documents/{drafts_document}/drafts/{none}", {"title": "x"}, "draft_id"),
    ("POST", DRAFT + "/accept", {"link_continues": "yes"}, "link_continues"),
    ("POST", DRAFT + "/accept", {"version": True}, "version"),
    ("POST", DRAFT + "/reject", {}, "reason"),
    ("POST", DRAFT + "/reject", {"reason": "x" * 2001}, "reason"),
    ("POST", DRAFT + "/merge", {"other": 987654}, "other"),
    ("POST", DRAFT + "/merge", {"other": "{draft}"}, "other"),
    ("POST", DRAFT + "/split", {}, "body"),
    ("POST", DRAFT + "/split", {"at": 0}, "at"),
    ("POST", DRAFT + "/split", {"at": 3}, "at"),  # inside "Kommunstyrelsen"
    ("POST", DRAFT + "/split", {"quotes": ["bara en"]}, "quotes"),
    ("POST", DRAFT + "/split", {"quotes": ["Inte i texten", "Inte heller"]}, "quotes.0"),
]


def _uploaded_document(api: httpx.Client) -> int:
    response = upload(api)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


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
        "document": api.get("/api/v1/documents").json()[0]["id"],
        "person": _person_id(api),
        "none": "not-an-id",
        "year": 2015,
        "period": "T1",
        "unit": "SLK",
    }
    headers = {"If-Match": current_etag(api, assignment_id)}  # so that only the bad input is wrong
    if "{draft}" in path or "{drafts_document}" in path:
        ids["drafts_document"] = _uploaded_document(api)
        ids["draft"] = draft_with(api, ids["drafts_document"], STRATEGY)["id"]
        headers["If-Match"] = current_etag(
            api, 0, f"/api/v1/documents/{ids['drafts_document']}/drafts/{ids['draft']}"
        )
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


# Bodies that cannot be read as JSON, and one that can but holds text no database stores.
UNREADABLE_BODIES = {
    "syntax": b'{"comment": "x"',
    "not UTF-8": b'{"comment": "\xff"}',
    "nested too deep": b"[" * 100_000,
    "number too long": b'{"progress": 1' + b"0" * 5000 + b"}",
    "lone surrogate": b'{"comment": "lone \\udfff"}',
}


@pytest.mark.parametrize("body", UNREADABLE_BODIES.values(), ids=UNREADABLE_BODIES.keys())
def test_unreadable_body_is_422_naming_the_body(api: httpx.Client, session: Session, body: bytes) -> None:
    assignment_id = assignment_by_reference(api, "KS-2015-001")["id"]
    headers = {"If-Match": current_etag(api, assignment_id), "content-type": "application/json"}
    before = database_state(session)
    response = api.post(f"/api/v1/assignments/{assignment_id}/updates", content=body, headers=headers)
    problem = assert_problem(response, 422, "body")
    assert problem["type"].endswith("validation-error")
    assert database_state(session) == before


BAD_IF_MATCH: dict[str, bytes] = {
    "5000 digits": b"9" * 5000,
    "5000 digits quoted": b'"' + b"9" * 5000 + b'"',
    "Arabic-Indic digit": "٣".encode(),
    "Arabic-Indic digit quoted": '"٣"'.encode(),
    "superscript two": '"²"'.encode("latin-1"),
    "beyond the largest version": b'"99999999999"',
    "negative": b'"-1"',
    "star": b"*",
}


@pytest.mark.parametrize("if_match", BAD_IF_MATCH.values(), ids=BAD_IF_MATCH.keys())
def test_bad_if_match_is_422_and_writes_nothing(api: httpx.Client, session: Session, if_match: bytes) -> None:
    path = f"/api/v1/assignments/{assignment_by_reference(api, 'KS-2015-001')['id']}"
    before = database_state(session)
    for method, url, body in [
        ("PATCH", path, {"title": "Ändrad"}),
        ("POST", f"{path}/updates", {"comment": "x"}),
        ("DELETE", path, None),
    ]:
        response = api.request(method, url, json=body, headers={b"If-Match": if_match})
        assert_problem(response, 422, "If-Match")
    assert database_state(session) == before


BEYOND_BIGINT = str(2**63)
# (path with query, the field the problem names); {id} an assignment, {document} its document.
BAD_READS: list[tuple[str, str]] = [
    (f"/api/v1/assignments?offset={BEYOND_BIGINT}", "offset"),
    (f"/api/v1/documents/{{document}}/assignments?offset={BEYOND_BIGINT}", "offset"),
    (f"/api/v1/documents/{{document}}/drafts?offset={BEYOND_BIGINT}", "offset"),
    (f"/api/v1/webhooks/events?offset={BEYOND_BIGINT}", "offset"),
    (f"/api/v1/webhooks/1/deliveries?offset={BEYOND_BIGINT}", "offset"),
    (f"/api/v1/assignments/{BEYOND_BIGINT}", "assignment_id"),
    (f"/api/v1/assignments?goal={BEYOND_BIGINT}", "goal"),
    (f"/api/v1/webhooks/events?assignment_id={BEYOND_BIGINT}", "assignment_id"),
    (f"/api/v1/reports/2015/T1?goal={BEYOND_BIGINT}", "goal"),
    (f"/api/v1/assignments?owner={'9' * 5000}", "owner"),
    (f"/api/v1/calendar.ics?owner={'9' * 5000}", "owner"),
    ("/api/v1/assignments?as_of=9999-12-31", "as_of"),
    ("/api/v1/assignments?as_of=0001-01-01", "as_of"),
    ("/api/v1/assignments?deadline_before=9999-12-31", "deadline_before"),
    ("/api/v1/calendar.ics?owner=%00", "owner"),
    ("/api/v1/assignments?q=%00", "q"),
    ("/api/v1/assignments?owner=KS%00", "owner"),
    ("/api/v1/reports/2015/T1?owner=%00", "owner"),
    ("/api/v1/reports/2015/T1?format=csv&owner=%00", "owner"),
]


@pytest.mark.parametrize(("path", "field"), BAD_READS, ids=[path[:60] for path, _field in BAD_READS])
def test_bad_query_is_a_problem_and_writes_nothing(
    api: httpx.Client, session: Session, path: str, field: str
) -> None:
    document = api.get("/api/v1/documents").json()[0]["id"]
    before = database_state(session)
    response = api.get(path.format(document=document))
    assert_problem(response, 422, field)
    assert database_state(session) == before
