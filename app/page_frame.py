"""The frame every page shares: the layout (`app/templates/layout.html`: header with navigation,
the signed-in person and sign-out, a skip link, visible focus, a language switch, the footer), the
Jinja2 loader that lets a package's templates extend it, and the frame's words in Swedish and
English. Plumbing: it knows no domain, so that every page — the dashboard and reports as well as
the pages of app/web — is built on it.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal, Protocol
from urllib.parse import urlencode

from fastapi import Request
from jinja2 import BaseLoader, ChoiceLoader, PackageLoader

from app.access import FEED_TOKEN_PARAMETER, Principal
from app.formats import Format

Lang = Literal["sv", "en"]


class CellWords(Protocol):
    """What a page's labels give a table cell: the page's language, the word for an empty cell
    (`t("empty")`) and a moment in the service's time zone."""

    lang: Lang

    def __call__(self, key: str, **values: object) -> str: ...

    def moment(self, instant: datetime) -> str: ...


def cell_text(t: CellWords) -> Callable[[object], str]:
    """A filter that writes a table cell as the reader expects: a dash for nothing, moments in the
    service's time zone, ISO dates, and a decimal comma in Swedish."""

    def text_of(value: object) -> str:
        if value is None or value == "":
            return t("empty")
        if isinstance(value, datetime):
            return t.moment(value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, float | Decimal):
            text = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
            return text.replace(".", ",") if t.lang == "sv" else text
        return str(value)

    return text_of


def counted_phrase(
    words: Mapping[str, str], key: str, counts: Mapping[str, str], values: Mapping[str, object]
) -> str:
    """The phrase `key` of `words` with its values, in the singular (its `_one` variant) when the value
    it counts (named by `counts[key]`) is 1: "1 av 1 enhet klar", not "1 av 1 enheter klara"."""
    if key in counts and values[counts[key]] == 1:
        key = f"{key}_one"
    return words[key].format(**values)


SIGN_IN_PATH = "/logga-in"
SIGN_OUT_PATH = "/logga-ut"
ASSIGNMENTS_PATH = "/uppdrag"
DOCUMENTS_PATH = "/underlag"
REPORTING_PATH = "/rapportering"
ACCESSIBILITY_PATH = "/tillganglighet"
CSRF_FIELD = "csrf_token"

FRAME_LABELS: dict[Lang, dict[str, str]] = {
    "sv": {
        "service": "Uppdragsuppföljning",
        "skip": "Hoppa till innehållet",
        "navigation": "Huvudmeny",
        "dashboard": "Översikt",
        "assignments": "Uppdrag",
        "documents": "Underlag",
        "reporting": "Min rapportering",
        "signed_in_as": "Inloggad som",
        "sign_in": "Logga in",
        "sign_out": "Logga ut",
        "other_language": "In English",
        "accessibility": "Tillgänglighet",
        "api": "API-dokumentation",
        "footer": "Stockholms stad · Uppdragsuppföljning",
    },
    "en": {
        "service": "Assignment follow-up",
        "skip": "Skip to content",
        "navigation": "Main menu",
        "dashboard": "Overview",
        "assignments": "Assignments",
        "documents": "Documents",
        "reporting": "My reporting",
        "signed_in_as": "Signed in as",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "other_language": "På svenska",
        "accessibility": "Accessibility",
        "api": "API documentation",
        "footer": "City of Stockholm · Assignment follow-up",
    },
}
OTHER_LANGUAGE: dict[Lang, Lang] = {"sv": "en", "en": "sv"}


@dataclass(frozen=True)
class SignedIn:
    """The person signed in with this browser: their name, the CSRF token their forms carry, and
    whether they hold any grant (a person without one is signed in but may open nothing)."""

    name: str
    csrf_token: str
    has_grants: bool


@dataclass(frozen=True)
class PageFrame:
    """A page's frame. `feed_token`: the feed token the page was opened with, which links to what it
    opens carry on (app/access.py); `opens_json`: the caller can open the JSON API (a Bearer token,
    or anyone where reads are public), which a feed token or a person's session cannot."""

    lang: Lang
    path: str
    query: tuple[tuple[str, str], ...]  # the page's query without `lang`
    signed_in: SignedIn | None
    feed_token: str | None = None
    opens_json: bool = False

    @property
    def words(self) -> dict[str, str]:
        return FRAME_LABELS[self.lang]

    def href(self, path: str, *, feed: bool = False) -> str:
        """A link to another page in this page's language. `feed`: a page a feed token opens (the
        dashboard, report and round pages and their downloads); the link carries the page's feed
        token on. Links to other pages do not: a feed token cannot open them, and a secret in a URL
        goes nowhere it is not needed."""
        carried = [("lang", "en")] if self.lang == "en" else []
        if feed and self.feed_token:
            carried.append((FEED_TOKEN_PARAMETER, self.feed_token))
        if not carried:
            return path
        return f"{path}{'&' if '?' in path else '?'}{urlencode(carried)}"

    def format_links(self, links: Mapping[Format, str]) -> dict[Format, str]:
        """A page's links to itself in other formats, those the caller can open: JSON only for a
        caller of the API (a feed token and a session get a 401 there)."""
        return {
            format_: self.href(href, feed=True)
            for format_, href in links.items()
            if format_ is not Format.JSON or self.opens_json
        }

    @property
    def other_language_href(self) -> str:
        """This page in the other language."""
        other = OTHER_LANGUAGE[self.lang]
        query = [*self.query, *([("lang", other)] if other != "sv" else [])]
        return f"{self.path}?{urlencode(query)}" if query else self.path

    @property
    def sign_in_href(self) -> str:
        """Signing in, and back here after it (without a feed token: the person's session reads it)."""
        query = [(name, value) for name, value in self.query if name != FEED_TOKEN_PARAMETER]
        here = f"{self.path}?{urlencode(query)}" if query else self.path
        return f"{SIGN_IN_PATH}?{urlencode({'next': here, **({'lang': 'en'} if self.lang == 'en' else {})})}"


def signed_in_of(request: Request) -> SignedIn | None:
    """Who is signed in with this browser (set by the caller identification, when a session is valid)."""
    signed_in: SignedIn | None = getattr(request.state, "signed_in", None)
    return signed_in


def frame_for(request: Request, lang: Lang, *, caller: Principal | None = None) -> PageFrame:
    """The frame of a page shown to `caller` (None: the pages of app/web, which show no JSON links
    and which a feed token does not open)."""
    query = tuple((name, value) for name, value in request.query_params.multi_items() if name != "lang")
    from_feed = caller is not None and caller.from_feed_token
    return PageFrame(
        lang=lang,
        path=request.url.path,
        query=query,
        signed_in=signed_in_of(request),
        feed_token=request.query_params.get(FEED_TOKEN_PARAMETER) if from_feed else None,
        opens_json=caller is not None and not from_feed and not caller.from_session,
    )


def layout_loader(package: str) -> BaseLoader:
    """The package's own templates first, then the shared layout."""
    return ChoiceLoader([PackageLoader(package, "templates"), PackageLoader("app", "templates")])
