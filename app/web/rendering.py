"""Rendering the pages of app/web on the shared layout, and what every page form checks: its CSRF
token. A page's language is `?lang=` (Swedish by default)."""

import hmac
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, StrictUndefined, select_autoescape
from pydantic import BaseModel, ConfigDict, field_validator

from app.access import Principal
from app.errors import ProblemError
from app.inputs import refuse_unstorable_text
from app.page_frame import Lang, frame_for, layout_loader, signed_in_of
from app.settings import Settings
from app.web.labels import PageLabels

_environment = Environment(
    loader=layout_loader("app.web"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


class CsrfError(ProblemError):
    status = 403
    problem_type = "csrf"


def page_lang(request: Request) -> Lang:
    return "en" if request.query_params.get("lang") == "en" else "sv"


def render_page(request: Request, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page: the template with the frame, the labels (`t`) and the context. Pages are never cached:
    they show what the signed-in person may see now."""
    settings: Settings = request.app.state.settings
    lang = page_lang(request)
    body = _environment.get_template(template).render(
        frame=frame_for(request, lang), t=PageLabels(lang, settings.timezone), **context
    )
    return HTMLResponse(body, status_code, headers={"Cache-Control": "no-store"})


def _same(expected: str | None, submitted: str | None) -> bool:
    """In constant time; as bytes, since a forged token may hold any character (compare_digest
    refuses str with non-ASCII characters)."""
    if not (expected and submitted):
        return False
    return hmac.compare_digest(expected.encode(), submitted.encode())


def check_form_token(request: Request, principal: Principal | None, submitted: str | None) -> None:
    """Refuse a form of a browser session that does not carry the session's CSRF token (a request
    forged by another site cannot know it). A Bearer caller has no ambient credential to forge."""
    signed_in = signed_in_of(request)
    expected = (
        principal.session_csrf if principal is not None else (signed_in.csrf_token if signed_in else None)
    )
    if (principal is None or principal.from_session) and not _same(expected, submitted):
        raise CsrfError("The form's CSRF token is missing or wrong; reload the page and send it again.")


class FormFields(BaseModel):
    """A page's form as sent: every field text, fields it does not know ignored. Text no database
    stores (a NUL) is refused at its field before the page's models and services read it: a 422 page
    naming the field (the API's models refuse it in a body as a whole, which a form cannot show)."""

    model_config = ConfigDict(extra="ignore")

    @field_validator("*")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return refuse_unstorable_text(value)


FORM_COOKIE = "uppdrag_form"


def check_double_submit(request: Request, submitted: str | None) -> None:
    """For forms sent before anyone is signed in (a sign-in link): the form's token must equal the
    cookie set with the form, which another site can neither read nor set."""
    if not _same(request.cookies.get(FORM_COOKIE), submitted):
        raise CsrfError("The form's token is missing or wrong; open the link again.")
