"""Test fixtures: every test that touches the database runs against SQLite and PostgreSQL.

Each backend gets a schema made by Alembic and a real uvicorn server on loopback; rows are
deleted after each test so that tests stay isolated. PostgreSQL comes from TEST_DATABASE_URL
(default: the local server's `test` database). Without it a developer run skips those tests
with the reason; under CI (CI=true) a missing PostgreSQL is an error.
"""

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.access import Role
from app.auth.models import TokenKind
from app.auth.service import create_token
from app.db import make_engine, make_session_factory
from app.main import create_app
from app.models_registry import Base
from app.schema_migrations import upgrade_to_head
from app.seeding.service import load_seeds
from app.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TEST_DATA = Path(__file__).resolve().parent / "data"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgresql")


@dataclass
class Backend:
    name: str
    settings: Settings
    engine: Engine

    def session(self) -> Session:
        return make_session_factory(self.engine)()

    def clear(self) -> None:
        with self.engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())


def _postgres_available(url: str) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect():
            return True
    except Exception:
        return False
    finally:
        engine.dispose()


def _reset_postgres_schema(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


TEST_ORIGIN = "https://intranat.stockholm.se"


def _settings_for(url: str) -> Settings:
    return Settings(
        database_url=url, alembic_ini=ROOT / "alembic.ini", cors_origins=[TEST_ORIGIN], log_level="warning"
    )


@pytest.fixture(scope="session")
def _backends(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Backend]]:
    created: dict[str, Backend] = {}
    sqlite_url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'uppdrag.db'}"
    created["sqlite"] = Backend("sqlite", _settings_for(sqlite_url), make_engine(sqlite_url))
    pg_url = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL)
    if _postgres_available(pg_url):
        engine = make_engine(pg_url)
        _reset_postgres_schema(engine)
        created["postgresql"] = Backend("postgresql", _settings_for(pg_url), engine)
    for backend in created.values():
        upgrade_to_head(backend.settings)
    yield created
    for backend in created.values():
        backend.engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, _backends: dict[str, Backend]) -> Iterator[Backend]:
    name = request.param
    if name not in _backends:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is required in CI but is not reachable at TEST_DATABASE_URL")
        pytest.skip("PostgreSQL is not reachable at TEST_DATABASE_URL (set it, or start the server)")
    current = _backends[name]
    current.clear()
    yield current
    current.clear()


@pytest.fixture
def session(backend: Backend) -> Iterator[Session]:
    with backend.session() as db_session:
        yield db_session


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the server runs in a thread
        pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve(settings: Settings, port: int | None = None) -> Iterator[str]:
    """Run the app with these settings in a real uvicorn server on loopback (a free port, unless
    one is given)."""
    port = port or free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    server = _Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def _servers(_backends: dict[str, Backend]) -> Iterator[dict[str, str]]:
    """A real server for each backend; yields their base URLs."""
    with ExitStack() as stack:
        yield {name: stack.enter_context(serve(backend.settings)) for name, backend in _backends.items()}


class Clients:
    """HTTP clients of the test server, each holding a real token of some role."""

    def __init__(self, backend: Backend, base_url: str) -> None:
        self.backend = backend
        self.base_url = base_url
        self._open: list[httpx.Client] = []

    def token(self, role: Role, unit: str | None = None, kind: TokenKind = TokenKind.API) -> str:
        with self.backend.session() as db_session:
            _token, secret = create_token(db_session, name=f"test {role}", role=role, kind=kind, unit=unit)
            db_session.commit()
        return secret

    def client(self, token: str | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        client = httpx.Client(base_url=self.base_url, timeout=30, headers=headers)
        self._open.append(client)
        return client

    def as_role(self, role: Role, unit: str | None = None) -> httpx.Client:
        return self.client(self.token(role, unit))

    def close(self) -> None:
        for client in self._open:
            client.close()


@pytest.fixture
def clients(backend: Backend, _servers: dict[str, str]) -> Iterator[Clients]:
    factory = Clients(backend, _servers[backend.name])
    yield factory
    factory.close()


@pytest.fixture
def api(clients: Clients) -> httpx.Client:
    """A client with an admin token."""
    return clients.as_role(Role.ADMIN)


@pytest.fixture
def anon(clients: Clients) -> httpx.Client:
    """A client without a token."""
    return clients.client(None)


@pytest.fixture
def small_register(session: Session) -> Session:
    """The real organisation and a small document with a handful of assignments."""
    load_seeds(session, units_file=TEST_DATA / "units.yaml", document_file=TEST_DATA / "small_document.yaml")
    session.commit()
    return session


@pytest.fixture
def full_register(session: Session) -> Session:
    """The real seeds: every commitment of the budget document."""
    load_seeds(session, units_file=SEEDS / "org_units.yaml", document_file=SEEDS / "budget_2015_ks.yaml")
    session.commit()
    return session
