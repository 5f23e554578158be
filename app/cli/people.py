"""`uppdrag user create|list|grant|revoke|link`: people who sign in, and one-time sign-in links."""

import argparse
from datetime import timedelta
from typing import TYPE_CHECKING

from app.access import Role
from app.cli.common import Subcommands, add_command, command_session, load_settings, positive_int

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.auth.models import Person

DEFAULT_BASE_URL = "http://127.0.0.1:8000"  # `make run`'s address, where PUBLIC_BASE_URL is not set
ROLE_CHOICES = [role.value for role in Role]
UNIT_HELP = "unit key or id; required for editor and coordinator (default: no unit)"
MAX_LINK_MINUTES = 24 * 60  # a sign-in link is for now, not a standing key


def _grants_text(person: "Person", unit_keys: dict[int, str]) -> str:
    """ "editor of SLK (admin), coordinator of KS (provider)": each grant with its unit's key."""
    return (
        ", ".join(
            f"{grant.role}"
            + (f" of {unit_keys[grant.unit_id]}" if grant.unit_id else "")
            + f" ({grant.source})"
            for grant in person.grants
        )
        or "no grants"
    )


def _unit_keys(session: "Session") -> dict[int, str]:
    from app.org.service import list_units

    return {unit.id: unit.key for unit in list_units(session)}


def user_create(args: argparse.Namespace) -> None:
    from app.auth import people

    with command_session(load_settings()) as session:
        person = people.create_person(session, name=args.name, email=args.email)
        if args.role:
            people.grant_role(session, person.id, role=Role(args.role), unit=args.unit)
        grants = _grants_text(person, _unit_keys(session))
    print(f"created person {person.id} <{person.email}> {grants}")


def user_list(_args: argparse.Namespace) -> None:
    from app.auth import people

    with command_session(load_settings()) as session:
        unit_keys = _unit_keys(session)
        for person in people.list_people(session):
            signed_in = person.last_signed_in_at.isoformat() if person.last_signed_in_at else "never"
            grants = _grants_text(person, unit_keys)
            print(f"{person.id}\t{person.name}\t{person.email}\t{grants}\tlast_sign_in={signed_in}")


def user_grant(args: argparse.Namespace) -> None:
    from app.auth import people

    with command_session(load_settings()) as session:
        person = people.person_by_email(session, args.email)
        people.grant_role(session, person.id, role=Role(args.role), unit=args.unit)
        print(f"{person.email}: {_grants_text(person, _unit_keys(session))}")


def user_revoke(args: argparse.Namespace) -> None:
    from app.auth import people

    with command_session(load_settings()) as session:
        person = people.person_by_email(session, args.email)
        people.revoke_role(session, person.id, role=Role(args.role), unit=args.unit)
        print(f"{person.email}: {_grants_text(person, _unit_keys(session))}")


def user_link(args: argparse.Namespace) -> None:
    from app.auth import people
    from app.auth.sessions import create_sign_in_link, sign_in_url

    settings = load_settings()
    minutes = args.minutes or settings.sign_in_link_minutes
    with command_session(settings) as session:
        person = people.person_by_email(session, args.email)
        secret = create_sign_in_link(session, person, valid_for=timedelta(minutes=minutes))
    base = settings.public_base_url or DEFAULT_BASE_URL
    print(f"a sign-in link for {person.name} <{person.email}>, valid for {minutes} minutes and one use:")
    print(sign_in_url(base, secret))


def _link_minutes(text: str) -> int:
    return positive_int(text, maximum=MAX_LINK_MINUTES, what="minutes")


def add_user_commands(commands: Subcommands) -> None:
    user_parser = add_command(commands, "user", "people who sign in: create, list, grant, revoke, link")
    user_commands = user_parser.add_subparsers(dest="user_command", required=True, metavar="COMMAND")
    create = add_command(user_commands, "create", "add a person, with a role if given")
    create.add_argument("email", help="the person's email address")
    create.add_argument("--name", required=True, help="the person's name, as history shows it (required)")
    create.add_argument(
        "--role", choices=ROLE_CHOICES, default=None, help="a role to give at once (default: none)"
    )
    create.add_argument("--unit", default=None, help=UNIT_HELP)
    create.set_defaults(handler=user_create)
    add_command(user_commands, "list", "list people and their grants").set_defaults(handler=user_list)
    for name, handler, text in (
        ("grant", user_grant, "give a person a role"),
        ("revoke", user_revoke, "take back a role an admin gave"),
    ):
        command = add_command(user_commands, name, text)
        command.add_argument("email", help="the person's email address")
        command.add_argument("--role", required=True, choices=ROLE_CHOICES, help="the role (required)")
        command.add_argument("--unit", default=None, help=UNIT_HELP)
        command.set_defaults(handler=handler)
    link = add_command(user_commands, "link", "print a one-time sign-in link (valid for minutes)")
    link.add_argument("email", help="the person's email address")
    link.add_argument(
        "--minutes",
        type=_link_minutes,
        default=None,
        help="how long it works (default: SIGN_IN_LINK_MINUTES, 15)",
    )
    link.set_defaults(handler=user_link)
