"""Identifying the caller of a request by an API token (`Authorization: Bearer …`) or a feed
token in the URL (`?token=…`); installed as `app.state.identify_caller` (see app/access.py)."""

from fastapi import Request
from sqlalchemy.orm import Session

from app.access import Principal
from app.auth.models import TokenKind
from app.auth.service import find_active_token, principal_for
from app.deps import READ_METHODS
from app.errors import UnauthorizedError

FEED_TOKEN_PARAMETER = "token"


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


def identify_caller(request: Request, session: Session) -> Principal | None:
    """The caller named by a Bearer API token or by a feed token in the URL; None if neither."""
    secret, kind = bearer_secret(request), TokenKind.API
    if secret is None:
        secret, kind = _feed_secret(request), TokenKind.FEED
    if secret is None:
        return None
    token = find_active_token(session, secret, kind=kind)
    if token is None:
        raise UnauthorizedError("The token is unknown, expired or revoked.")
    return principal_for(session, token)
