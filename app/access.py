"""Who is calling and which role a route needs: the `Principal`, the roles, and the FastAPI
dependencies every router declares its access rule with.

Every router states its rule where its routes are: a router-wide `dependencies=[READERS]` (or
`ADMINS`) and, on a route that writes, a parameter such as `actor: EditorDep`: the caller, who
must hold at least that role, as history records them. Finer rules (an editor's organisational
scope) are checked by the services, which receive the `Principal`.

This module is plumbing and knows no domain: how a caller is identified (API and feed tokens) is
app/auth's business, installed as `app.state.identify_caller` by app/main.py.

A feed token travels in the URL (`?token=…`) because calendar clients and browsers opening a link
cannot send headers. A secret in a URL leaks into logs, proxies and browser history, so a feed
token opens only what such clients open — the calendar feed, the dashboard, report pages and their
downloads (routes taking `FeedReaderDep`) — and is refused everywhere else.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from app.deps import READ_METHODS, SessionDep
from app.errors import ForbiddenError, UnauthorizedError, problem_responses
from app.settings import Settings


class Role(StrEnum):
    ADMIN = "admin"  # everything, including tokens and webhooks
    EDITOR = "editor"  # writes where its unit (or a sub-unit) is owner or executor
    READER = "reader"  # reads and reports


ROLE_RANK = {Role.READER: 0, Role.EDITOR: 1, Role.ADMIN: 2}


@dataclass(frozen=True)
class Principal:
    """The caller: a token's identity, or an anonymous reader where reads are public.

    `scope` is an editor's unit and every unit below it; an editor may write an assignment
    when its owner or executor is in that scope. `from_feed_token`: the caller came with a feed
    token in the URL.
    """

    name: str
    role: Role
    token_id: int | None = None
    scope: frozenset[int] = field(default_factory=frozenset)
    from_feed_token: bool = False

    def may_write_for(self, *unit_ids: int | None) -> bool:
        if self.role == Role.ADMIN:
            return True
        if self.role != Role.EDITOR:
            return False
        return any(unit_id in self.scope for unit_id in unit_ids if unit_id is not None)


ANONYMOUS_READER = Principal(name="anonymous", role=Role.READER)
# How a request names its caller (None: nobody); raises UnauthorizedError for a bad credential.
IdentifyCaller = Callable[[Request, Session], Principal | None]
# With a token name of at most 100 characters, "<person> via <token>" fits history's 200.
MAX_PERSON_LENGTH = 90
# The problems any route behind a role may answer (for the OpenAPI document).
ACCESS_PROBLEMS = problem_responses(401, 403)


def get_principal(request: Request, session: SessionDep) -> Principal | None:
    """The caller, as the installed identifier names them (once per request)."""
    identify: IdentifyCaller = request.app.state.identify_caller
    return identify(request, session)


def _public_reads(request: Request) -> bool:
    settings: Settings = request.app.state.settings
    return settings.public_read


def _with_person(request: Request, principal: Principal) -> Principal:
    """The caller as history records them: the token's name, with `X-Actor` (a person) when given."""
    person = request.headers.get("x-actor", "").strip()[:MAX_PERSON_LENGTH]
    return dataclasses.replace(principal, name=f"{person} via {principal.name}") if person else principal


def refuse_feed_token(principal: Principal) -> None:
    """Refuse a caller who came with a feed token: for what only API callers may read."""
    if principal.from_feed_token:
        raise UnauthorizedError(
            "A feed token opens the calendar feed, the dashboard and report pages and downloads "
            "only; this request needs a Bearer token."
        )


def require(role: Role, *, feed_tokens: bool = False) -> Callable[..., Principal]:
    """A dependency giving the caller if they hold at least `role`.

    Anonymous callers read where `PUBLIC_READ` is on. Feed tokens pass only where `feed_tokens`.
    """

    def caller(request: Request, principal: Annotated[Principal | None, Depends(get_principal)]) -> Principal:
        if principal is None:
            if role == Role.READER and request.method in READ_METHODS and _public_reads(request):
                return ANONYMOUS_READER
            raise UnauthorizedError("This request needs a Bearer token.")
        if not feed_tokens:
            refuse_feed_token(principal)
        if ROLE_RANK[principal.role] < ROLE_RANK[role]:
            raise ForbiddenError(f"This request needs the {role} role; the token has {principal.role}.")
        return _with_person(request, principal)

    return caller


READERS: Any = Depends(require(Role.READER))
ADMINS: Any = Depends(require(Role.ADMIN))

ReaderDep = Annotated[Principal, Depends(require(Role.READER))]
FeedReaderDep = Annotated[Principal, Depends(require(Role.READER, feed_tokens=True))]
EditorDep = Annotated[Principal, Depends(require(Role.EDITOR))]
AdminDep = Annotated[Principal, Depends(require(Role.ADMIN))]
