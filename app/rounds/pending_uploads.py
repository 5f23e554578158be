"""Filled-in forms kept between a page's dry run and its write.

A person uploads the form on their part's page and sees the dry run; the page's "write" button
names the upload by a random key, and the write imports exactly the file they saw. An upload is
bound to the browser session it came in (a hash of the session's CSRF token: another session, even
the same person's, cannot use the key) and to its round and unit, is deleted once written, and
expires after `KEPT_FOR`.
"""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.errors import NotFoundError
from app.rounds.models import PendingUpload

KEPT_FOR = timedelta(hours=1)


def _binding_hash(binding: str) -> str:
    return hashlib.sha256(binding.encode()).hexdigest()


def keep_upload(
    session: Session,
    *,
    binding: str,
    person_id: int | None,
    unit_id: int,
    year: int,
    period: str,
    filename: str,
    content: bytes,
) -> str:
    """Keep a file a person saw as a dry run; its key (and forget uploads older than `KEPT_FOR`)."""
    session.execute(delete(PendingUpload).where(PendingUpload.uploaded_at < utcnow() - KEPT_FOR))
    key = secrets.token_urlsafe(24)
    session.add(
        PendingUpload(
            key=key,
            binding_hash=_binding_hash(binding),
            person_id=person_id,
            unit_id=unit_id,
            year=year,
            period=period,
            filename=filename[:200],
            content=content,
            uploaded_at=utcnow(),
        )
    )
    session.flush()
    return key


def pending_upload(
    session: Session, key: str, *, binding: str, unit_id: int, year: int, period: str
) -> PendingUpload:
    """The upload of this key, if it was made in this session for this round and unit and has not
    expired; else a 404 (upload the file again)."""
    found = session.scalar(
        select(PendingUpload).where(
            PendingUpload.key == key,
            PendingUpload.binding_hash == _binding_hash(binding),
            PendingUpload.unit_id == unit_id,
            PendingUpload.year == year,
            PendingUpload.period == period,
            PendingUpload.uploaded_at >= utcnow() - KEPT_FOR,
        )
    )
    if found is None:
        raise NotFoundError("No such upload in this session: upload the file again.")
    return found


def forget_upload(session: Session, upload: PendingUpload) -> None:
    session.delete(upload)
    session.flush()
