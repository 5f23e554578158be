"""ETags and If-Match: a resource's ETag is its version, and a write names the version it read."""

import re
from typing import Annotated

from fastapi import Header

from app.errors import InvalidInputError
from app.inputs import MAX_DB_ID

IfMatchHeader = Annotated[
    str | None,
    Header(description='The ETag last read, e.g. "3". Required unless `version` is in the body.'),
]


def etag_for(version: int) -> str:
    return f'"{version}"'


ETAG_PATTERN = re.compile(r'(?:W/)?"?([0-9]{1,10})"?')


def expected_version(if_match: str | None, body_version: int | None) -> int | None:
    """The version the client last read: from If-Match (an ETag such as "3" or W/"3", ASCII digits
    only and within the range of a version) or the body."""
    if if_match is None:
        return body_version
    tag = ETAG_PATTERN.fullmatch(if_match.strip())
    if tag is None or int(tag[1]) > MAX_DB_ID:
        raise InvalidInputError("If-Match", 'must be the ETag of the version last read, e.g. "3"')
    return int(tag[1])
