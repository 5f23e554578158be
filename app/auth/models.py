from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

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
    role: Mapped[Role] = mapped_column(String(10))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    revoked_by_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
