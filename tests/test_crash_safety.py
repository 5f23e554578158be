"""No acknowledged write is lost when every server process is killed (SIGKILL) in the middle of a burst of
status updates and creates from several clients: after a restart each one is in history with its outbox
event, and every assignment's version agrees with its history.

Requests left in doubt by the crash (sent, never answered) are retried with their Idempotency-Key, and
each retry is answered exactly once: with the first result when the write was committed before the
crash (replayed, naming the row it stored), or by running now when it was not; never a 409 for a key
stuck with the dead process, a 412 for a status update that was committed, or a second assignment.
"""

import random
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import admin_token
from tests.processes import ServerProcess, serving, start_server
from tests.workload import (
    Journal,
    database_problems,
    new_assignment,
    new_status_update,
    retry_in_doubt,
    send,
    summary,
)
from tests.workload import current_etag as read_etag

CLIENTS = 8
ACKNOWLEDGED_BEFORE_THE_CRASH = 60
BURST_LIMIT_SECONDS = 60
CREATE_SHARE = 0.3


def _client_loop(
    base_url: str,
    token: str,
    assignment_ids: list[int],
    owner_id: int,
    journal: Journal,
    seed: int,
) -> None:
    """Write until the server stops answering; each client has its own assignments, so no 412s."""
    rng = random.Random(seed)
    deadline = time.monotonic() + BURST_LIMIT_SECONDS
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        while time.monotonic() < deadline:
            if rng.random() < CREATE_SHARE:
                write = new_assignment(owner_id)
            else:
                assignment_id = rng.choice(assignment_ids)
                try:
                    etag = read_etag(client, assignment_id, journal)
                except httpx.TransportError:
                    return
                write = new_status_update(assignment_id, etag, rng)
            if send(client, write, journal) is None:
                return


def _burst_then_crash(server: ServerProcess, token: str, journal: Journal) -> None:
    with httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as client:
        ids = [
            item["id"] for item in client.get("/api/v1/assignments", params={"limit": 200}).json()["items"]
        ]
        owner_id = client.get("/api/v1/org-units").json()[0]["id"]
    threads = [
        threading.Thread(
            target=_client_loop,
            args=(server.base_url, token, ids[number::CLIENTS], owner_id, journal, number),
        )
        for number in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + BURST_LIMIT_SECONDS
    while len(journal.acknowledged) < ACKNOWLEDGED_BEFORE_THE_CRASH and time.monotonic() < deadline:
        time.sleep(0.05)
    server.kill_all()
    for thread in threads:
        thread.join(timeout=BURST_LIMIT_SECONDS)


def test_no_acknowledged_write_is_lost_when_every_server_process_is_killed(
    seeded_database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    workers = 1 if seeded_database.startswith("sqlite") else 2
    settings = {"DATABASE_URL": seeded_database}
    token = admin_token(seeded_database)
    journal = Journal()

    server = start_server(settings, cwd=tmp_path, workers=workers)
    server.wait_until_serving(workers=workers)
    _burst_then_crash(server, token, journal)

    assert len(journal.acknowledged) >= ACKNOWLEDGED_BEFORE_THE_CRASH, journal.statuses
    assert journal.unexpected({200, 201}) == {}
    with serving(settings, cwd=tmp_path, workers=workers) as restarted:
        assert database_problems(seeded_database, journal) == []
        outcomes = retry_in_doubt(restarted.base_url, token, seeded_database, journal)
        assert database_problems(seeded_database, journal) == []  # a retry stores no write twice
    assert all(outcome.exactly_once for outcome in outcomes), summary(outcomes)
    request.node.user_properties.append(("in-doubt retries", dict(summary(outcomes))))
    acknowledged, in_doubt = len(journal.acknowledged), len(journal.in_doubt)
    print(f"\n{acknowledged} acknowledged, {in_doubt} in doubt; retries: {dict(summary(outcomes))}")
