"""Building blocks of input models shared by every domain: strictness, ids, required fields."""

from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_DB_ID = 2_147_483_647  # the largest INTEGER key both databases store
MAX_SEK = 9_223_372_036_854_775_807  # BIGINT

DbId = Annotated[int, Field(ge=1, le=MAX_DB_ID)]


def _contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_contains_nul(item) for item in value)
    return False


class StrictInput(BaseModel):
    """Input models refuse unknown fields (a misspelt field is a 422, not silently ignored) and NUL
    characters, which PostgreSQL cannot store in text."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nul_characters(cls, data: Any) -> Any:
        if _contains_nul(data):
            raise ValueError("text must not contain NUL characters")
        return data


def refuse_cleared(model: BaseModel, names: Iterable[str]) -> None:
    """In a partial update, `null` may clear optional fields only: raise for the required ones."""
    for name in names:
        if name in model.model_fields_set and getattr(model, name) is None:
            raise ValueError(f"{name} cannot be null")


IdPath = Annotated[int, Path(ge=1, le=MAX_DB_ID, description="A database id.")]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_DB_ID, description="A database id.")]
