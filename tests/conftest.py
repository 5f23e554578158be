"""Test fixtures: every test that touches the database runs against SQLite and PostgreSQL.

Each backend gets a schema made by Alembic and a real uvicorn server on loopback; rows are
deleted after each test so that tests stay isolated. Each run makes its own PostgreSQL databases
(`uppdrag_test_<pid>_<random>_<purpose>`) on the server named by TEST_POSTGRES_SERVER (or
TEST_DATABASE_URL; default: the local server) and drops them at the end, so that two runs on one
machine never touch each other. Without a reachable server a developer run skips those tests with
the reason; under CI (CI=true) a missing PostgreSQL is an error.
"""

import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, make_url, text
from sqlalchemy.orm import Session

from app.access import Role
from app.auth.models import TokenKind
from app.auth.service import create_token
from app.db import make_engine, make_session_factory, unit_of_work
from app.deps import get_today
from app.main import create_app
from app.models_registry import Base
from app.schema_migrations import upgrade_to_head
from app.seeding.service import load_seeds
from app.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TEST_DATA = Path(__file__).resolve().parent / "data"
DEFAULT_PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BACKENDS = ("sqlite", "postgresql")
MIGRATION_DATA = {"reporting_calendar"}


@dataclass
class Backend:
    name: str
    settings: Settings
    engine: Engine

    def session(self) -> Session:
        return make_session_factory(self.engine)()

    def clear(self) -> None:
        """Delete every row a test may have written; the city's reporting calendar, which the
        migrations make, stays as a fresh database has it."""
        with self.engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                if table.name not in MIGRATION_DATA:
                    connection.execute(table.delete())


def postgres_server_url() -> str:
    """A database on the server where this run may create its own (any database it can connect to)."""
    return os.environ.get("TEST_POSTGRES_SERVER") or os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG_SERVER


def _postgres_available(url: str) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect():
            return True
    except Exception:
        return False
    finally:
        engine.dispose()


class PostgresDatabases:
    """This run's databases on the PostgreSQL server: each created on demand, all dropped at the end."""

    def __init__(self, server_url: str) -> None:
        self.server_url = make_url(server_url)
        self.prefix = f"uppdrag_test_{os.getpid()}_{secrets.token_hex(3)}"
        self._admin = make_engine(server_url).execution_options(isolation_level="AUTOCOMMIT")
        self._created: list[str] = []

    def create(self, purpose: str) -> str:
        """A new empty database; returns its URL."""
        name = f"{self.prefix}_{purpose}_{len(self._created)}"
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self._created.append(name)
        return self.server_url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self._admin.connect() as connection:
            for name in self._created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._admin.engine.dispose()


def require_postgres(databases: PostgresDatabases | None) -> PostgresDatabases:
    """The run's PostgreSQL databases; skips the test (fails it under CI) when there is no server."""
    if databases is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is required in CI but is not reachable at TEST_POSTGRES_SERVER")
        pytest.skip("PostgreSQL is not reachable at TEST_POSTGRES_SERVER (set it, or start the server)")
    return databases


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases | None]:
    """None when no PostgreSQL server is reachable."""
    if not _postgres_available(postgres_server_url()):
        yield None
        return
    databases = PostgresDatabases(postgres_server_url())
    yield databases
    databases.drop_all()


TEST_ORIGIN = "https://intranat.stockholm.se"


def _settings_for(url: str) -> Settings:
    return Settings(database_url=url, cors_origins=[TEST_ORIGIN], log_level="warning")


@pytest.fixture(scope="session")
def _backends(
    tmp_path_factory: pytest.TempPathFactory, postgres_databases: PostgresDatabases | None
) -> Iterator[dict[str, Backend]]:
    created: dict[str, Backend] = {}
    sqlite_url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'uppdrag.db'}"
    created["sqlite"] = Backend("sqlite", _settings_for(sqlite_url), make_engine(sqlite_url))
    if postgres_databases is not None:
        pg_url = postgres_databases.create("main")
        created["postgresql"] = Backend("postgresql", _settings_for(pg_url), make_engine(pg_url))
    for backend in created.values():
        upgrade_to_head(backend.settings)
    yield created
    for backend in created.values():
        backend.engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, _backends: dict[str, Backend]) -> Iterator[Backend]:
    name = request.param
    if name not in _backends:
        require_postgres(None)
    current = _backends[name]
    current.clear()
    yield current
    current.clear()


@pytest.fixture(params=BACKENDS)
def empty_database(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_databases: PostgresDatabases | None
) -> str:
    """The URL of a new, empty database (no schema) on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return require_postgres(postgres_databases).create("empty")


def migrate_and_seed(database_url: str) -> str:
    """Migrate an empty database and load the real seeds into it; returns its URL."""
    upgrade_to_head(Settings(database_url=database_url))
    engine = make_engine(database_url)
    try:
        with unit_of_work(make_session_factory(engine)) as db_session:
            load_seeds(
                db_session, units_file=SEEDS / "org_units.yaml", document_file=SEEDS / "budget_2015_ks.yaml"
            )
    finally:
        engine.dispose()
    return database_url


@pytest.fixture
def seeded_database(empty_database: str) -> str:
    """A new database on each backend, migrated and loaded with the real seeds (for server processes)."""
    return migrate_and_seed(empty_database)


def admin_token(database_url: str) -> str:
    """The secret of a new admin token in this database."""
    engine = make_engine(database_url)
    try:
        with unit_of_work(make_session_factory(engine)) as db_session:
            return create_token(db_session, name="test admin", role=Role.ADMIN)[1]
    finally:
        engine.dispose()


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
def serve(settings: Settings, port: int | None = None, *, today: date | None = None) -> Iterator[str]:
    """Run the app with these settings in a real uvicorn server on loopback (a free port, unless
    one is given); with `today`, the app's today (app.deps.get_today) is that day, as if it ran then."""
    port = port or free_port()
    app = create_app(settings)
    if today is not None:
        app.dependency_overrides[get_today] = lambda: today
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
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


@contextmanager
def clients_on(day: date, backend: Backend) -> Iterator[Clients]:
    """Clients of a server of the backend whose today is `day`: for what depends on the date."""
    with serve(backend.settings, today=day) as base_url:
        factory = Clients(backend, base_url)
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
