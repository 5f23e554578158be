"""The `uppdrag` command: migrate, seed, serve, run the webhook worker, ingest a document, manage
tokens and people.

An operator's mistake (a bad setting, an unreachable or unmigrated database, a broken seed file, a bad
option) ends with one line on stderr and a non-zero exit status, never a traceback. The commands import
what they need when they run, so that `--help` and such mistakes answer at once.
"""

import argparse
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from pydantic import ValidationError

from app.access import Role
from app.auth.models import MAX_TOKEN_LIFETIME_DAYS, TokenKind
from app.settings import Settings, get_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from app.access import Principal
    from app.auth.models import Person
    from app.documents.models import SourceDocument
    from app.documents.schemas import DocumentCreate
    from app.ingest.schemas import DraftCounts

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


class _Parser(argparse.ArgumentParser):
    """Usage mistakes are one line too (argparse prints the whole usage by default)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as error:
        problems = [
            f"{'.'.join(str(part) for part in item['loc']).upper()}: "
            f"{item['msg'].removeprefix('Value error, ')}"
            for item in error.errors()
        ]
        raise OperatorError("invalid setting " + "; ".join(problems)) from None


@contextmanager
def _ready_database(settings: Settings, pool_size: int = 1) -> Iterator["Engine"]:
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
def _session(settings: Settings) -> Iterator["Session"]:
    """A unit of work for one command, on a ready database: committed when the command succeeds."""
    from app.db import make_session_factory, unit_of_work

    with _ready_database(settings) as engine, unit_of_work(make_session_factory(engine)) as session:
        yield session


def migrate(_args: argparse.Namespace) -> None:
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from app.schema_migrations import display_url, reason, upgrade_to_head

    settings = _settings()
    try:
        upgrade_to_head(settings)
    except (SQLAlchemyError, CommandError) as error:
        raise OperatorError(
            f"cannot migrate the database at {display_url(settings.database_url)}: {reason(error)}"
        ) from None
    print("database migrated to head")


def seed(args: argparse.Namespace) -> None:
    from app.seeding.service import load_seeds

    settings = _settings()
    with _session(settings) as session:
        report = load_seeds(
            session,
            units_file=args.units or settings.org_units_file,
            document_file=args.file or settings.seed_file,
        )
    print(f"units: {dict(report.units)}; assignments: {dict(report.assignments)}")


def token_create(args: argparse.Namespace) -> None:
    from app.auth.service import create_token
    from app.db import utcnow

    days = args.expires_in_days
    expires_at = utcnow() + timedelta(days=days) if days is not None else None
    kind = TokenKind.FEED if args.feed else TokenKind.API
    with _session(_settings()) as session:
        token, secret = create_token(
            session, name=args.name, role=Role(args.role), kind=kind, unit=args.unit, expires_at=expires_at
        )
    print(f"created {kind} token {token.id} ({token.role}); it is shown once, store it now:")
    print(secret)


def token_list(_args: argparse.Namespace) -> None:
    from app.auth.service import list_tokens

    with _session(_settings()) as session:
        for token in list_tokens(session):
            state = "revoked" if token.revoked_at else "active"
            print(
                f"{token.id}\t{token.name}\t{token.kind}\t{token.role}\tunit={token.unit_id}\t{state}\t"
                f"prefix={token.token_prefix}\texpires={token.expires_at}\tlast_used={token.last_used_at}"
            )


def token_revoke(args: argparse.Namespace) -> None:
    from app.auth.service import revoke_token

    with _session(_settings()) as session:
        revoke_token(session, args.id)
    print(f"token {args.id} revoked")


def _grants_text(person: "Person") -> str:
    return (
        ", ".join(
            f"{grant.role}" + (f" of unit {grant.unit_id}" if grant.unit_id else "") + f" ({grant.source})"
            for grant in person.grants
        )
        or "no grants"
    )


def user_create(args: argparse.Namespace) -> None:
    from app.auth import people

    with _session(_settings()) as session:
        person = people.create_person(session, name=args.name, email=args.email)
        if args.role:
            people.grant_role(session, person.id, role=Role(args.role), unit=args.unit)
        grants = _grants_text(person)
    print(f"created person {person.id} <{person.email}> {grants}")


def user_list(_args: argparse.Namespace) -> None:
    from app.auth import people

    with _session(_settings()) as session:
        for person in people.list_people(session):
            signed_in = person.last_signed_in_at.isoformat() if person.last_signed_in_at else "never"
            print(
                f"{person.id}\t{person.name}\t{person.email}\t{_grants_text(person)}\tlast_sign_in={signed_in}"
            )


def user_grant(args: argparse.Namespace) -> None:
    from app.auth import people

    with _session(_settings()) as session:
        person = people.person_by_email(session, args.email)
        people.grant_role(session, person.id, role=Role(args.role), unit=args.unit)
        print(f"{person.email}: {_grants_text(person)}")


def user_revoke(args: argparse.Namespace) -> None:
    from app.auth import people

    with _session(_settings()) as session:
        person = people.person_by_email(session, args.email)
        people.revoke_role(session, person.id, role=Role(args.role), unit=args.unit)
        print(f"{person.email}: {_grants_text(person)}")


def user_link(args: argparse.Namespace) -> None:
    from app.auth import people
    from app.auth.sessions import create_sign_in_link, sign_in_url

    settings = _settings()
    minutes = args.minutes or settings.sign_in_link_minutes
    with _session(settings) as session:
        person = people.person_by_email(session, args.email)
        secret = create_sign_in_link(session, person, valid_for=timedelta(minutes=minutes))
    base = settings.public_base_url or DEFAULT_BASE_URL
    print(f"a sign-in link for {person.name} <{person.email}>, valid for {minutes} minutes and one use:")
    print(sign_in_url(base, secret))


CLI_FIELDS = (
    "title", "kind", "issuer", "decided_by", "decision_date", "document_date", "diarienummer", "paragraph",
    "plan_period_start", "plan_period_end", "reference_prefix",
)  # fmt: skip


def _document_metadata(args: argparse.Namespace) -> "DocumentCreate":
    """The document's metadata from the options, checked as the upload's form fields are."""
    from fastapi.exceptions import RequestValidationError

    from app.ingest.upload_form import metadata_of

    fields = [(name, str(getattr(args, name))) for name in CLI_FIELDS if getattr(args, name) is not None]
    if args.not_adopted:
        fields.append(("adopted", "false"))
    try:
        return metadata_of(fields)
    except RequestValidationError as error:
        problems = [
            f"--{str(item['loc'][-1]).replace('_', '-')}: " if item["loc"][-1] != "body" else ""
            for item in error.errors()
        ]
        messages = [item["msg"].removeprefix("Value error, ") for item in error.errors()]
        raise OperatorError(
            "; ".join(f"{where}{what}" for where, what in zip(problems, messages, strict=True))
        ) from None


def ingest(args: argparse.Namespace) -> None:
    from app.ingest.extract import ExtractionLimits
    from app.ingest.service import Upload, draft_counts, ingest_document

    try:
        data = args.file.read_bytes()
    except OSError as error:
        raise OperatorError(f"file: cannot read {args.file}: {error.strerror}") from None
    if args.title is None:
        args.title = args.file.stem
    metadata = _document_metadata(args)
    settings = _settings()
    upload = Upload(data=data, file_name=args.file.name, metadata=metadata)
    with _session(settings) as session:
        outcome = ingest_document(
            session,
            upload=upload,
            actor=_cli_actor(),
            limits=ExtractionLimits(max_bytes=settings.upload_max_bytes),
        )
        counts = draft_counts(session, outcome.document.id, confident_from=args.confident_from)
        document = outcome.document
    print(_ingest_summary(document, counts, created=outcome.created))


def _cli_actor() -> "Principal":
    import getpass

    from app.access import Principal

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "operator"
    return Principal(name=f"{user} (uppdrag ingest)", role=Role.ADMIN)


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(counts.items(), key=lambda item: -item[1]))


def _ingest_summary(document: "SourceDocument", counts: "DraftCounts", *, created: bool) -> str:
    what = "registered" if created else "already ingested (same SHA-256): nothing written; it is"
    digest = (document.file_sha256 or "")[:12]
    return "\n".join(
        [
            f'{what} document {document.id} "{document.title}" ({document.reference_prefix}), from '
            f"{document.file_name} ({document.file_format}, {document.file_size} bytes, sha256 {digest}…)",
            f"drafts found: {counts.total} (by kind: {_counted(counts.by_kind) or 'none'}; "
            f"by origin: {_counted(counts.by_origin) or 'none'})",
            f"confidence {counts.confident_from:.2f} or more: {counts.confident} of {counts.total}",
            f"proposed as continuing an earlier document's assignment: {counts.continuing}",
            f"review: /underlag/{document.id}/utkast (pages) or GET /api/v1/documents/{document.id}/drafts",
        ]
    )


def serve(args: argparse.Namespace) -> None:
    from app.serving import serve as run_server

    settings = _settings()
    with _ready_database(settings):
        pass  # refuse to start on a database that cannot serve; each worker makes its own engine
    run_server(host=args.host, port=args.port, workers=args.workers, log_level=settings.log_level)


def worker(args: argparse.Namespace) -> None:
    from app.db import make_session_factory
    from app.logs import configure_logging
    from app.worker import run_worker

    settings = _settings()
    configure_logging(settings.log_level)
    with _ready_database(settings, settings.database_pool_size) as engine:
        try:
            run_worker(make_session_factory(engine), settings, once=args.once)
        except KeyboardInterrupt:
            print("worker stopped")


def _positive_int(text: str, *, maximum: int, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a whole number") from None
    if not 1 <= value <= maximum:
        raise argparse.ArgumentTypeError(f"must be 1 to {maximum} {what}")
    return value


def _port(text: str) -> int:
    return _positive_int(text, maximum=65535, what="(a TCP port)")


def _workers(text: str) -> int:
    return _positive_int(text, maximum=64, what="processes")


def _token_days(text: str) -> int:
    try:
        return _positive_int(text, maximum=MAX_TOKEN_LIFETIME_DAYS, what="days")
    except argparse.ArgumentTypeError as error:
        raise argparse.ArgumentTypeError(f"{error}; leave it out for a token that never expires") from None


def _token_id(text: str) -> int:
    return _positive_int(text, maximum=2_147_483_647, what="(a token id)")


def _command(commands: "argparse._SubParsersAction[_Parser]", name: str, help_text: str) -> _Parser:
    return commands.add_parser(
        name,
        help=help_text,
        description=help_text,
        epilog=ENVIRONMENT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="uppdrag",
        description="Uppdrag: assignment tracking (uppdragsuppföljning).",
        epilog=ENVIRONMENT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _command(
        commands, "migrate", "upgrade the database schema to this version (once per upgrade)"
    ).set_defaults(handler=migrate)

    seed_parser = _command(
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

    serve_parser = _command(commands, "serve", "serve the HTTP API and pages")
    serve_parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    serve_parser.add_argument("--port", type=_port, default=8000, help="TCP port (default: %(default)s)")
    serve_parser.add_argument(
        "--workers", type=_workers, default=1, help="worker processes (default: %(default)s)"
    )
    serve_parser.set_defaults(handler=serve)

    worker_parser = _command(commands, "worker", "raise deadline events and deliver webhooks")
    worker_parser.add_argument(
        "--once", action="store_true", help="run one round and exit (default: run until stopped)"
    )
    worker_parser.set_defaults(handler=worker)
    _add_ingest_command(commands)
    _add_token_commands(commands)
    _add_user_commands(commands)
    return parser


def _confidence(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a number") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be from 0 to 1")
    return value


# The document's metadata as options of `uppdrag ingest`: (option, metavar, help).
INGEST_OPTIONS = (
    ("--title", "TEXT", "the document's title (default: the file's name)"),
    ("--kind", "KIND", "budget, operational_plan, decision or other (default: decision)"),
    ("--issuer", "UNIT", "the unit that wrote it, by key or id, e.g. SLK (default: none)"),
    ("--decided-by", "UNIT", "the deciding body, by key or id, e.g. KS (default: none)"),
    ("--decision-date", "YYYY-MM-DD", "the decision's date (required unless --document-date)"),
    ("--document-date", "YYYY-MM-DD", "the document's own date (default: the decision's)"),
    ("--diarienummer", "DNR", "the case number, e.g. 'KS 2016/101' (default: none)"),
    ("--paragraph", "§", "the paragraph of the minutes, e.g. '§ 7' (default: none)"),
    ("--plan-period-start", "YEAR", "the plan period's first year (default: none)"),
    ("--plan-period-end", "YEAR", "the plan period's last year (default: none)"),
    ("--reference-prefix", "PREFIX", "of its assignments' references (default: e.g. KS-2016)"),
)


def _add_ingest_command(commands: "argparse._SubParsersAction[_Parser]") -> None:
    ingest_parser = _command(
        commands,
        "ingest",
        "read a document's file (PDF, DOCX or text), register the document and propose its draft assignments",
    )
    ingest_parser.add_argument("file", type=Path, help="the file: PDF, DOCX or plain text")
    for option, metavar, text in INGEST_OPTIONS:
        ingest_parser.add_argument(option, metavar=metavar, help=text)
    ingest_parser.add_argument(
        "--not-adopted", action="store_true", help="the document was not adopted (default: adopted)"
    )
    ingest_parser.add_argument(
        "--confident-from",
        type=_confidence,
        default=0.8,
        metavar="C",
        help="count the drafts with at least this confidence (default: %(default)s)",
    )
    ingest_parser.set_defaults(handler=ingest)


DEFAULT_BASE_URL = "http://127.0.0.1:8000"  # `make run`'s address, where PUBLIC_BASE_URL is not set
ROLE_CHOICES = [role.value for role in Role]


def _add_user_commands(commands: "argparse._SubParsersAction[_Parser]") -> None:
    user_parser = _command(commands, "user", "people who sign in: create, list, grant, revoke, link")
    user_commands = user_parser.add_subparsers(dest="user_command", required=True, metavar="COMMAND")
    create = _command(user_commands, "create", "add a person, with a role if given")
    create.add_argument("email", help="the person's email address")
    create.add_argument("--name", required=True, help="the person's name, as history shows it (required)")
    create.add_argument(
        "--role", choices=ROLE_CHOICES, default=None, help="a role to give at once (default: none)"
    )
    create.add_argument(
        "--unit", default=None, help="unit key or id; required for editor and coordinator (default: no unit)"
    )
    create.set_defaults(handler=user_create)
    _command(user_commands, "list", "list people and their grants").set_defaults(handler=user_list)
    for name, handler, text in (
        ("grant", user_grant, "give a person a role"),
        ("revoke", user_revoke, "take back a role an admin gave"),
    ):
        command = _command(user_commands, name, text)
        command.add_argument("email", help="the person's email address")
        command.add_argument("--role", required=True, choices=ROLE_CHOICES, help="the role (required)")
        command.add_argument(
            "--unit",
            default=None,
            help="unit key or id; required for editor and coordinator (default: no unit)",
        )
        command.set_defaults(handler=handler)
    link = _command(user_commands, "link", "print a one-time sign-in link (valid for minutes)")
    link.add_argument("email", help="the person's email address")
    link.add_argument(
        "--minutes", type=int, default=None, help="how long it works (default: SIGN_IN_LINK_MINUTES, 15)"
    )
    link.set_defaults(handler=user_link)


def _add_token_commands(commands: "argparse._SubParsersAction[_Parser]") -> None:
    token_parser = _command(commands, "token", "create, list and revoke API and feed tokens")
    token_commands = token_parser.add_subparsers(dest="token_command", required=True, metavar="COMMAND")
    create = _command(token_commands, "create", "create a token; its secret is printed once")
    create.add_argument("--name", required=True, help="who or what uses it (required)")
    create.add_argument(
        "--role", required=True, choices=[role.value for role in Role], help="what it may do (required)"
    )
    create.add_argument(
        "--unit", default=None, help="unit key or id; required for editors (default: no unit)"
    )
    create.add_argument(
        "--expires-in-days",
        type=_token_days,
        default=None,
        metavar="DAYS",
        help=f"1 to {MAX_TOKEN_LIFETIME_DAYS} (default: never expires)",
    )
    create.add_argument(
        "--feed", action="store_true", help="a read-only feed token for URLs (default: an API token)"
    )
    create.set_defaults(handler=token_create)
    _command(token_commands, "list", "list tokens (never their secrets)").set_defaults(handler=token_list)
    revoke = _command(token_commands, "revoke", "revoke a token by id")
    revoke.add_argument("id", type=_token_id, help="the token's id, from `uppdrag token list`")
    revoke.set_defaults(handler=token_revoke)


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
