"""Building blocks of input models shared by every domain: strictness, ids, dates, required fields."""

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    Strict,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

MAX_DB_ID = 2_147_483_647  # the largest INTEGER key both databases store
MAX_SEK = 9_223_372_036_854_775_807  # BIGINT
MAX_OFFSET = MAX_DB_ID  # no list has more rows than ids; larger offsets would overflow the databases
# Dates the service reads: wide enough for any plan, narrow enough that a day more or less never
# overflows (date.max + 1 day does) and that a calendar client can show it.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)

# In a JSON body a number or a boolean must be one: `true` is not 1 and "5" is not 5 (Strict). Query
# parameters arrive as text, so their ids are read from text (QueryDbId).
DbId = Annotated[int, Strict(), Field(ge=1, le=MAX_DB_ID)]
QueryDbId = Annotated[int, Field(ge=1, le=MAX_DB_ID)]


def _each_once(ids: list[int]) -> list[int]:
    repeated = sorted({id_ for id_ in ids if ids.count(id_) > 1})
    if repeated:
        raise ValueError(f"lists {', '.join(map(str, repeated))} more than once; give each id once")
    return ids


# A set of rows by id (an assignment's partners): an id given twice is a mistake, said as one.
DistinctDbIds = Annotated[list[DbId], AfterValidator(_each_once)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="Items to skip.")]
_DAY = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _a_day(value: Any) -> Any:
    """A day written as one (2015-04-30), or a date: pydantic alone would also take a date-time at
    midnight ("2015-04-30T00:00:00") and a Unix timestamp (1430352000) as that day."""
    if isinstance(value, datetime) or not (
        isinstance(value, date) or (isinstance(value, str) and _DAY.fullmatch(value))
    ):
        raise PydanticCustomError(
            "date_parsing", "Input should be a day written as YYYY-MM-DD, such as 2015-04-30"
        )
    return value


CalendarDate = Annotated[
    date,
    BeforeValidator(_a_day),
    Field(ge=EARLIEST_DATE, le=LATEST_DATE, description=f"A day from {EARLIEST_DATE} to {LATEST_DATE}."),
]

MAX_KEY_LENGTH = 100


def parse_id(text: str) -> int | None:
    """The id (or version) a text of a form or a path names, if it names one: ASCII digits only
    (str.isdigit also takes "²", which int() does not read), from 1 to what the databases store."""
    if text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_DB_ID:
        return int(text)
    return None


def _id_or_key(value: Any) -> int | str:
    """An id (a whole number, never a boolean) or a key or reference (non-empty text)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if not 1 <= value <= MAX_DB_ID:
            raise PydanticCustomError("id_or_key", f"An id is a whole number from 1 to {MAX_DB_ID}")
        return value
    if isinstance(value, str) and 0 < len(value.strip()) <= MAX_KEY_LENGTH:
        return value.strip()
    raise PydanticCustomError(
        "id_or_key", f"Must be an id (a whole number) or a key of 1 to {MAX_KEY_LENGTH} characters"
    )


# A unit or an assignment named by its id or by its key (KS) or reference (KS-2015-012). One
# validator rather than a union, so that a wrong value is one error naming the field.
IdOrKey = Annotated[
    int | str,
    PlainValidator(_id_or_key),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": MAX_DB_ID},
                {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
            ]
        }
    ),
]

# Text that neither database can store: NUL (PostgreSQL refuses it) and lone surrogates (not UTF-8).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _contains_unstorable_text(value: Any) -> bool:
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is not None
    if isinstance(value, dict):
        return any(_contains_unstorable_text(item) for item in [*value.keys(), *value.values()])
    if isinstance(value, list | tuple):
        return any(_contains_unstorable_text(item) for item in value)
    return False


def refuse_unstorable_text(value: Any) -> Any:
    """The value, unless it holds text neither database can store: then a refusal at its field (for a
    field validator; StrictInput refuses a body holding such text as a whole)."""
    if _contains_unstorable_text(value):
        raise PydanticCustomError("unstorable_text", "must not contain NUL characters or lone surrogates")
    return value


class StrictInput(BaseModel):
    """Input models refuse unknown fields (a misspelt field is a 422, not silently ignored) and text
    that cannot be stored: NUL characters (PostgreSQL cannot store them) and lone surrogates."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: Any) -> Any:
        if _contains_unstorable_text(data):
            raise ValueError("text must not contain NUL characters or lone surrogates")
        return data


def refuse_cleared(model: BaseModel, names: Iterable[str]) -> None:
    """In a partial update, `null` may clear optional fields only: raise for the required ones."""
    for name in names:
        if name in model.model_fields_set and getattr(model, name) is None:
            raise ValueError(f"{name} cannot be null")


def field_error(field: str, message: str) -> ValidationError:
    """A model validator's refusal located at one of its fields (a ValueError raised there is located
    at the model as a whole, and its problem would name `body`)."""
    details = InitErrorDetails(type=PydanticCustomError("value_error", message), loc=(field,), input=None)
    return ValidationError.from_exception_data("input", [details])


IdPath = Annotated[int, Path(ge=1, le=MAX_DB_ID, description="A database id.")]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_DB_ID, description="A database id.")]
OffsetQuery = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.")]
