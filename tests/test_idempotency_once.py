"""Idempotency-Key, exactly once: requests with the same key that arrive together run once, a request
with the key of one still in flight waits for it and replays its answer, and a request killed with the
server before its commit leaves no claim behind, so that its retry runs (once).

The last two hold a request in flight deterministically: the test locks the assignments table
(PostgreSQL, `LOCK TABLE … IN SHARE MODE`: reads pass, the request's INSERT waits) and watches
`pg_stat_activity` for the requests waiting. SQLite runs one writer at a time, so there a second
request waits before its transaction begins and no request is ever in flight beside another.
"""

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, text

from app.access import Role
from app.db import make_engine
from app.idempotency.service import KEY_HEADER, REPLAYED_HEADER
from tests.conftest import Clients, PostgresDatabases, admin_token, migrate_and_seed, require_postgres
from tests.helpers import assignment_by_reference
from tests.processes import serving, start_server

TOGETHER = 6
LOCK_ASSIGNMENTS = text("LOCK TABLE assignments IN SHARE MODE")
WAITING_FOR_A_LOCK = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


def _wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never: {what}")
        time.sleep(0.05)


def _waiting_for_a_lock(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(WAITING_FOR_A_LOCK) or 0)


def _create(client: httpx.Client, body: dict[str, Any], key: str) -> httpx.Response:
    return client.post("/api/v1/assignments", json=body, headers={KEY_HEADER: key})


def _created_with_title(client: httpx.Client, title: str) -> int:
    return int(client.get("/api/v1/assignments", params={"q": title}).json()["total"])


def _replayed(responses: list[httpx.Response]) -> int:
    return sum(response.headers.get(REPLAYED_HEADER) == "true" for response in responses)


@pytest.mark.usefixtures("small_register")
def test_requests_with_one_key_sent_together_run_once(clients: Clients) -> None:
    token = clients.token(Role.ADMIN)
    callers = [clients.client(token) for _ in range(TOGETHER)]
    body = {
        "title": "Samtidigt skickat",
        "owner_id": assignment_by_reference(callers[0], "KS-2015-001")["owner"]["id"],
    }
    barrier = threading.Barrier(TOGETHER)

    def send(client: httpx.Client) -> httpx.Response:
        barrier.wait()
        return _create(client, body, "tillsammans-1")

    with ThreadPoolExecutor(TOGETHER) as pool:
        responses = list(pool.map(send, callers))

    assert [response.status_code for response in responses] == [201] * TOGETHER, [r.text for r in responses]
    assert len({response.json()["id"] for response in responses}) == 1
    assert _replayed(responses) == TOGETHER - 1
    assert _created_with_title(callers[0], "Samtidigt skickat") == 1


@pytest.mark.usefixtures("small_register")
def test_a_request_waits_for_the_one_in_flight_with_its_key(clients: Clients, api: httpx.Client) -> None:
    if clients.backend.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: no request is in flight beside another")
    engine = clients.backend.engine
    body = {
        "title": "Medan den första pågår",
        "owner_id": assignment_by_reference(api, "KS-2015-001")["owner"]["id"],
    }

    with ThreadPoolExecutor(2) as pool, engine.connect() as blocker:
        blocker.execute(LOCK_ASSIGNMENTS)
        first = pool.submit(_create, api, body, "under-tiden-1")
        _wait_until(lambda: _waiting_for_a_lock(engine) == 1, "the first request waited for its INSERT")
        second = pool.submit(_create, api, body, "under-tiden-1")
        _wait_until(
            lambda: second.done() or _waiting_for_a_lock(engine) == 2,
            "the second request waited for the first or was answered",
        )
        blocker.rollback()
    responses = [first.result(), second.result()]

    assert [response.status_code for response in responses] == [201, 201], [r.text for r in responses]
    assert responses[1].json() == responses[0].json()
    assert responses[1].headers.get(REPLAYED_HEADER) == "true"
    assert _created_with_title(api, "Medan den första pågår") == 1


def test_a_request_killed_before_its_commit_leaves_its_key_free(
    postgres_databases: PostgresDatabases | None, tmp_path: Path
) -> None:
    database_url = migrate_and_seed(require_postgres(postgres_databases).create("killed"))
    settings = {"DATABASE_URL": database_url}
    authorization = {"Authorization": f"Bearer {admin_token(database_url)}"}
    engine = make_engine(database_url)
    server = start_server(settings, cwd=tmp_path)
    try:
        server.wait_until_serving()
        with httpx.Client(base_url=server.base_url, headers=authorization, timeout=60) as client:
            body = {"title": "Dog med servern", "owner_id": client.get("/api/v1/org-units").json()[0]["id"]}
            with ThreadPoolExecutor(1) as pool, engine.connect() as blocker:
                blocker.execute(LOCK_ASSIGNMENTS)
                in_doubt = pool.submit(_create, client, body, "dog-1")
                _wait_until(lambda: _waiting_for_a_lock(engine) == 1, "the request waited for its INSERT")
                server.kill_all()
                blocker.rollback()
            with pytest.raises(httpx.TransportError):
                in_doubt.result()
        with (
            serving(settings, cwd=tmp_path) as restarted,
            httpx.Client(base_url=restarted.base_url, headers=authorization, timeout=60) as client,
        ):
            retry = _create(client, body, "dog-1")
            assert retry.status_code == 201, retry.text
            assert REPLAYED_HEADER.lower() not in retry.headers
            assert _created_with_title(client, "Dog med servern") == 1
    finally:
        server.stop()
        engine.dispose()
