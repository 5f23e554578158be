"""ETags and If-Match: a resource's ETag is its version, and a write names the version it read."""

from typing import Annotated

from fastapi import Header

from app.errors import InvalidInputError

IfMatchHeader = Annotated[
    str | None,
    Header(description='The ETag last read, e.g. "3". Required unless `version` is in the body.'),
]


def etag_for(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None, body_version: int | None) -> int | None:
    """The version the client last read: from If-Match (an ETag such as "3" or W/"3") or the body."""
    if if_match is None:
        return body_version
    tag = if_match.strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        raise InvalidInputError("If-Match", 'must be the ETag of the version last read, e.g. "3"')
    return int(tag)
