"""Signing in and out: the sign-in page, the OpenID Connect flow with the city's identity provider,
one-time sign-in links, and signing out. Each ends in a server-side session whose secret the
browser keeps in an HttpOnly, SameSite=Lax cookie (Secure when the page was served over https,
also behind a proxy that says so with X-Forwarded-Proto).

Access: open to everyone — these routes are how a person gets access. Their forms are protected
against forgery: signing out by the session's CSRF token, a sign-in link by a double-submit token.
"""

import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from app.access import Principal, get_principal
from app.auth.models import Person
from app.auth.people import meet_provider_person
from app.auth.provider import IdentityProvider
from app.auth.sessions import (
    SESSION_COOKIE,
    SIGN_IN_LINK_PATH,
    SignInCause,
    SignInRefusedError,
    end_session,
    remember_provider_sign_in,
    start_session,
    take_provider_sign_in,
    use_sign_in_link,
)
from app.deps import SessionDep
from app.errors import NotFoundError
from app.page_frame import CSRF_FIELD, SIGN_IN_PATH, SIGN_OUT_PATH, signed_in_of
from app.settings import Settings
from app.web.rendering import FORM_COOKIE, check_double_submit, check_form_token, page_lang, render_page

router = APIRouter(include_in_schema=False)

PROVIDER_PATH = f"{SIGN_IN_PATH}/oidc"
CALLBACK_PATH = f"{PROVIDER_PATH}/svar"
LINK_PATH = SIGN_IN_LINK_PATH
SIGN_IN_COOKIE = "uppdrag_sign_in"  # binds a sign-in under way to this browser (its state)
SIGN_IN_MINUTES = 10
# Who is signed in with this browser, for the page's header (read, never required, here).
CallerDep = Annotated[Principal | None, Depends(get_principal)]


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def local_path(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (never another site's address)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _base_url(request: Request) -> str:
    return (_settings(request).public_base_url or str(request.base_url)).rstrip("/")


def _set_cookie(
    request: Request, response: Response, name: str, value: str, *, max_age: int, path: str = "/"
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def _signed_in(request: Request, session: SessionDep, person: Person, target: str) -> RedirectResponse:
    """Start the person's session and send the browser on."""
    lifetime = timedelta(hours=_settings(request).session_absolute_hours)
    _browser_session, secret = start_session(session, person, lifetime=lifetime)
    response = RedirectResponse(local_path(target), status_code=303)
    _set_cookie(request, response, SESSION_COOKIE, secret, max_age=int(lifetime.total_seconds()))
    return response


@router.get(SIGN_IN_PATH)
def sign_in_page(
    request: Request,
    _caller: CallerDep,
    next_path: Annotated[str | None, Query(alias="next")] = None,
    signed_out: Annotated[bool, Query(alias="utloggad")] = False,
) -> Response:
    return render_page(
        request,
        "sign_in.html",
        next_path=local_path(next_path),
        signed_out=signed_out,
        provider_enabled=_settings(request).oidc_enabled,
    )


def identity_provider(request: Request) -> IdentityProvider:
    """The configured provider, kept for the app's life (its discovery document and keys with it)."""
    settings = _settings(request)
    if not settings.oidc_enabled:
        raise NotFoundError("Signing in through an identity provider is not set up.")
    provider: IdentityProvider | None = getattr(request.app.state, "identity_provider", None)
    if provider is None:
        provider = request.app.state.identity_provider = IdentityProvider(settings)
    return provider


@router.get(PROVIDER_PATH)
def start_provider_sign_in(
    request: Request, session: SessionDep, next_path: Annotated[str | None, Query(alias="next")] = None
) -> Response:
    """Send the browser to the identity provider (authorization code flow with PKCE)."""
    authorization = identity_provider(request).begin(_base_url(request) + CALLBACK_PATH)
    remember_provider_sign_in(
        session,
        state=authorization.state,
        nonce=authorization.nonce,
        code_verifier=authorization.code_verifier,
        return_to=local_path(next_path),
        valid_for=timedelta(minutes=SIGN_IN_MINUTES),
    )
    response = RedirectResponse(authorization.url, status_code=303)
    _set_cookie(
        request,
        response,
        SIGN_IN_COOKIE,
        authorization.state,
        max_age=SIGN_IN_MINUTES * 60,
        path=SIGN_IN_PATH,
    )
    return response


@router.get(CALLBACK_PATH)
def finish_provider_sign_in(
    request: Request,
    session: SessionDep,
    code: str | None = None,
    state: str | None = None,
    error: str | None = None,
) -> Response:
    """The provider sends the browser back here with a code; the state must be the one this
    browser started with."""
    provider = identity_provider(request)
    if error or not code or not state:
        raise SignInRefusedError(
            f"The identity provider did not sign you in ({error or 'no code'}).",
            cause=SignInCause.PROVIDER_REFUSED,
        )
    started = request.cookies.get(SIGN_IN_COOKIE)
    if not started or not secrets.compare_digest(started.encode(), state.encode()):  # any characters
        raise SignInRefusedError(
            "The sign-in was started in another browser or has expired; start again.",
            cause=SignInCause.EXPIRED,
        )
    pending = take_provider_sign_in(session, state)
    identity = provider.finish(
        redirect_uri=_base_url(request) + CALLBACK_PATH,
        code=code,
        code_verifier=pending.code_verifier,
        nonce=pending.nonce,
    )
    person = meet_provider_person(session, identity, group_roles=_settings(request).oidc_group_roles)
    response = _signed_in(request, session, person, pending.return_to)
    response.delete_cookie(SIGN_IN_COOKIE, path=SIGN_IN_PATH)
    return response


@router.get(LINK_PATH + "/{secret}")
def sign_in_link_page(request: Request, secret: str, _caller: CallerDep) -> Response:
    """A sign-in link shows a button: the link is used up by the person's POST, not by whatever
    fetches links ahead (mail scanners, previews)."""
    form_token = secrets.token_urlsafe(24)
    response = render_page(
        request, "sign_in_link.html", action=f"{LINK_PATH}/{secret}", form_token=form_token
    )
    _set_cookie(request, response, FORM_COOKIE, form_token, max_age=SIGN_IN_MINUTES * 60, path=LINK_PATH)
    return response


@router.post(LINK_PATH + "/{secret}")
def use_link(
    request: Request, secret: str, session: SessionDep, form_token: Annotated[str | None, Form()] = None
) -> Response:
    check_double_submit(request, form_token)
    response = _signed_in(request, session, use_sign_in_link(session, secret), "/")
    response.delete_cookie(FORM_COOKIE, path=LINK_PATH)
    return response


@router.post(SIGN_OUT_PATH)
def sign_out(
    request: Request,
    session: SessionDep,
    _caller: CallerDep,
    csrf_token: Annotated[str | None, Form(alias=CSRF_FIELD)] = None,
) -> Response:
    """End the session (needs its CSRF token: another site cannot sign a person out)."""
    secret = request.cookies.get(SESSION_COOKIE)
    if secret and signed_in_of(request) is not None:
        check_form_token(request, None, csrf_token)
        end_session(session, secret)
    language = "&lang=en" if page_lang(request) == "en" else ""
    response = RedirectResponse(f"{SIGN_IN_PATH}?utloggad=1{language}", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
