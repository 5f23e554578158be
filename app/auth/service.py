"""API and feed tokens: creation, lookup by secret, revocation."""

import hashlib
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import UNIT_ROLES, Principal, Role
from app.auth.models import MAX_TOKEN_LIFETIME_DAYS, ApiToken, TokenKind
from app.db import get_or_404, utcnow
from app.errors import ConflictError, InvalidInputError
from app.org.service import resolve_unit_reference, unit_with_descendant_ids

TOKEN_PREFIXES = {TokenKind.API: "upp_", TokenKind.FEED: "updf_"}
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_TOKEN_NAME_LENGTH = 100


def hash_token(secret: str) -> str:
    """Tokens are long random strings, so a fast hash is enough to make the stored value useless."""
    return hashlib.sha256(secret.encode()).hexdigest()


def checked_expiry(expires_at: datetime | None) -> datetime | None:
    """A token's expiry in UTC: in the future, and at most MAX_TOKEN_LIFETIME_DAYS ahead (or None: never)."""
    if expires_at is None:
        return None
    now = utcnow()
    if expires_at > now + timedelta(days=MAX_TOKEN_LIFETIME_DAYS):  # compared before any conversion
        raise InvalidInputError(
            "expires_at",
            f"must be at most {MAX_TOKEN_LIFETIME_DAYS} days ahead; "
            "leave it out for a token that never expires",
        )
    if expires_at <= now:
        raise InvalidInputError("expires_at", "must be in the future")
    return expires_at.astimezone(UTC)


def create_token(
    session: Session,
    *,
    name: str,
    role: Role,
    kind: TokenKind = TokenKind.API,
    unit: int | str | None = None,
    expires_at: datetime | None = None,
    created_by: Principal | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is never stored and cannot be shown again."""
    if not 1 <= len(name) <= MAX_TOKEN_NAME_LENGTH:
        raise InvalidInputError("name", f"must be 1 to {MAX_TOKEN_NAME_LENGTH} characters")
    if role in UNIT_ROLES and unit is None:
        raise InvalidInputError("unit", f"{role} tokens are bound to an organisational unit")
    if kind == TokenKind.FEED and role != Role.READER:
        raise InvalidInputError("role", "a feed token can only read")
    expiry = checked_expiry(expires_at)
    unit_row = resolve_unit_reference(session, unit, field="unit") if unit is not None else None
    secret = TOKEN_PREFIXES[kind] + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        kind=kind,
        role=role,
        unit_id=unit_row.id if unit_row else None,
        token_hash=hash_token(secret),
        token_prefix=secret[:12],
        expires_at=expiry,
        created_by_token_id=created_by.token_id if created_by else None,
    )
    session.add(token)
    session.flush()
    return token, secret


def list_tokens(session: Session) -> Sequence[ApiToken]:
    return session.scalars(select(ApiToken).order_by(ApiToken.id)).all()


def get_token(session: Session, token_id: int) -> ApiToken:
    return get_or_404(session, ApiToken, token_id, "token")


def revoke_token(session: Session, token_id: int, *, revoked_by: Principal | None = None) -> ApiToken:
    token = get_token(session, token_id)
    if token.revoked_at is not None:
        raise ConflictError(f"Token {token_id} is already revoked.")
    token.revoked_at = utcnow()
    token.revoked_by_token_id = revoked_by.token_id if revoked_by else None
    return token


def find_active_token(session: Session, secret: str, *, kind: TokenKind) -> ApiToken | None:
    """The unrevoked, unexpired token of this kind with this secret; notes when it was last used."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    now = utcnow()
    if token is None or token.kind != kind or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now  # bookkeeping, written with the request's unit of work
    return token


def principal_for(session: Session, token: ApiToken) -> Principal:
    units = frozenset(unit_with_descendant_ids(session, token.unit_id)) if token.unit_id else frozenset()
    return Principal(
        name=token.name,
        role=token.role,
        token_id=token.id,
        scope=units if token.role == Role.EDITOR else frozenset(),
        coordinated=units if token.role == Role.COORDINATOR else frozenset(),
        from_feed_token=token.kind == TokenKind.FEED,
    )
