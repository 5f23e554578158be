"""The `uppdrag` command and server as real processes: run a command, start and stop a server, find and
kill its processes. Shared by the command-line, packaging, serving, crash and load tests."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx

from app.settings import Settings
from tests.conftest import free_port

UPPDRAG = Path(sys.executable).with_name("uppdrag")
# Settings are read from the environment: a test's process gets only the ones the test gives it.
SETTING_NAMES = frozenset(name.upper() for name in Settings.model_fields)


def environment(settings: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without any of the service's settings, plus `settings`."""
    inherited = {name: value for name, value in os.environ.items() if name.upper() not in SETTING_NAMES}
    return {**inherited, "LOG_LEVEL": "warning", **(settings or {})}


def run_uppdrag(
    *args: str,
    cwd: Path,
    settings: Mapping[str, str] | None = None,
    executable: Path = UPPDRAG,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(executable), *args],
        cwd=cwd,
        env=environment(settings),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *phrases: str) -> str:
    """A failed command said what went wrong in one line on stderr, naming `phrases`, with no traceback."""
    assert result.returncode != 0, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("uppdrag"), lines[0]
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    return lines[0]


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # it ended meanwhile
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            found.append(int(entry.name))
    return found


def is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@dataclass
class ServerProcess:
    """`uppdrag serve` in a process group of its own, so that all its processes can be killed at once."""

    process: subprocess.Popen[str]
    base_url: str
    log: Path

    @property
    def workers(self) -> list[int]:
        return children_of(self.process.pid)

    def wait_until_serving(self, timeout: float = 60, workers: int = 1) -> None:
        """Wait until /readyz answers 200 and `workers` worker processes run."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server ended with {self.process.returncode}: {self.log.read_text()}")
            if len(self.workers) >= workers and self._ready():
                return
            time.sleep(0.2)
        raise RuntimeError(f"the server did not start in {timeout} s: {self.log.read_text()}")

    def _ready(self) -> bool:
        try:
            return httpx.get(f"{self.base_url}/readyz", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    def kill_all(self) -> None:
        """SIGKILL to every process of the server, as a crash would."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """Stop gracefully (SIGTERM), or kill after a while."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill_all()


def start_server(
    settings: Mapping[str, str],
    *,
    cwd: Path,
    workers: int = 1,
    executable: Path = UPPDRAG,
    port: int | None = None,
) -> ServerProcess:
    port = port or free_port()
    log = cwd / f"server-{port}.log"
    with log.open("a") as log_file:
        process = subprocess.Popen(
            [str(executable), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
            cwd=cwd,
            env=environment(settings),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    return ServerProcess(process, f"http://127.0.0.1:{port}", log)


@contextmanager
def serving(
    settings: Mapping[str, str],
    *,
    cwd: Path,
    workers: int = 1,
    executable: Path = UPPDRAG,
    port: int | None = None,
) -> Iterator[ServerProcess]:
    """A server that is ready to serve; stopped (or killed) at the end."""
    server = start_server(settings, cwd=cwd, workers=workers, executable=executable, port=port)
    try:
        server.wait_until_serving(workers=workers)
        yield server
    finally:
        server.stop()
