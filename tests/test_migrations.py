"""Alembic is the only way the schema is made: migrations run up and down on both databases and
leave exactly the schema the models describe."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app.db import make_engine
from app.models_registry import Base
from app.schema_migrations import alembic_config
from app.settings import Settings


def test_migrations_go_up_and_down_and_match_the_models(empty_database: str) -> None:
    config = alembic_config(Settings(database_url=empty_database))
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
