"""The `uppdrag` command: migrate, seed, serve, run the webhook worker, ingest a document, manage
tokens and people.

An operator's mistake (a bad setting, an unreachable or unmigrated database, a broken seed file, a bad
option) ends with one line on stderr and a non-zero exit status, never a traceback. The commands import
what they need when they run, so that `--help` and such mistakes answer at once. The commands of a
subject live beside this module: `tokens`, `people`, `ingest`.
"""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from app.cli.common import (
    ENVIRONMENT_HELP,
    EXIT_INTERRUPTED,
    EXIT_OPERATOR_ERROR,
    CommandParser,
    OperatorError,
    add_command,
    command_session,
    load_settings,
    positive_int,
    ready_database,
)
from app.cli.ingest import add_ingest_command
from app.cli.people import add_user_commands
from app.cli.tokens import add_token_commands


def migrate(_args: argparse.Namespace) -> None:
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from app.schema_migrations import display_url, reason, upgrade_to_head

    settings = load_settings()
    try:
        upgrade_to_head(settings)
    except (SQLAlchemyError, CommandError) as error:
        raise OperatorError(
            f"cannot migrate the database at {display_url(settings.database_url)}: {reason(error)}"
        ) from None
    print("database migrated to head")


def seed(args: argparse.Namespace) -> None:
    from app.seeding.service import load_seeds

    settings = load_settings()
    with command_session(settings) as session:
        report = load_seeds(
            session,
            units_file=args.units or settings.org_units_file,
            document_file=args.file or settings.seed_file,
        )
    print(f"units: {dict(report.units)}; assignments: {dict(report.assignments)}")


def serve(args: argparse.Namespace) -> None:
    from app.serving import serve as run_server

    settings = load_settings()
    with ready_database(settings):
        pass  # refuse to start on a database that cannot serve; each worker makes its own engine
    run_server(host=args.host, port=args.port, workers=args.workers, log_level=settings.log_level)


def worker(args: argparse.Namespace) -> None:
    from app.db import make_session_factory
    from app.logs import configure_logging
    from app.worker import run_worker

    settings = load_settings()
    configure_logging(settings.log_level)
    with ready_database(settings, settings.database_pool_size) as engine:
        try:
            run_worker(make_session_factory(engine), settings, once=args.once)
        except KeyboardInterrupt:
            print("worker stopped")


def _port(text: str) -> int:
    return positive_int(text, maximum=65535, what="(a TCP port)")


def _workers(text: str) -> int:
    return positive_int(text, maximum=64, what="processes")


def build_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog="uppdrag",
        description="Uppdrag: assignment tracking (uppdragsuppföljning).",
        epilog=ENVIRONMENT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_command(
        commands, "migrate", "upgrade the database schema to this version (once per upgrade)"
    ).set_defaults(handler=migrate)

    seed_parser = add_command(
        commands, "seed", "load the seed files (idempotent: a second load changes nothing)"
    )
    seed_parser.add_argument(
        "--file",
        type=Path,
        metavar="PATH",
        help="the document's seed file (default: SEED_FILE, else the bundled one)",
    )
    seed_parser.add_argument(
        "--units",
        type=Path,
        metavar="PATH",
        help="the organisational units' seed file (default: ORG_UNITS_FILE, else the bundled one)",
    )
    seed_parser.set_defaults(handler=seed)

    serve_parser = add_command(commands, "serve", "serve the HTTP API and pages")
    serve_parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    serve_parser.add_argument("--port", type=_port, default=8000, help="TCP port (default: %(default)s)")
    serve_parser.add_argument(
        "--workers", type=_workers, default=1, help="worker processes (default: %(default)s)"
    )
    serve_parser.set_defaults(handler=serve)

    worker_parser = add_command(commands, "worker", "raise deadline events and deliver webhooks")
    worker_parser.add_argument(
        "--once", action="store_true", help="run one round and exit (default: run until stopped)"
    )
    worker_parser.set_defaults(handler=worker)
    add_ingest_command(commands)
    add_token_commands(commands)
    add_user_commands(commands)
    return parser


def _one_line(error: Exception) -> str | None:
    """The line to show for an error the operator can act on; None for a fault of the program."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.errors import ProblemError
    from app.schema_migrations import reason

    if isinstance(error, OperatorError):
        return str(error)
    if isinstance(error, ProblemError):
        return error.detail
    if isinstance(error, SQLAlchemyError):
        return f"database error: {reason(error)}"
    if isinstance(error, OSError):
        return " ".join(str(error).split())
    return None


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        args.handler(args)
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
    except Exception as error:
        line = _one_line(error)
        if line is None:
            raise
        print(f"uppdrag: {line}", file=sys.stderr)
        sys.exit(EXIT_OPERATOR_ERROR)
    sys.exit(0)
