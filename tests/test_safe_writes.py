"""No lost updates: ETags and If-Match, concurrent writers, idempotency keys and batches."""

import threading
from collections import Counter
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.access import Role
from app.auth.models import ApiToken
from app.auth.service import hash_token, revoke_token
from app.webhooks.models import OutboxEvent
from tests.conftest import Clients
from tests.helpers import assert_problem, assignment_by_reference, current_etag, database_state, post_update

pytestmark = pytest.mark.usefixtures("small_register")


def test_responses_carry_the_version_as_etag(api: httpx.Client) -> None:
    item = assignment_by_reference(api, "KS-2015-001")
    response = api.get(f"/api/v1/assignments/{item['id']}")
    assert response.headers["etag"] == f'"{item["version"]}"'
    updated = post_update(api, item["id"], {"status": "in_progress"})
    assert updated.status_code == 201, updated.text
    assert updated.headers["etag"] == f'"{item["version"] + 1}"'


@pytest.mark.parametrize("method", ["PATCH", "POST"])
def test_writes_need_a_version(api: httpx.Client, session: Session, method: str) -> None:
    item = assignment_by_reference(api, "KS-2015-001")
    path = f"/api/v1/assignments/{item['id']}" + ("/updates" if method == "POST" else "")
    body = {"comment": "x"} if method == "POST" else {"title": "Ny"}
    before = database_state(session)
    missing = assert_problem(api.request(method, path, json=body), 428)
    assert missing["current_version"] == item["version"]
    stale = assert_problem(api.request(method, path, json=body, headers={"If-Match": '"999"'}), 412)
    assert stale["current_version"] == item["version"]
    assert_problem(api.request(method, path, json=body, headers={"If-Match": "*"}), 422, "If-Match")
    assert database_state(session) == before
    with_body_version = api.request(method, path, json={**body, "version": item["version"]})
    assert with_body_version.status_code in (200, 201), with_body_version.text
    weak = api.request(method, path, json=body, headers={"If-Match": f'W/"{item["version"] + 1}"'})
    assert weak.status_code in (200, 201), weak.text


def test_a_stale_writer_is_refused_and_nothing_is_lost(api: httpx.Client) -> None:
    item = assignment_by_reference(api, "KS-2015-001")
    seen = current_etag(api, item["id"])
    url = f"/api/v1/assignments/{item['id']}/updates"
    first = api.post(url, json={"progress": 10}, headers={"If-Match": seen})
    second = api.post(url, json={"progress": 20}, headers={"If-Match": seen})
    assert first.status_code == 201
    assert_problem(second, 412)
    assert [update["progress"] for update in api.get(url).json()] == [10]


WRITERS = 6
ATTEMPTS_EACH = 8


def test_many_concurrent_writers_lose_no_update(api: httpx.Client) -> None:
    """Writers race on one assignment: every accepted write is in the history, none twice, none lost."""
    item = assignment_by_reference(api, "KS-2015-001")
    url = f"/api/v1/assignments/{item['id']}/updates"
    accepted: list[int] = []
    outcomes: Counter[int] = Counter()
    lock = threading.Lock()

    def writer(number: int) -> None:
        with httpx.Client(base_url=str(api.base_url), headers=dict(api.headers), timeout=60) as client:
            for attempt in range(ATTEMPTS_EACH):
                etag = client.get(f"/api/v1/assignments/{item['id']}").headers["etag"]
                body = {"comment": f"writer {number} attempt {attempt}"}
                response = client.post(url, json=body, headers={"If-Match": etag})
                with lock:
                    outcomes[response.status_code] += 1
                    if response.status_code == 201:
                        accepted.append(response.json()["id"])

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert set(outcomes) <= {201, 412}, outcomes
    assert outcomes[201] == len(accepted) >= 1
    recorded = [
        entry["status_update"]["id"]
        for entry in api.get(f"/api/v1/assignments/{item['id']}/history").json()
        if entry["type"] == "status_update"
    ]
    assert sorted(recorded) == sorted(accepted)
    assert api.get(f"/api/v1/assignments/{item['id']}").json()["version"] == item["version"] + len(accepted)


def test_idempotency_key_replays_the_first_response(api: httpx.Client, session: Session) -> None:
    item = assignment_by_reference(api, "KS-2015-001")
    headers = {"If-Match": current_etag(api, item["id"]), "Idempotency-Key": "rapport-2015-04-30-001"}
    url = f"/api/v1/assignments/{item['id']}/updates"
    first = api.post(url, json={"status": "in_progress", "progress": 25}, headers=headers)
    assert first.status_code == 201
    counts = database_state(session)
    retry = api.post(url, json={"status": "in_progress", "progress": 25}, headers=headers)
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.headers["etag"] == first.headers["etag"]
    assert database_state(session) == counts
    other_body = api.post(url, json={"status": "in_progress", "progress": 30}, headers=headers)
    assert_problem(other_body, 422, "Idempotency-Key")
    assert database_state(session) == counts


def test_idempotent_create_makes_one_assignment(api: httpx.Client) -> None:
    body = {"title": "Engångsuppdrag", "owner_id": assignment_by_reference(api, "KS-2015-001")["owner"]["id"]}
    headers = {"Idempotency-Key": "create-1"}
    first = api.post("/api/v1/assignments", json=body, headers=headers)
    again = api.post("/api/v1/assignments", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert api.get("/api/v1/assignments", params={"q": "Engångsuppdrag"}).json()["total"] == 1


def test_a_failed_request_does_not_use_up_its_key(api: httpx.Client) -> None:
    headers = {"Idempotency-Key": "create-2"}
    owner_id = assignment_by_reference(api, "KS-2015-001")["owner"]["id"]
    assert_problem(api.post("/api/v1/assignments", json={"owner_id": owner_id}, headers=headers), 422)
    fixed = api.post("/api/v1/assignments", json={"title": "Rättad", "owner_id": owner_id}, headers=headers)
    assert fixed.status_code == 201


def test_keys_belong_to_their_caller(api: httpx.Client, clients: Clients) -> None:
    other_admin = clients.as_role(Role.ADMIN)
    owner_id = assignment_by_reference(api, "KS-2015-001")["owner"]["id"]
    headers = {"Idempotency-Key": "same-key"}
    first = api.post("/api/v1/assignments", json={"title": "A", "owner_id": owner_id}, headers=headers)
    second = other_admin.post(
        "/api/v1/assignments", json={"title": "B", "owner_id": owner_id}, headers=headers
    )
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    assert first.json()["id"] != second.json()["id"]


def _batch_items(api: httpx.Client, *references: str) -> list[dict[str, Any]]:
    items = []
    for reference in references:
        item = assignment_by_reference(api, reference)
        items.append({"assignment_id": item["id"], "version": item["version"], "status": "in_progress"})
    return items


def test_batch_gives_a_result_per_item(api: httpx.Client, session: Session) -> None:
    items = _batch_items(api, "KS-2015-001", "KS-2015-002", "KS-2015-003")
    items[1]["version"] = 999
    items.append({"assignment_id": 987654, "version": 1, "comment": "finns inte"})
    events_before = session.scalar(select(func.count()).select_from(OutboxEvent))
    response = api.post("/api/v1/assignments/updates:batch", json={"items": items})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [result["status"] for result in body["results"]] == [201, 412, 201, 404]
    assert (body["applied"], body["failed"]) == (2, 2)
    assert body["results"][1]["problem"]["current_version"] == 1
    assert assignment_by_reference(api, "KS-2015-001")["status"] == "in_progress"
    assert assignment_by_reference(api, "KS-2015-002")["status"] == "not_started"
    session.expire_all()
    events_after = session.scalar(select(func.count()).select_from(OutboxEvent))
    assert events_after == (events_before or 0) + 2  # a status_changed event for each applied item


def test_atomic_batch_is_all_or_nothing(api: httpx.Client, session: Session) -> None:
    items = _batch_items(api, "KS-2015-001", "KS-2015-002", "KS-2015-003")
    items[1]["status"] = "cancelled"  # no reason: 422
    before = database_state(session)
    response = api.post("/api/v1/assignments/updates:batch", json={"atomic": True, "items": items})
    problem = assert_problem(response, 422)
    assert [result["status"] for result in problem["results"]] == [201, 422, 424]
    assert all(result["update"] is None and result["version"] is None for result in problem["results"])
    assert database_state(session) == before
    items[1]["reason"] = "Utgår enligt beslut"
    applied = api.post("/api/v1/assignments/updates:batch", json={"atomic": True, "items": items})
    assert applied.status_code == 200, applied.text
    assert applied.json()["applied"] == 3
    assert assignment_by_reference(api, "KS-2015-002")["status"] == "cancelled"


def test_a_revoked_token_cannot_replay_its_keys(
    api: httpx.Client, clients: Clients, session: Session
) -> None:
    from app.access import Role

    secret = clients.token(Role.ADMIN)
    writer = clients.client(secret)
    owner_id = assignment_by_reference(api, "KS-2015-001")["owner"]["id"]
    body, headers = {"title": "Före återkallelsen", "owner_id": owner_id}, {"Idempotency-Key": "k-1"}
    assert writer.post("/api/v1/assignments", json=body, headers=headers).status_code == 201
    token = session.query(ApiToken).filter_by(token_hash=hash_token(secret)).one()
    revoke_token(session, token.id)
    session.commit()
    assert_problem(writer.post("/api/v1/assignments", json=body, headers=headers), 401)


def test_concurrent_atomic_batches_do_not_deadlock(api: httpx.Client) -> None:
    """Two atomic batches over the same assignments in opposite orders: one waits for the other."""
    first, second = (assignment_by_reference(api, reference) for reference in ("KS-2015-001", "KS-2015-002"))
    statuses: list[int] = []
    lock = threading.Lock()

    def batch(order: list[dict[str, Any]]) -> None:
        items = [
            {"assignment_id": item["id"], "version": item["version"], "comment": "samtidigt"}
            for item in order
        ]
        with httpx.Client(base_url=str(api.base_url), headers=dict(api.headers), timeout=60) as client:
            response = client.post("/api/v1/assignments/updates:batch", json={"atomic": True, "items": items})
        with lock:
            statuses.append(response.status_code)

    for _round in range(5):
        first, second = (assignment_by_reference(api, item["reference"]) for item in (first, second))
        threads = [
            threading.Thread(target=batch, args=([first, second],)),
            threading.Thread(target=batch, args=([second, first],)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert set(statuses) <= {200, 412}, statuses
    assert statuses.count(200) >= 5  # in each round one batch wins; the other saw stale versions
