"""Alembic is the only way the schema is made: migrations run up and down on both databases and
leave exactly the schema the models describe."""

import os
from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import make_url, text

from app.db import make_engine
from app.models_registry import Base
from app.schema_migrations import alembic_config
from app.settings import Settings
from tests.conftest import DEFAULT_PG_URL, ROOT, _postgres_available


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('migrations') / 'empty.db'}"
        return
    base_url = make_url(os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL))
    if not _postgres_available(base_url.render_as_string(hide_password=False)):
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is required in CI but is not reachable at TEST_DATABASE_URL")
        pytest.skip("PostgreSQL is not reachable at TEST_DATABASE_URL")
    name = f"{base_url.database}_migrations"
    server = make_engine(base_url.render_as_string(hide_password=False))
    admin = server.execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield base_url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


def test_migrations_go_up_and_down_and_match_the_models(empty_database: str) -> None:
    config = alembic_config(Settings(database_url=empty_database, alembic_ini=ROOT / "alembic.ini"))
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    command.upgrade(config, "head")
    engine = make_engine(empty_database)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    assert differences == []
