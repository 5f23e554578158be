"""`uppdrag serve`: gunicorn supervises worker processes that run the app with uvicorn.

Why gunicorn: uvicorn's own supervisor starts each worker as a fresh interpreter that must import the
whole app, and kills workers that do not answer its health check within 5 seconds; on a busy 2-core
machine that killed workers still starting, in a loop. Gunicorn's master imports the app's modules once
and forks its workers from itself, so a worker (or the replacement of one that died) is ready in a
fraction of a second, and a worker counts as hung only after WORKER_TIMEOUT_SECONDS without a heartbeat.
Each worker makes its own app, engine and connection pool after the fork (no connection crosses a fork).
"""

import errno
import os
import signal
import socket
import threading
import time
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

WORKER_CLASS = "uvicorn_worker.UvicornWorker"
WORKER_TIMEOUT_SECONDS = 60
GRACEFUL_TIMEOUT_SECONDS = 30
KEEPALIVE_SECONDS = 5
# Heartbeat files on a memory file system where there is one (a disk-backed /tmp can stall them).
SHARED_MEMORY = Path("/dev/shm")
MASTER_CHECK_SECONDS = 1.0


def _end_with_the_master(worker: Any) -> None:
    """Stop the worker (gracefully) once its master is gone.

    A master killed with SIGKILL cannot stop its workers, and uvicorn's worker class does not notice
    on its own: they would go on serving as orphans, holding the port against a restarted server.
    """

    def watch() -> None:
        while os.getppid() == worker.ppid:
            time.sleep(MASTER_CHECK_SECONDS)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="master-watch", daemon=True).start()


class _Gunicorn(BaseApplication):  # type: ignore[misc]  # gunicorn has no type hints
    """Gunicorn configured from these options only (no config file, no GUNICORN_CMD_ARGS)."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        from app.main import create_app

        return create_app()


class ListenError(OSError):
    """The address cannot be listened on: in use, not this machine's, or a port that needs root."""


def check_can_listen(host: str, port: int) -> None:
    """Refuse in one line an address that cannot be listened on, before gunicorn starts: gunicorn
    would try it for five seconds and log ten lines. The probe binds as gunicorn does (SO_REUSEADDR)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            in_use = error.errno == errno.EADDRINUSE
            reason = "the port is in use (is another server running?)" if in_use else error.strerror
            raise ListenError(f"cannot listen on {host}:{port}: {reason}") from None


def serve(*, host: str, port: int, workers: int, log_level: str) -> None:
    """Serve until stopped (SIGTERM or SIGINT: finish the requests in flight, then exit)."""
    check_can_listen(host, port)
    import app.main  # noqa: F401  # imported once here, so that each forked worker starts ready

    options: dict[str, Any] = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",  # an IPv6 address in brackets
        "workers": workers,
        "worker_class": WORKER_CLASS,
        "timeout": WORKER_TIMEOUT_SECONDS,
        "graceful_timeout": GRACEFUL_TIMEOUT_SECONDS,
        "keepalive": KEEPALIVE_SECONDS,
        "loglevel": log_level,
        "errorlog": "-",
        "accesslog": None,  # the service logs each request itself, as JSON with its request id
        "proc_name": "uppdrag",
        "control_socket_disable": True,  # no runtime control through a socket in the user's home
        "post_worker_init": _end_with_the_master,
    }
    if SHARED_MEMORY.is_dir():
        options["worker_tmp_dir"] = str(SHARED_MEMORY)
    _Gunicorn(options).run()
