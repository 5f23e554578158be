"""Running Alembic from the service: upgrade to head, and check that a database can be used."""

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from app.settings import Settings

MIGRATE_HINT = "run `uppdrag migrate`"


class DatabaseNotReadyError(Exception):
    """The database cannot serve this version of the service.

    The message says why in one line, for the operator; `public` says it without naming the database,
    for anyone who asks /readyz.
    """

    def __init__(self, message: str, *, public: str) -> None:
        super().__init__(message)
        self.public = public


def alembic_config(settings: Settings) -> Config:
    config = Config(str(settings.alembic_ini))
    config.attributes["database_url"] = settings.database_url
    return config


def upgrade_to_head(settings: Settings) -> None:
    command.upgrade(alembic_config(settings), "head")


@lru_cache
def _known_revisions(alembic_ini: Path) -> tuple[frozenset[str], frozenset[str]]:
    """(head revisions, every revision) of the migrations; read once per process."""
    script = ScriptDirectory.from_config(Config(str(alembic_ini)))
    return frozenset(script.get_heads()), frozenset(rev.revision for rev in script.walk_revisions())


def reason(error: BaseException) -> str:
    """A database driver's error as one line (drivers' messages span several)."""
    cause = getattr(error, "orig", None) or error
    return " ".join(str(cause).split()) or type(cause).__name__


def display_url(database_url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(database_url).render_as_string(hide_password=True)


def ensure_ready(engine: Engine, settings: Settings) -> None:
    """Raise DatabaseNotReadyError unless the database is reachable and migrated to this version's head."""
    try:
        with engine.connect() as connection:
            current = frozenset(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        raise DatabaseNotReadyError(
            f"cannot reach the database at {display_url(settings.database_url)}: {reason(error)}",
            public="The database is not reachable.",
        ) from error
    heads, known = _known_revisions(settings.alembic_ini)
    if current == heads:
        return
    if current - known:
        raise DatabaseNotReadyError(
            f"the database is at revision {', '.join(sorted(current))}, newer than this version of uppdrag "
            "knows: upgrade uppdrag",
            public="The database schema is newer than this version of the service.",
        )
    at = ", ".join(sorted(current)) or "none"
    raise DatabaseNotReadyError(
        f"the database is not migrated (at revision {at}, this version needs {', '.join(sorted(heads))}): "
        f"{MIGRATE_HINT}",
        public="The database schema is not at the latest migration.",
    )
