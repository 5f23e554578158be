"""`uppdrag serve --workers N` as production runs it: several worker processes share the work, start
without being killed as hung on a busy machine, a worker killed with SIGKILL is replaced while the
service keeps answering, and concurrent creates on several workers all get a reference of their own."""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.conftest import admin_token, migrate_and_seed
from tests.processes import ServerProcess, is_running, serving, start_server

WORKERS = 3
BUSY_SECONDS = 20


@contextmanager
def busy_machine() -> Iterator[None]:
    """Every core kept busy (bounded in time) by processes that only spin."""
    spin = f"import time\nend = time.monotonic() + {BUSY_SECONDS}\nwhile time.monotonic() < end: pass"
    spinners = [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(os.cpu_count() or 2)]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def _pids_that_served(server: ServerProcess) -> set[int]:
    pids = set()
    for line in server.log.read_text().splitlines():
        if line.startswith("{"):
            entry = json.loads(line)
            if entry.get("message") == "request":
                pids.add(entry["pid"])
    return pids


def _get_many(base_url: str, token: str, count: int) -> list[int]:
    headers = {"Authorization": f"Bearer {token}"}

    def get(_: int) -> int:
        with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:  # a connection each
            return client.get("/api/v1/assignments", params={"limit": 5}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(get, range(count)))


def _wait_for_replacement(server: ServerProcess, killed: int, timeout: float = 60) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = server.workers
        if len(workers) == WORKERS and killed not in workers:
            return workers
        time.sleep(0.2)
    raise AssertionError(f"worker {killed} was not replaced: {server.log.read_text()[-2000:]}")


def test_workers_share_the_work_and_a_killed_worker_is_replaced(seeded_database: str, tmp_path: Path) -> None:
    token = admin_token(seeded_database)
    settings = {"DATABASE_URL": seeded_database, "LOG_LEVEL": "info"}  # request lines name their worker
    with busy_machine(), serving(settings, cwd=tmp_path, workers=WORKERS) as server:
        first_workers = server.workers
        assert len(first_workers) == WORKERS
        assert _get_many(server.base_url, token, 60) == [200] * 60
        assert len(_pids_that_served(server)) >= 2, "several workers serve"

        killed = first_workers[0]
        os.kill(killed, signal.SIGKILL)
        replacements = _wait_for_replacement(server, killed)
        assert not is_running(killed)
        assert _get_many(server.base_url, token, 30) == [200] * 30
        assert set(replacements) - set(first_workers)  # a new process took its place

    log = server.log.read_text()
    assert log.count("Booting worker") == WORKERS + 1  # no worker was killed as hung while starting
    assert "WORKER TIMEOUT" not in log


def test_workers_end_when_their_master_is_killed(tmp_path: Path) -> None:
    """Orphaned workers would go on holding the port against a restarted server."""
    settings = {"DATABASE_URL": migrate_and_seed(f"sqlite:///{tmp_path / 'uppdrag.db'}")}
    server = start_server(settings, cwd=tmp_path, workers=2)
    server.wait_until_serving(workers=2)
    workers = server.workers
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=30)
    deadline = time.monotonic() + 30
    try:
        while any(is_running(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(is_running(pid) for pid in workers)
    finally:
        server.kill_all()  # whatever is left of its process group
    port = int(server.base_url.rsplit(":", 1)[1])
    with serving(settings, cwd=tmp_path, workers=1, port=port) as restarted:  # the port is free again
        assert httpx.get(f"{restarted.base_url}/readyz", timeout=30).status_code == 200


CREATING_CLIENTS = 8
CREATES_PER_CLIENT = 25


def _create_many(base_url: str, token: str, owner_id: int) -> list[httpx.Response]:
    """CREATING_CLIENTS clients, each on its own connection, creating CREATES_PER_CLIENT assignments
    with generated references at the same time."""

    def create_in_turn(client_number: int) -> list[httpx.Response]:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
            return [
                client.post(
                    "/api/v1/assignments",
                    json={"title": f"Samtidigt {client_number}.{n}", "owner_id": owner_id},
                )
                for n in range(CREATES_PER_CLIENT)
            ]

    with ThreadPoolExecutor(max_workers=CREATING_CLIENTS) as pool:
        return [
            response
            for responses in pool.map(create_in_turn, range(CREATING_CLIENTS))
            for response in responses
        ]


def test_concurrent_creates_on_two_workers_all_get_references_of_their_own(
    seeded_database: str, tmp_path: Path
) -> None:
    token = admin_token(seeded_database)
    with serving({"DATABASE_URL": seeded_database}, cwd=tmp_path, workers=2) as server:
        owner_id = httpx.get(
            f"{server.base_url}/api/v1/org-units", headers={"Authorization": f"Bearer {token}"}
        ).json()[0]["id"]
        responses = _create_many(server.base_url, token, owner_id)
    failed = {response.text for response in responses if response.status_code != 201}
    assert failed == set()
    assert len(responses) == CREATING_CLIENTS * CREATES_PER_CLIENT
    references = sorted(response.json()["reference"] for response in responses)
    prefix = references[0].rsplit("-", 1)[0]  # UPP-<this year>: no document
    assert references == [f"{prefix}-{n:03d}" for n in range(1, len(responses) + 1)]  # distinct, no gaps
