"""What every `uppdrag` command shares: one-line operator errors, settings, a ready database, a
unit of work, and the parser's conventions (every option has a help text and shows its default)."""

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn, TypeAlias

from pydantic import ValidationError
from pydantic_settings import SettingsError

from app.settings import Settings, get_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

EXIT_OPERATOR_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

ENVIRONMENT_HELP = """\
settings come from the environment (or a .env file in the working directory):
  DATABASE_URL   the database (default: sqlite:///var/uppdrag.db, relative to the working directory;
                 production: postgresql+psycopg://user:password@host:5432/db)
  TIMEZONE       what "today" is (default: Europe/Stockholm)
  SEED_FILE, ORG_UNITS_FILE, LOG_LEVEL, PUBLIC_READ, ... (see docs/operations.md)
"""


class OperatorError(Exception):
    """Something the operator can fix, said in one line."""


class CommandParser(argparse.ArgumentParser):
    """Usage mistakes are one line too (argparse prints the whole usage by default)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


Subcommands: TypeAlias = "argparse._SubParsersAction[CommandParser]"


def add_command(commands: Subcommands, name: str, help_text: str) -> CommandParser:
    return commands.add_parser(
        name,
        help=help_text,
        description=help_text,
        epilog=ENVIRONMENT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def positive_int(text: str, *, maximum: int, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a whole number") from None
    if not 1 <= value <= maximum:
        raise argparse.ArgumentTypeError(f"must be 1 to {maximum} {what}")
    return value


def load_settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as error:
        problems = [
            f"{'.'.join(str(part) for part in item['loc']).upper()}: "
            f"{item['msg'].removeprefix('Value error, ')}"
            for item in error.errors()
        ]
        raise OperatorError("invalid setting " + "; ".join(problems)) from None
    except SettingsError as error:  # a value pydantic-settings could not decode before validating it
        raise OperatorError(f"invalid setting: {error}") from None
    except UnicodeDecodeError as error:
        raise OperatorError(f"cannot read the settings in .env: not UTF-8 (byte {error.start + 1})") from None


@contextmanager
def ready_database(settings: Settings, pool_size: int = 1) -> Iterator["Engine"]:
    """An engine on a database that is reachable and migrated to this version's head."""
    from app.db import make_engine
    from app.schema_migrations import DatabaseNotReadyError, ensure_ready

    engine = make_engine(settings.database_url, pool_size)
    try:
        ensure_ready(engine, settings)
        yield engine
    except DatabaseNotReadyError as error:
        raise OperatorError(str(error)) from None
    finally:
        engine.dispose()


@contextmanager
def command_session(settings: Settings) -> Iterator["Session"]:
    """A unit of work for one command, on a ready database: committed when the command succeeds."""
    from app.db import make_session_factory, unit_of_work

    with ready_database(settings) as engine, unit_of_work(make_session_factory(engine)) as session:
        yield session
