"""Problems as pages: a person's browser asking for a page gets a Swedish (or English) page that
says what happened and what to do — how to sign in, rather than a JSON 401. The JSON API (paths
under /api/, except report pages and PDFs asked for with `format=html` or `format=pdf`) keeps its
problem documents, in English.

The one place where a problem becomes a page's words: its heading and lead by type or status, the
fields it names with what is wrong with each (app/web/input_messages.py), why a sign-in was refused.
The problem's own English detail shows only on an English page, where the page has no words of its
own for it.
"""

from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError

from app.page_frame import Lang, SignedIn, signed_in_of
from app.settings import Settings
from app.web.input_messages import service_refusals, sign_in_refusal, validation_refusals
from app.web.rendering import page_lang, render_page

# Which page a problem type gets (by status where its type has none of its own).
SIGN_IN_REFUSED = "sign-in-refused"
PAGES_BY_TYPE = {
    "csrf": ("csrf_title", "csrf_lead"),
    SIGN_IN_REFUSED: ("sign_in_refused_title", None),
    "payload-too-large": ("too_large_title", "too_large_lead"),
    "pdf-too-large": ("pdf_too_large_title", "pdf_too_large_lead"),
    "identity-provider-unavailable": ("provider_unavailable_title", "provider_unavailable_lead"),
}
PAGES_BY_STATUS = {
    401: ("no_access_title", "no_access_lead"),
    403: ("forbidden_title", "forbidden_lead"),
    404: ("not_found_title", "not_found_lead"),
    405: ("not_found_title", "not_found_lead"),
    409: ("conflict_title", "conflict_lead"),
    422: ("invalid_title", "invalid_lead"),
}
# Problems whose page says all there is to say: the problem's detail adds nothing, in any language.
EXPLAINED = frozenset({401, 403, 404, 405})
NO_GRANTS = ("no_grants_title", "no_grants_lead")


def wants_page(request: Request) -> bool:
    if request.url.path.startswith("/api/") and request.query_params.get("format") not in ("html", "pdf"):
        return False
    return "text/html" in request.headers.get("accept", "")


def _page_words(status: int, problem_type: str, signed_in: SignedIn | None) -> tuple[str, str | None]:
    """The page's heading and lead: by the problem's type, else by who is asking and the status. A
    signed-in person is never asked to sign in; one without any grant is told so."""
    if problem_type in PAGES_BY_TYPE:
        return PAGES_BY_TYPE[problem_type]
    if signed_in is not None and status in (401, 403):
        return ("forbidden_title", "forbidden_lead") if signed_in.has_grants else NO_GRANTS
    return PAGES_BY_STATUS.get(status, ("error_title", "error_lead"))


def refused_fields(lang: Lang, problem: dict[str, Any], cause: Exception | None) -> list[tuple[str, str]]:
    """The fields a problem names, each with what is wrong with it in the page's language: by the
    type of pydantic's check where the problem came from one, else by the service's message."""
    if isinstance(cause, RequestValidationError):
        return validation_refusals(lang, cause.errors())
    return service_refusals(lang, problem.get("errors", []))


def _detail(lang: Lang, problem: dict[str, Any], problem_type: str, *, explained: bool) -> str | None:
    """What the page says beyond its heading, lead and fields: why a sign-in was refused; on an
    English page, the problem's own detail where the page has no words of its own for it."""
    if problem_type == SIGN_IN_REFUSED:
        return sign_in_refusal(lang, str(problem.get("cause")))
    if lang == "en" and not explained and not problem.get("errors"):
        return str(problem.get("detail", ""))
    return None


def error_page(request: Request, problem: dict[str, Any], cause: Exception | None = None) -> Response | None:
    if not wants_page(request):
        return None
    status = int(problem["status"])
    problem_type = str(problem.get("type", "")).rsplit("/", 1)[-1]
    signed_in = signed_in_of(request)
    title, lead = _page_words(status, problem_type, signed_in)
    lang = page_lang(request)
    explained = status in EXPLAINED or (problem_type in PAGES_BY_TYPE and lead is not None)
    settings: Settings = request.app.state.settings
    return render_page(
        request,
        "problem.html",
        status_code=status,
        title_key=title,
        lead_key=lead,
        status=status,
        detail=_detail(lang, problem, problem_type, explained=explained),
        fields=refused_fields(lang, problem, cause),
        sign_in=status == 401 and signed_in is None,
        provider_enabled=settings.oidc_enabled,
        overview_opens=status != 401 or settings.public_read,
    )
