"""A bounded load against the production shape: two workers on PostgreSQL, 32 clients mixing reads,
reports, status updates on a few shared assignments and creates, for LOAD_SECONDS (20 by default; the
environment variable UPPDRAG_LOAD_SECONDS changes it). No response is an error except the 412s that
racing writers are meant to get, and history holds exactly the acknowledged writes."""

import os
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.conftest import PostgresDatabases, admin_token, migrate_and_seed, require_postgres
from tests.processes import serving
from tests.workload import (
    Journal,
    current_etag,
    database_problems,
    new_assignment,
    new_status_update,
    send,
)

CLIENTS = 32
WORKERS = 2
LOAD_SECONDS = float(os.environ.get("UPPDRAG_LOAD_SECONDS", "20"))
HOT_ASSIGNMENTS = 20  # status updates race on these, so some writers get 412


class Shared:
    """What every client of the load knows."""

    def __init__(self, client: httpx.Client) -> None:
        self.assignment_ids = [
            item["id"] for item in client.get("/api/v1/assignments", params={"limit": 200}).json()["items"]
        ]
        self.owner_id = client.get("/api/v1/org-units").json()[0]["id"]
        self.journal = Journal()


def _get(client: httpx.Client, shared: Shared, path: str, **params: str | int) -> None:
    shared.journal.count("GET", client.get(path, params=params).status_code)


def _read_list(client: httpx.Client, shared: Shared, rng: random.Random) -> None:
    _get(client, shared, "/api/v1/assignments", status="in_progress", sort="-deadline", limit=50)


def _read_one(client: httpx.Client, shared: Shared, rng: random.Random) -> None:
    _get(client, shared, f"/api/v1/assignments/{rng.choice(shared.assignment_ids)}")


def _read_history(client: httpx.Client, shared: Shared, rng: random.Random) -> None:
    _get(client, shared, f"/api/v1/assignments/{rng.choice(shared.assignment_ids)}/history")


def _read_report(client: httpx.Client, shared: Shared, rng: random.Random) -> None:
    _get(client, shared, "/api/v1/reports/2015/T1", format=rng.choice(["json", "csv"]))


def _update_status(client: httpx.Client, shared: Shared, rng: random.Random) -> None:
    assignment_id = rng.choice(shared.assignment_ids[:HOT_ASSIGNMENTS])
    etag = current_etag(client, assignment_id, shared.journal)
    send(client, new_status_update(assignment_id, etag, rng), shared.journal)


def _create(client: httpx.Client, shared: Shared, rng: random.Random) -> None:
    send(client, new_assignment(shared.owner_id), shared.journal)


Operation = Callable[[httpx.Client, Shared, random.Random], None]
MIX: list[tuple[Operation, int]] = [
    (_read_list, 25),
    (_read_one, 15),
    (_read_history, 10),
    (_read_report, 10),
    (_update_status, 35),
    (_create, 5),
]


def _client_loop(base_url: str, token: str, shared: Shared, seed: int, until: float) -> None:
    rng = random.Random(seed)
    operations, weights = zip(*MIX, strict=True)
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        while time.monotonic() < until:
            operation = rng.choices(operations, weights)[0]
            try:
                operation(client, shared, rng)
            except httpx.HTTPError as error:  # no answer, or a status that raise_for_status refused
                shared.journal.failed(error)


def test_two_workers_under_load_answer_everything_and_keep_every_write(
    postgres_databases: PostgresDatabases | None, tmp_path: Path
) -> None:
    database_url = migrate_and_seed(require_postgres(postgres_databases).create("load"))
    token = admin_token(database_url)
    with serving({"DATABASE_URL": database_url}, cwd=tmp_path, workers=WORKERS) as server:
        with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}) as client:
            shared = Shared(client)
        until = time.monotonic() + LOAD_SECONDS
        threads = [
            threading.Thread(target=_client_loop, args=(server.base_url, token, shared, number, until))
            for number in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=LOAD_SECONDS + 120)
        assert len(server.workers) == WORKERS  # none died or was replaced

    journal = shared.journal
    print(f"\n{sum(journal.statuses.values())} responses in {LOAD_SECONDS:.0f} s: {dict(journal.statuses)}")
    assert journal.unexpected({200, 201, 412}) == {}
    assert journal.in_doubt == []
    assert journal.statuses["POST 201"] > 0 and journal.statuses["GET 200"] > 0
    assert database_problems(database_url, journal) == []  # history holds exactly the acknowledged writes
