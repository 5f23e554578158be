"""The service under test: the real app in uvicorn on loopback, in a process of its own.

A separate process (not a thread, as in the test suite) so that the client reading a 40 MB response
does not share the server's interpreter lock: as in production, where the client is elsewhere.
"""

import multiprocessing
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

STARTUP_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(database_url: str, port: int) -> None:
    import uvicorn

    from app.main import create_app
    from app.settings import Settings

    settings = Settings(database_url=database_url, log_level="warning")
    uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_level="warning", access_log=False)


@contextmanager
def serve(database_url: str) -> Iterator[str]:
    """Run the app against this database on a free loopback port; yields its base URL."""
    port = _free_port()
    process = multiprocessing.get_context("spawn").Process(
        target=_run, args=(database_url, port), name="uppdrag-bench-server", daemon=True
    )
    process.start()
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while True:
            try:
                if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or not process.is_alive():
                raise RuntimeError("the bench server did not start")
            time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        process.join(timeout=10)
