"""`uppdrag token create|list|revoke`: API and feed tokens."""

import argparse
from datetime import timedelta

from app.access import Role
from app.auth.models import MAX_TOKEN_LIFETIME_DAYS, TokenKind
from app.cli.common import Subcommands, add_command, command_session, load_settings, positive_int


def token_create(args: argparse.Namespace) -> None:
    from app.auth.service import create_token
    from app.db import utcnow

    days = args.expires_in_days
    expires_at = utcnow() + timedelta(days=days) if days is not None else None
    kind = TokenKind.FEED if args.feed else TokenKind.API
    with command_session(load_settings()) as session:
        token, secret = create_token(
            session, name=args.name, role=Role(args.role), kind=kind, unit=args.unit, expires_at=expires_at
        )
    print(f"created {kind} token {token.id} ({token.role}); it is shown once, store it now:")
    print(secret)


def token_list(_args: argparse.Namespace) -> None:
    from app.auth.service import list_tokens

    with command_session(load_settings()) as session:
        for token in list_tokens(session):
            state = "revoked" if token.revoked_at else "active"
            print(
                f"{token.id}\t{token.name}\t{token.kind}\t{token.role}\tunit={token.unit_id}\t{state}\t"
                f"prefix={token.token_prefix}\texpires={token.expires_at}\tlast_used={token.last_used_at}"
            )


def token_revoke(args: argparse.Namespace) -> None:
    from app.auth.service import revoke_token

    with command_session(load_settings()) as session:
        revoke_token(session, args.id)
    print(f"token {args.id} revoked")


def _token_days(text: str) -> int:
    try:
        return positive_int(text, maximum=MAX_TOKEN_LIFETIME_DAYS, what="days")
    except argparse.ArgumentTypeError as error:
        raise argparse.ArgumentTypeError(f"{error}; leave it out for a token that never expires") from None


def _token_id(text: str) -> int:
    return positive_int(text, maximum=2_147_483_647, what="(a token id)")


def add_token_commands(commands: Subcommands) -> None:
    token_parser = add_command(commands, "token", "create, list and revoke API and feed tokens")
    token_commands = token_parser.add_subparsers(dest="token_command", required=True, metavar="COMMAND")
    create = add_command(token_commands, "create", "create a token; its secret is printed once")
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
    add_command(token_commands, "list", "list tokens (never their secrets)").set_defaults(handler=token_list)
    revoke = add_command(token_commands, "revoke", "revoke a token by id")
    revoke.add_argument("id", type=_token_id, help="the token's id, from `uppdrag token list`")
    revoke.set_defaults(handler=token_revoke)
