"""The `uppdrag` command: migrate, seed, serve, run the webhook worker, manage tokens and people."""

import argparse
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import uvicorn
from sqlalchemy.orm import Session

from app.access import Role
from app.auth import people
from app.auth.models import Person, TokenKind
from app.auth.service import create_token, list_tokens, revoke_token
from app.auth.sessions import create_sign_in_link, sign_in_url
from app.db import make_engine, make_session_factory, unit_of_work, utcnow
from app.errors import ProblemError
from app.logs import configure_logging
from app.schema_migrations import upgrade_to_head
from app.seeding.service import load_seeds
from app.settings import get_settings
from app.worker import run_worker


def migrate(_args: argparse.Namespace) -> None:
    upgrade_to_head(get_settings())
    print("database migrated to head")


@contextmanager
def _session() -> Iterator[Session]:
    """A unit of work for one command: committed when the command succeeds."""
    engine = make_engine(get_settings().database_url)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def seed(args: argparse.Namespace) -> None:
    settings = get_settings()
    with _session() as session:
        report = load_seeds(
            session,
            units_file=args.units or settings.org_units_file,
            document_file=args.file or settings.seed_file,
        )
    print(f"units: {dict(report.units)}; assignments: {dict(report.assignments)}")


def token_create(args: argparse.Namespace) -> None:
    expires_at = utcnow() + timedelta(days=args.expires_in_days) if args.expires_in_days else None
    kind = TokenKind.FEED if args.feed else TokenKind.API
    with _session() as session:
        try:
            token, secret = create_token(
                session,
                name=args.name,
                role=Role(args.role),
                kind=kind,
                unit=args.unit,
                expires_at=expires_at,
            )
        except ProblemError as error:
            raise _fail(error) from error
    print(f"created {kind} token {token.id} ({token.role}); it is shown once, store it now:")
    print(secret)


def token_list(_args: argparse.Namespace) -> None:
    with _session() as session:
        for token in list_tokens(session):
            state = "revoked" if token.revoked_at else "active"
            print(
                f"{token.id}\t{token.name}\t{token.kind}\t{token.role}\tunit={token.unit_id}\t{state}\t"
                f"prefix={token.token_prefix}\texpires={token.expires_at}\tlast_used={token.last_used_at}"
            )


def token_revoke(args: argparse.Namespace) -> None:
    with _session() as session:
        try:
            revoke_token(session, args.id)
        except ProblemError as error:
            raise _fail(error) from error
    print(f"token {args.id} revoked")


def _fail(error: ProblemError) -> SystemExit:
    return SystemExit(f"uppdrag: {error.detail}")


def user_create(args: argparse.Namespace) -> None:
    with _session() as session:
        try:
            person = people.create_person(session, name=args.name, email=args.email)
            if args.role:
                people.grant_role(session, person.id, role=Role(args.role), unit=args.unit)
        except ProblemError as error:
            raise _fail(error) from error
        grants = _grants_text(person)
    print(f"created person {person.id} <{person.email}> {grants}")


def _grants_text(person: Person) -> str:
    return (
        ", ".join(
            f"{grant.role}" + (f" of unit {grant.unit_id}" if grant.unit_id else "") + f" ({grant.source})"
            for grant in person.grants
        )
        or "no grants"
    )


def user_list(_args: argparse.Namespace) -> None:
    with _session() as session:
        for person in people.list_people(session):
            signed_in = person.last_signed_in_at.isoformat() if person.last_signed_in_at else "never"
            print(
                f"{person.id}\t{person.name}\t{person.email}\t{_grants_text(person)}\tlast_sign_in={signed_in}"
            )


def user_grant(args: argparse.Namespace) -> None:
    with _session() as session:
        try:
            person = people.person_by_email(session, args.email)
            people.grant_role(session, person.id, role=Role(args.role), unit=args.unit)
        except ProblemError as error:
            raise _fail(error) from error
        print(f"{person.email}: {_grants_text(person)}")


def user_revoke(args: argparse.Namespace) -> None:
    with _session() as session:
        try:
            person = people.person_by_email(session, args.email)
            people.revoke_role(session, person.id, role=Role(args.role), unit=args.unit)
        except ProblemError as error:
            raise _fail(error) from error
        print(f"{person.email}: {_grants_text(person)}")


def user_link(args: argparse.Namespace) -> None:
    settings = get_settings()
    minutes = args.minutes or settings.sign_in_link_minutes
    with _session() as session:
        try:
            person = people.person_by_email(session, args.email)
            secret = create_sign_in_link(session, person, valid_for=timedelta(minutes=minutes))
        except ProblemError as error:
            raise _fail(error) from error
    base = settings.public_base_url or DEFAULT_BASE_URL
    print(f"a sign-in link for {person.name} <{person.email}>, valid for {minutes} minutes and one use:")
    print(sign_in_url(base, secret))


def serve(args: argparse.Namespace) -> None:
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=get_settings().log_level,
        access_log=False,  # the service logs each request itself, as JSON with its request id
        proxy_headers=True,
    )


def worker(args: argparse.Namespace) -> None:
    settings = get_settings()
    configure_logging(settings.log_level)
    engine = make_engine(settings.database_url, settings.database_pool_size)
    try:
        run_worker(make_session_factory(engine), settings, once=args.once)
    except KeyboardInterrupt:
        print("worker stopped")
    finally:
        engine.dispose()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="uppdrag", description="Uppdrag: assignment tracking.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="upgrade the database schema to the latest migration").set_defaults(
        handler=migrate
    )
    seed_parser = commands.add_parser("seed", help="load the seed files (idempotent)")
    seed_parser.add_argument("--file", type=Path, default=None)
    seed_parser.add_argument("--units", type=Path, default=None)
    seed_parser.set_defaults(handler=seed)
    serve_parser = commands.add_parser("serve", help="serve the HTTP API")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.add_argument("--workers", type=int, default=1)
    serve_parser.set_defaults(handler=serve)
    worker_parser = commands.add_parser("worker", help="raise deadline events and deliver webhooks")
    worker_parser.add_argument("--once", action="store_true", help="run one round and exit")
    worker_parser.set_defaults(handler=worker)
    _add_token_commands(commands)
    _add_user_commands(commands)
    return parser


DEFAULT_BASE_URL = "http://127.0.0.1:8000"  # `make run`'s address, where PUBLIC_BASE_URL is not set
ROLE_CHOICES = [role.value for role in Role]


def _add_user_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    user_parser = commands.add_parser("user", help="people who sign in: create, list, grant, revoke, link")
    user_commands = user_parser.add_subparsers(dest="user_command", required=True)
    create = user_commands.add_parser("create", help="add a person, with a role if given")
    create.add_argument("email")
    create.add_argument("--name", required=True)
    create.add_argument("--role", choices=ROLE_CHOICES, default=None)
    create.add_argument("--unit", default=None, help="unit key or id (for editor and coordinator)")
    create.set_defaults(handler=user_create)
    user_commands.add_parser("list", help="list people and their grants").set_defaults(handler=user_list)
    for name, handler, text in (
        ("grant", user_grant, "give a person a role"),
        ("revoke", user_revoke, "take a role an admin gave away"),
    ):
        command = user_commands.add_parser(name, help=text)
        command.add_argument("email")
        command.add_argument("--role", required=True, choices=ROLE_CHOICES)
        command.add_argument("--unit", default=None, help="unit key or id (for editor and coordinator)")
        command.set_defaults(handler=handler)
    link = user_commands.add_parser("link", help="print a one-time sign-in link (valid for minutes)")
    link.add_argument("email")
    link.add_argument(
        "--minutes", type=int, default=None, help="how long it works (default SIGN_IN_LINK_MINUTES)"
    )
    link.set_defaults(handler=user_link)


def _add_token_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    token_parser = commands.add_parser("token", help="create, list and revoke API and feed tokens")
    token_commands = token_parser.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser("create", help="create a token; its secret is printed once")
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    create.add_argument("--unit", default=None, help="unit key or id (required for editors)")
    create.add_argument("--expires-in-days", type=int, default=None)
    create.add_argument("--feed", action="store_true", help="a calendar feed token (role reader)")
    create.set_defaults(handler=token_create)
    token_commands.add_parser("list", help="list tokens (never their secrets)").set_defaults(
        handler=token_list
    )
    revoke = token_commands.add_parser("revoke", help="revoke a token by id")
    revoke.add_argument("id", type=int)
    revoke.set_defaults(handler=token_revoke)


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.handler(args)
    sys.exit(0)
