"""Authentication and role checks as FastAPI dependencies.

Routers are included with `Depends(access(...))`, which decides by HTTP method which role a request
needs; routes that record who wrote take `ActorDep`. Finer rules (an editor's organisational scope)
are checked by the services, which receive the `Principal`.
"""

import dataclasses
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from app.auth.models import Role, TokenKind
from app.auth.principal import ANONYMOUS_READER, Principal
from app.auth.service import find_active_token, principal_for
from app.deps import SessionDep
from app.errors import ForbiddenError, UnauthorizedError
from app.settings import Settings

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ROLE_RANK = {Role.READER: 0, Role.EDITOR: 1, Role.ADMIN: 2}
# With a token name of at most 100 characters, "<person> via <token>" fits history's 200.
MAX_PERSON_LENGTH = 90


def bearer_secret(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise UnauthorizedError("The Authorization header must be 'Bearer <token>'.")
    return secret.strip()


FEED_TOKEN_PARAMETER = "token"


def get_principal(request: Request, session: SessionDep) -> Principal | None:
    """The caller named by a Bearer API token or, for reads, by a feed token in the URL
    (`?token=…`, for calendar clients and browsers, which cannot send headers); None if neither."""
    secret = bearer_secret(request)
    kind = TokenKind.API
    if secret is None and request.method in READ_METHODS:
        secret, kind = request.query_params.get(FEED_TOKEN_PARAMETER), TokenKind.FEED
    if secret is None:
        return None
    token = find_active_token(session, secret, kind)
    if token is None:
        raise UnauthorizedError("The token is unknown, expired or revoked.")
    return principal_for(session, token)


OptionalPrincipalDep = Annotated[Principal | None, Depends(get_principal)]


def _public_reads(request: Request) -> bool:
    settings: Settings = request.app.state.settings
    return settings.public_read


def access(*, read: Role = Role.READER, write: Role = Role.EDITOR) -> Callable[..., Principal]:
    """A dependency demanding role `read` for safe methods and `write` for the others."""

    def check(request: Request, principal: OptionalPrincipalDep) -> Principal:
        needed = read if request.method in READ_METHODS else write
        if principal is None:
            if needed == Role.READER and request.method in READ_METHODS and _public_reads(request):
                return ANONYMOUS_READER
            raise UnauthorizedError("This request needs a Bearer token.")
        if ROLE_RANK[principal.role] < ROLE_RANK[needed]:
            raise ForbiddenError(f"This request needs the {needed} role; the token has {principal.role}.")
        return principal

    return check


def get_actor(request: Request, principal: OptionalPrincipalDep) -> Principal:
    """The writer as recorded in history: the token's name, with `X-Actor` (a person) when given."""
    if principal is None:
        raise UnauthorizedError("This request needs a Bearer token.")
    person = request.headers.get("x-actor", "").strip()[:MAX_PERSON_LENGTH]
    return dataclasses.replace(principal, name=f"{person} via {principal.name}") if person else principal


ActorDep = Annotated[Principal, Depends(get_actor)]
