"""Service configuration, read from the environment (and an optional `.env` file)."""

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from app.bundled import migrations_dir, seeds_dir

DEFAULT_SQLITE_PATH = Path("var") / "uppdrag.db"
DEFAULT_PDF_MAX_LINES = 2000  # about 150 A4 pages, laid out in some seconds (docs/reports.md)
DATABASE_URL_EXAMPLES = "sqlite:///path/to/uppdrag.db or postgresql+psycopg://user:password@host:5432/db"
# Spellings of PostgreSQL URLs that mean the one driver the service ships with (psycopg 3).
POSTGRESQL_DRIVER_NAMES = {"postgres", "postgresql", "postgresql+psycopg"}
SQLITE_DRIVER_NAMES = {"sqlite", "sqlite+pysqlite"}


def _checked_database_url(value: str) -> str:
    """A URL the service can use: SQLite, or PostgreSQL through psycopg (postgres:// and postgresql://
    are read as postgresql+psycopg://)."""
    if not value.strip():
        raise ValueError(f"empty; set it to {DATABASE_URL_EXAMPLES}")
    try:
        url = make_url(value.strip())
    except ArgumentError:
        raise ValueError(f"not a database URL; expected {DATABASE_URL_EXAMPLES}") from None
    if url.drivername in POSTGRESQL_DRIVER_NAMES:
        return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if url.drivername in SQLITE_DRIVER_NAMES:
        return value.strip()
    raise ValueError(f"unsupported database or driver {url.drivername!r}; use {DATABASE_URL_EXAMPLES}")


LogLevel = Literal["debug", "info", "warning", "error", "critical"]


def _decoded_json(value: Any) -> Any:
    """A list or object setting given as text (from the environment): its JSON value."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error.msg} at character {error.pos + 1})") from None


def _origin_list(value: Any) -> Any:
    """Origins as a JSON list (["https://a.se"]) or separated by commas (https://a.se,https://b.se)."""
    if isinstance(value, str) and not value.lstrip().startswith("["):
        return [origin.strip() for origin in value.split(",") if origin.strip()]
    return _decoded_json(value)


class GroupRole(BaseModel):
    """A group at the identity provider whose members hold a role (editor and coordinator: of a unit,
    by its key or id)."""

    model_config = ConfigDict(extra="forbid")

    group: str = Field(min_length=1)
    role: Literal["reader", "editor", "coordinator", "admin"]
    unit: str | None = None


class Settings(BaseSettings):
    """All settings are optional; the defaults give a working embedded SQLite service."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_SQLITE_PATH}",
        description="SQLAlchemy URL: an SQLite file by default (relative to the working directory), "
        "postgresql+psycopg://... in production.",
    )

    @field_validator("database_url")
    @classmethod
    def _supported_database_url(cls, value: str) -> str:
        return _checked_database_url(value)

    database_pool_size: int = Field(default=5, ge=1, description="Connections per worker (PostgreSQL).")
    timezone: str = Field(
        default="Europe/Stockholm",
        description="Time zone that decides what 'today' is for effective dates and overdue checks.",
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}; use a name such as Europe/Stockholm") from error
        return value

    seed_file: Path = Field(
        default_factory=lambda: seeds_dir() / "budget_2015_ks.yaml",
        description="The document's commitments loaded by `uppdrag seed` (default: the bundled file).",
    )
    org_units_file: Path = Field(
        default_factory=lambda: seeds_dir() / "org_units.yaml",
        description="Organisational units loaded by `uppdrag seed` (default: the bundled file).",
    )
    alembic_ini: Path = Field(
        default_factory=lambda: migrations_dir() / "alembic.ini",
        description="Alembic configuration of the migrations (default: the bundled one).",
    )
    log_level: LogLevel = Field(
        default="info", description="debug, info, warning, error or critical (in any case)."
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_in_any_case(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    public_read: bool = Field(
        default=False,
        description="Let anonymous requests read (public information under offentlighetsprincipen).",
    )
    # NoDecode: these lists are decoded by their validators, so that bad text is an error naming the
    # setting (pydantic-settings' own decoding raises SettingsError, naming no setting an operator knows).
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description='Origins allowed to call the API: https://a.se,https://b.se or ["https://a.se"].',
    )
    _origins = field_validator("cors_origins", mode="before")(_origin_list)
    max_body_bytes: int = Field(default=1_048_576, ge=1024, description="Largest request body accepted.")
    upload_max_bytes: int = Field(
        default=20 * 1024 * 1024,
        ge=1024,
        description="Largest file accepted by a document upload (multipart, POST /api/v1/documents and the "
        "upload page); such bodies may exceed MAX_BODY_BYTES by this.",
    )
    webhook_max_attempts: int = Field(default=8, ge=1, le=50, description="Tries before a delivery fails.")
    webhook_backoff_base_seconds: float = Field(
        default=10, gt=0, description="Retry delay after the n-th failure: base * 2**n, capped, with jitter."
    )
    webhook_backoff_cap_seconds: float = Field(default=3600, gt=0, description="Longest retry delay.")
    webhook_timeout_seconds: float = Field(default=10, gt=0, description="HTTP timeout of one delivery.")
    pdf_max_lines: int = Field(
        default=DEFAULT_PDF_MAX_LINES,
        ge=1,
        description="Most assignments in one PDF (a report, the list of decisions not carried out, a "
        "unit's part); a larger one is a 422 asking for filters or CSV/XLSX.",
    )
    due_soon_days: int = Field(default=14, ge=0, description="Days before the latest deadline for due_soon.")
    idempotency_retention_hours: float = Field(
        default=24, gt=0, description="How long an Idempotency-Key is remembered."
    )
    worker_poll_seconds: float = Field(default=5, gt=0, description="Pause between `uppdrag worker` rounds.")

    # --- people signing in (docs/sign-in.md) ---
    public_base_url: str | None = Field(
        default=None,
        description="Where people reach the service, e.g. https://uppdrag.stockholm.se: the base of the "
        "OpenID Connect redirect address and of sign-in links (default: the address of the request; for "
        "`uppdrag user link`, http://127.0.0.1:8000).",
    )
    oidc_issuer: str | None = Field(
        default=None, description="The identity provider (OpenID Connect issuer)."
    )
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_scopes: str = Field(default="openid profile email", description="Scopes asked for at sign-in.")
    oidc_groups_claim: str = Field(default="groups", description="The claim that carries a person's groups.")
    oidc_group_roles: Annotated[list[GroupRole], NoDecode] = Field(
        default_factory=list,
        description='Roles from groups, e.g. [{"group": "uppdrag-slk", "role": "editor", "unit": "SLK"}]; '
        "applied at every sign-in through the provider.",
    )
    _group_roles = field_validator("oidc_group_roles", mode="before")(_decoded_json)
    session_idle_minutes: int = Field(default=60, ge=1, description="A session ends after this long unused.")
    session_absolute_hours: float = Field(
        default=10, gt=0, description="A session ends this long after sign-in."
    )
    sign_in_link_minutes: int = Field(default=15, ge=1, le=1440, description="How long a sign-in link works.")

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)


@lru_cache
def get_settings() -> Settings:
    return Settings()
