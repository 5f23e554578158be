from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.access import Role
from app.db import Base, UTCDateTime, utcnow


class TokenKind(StrEnum):
    API = "api"  # sent as `Authorization: Bearer …`
    FEED = "feed"  # only for the calendar feed, in the URL (calendar clients cannot send headers)


# The longest a token may live when it expires at all (a token may also never expire).
MAX_TOKEN_LIFETIME_DAYS = 3650


class ApiToken(Base):
    """An API or feed token. Only a SHA-256 hash of the secret is stored; the secret is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[TokenKind] = mapped_column(String(10), default=TokenKind.API)
    role: Mapped[Role] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    revoked_by_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))


class GrantSource(StrEnum):
    ADMIN = "admin"  # given by an admin (command line or API)
    PROVIDER = "provider"  # mapped from the person's groups at the identity provider, at each sign-in


class Person(Base):
    """Someone who signs in: by OpenID Connect (issuer and subject) or by a one-time link (email)."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)  # stored lower-case
    issuer: Mapped[str | None] = mapped_column(String(500))
    subject: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    grants: Mapped[list["PersonGrant"]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="PersonGrant.id"
    )


class PersonGrant(Base):
    """A role a person holds, for a unit (and its sub-units) where the role is an editor's or a
    coordinator's."""

    __tablename__ = "person_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    source: Mapped[GrantSource] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BrowserSession(Base):
    """A signed-in browser. Only a hash of the cookie's secret is stored; `csrf_token` is what the
    session's forms must send back."""

    __tablename__ = "browser_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the absolute timeout
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # signed out

    person: Mapped[Person] = relationship(lazy="joined")


class SignInLink(Base):
    """A one-time sign-in link made by an admin (`uppdrag user link`): valid for minutes, used once."""

    __tablename__ = "sign_in_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ProviderSignIn(Base):
    """A sign-in under way at the identity provider: what the callback must find again (the state,
    bound to the browser by a cookie), the nonce the ID token must carry, and the PKCE verifier."""

    __tablename__ = "provider_sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    state_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(100))
    code_verifier: Mapped[str] = mapped_column(String(128))
    return_to: Mapped[str] = mapped_column(String(500))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
