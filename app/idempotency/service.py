"""Idempotency keys: claim a key before a POST runs, keep its successful response, replay it.

The claim, the request's own writes and the kept response are one transaction (the middleware's
unit of work): a claim is never committed without its response, so a retry after any crash either
finds the first response or finds no claim and runs.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import InvalidInputError
from app.idempotency.models import IdempotencyRecord

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEEP_RESPONSE_HEADERS = ("content-type", "location", "etag")


def digest(*parts: bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(hashlib.sha256(part).digest())
    return hasher.hexdigest()


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    headers: dict[str, str]
    body: bytes


def _record(session: Session, caller: str, key: str) -> IdempotencyRecord | None:
    return session.scalars(
        select(IdempotencyRecord).where(IdempotencyRecord.caller == caller, IdempotencyRecord.key == key)
    ).one_or_none()


def claim(session: Session, *, caller: str, key: str, request_hash: str) -> StoredResponse | None:
    """Claim the key for this request, or return the response of the first request that used it.

    The claim is a row in the caller's transaction. A concurrent request with the same key waits for
    that transaction to end (PostgreSQL: the unique key; SQLite: its one writer at a time), then
    replays the response committed with it, or claims the key itself when the first one failed.
    Raises 422 when the key was used with another request.
    """
    if not 1 <= len(key) <= 200:
        raise InvalidInputError(KEY_HEADER, "must be 1 to 200 characters")
    try:
        with session.begin_nested():
            session.add(IdempotencyRecord(caller=caller, key=key, request_hash=request_hash))
        return None
    except IntegrityError:
        pass  # the key is known: replay or refuse
    record = _record(session, caller, key)
    if record is None:  # purged in the meantime
        return claim(session, caller=caller, key=key, request_hash=request_hash)
    if record.request_hash != request_hash:
        raise InvalidInputError(KEY_HEADER, "was already used with a different request")
    # Committed with its response, in the transaction that claimed it (migration 0012 removed the
    # unfinished claims of earlier versions, which claimed and completed in two).
    assert record.status_code is not None and record.response_body is not None
    return StoredResponse(record.status_code, dict(record.response_headers or {}), record.response_body)


def complete(session: Session, *, caller: str, key: str, response: StoredResponse) -> None:
    """Keep a successful response for replay, in the transaction that claimed the key."""
    record = _record(session, caller, key)
    if record is not None:
        record.status_code = response.status_code
        record.response_headers = response.headers
        record.response_body = response.body


def release(session: Session, *, caller: str, key: str) -> None:
    """Forget the claim of a request that failed, so that a corrected retry may use the key."""
    session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.caller == caller, IdempotencyRecord.key == key)
    )


def purge_expired(session: Session, *, older_than: datetime) -> int:
    """Forget keys used before `older_than`; returns how many."""
    result = session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < older_than))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
