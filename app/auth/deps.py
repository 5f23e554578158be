"""Identifying the caller of a request by an API token (`Authorization: Bearer …`), a feed token in
the URL (`?token=…`) or a signed-in person's session cookie; installed as
`app.state.identify_caller` (see app/access.py, which decides where each of them counts)."""

from datetime import timedelta

from fastapi import Request
from sqlalchemy.orm import Session

from app.access import FEED_TOKEN_PARAMETER, Principal
from app.auth.models import TokenKind
from app.auth.people import principal_for_person
from app.auth.service import find_active_token, principal_for
from app.auth.sessions import SESSION_COOKIE, find_active_session
from app.deps import READ_METHODS
from app.errors import UnauthorizedError
from app.page_frame import SignedIn
from app.settings import Settings


def bearer_secret(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise UnauthorizedError("The Authorization header must be 'Bearer <token>'.")
    return secret.strip()


def _feed_secret(request: Request) -> str | None:
    return request.query_params.get(FEED_TOKEN_PARAMETER) if request.method in READ_METHODS else None


def _session_caller(request: Request, session: Session) -> Principal | None:
    """The person signed in with this browser, if any. Their name and the session's CSRF token are
    kept on the request for the page's header, also when they hold no grant (and so get None)."""
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        return None
    settings: Settings = request.app.state.settings
    found = find_active_session(
        session, secret, idle_timeout=timedelta(minutes=settings.session_idle_minutes)
    )
    if found is None:
        return None
    principal = principal_for_person(session, found.person, session_csrf=found.csrf_token)
    request.state.signed_in = SignedIn(
        name=found.person.name, csrf_token=found.csrf_token, has_grants=principal is not None
    )
    return principal


def identify_caller(request: Request, session: Session) -> Principal | None:
    """The caller named by a Bearer API token, a feed token in the URL or a session cookie; None if
    none of them."""
    secret, kind = bearer_secret(request), TokenKind.API
    if secret is None:
        secret, kind = _feed_secret(request), TokenKind.FEED
    if secret is None:
        return _session_caller(request, session)
    token = find_active_token(session, secret, kind=kind)
    if token is None:
        raise UnauthorizedError("The token is unknown, expired or revoked.")
    return principal_for(session, token)
