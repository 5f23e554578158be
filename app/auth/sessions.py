"""Browser sessions of signed-in people, and the one-time sign-in links that start one.

A session lives in the database (so that any worker serves it, and signing out ends it at once);
the browser holds only its secret, in an HttpOnly cookie. It ends when the person signs out, after
`SESSION_IDLE_MINUTES` unused, and `SESSION_ABSOLUTE_HOURS` after it began, whichever is first.
"""

import secrets
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.auth.models import BrowserSession, Person, ProviderSignIn, SignInLink
from app.auth.service import hash_token
from app.db import utcnow
from app.errors import ProblemError

SESSION_COOKIE = "uppdrag_session"
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


class SignInCause(StrEnum):
    """Why a sign-in was refused, in a word a page can say in Swedish (the problem's `cause`)."""

    LINK = "link"  # unknown, used already or expired
    EXPIRED = "expired"  # started in another browser, or took too long
    PROVIDER_REFUSED = "provider-refused"  # the person cancelled, or the provider said no
    PROVIDER_ANSWER = "provider-answer"  # the provider's answer cannot be accepted
    EMAIL_UNVERIFIED = "email-unverified"  # the provider has not verified the email address


class SignInRefusedError(ProblemError):
    """A sign-in link or a provider's answer that cannot sign anyone in; `cause` says why."""

    status = 400
    problem_type = "sign-in-refused"

    def __init__(self, detail: str, *, cause: SignInCause) -> None:
        super().__init__(detail, cause=cause.value)


def start_session(session: Session, person: Person, *, lifetime: timedelta) -> tuple[BrowserSession, str]:
    """A new session for the person; returns it with the cookie's secret (never stored)."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    browser_session = BrowserSession(
        person_id=person.id,
        secret_hash=hash_token(secret),
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
    )
    session.add(browser_session)
    person.last_signed_in_at = now
    session.flush()
    return browser_session, secret


def find_active_session(session: Session, secret: str, *, idle_timeout: timedelta) -> BrowserSession | None:
    """The session with this secret if it has not ended, timed out or been left idle too long;
    notes that it was used."""
    found = session.scalar(select(BrowserSession).where(BrowserSession.secret_hash == hash_token(secret)))
    now = utcnow()
    if found is None or found.ended_at is not None or found.expires_at <= now:
        return None
    if found.last_seen_at + idle_timeout <= now:
        return None
    if now - found.last_seen_at > LAST_SEEN_RESOLUTION:
        found.last_seen_at = now  # bookkeeping, written with the request's unit of work
    return found


def end_session(session: Session, secret: str) -> None:
    """Sign out: the session with this secret ends now (an unknown or ended one is left alone)."""
    found = session.scalar(select(BrowserSession).where(BrowserSession.secret_hash == hash_token(secret)))
    if found is not None and found.ended_at is None:
        found.ended_at = utcnow()


def purge_unusable(session: Session, *, idle_timeout: timedelta) -> int:
    """Forget what can sign no one in any more: sessions signed out, past their absolute timeout or
    left idle too long, sign-in links used or expired, provider sign-ins never finished. Returns how
    many. (A session is not history: what a person did is recorded under their name elsewhere.)"""
    now = utcnow()
    statements = (
        delete(BrowserSession).where(
            BrowserSession.ended_at.is_not(None)
            | (BrowserSession.expires_at <= now)
            | (BrowserSession.last_seen_at <= now - idle_timeout)
        ),
        delete(SignInLink).where(SignInLink.used_at.is_not(None) | (SignInLink.expires_at <= now)),
        delete(ProviderSignIn).where(ProviderSignIn.expires_at <= now),
    )
    purged = 0
    for statement in statements:
        purged += int(session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]
    return purged


def create_sign_in_link(session: Session, person: Person, *, valid_for: timedelta) -> str:
    """A one-time sign-in secret for the person, valid for `valid_for`; only its hash is stored."""
    secret = secrets.token_urlsafe(32)
    session.add(
        SignInLink(person_id=person.id, secret_hash=hash_token(secret), expires_at=utcnow() + valid_for)
    )
    session.flush()
    return secret


def use_sign_in_link(session: Session, secret: str) -> Person:
    """The person a sign-in link is for; the link is used up. Refused when unknown, used or expired."""
    link = session.scalar(select(SignInLink).where(SignInLink.secret_hash == hash_token(secret)))
    now = utcnow()
    if link is None or link.used_at is not None or link.expires_at <= now:
        raise SignInRefusedError(
            "The sign-in link is unknown, used already or expired; ask for a new one.", cause=SignInCause.LINK
        )
    link.used_at = now
    person = session.get(Person, link.person_id)
    assert person is not None  # a link belongs to a person (foreign key)
    return person


def remember_provider_sign_in(
    session: Session, *, state: str, nonce: str, code_verifier: str, return_to: str, valid_for: timedelta
) -> None:
    """Keep what the provider's callback must find again; forget sign-ins that were never finished."""
    now = utcnow()
    session.execute(delete(ProviderSignIn).where(ProviderSignIn.expires_at <= now))
    session.add(
        ProviderSignIn(
            state_hash=hash_token(state),
            nonce=nonce,
            code_verifier=code_verifier,
            return_to=return_to,
            expires_at=now + valid_for,
        )
    )
    session.flush()


def take_provider_sign_in(session: Session, state: str) -> ProviderSignIn:
    """The sign-in under way with this state, used up; refused when unknown or too old."""
    found = session.scalar(select(ProviderSignIn).where(ProviderSignIn.state_hash == hash_token(state)))
    if found is None or found.expires_at <= utcnow():
        raise SignInRefusedError(
            "The sign-in was not started here or took too long; start again.", cause=SignInCause.EXPIRED
        )
    session.delete(found)
    session.flush()
    return found


SIGN_IN_LINK_PATH = "/logga-in/lank"


def sign_in_url(base_url: str, secret: str) -> str:
    return f"{base_url.rstrip('/')}{SIGN_IN_LINK_PATH}/{secret}"
