"""Service configuration, read from the environment (and an optional `.env` file)."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_PATH = Path("var") / "uppdrag.db"


class Settings(BaseSettings):
    """All settings are optional; the defaults give a working embedded SQLite service."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_SQLITE_PATH}",
        description="SQLAlchemy URL: an SQLite file by default, postgresql+psycopg://... in production.",
    )
    database_pool_size: int = Field(default=5, ge=1, description="Connections per worker (PostgreSQL).")
    timezone: str = Field(
        default="Europe/Stockholm",
        description="Time zone that decides what 'today' is for effective dates and overdue checks.",
    )
    seed_file: Path = Field(
        default=Path("seeds") / "budget_2015_ks.yaml",
        description="Seed data loaded by `uppdrag seed`.",
    )
    org_units_file: Path = Field(default=Path("seeds") / "org_units.yaml")
    alembic_ini: Path = Field(default=Path("alembic.ini"), description="Alembic configuration (migrations).")
    log_level: str = "info"


@lru_cache
def get_settings() -> Settings:
    return Settings()
