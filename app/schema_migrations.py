"""Running Alembic from the service: upgrade to head, and check whether a database is at head."""

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from app.settings import Settings


def alembic_config(settings: Settings) -> Config:
    config = Config(str(settings.alembic_ini))
    config.attributes["database_url"] = settings.database_url
    return config


def upgrade_to_head(settings: Settings) -> None:
    command.upgrade(alembic_config(settings), "head")


def is_at_head(settings: Settings, connection: Connection) -> bool:
    heads = set(ScriptDirectory.from_config(alembic_config(settings)).get_heads())
    current = set(MigrationContext.configure(connection).get_current_heads())
    return current == heads
