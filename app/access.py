"""Who is calling and which role a route needs: the `Principal`, the roles, and the FastAPI
dependencies every router declares its access rule with.

Every router states its rule where its routes are: a router-wide `dependencies=[READERS]` (or
`ADMINS`) and, on a route that writes, a parameter such as `actor: EditorDep`: the caller, who
must hold at least that role, as history records them. Finer rules (an editor's organisational
scope) are checked by the services, which receive the `Principal`.

This module is plumbing and knows no domain: how a caller is identified (API and feed tokens, a
person's browser session) is app/auth's business, installed as `app.state.identify_caller` by
app/main.py.

A feed token travels in the URL (`?token=…`) because calendar clients and browsers opening a link
cannot send headers. A secret in a URL leaks into logs, proxies and browser history, so a feed
token opens only what such clients open — the calendar feed, the dashboard, report pages and their
downloads (routes taking `FeedReaderDep`) — and is refused everywhere else.

A person signed in through the browser has a session cookie. The cookie opens pages only — the
page routes of app/web (`PageReaderDep`, `PageEditorDep`, whose forms carry a CSRF token) and the
pages a feed token opens — and the JSON API never sees it: a route not made for pages treats a
session's caller as anonymous. So a page of another origin cannot make the API act for the person
(cross-site request forgery), and the API stays Bearer-only.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from app.deps import READ_METHODS, SessionDep
from app.errors import ForbiddenError, UnauthorizedError
from app.settings import Settings


class Role(StrEnum):
    ADMIN = "admin"  # everything, including tokens, people and webhooks
    COORDINATOR = "coordinator"  # follows up a unit and its sub-units: returns or approves their rounds
    EDITOR = "editor"  # writes where its unit (or a sub-unit) is owner or executor
    READER = "reader"  # reads and reports


ROLE_RANK = {Role.READER: 0, Role.EDITOR: 1, Role.COORDINATOR: 2, Role.ADMIN: 3}
# Roles held for a unit (and its sub-units); a grant or token of these names its unit.
UNIT_ROLES = frozenset({Role.EDITOR, Role.COORDINATOR})


@dataclass(frozen=True)
class Principal:
    """The caller: a token's identity, a signed-in person, or an anonymous reader where reads are
    public.

    A token holds one role; a person may hold several grants (editor of one unit, coordinator of
    another). `role` is the highest role held: what a route's gate checks. `scope` is every unit
    the caller writes for as an editor, each with the units below it; `coordinated` likewise for
    coordinator grants. `from_feed_token`: the caller came with a feed token in the URL.
    `session_csrf`: the caller came with a browser session, whose forms must carry this token.
    """

    name: str
    role: Role
    token_id: int | None = None
    person_id: int | None = None
    scope: frozenset[int] = field(default_factory=frozenset)
    coordinated: frozenset[int] = field(default_factory=frozenset)
    from_feed_token: bool = False
    session_csrf: str | None = None

    @property
    def from_session(self) -> bool:
        return self.session_csrf is not None

    def may_write_for(self, *unit_ids: int | None) -> bool:
        """May write an assignment owned or executed by one of these units."""
        return self.role == Role.ADMIN or _any_in(self.scope, unit_ids)

    def may_coordinate(self, *unit_ids: int | None) -> bool:
        """Coordinates one of these units (or a unit above it)."""
        return self.role == Role.ADMIN or _any_in(self.coordinated, unit_ids)


def _any_in(units: frozenset[int], unit_ids: tuple[int | None, ...]) -> bool:
    return any(unit_id in units for unit_id in unit_ids if unit_id is not None)


# The query parameter a feed token travels in.
FEED_TOKEN_PARAMETER = "token"
ANONYMOUS_READER = Principal(name="anonymous", role=Role.READER)
# How a request names its caller (None: nobody); raises UnauthorizedError for a bad credential.
IdentifyCaller = Callable[[Request, Session], Principal | None]
# With a token name of at most 100 characters, "<person> via <token>" fits history's 200.
MAX_PERSON_LENGTH = 90
# The role each gate made by `require` asks for: how the OpenAPI document knows which routes answer
# 401 and 403 (app/openapi_contract.py).
GATES: dict[Callable[..., Principal], Role] = {}


def get_principal(request: Request, session: SessionDep) -> Principal | None:
    """The caller, as the installed identifier names them (once per request)."""
    identify: IdentifyCaller = request.app.state.identify_caller
    return identify(request, session)


def _public_reads(request: Request) -> bool:
    settings: Settings = request.app.state.settings
    return settings.public_read


def _with_person(request: Request, principal: Principal) -> Principal:
    """The caller as history records them: the token's name, with `X-Actor` (a person) when given.
    A signed-in person is recorded under their own name."""
    if principal.person_id is not None:
        return principal
    person = request.headers.get("x-actor", "").strip()[:MAX_PERSON_LENGTH]
    return dataclasses.replace(principal, name=f"{person} via {principal.name}") if person else principal


def refuse_browser_credential(principal: Principal) -> None:
    """Refuse a caller who came with a feed token or a browser session: for what only API callers
    may read (on a route that otherwise serves pages)."""
    if principal.from_feed_token or principal.from_session:
        raise UnauthorizedError(
            "A feed token or a browser session opens the calendar feed, the dashboard and report pages "
            "and downloads only; this request needs a Bearer token."
        )


def require(role: Role, *, feed_tokens: bool = False, sessions: bool = False) -> Callable[..., Principal]:
    """A dependency giving the caller if they hold at least `role`.

    Anonymous callers read where `PUBLIC_READ` is on. Feed tokens pass only where `feed_tokens`;
    a browser session counts only where `sessions` (elsewhere its caller is anonymous).
    """

    def caller(request: Request, principal: Annotated[Principal | None, Depends(get_principal)]) -> Principal:
        if principal is not None and principal.from_session and not sessions:
            principal = None
        if principal is None:
            if role == Role.READER and request.method in READ_METHODS and _public_reads(request):
                return ANONYMOUS_READER
            raise UnauthorizedError("This request needs a Bearer token.")
        if not feed_tokens and principal.from_feed_token:
            refuse_browser_credential(principal)
        if ROLE_RANK[principal.role] < ROLE_RANK[role]:
            raise ForbiddenError(f"This request needs the {role} role; the caller has {principal.role}.")
        return _with_person(request, principal)

    GATES[caller] = role
    return caller


READERS: Any = Depends(require(Role.READER))
ADMINS: Any = Depends(require(Role.ADMIN))

ReaderDep = Annotated[Principal, Depends(require(Role.READER))]
# What a browser opens by a link: a feed token in the URL or a person's session.
FeedReaderDep = Annotated[Principal, Depends(require(Role.READER, feed_tokens=True, sessions=True))]
EditorDep = Annotated[Principal, Depends(require(Role.EDITOR))]
CoordinatorDep = Annotated[Principal, Depends(require(Role.COORDINATOR))]
AdminDep = Annotated[Principal, Depends(require(Role.ADMIN))]
# The pages of app/web: a person's session (their forms check its CSRF token), or a Bearer token.
PAGE_READERS: Any = Depends(require(Role.READER, sessions=True))
PageReaderDep = Annotated[Principal, Depends(require(Role.READER, sessions=True))]
PageEditorDep = Annotated[Principal, Depends(require(Role.EDITOR, sessions=True))]
PageCoordinatorDep = Annotated[Principal, Depends(require(Role.COORDINATOR, sessions=True))]
PageAdminDep = Annotated[Principal, Depends(require(Role.ADMIN, sessions=True))]
