"""Problems as pages: a person's browser asking for a page gets a Swedish (or English) page that
says what happened and what to do — how to sign in, rather than a JSON 401. The JSON API (paths
under /api/, except report pages and PDFs asked for with `format=html` or `format=pdf`) keeps its
problem documents."""

from typing import Any

from fastapi import Request, Response

from app.page_frame import SignedIn, signed_in_of
from app.settings import Settings
from app.web.rendering import render_page

# Which page a problem type gets (by status where its type has none of its own).
PAGES_BY_TYPE = {
    "csrf": ("csrf_title", "csrf_lead"),
    "sign-in-refused": ("sign_in_refused_title", None),
    "payload-too-large": ("too_large_title", "too_large_lead"),
    "pdf-too-large": ("pdf_too_large_title", "pdf_too_large_lead"),
}
PAGES_BY_STATUS = {
    401: ("no_access_title", "no_access_lead"),
    403: ("forbidden_title", "forbidden_lead"),
    404: ("not_found_title", "not_found_lead"),
    405: ("not_found_title", "not_found_lead"),
}
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


def error_page(request: Request, problem: dict[str, Any]) -> Response | None:
    if not wants_page(request):
        return None
    status = int(problem["status"])
    problem_type = str(problem.get("type", "")).rsplit("/", 1)[-1]
    signed_in = signed_in_of(request)
    title, lead = _page_words(status, problem_type, signed_in)
    settings: Settings = request.app.state.settings
    return render_page(
        request,
        "problem.html",
        status_code=status,
        title_key=title,
        lead_key=lead,
        status=status,
        detail=None
        if status in PAGES_BY_STATUS or (problem_type in PAGES_BY_TYPE and lead)
        else problem.get("detail"),
        errors=problem.get("errors", []),
        sign_in=status == 401 and signed_in is None,
        provider_enabled=settings.oidc_enabled,
    )
