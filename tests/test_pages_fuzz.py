"""Every page of the app, fuzzed over real HTTP on both backends, as a signed-in admin's browser.

The JSON API is fuzzed from its OpenAPI document (tests/test_contract.py); the pages are not in it.
Their routes are taken from the app itself, so that a page added later is fuzzed as it is added:
every route left out of the OpenAPI document, every one documented as answering only HTML (the
dashboard) and what is mounted (the static files). Each gets hostile values (other digits, numbers
beyond any column, NUL, invalid UTF-8, 5,000 characters, markup, a path out of the tree, …), one at
a time, in each of its path parameters, in each query parameter it declares and a few it may read by
hand, and in each field of its form: the form as its page shows it (with the session's CSRF token
and the version, so that a form gets past the token check), with one field changed; an upload field
also gets broken files. A path parameter's valid values (for when another input is fuzzed) are given
by name in the test: a page with a parameter of a new name fails here until it is given one.

What must hold: never a 5xx; every 4xx a browser gets is a page in Swedish; a form that is not done
(303) writes nothing (the database compared every few refusals, and each refusal alone when a form
was done among them). Bounded: 8 to 18 values per input, one request each (some 3,000 in all, about a
minute per backend), the failures collected and said together.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import product
from typing import Any
from urllib.parse import quote, unquote_to_bytes, urljoin, urlsplit

import httpx
import pytest
from fastapi import FastAPI, params
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.routing import Mount

from app.access import Role
from app.auth.sessions import SESSION_COOKIE
from app.main import create_app
from app.settings import Settings
from tests.bad_files import zip_bomb
from tests.conftest import Backend, Clients
from tests.helpers import database_state
from tests.people import add_person, form_value, sign_in_link
from tests.uploads import DECISION, DECISION_TEXT, drafts_of, upload

pytestmark = pytest.mark.usefixtures("small_register")

ADMIN_EMAIL = "anna.admin@stockholm.se"
HTML = {"Accept": "text/html"}
SWEDISH_PAGE = '<html lang="sv"'


def _sent(*texts: str) -> tuple[str, ...]:
    """Each text as it is sent: percent-encoded UTF-8, in an address, a query and a form alike."""
    return tuple(quote(text, safe="") for text in texts)


# Then bytes no text encodes: invalid UTF-8 (a lone byte, a surrogate).
INVALID_UTF8 = ("%ff", "%ED%A0%80")
# In a form's fields: numbers in other digits, out of range, not whole; NUL; too long; invalid UTF-8.
FIELD_HOSTILE = (
    *_sent("", "²", "١٢", "-1", "0", "99999999999999999999", "1e3", "\x00", "x" * 5000),
    *INVALID_UTF8,
)
# In a page's query also text a person would not type there: markup, a path out of the tree, ÅÄÖ.
HOSTILE = (*FIELD_HOSTILE, *_sent("<script>alert(1)</script>", "../../etc/passwd", "ÅÄÖ"))
# In an address also: a dot segment, an escape that is none, an overlong slash, a word.
PATH_HOSTILE = (*HOSTILE, "%2E%2E", "%zz", "%C0%AF", "abc")
# Fewer, for what a route does not declare: query parameters a page may read by hand (its language, a
# form's notice, a feed token) or does not know, and the fields a route declares that its form does
# not send (the draft forms share one model).
FEW = (*_sent("", "²", "abc", "99999999999999999999", "\x00", "x" * 5000), *INVALID_UTF8)
# A form reads only `lang` and `visa` (a part's filter, kept after the form) of these.
EXTRA_QUERY = ("lang", "token", "klart", "antal", "uppdrag", "visa")
# Files an upload field gets besides a sound one: empty, garbage, a broken ZIP, a ZIP bomb, a sound
# file under a hostile name.
BAD_FILES = (
    ("tom.xlsx", b""),
    ("skräp.pdf", bytes(range(256)) * 8),
    ("avbruten.xlsx", b"PK\x03\x04" + bytes(200)),
    ("bomb.docx", zip_bomb()),
    ("../../etc/passwd²\u202e.txt", DECISION_TEXT),
)


# --- the page routes, from the app ------------------------------------------------------------


@dataclass(frozen=True)
class PageRoute:
    method: str
    path: str  # as declared: /uppdrag/{reference}
    query: tuple[str, ...]  # the query parameters it declares
    fields: tuple[str, ...]  # the form fields it declares
    files: tuple[str, ...]  # its file fields

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"\{(\w+)", self.path)

    def concrete(self, values: dict[str, str]) -> str:
        return re.sub(r"\{(\w+)(?::\w+)?\}", lambda match: values[match[1]], self.path)


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for dependency in dependant.dependencies:
        yield from _dependants(dependency)


def _names(fields: list[Any]) -> list[str]:
    """The names a request sends: a model's fields (a query or form model) by alias, else each's."""
    names = []
    for model_field in fields:
        annotation = model_field.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names += [info.alias or name for name, info in annotation.model_fields.items()]
        else:
            names.append(model_field.alias)
    return names


def _declared(route: Any, method: str) -> PageRoute:
    dependants = list(_dependants(route.dependant))
    query = [param for dependant in dependants for param in dependant.query_params]
    body = [param for dependant in dependants for param in dependant.body_params]
    files = [param for param in body if isinstance(param.field_info, params.File)]
    return PageRoute(
        method,
        route.path_format,
        tuple(dict.fromkeys(_names(query))),
        tuple(dict.fromkeys(_names([param for param in body if param not in files]))),
        tuple(_names(files)),
    )


def _html_only(operation: dict[str, Any]) -> bool:
    return list(operation.get("responses", {}).get("200", {}).get("content", {})) == ["text/html"]


def page_routes(app: FastAPI) -> list[PageRoute]:
    """Every route of a page: not in the OpenAPI document (or in it as HTML only), and the mounts."""
    paths = app.openapi()["paths"]
    found = []
    for route in iter_route_contexts(app.routes):
        original = route.original_route
        if isinstance(original, Mount):
            found.append(PageRoute("GET", f"{original.path}/{{path}}", (), (), ()))
        if not isinstance(original, APIRoute):
            continue
        for method in sorted(route.methods or ()):
            operation = paths.get(route.path_format, {}).get(method.lower())
            if operation is None or _html_only(operation):
                found.append(_declared(route, method))
    return found


# --- the forms a page shows -------------------------------------------------------------------


@dataclass
class PageForm:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # (name, value as shown)
    files: list[str] = field(default_factory=list)


class _FormReader(HTMLParser):
    """The forms of a page with what a browser would send from each as it is shown."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.forms: list[PageForm] = []
        self._open = False
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            action = urlsplit(urljoin(self.page_path, attributes.get("action") or self.page_path)).path
            self.forms.append(PageForm(action, (attributes.get("method") or "get").lower()))
            self._open = True
        name = attributes.get("name")
        if not self._open or not name:
            if tag == "option" and self._select is not None:
                self._options.append((attributes.get("value") or "", "selected" in attributes))
            return
        form = self.forms[-1]
        kind = (attributes.get("type") or "text").lower()
        if tag == "input" and kind == "file":
            form.files.append(name)
        elif tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in attributes:
                form.fields.append((name, attributes.get("value") or "on"))
        elif tag == "input" and kind not in ("submit", "button", "image", "reset"):
            form.fields.append((name, attributes.get("value") or ""))
        elif tag == "select":
            self._select, self._options = name, []
        elif tag == "textarea":
            self._textarea, self._text = name, ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = False
        elif tag == "select" and self._select is not None and self.forms:
            chosen = [value for value, selected in self._options if selected] or [
                value for value, _selected in self._options[:1]
            ]
            self.forms[-1].fields += [(self._select, value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self.forms:
            self.forms[-1].fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def forms_of(page_path: str, html: str) -> list[PageForm]:
    reader = _FormReader(page_path)
    reader.feed(html)
    return [form for form in reader.forms if form.method == "post"]


# --- sending ----------------------------------------------------------------------------------

Form = list[tuple[str, str]]  # (name, percent-encoded value)
Files = dict[str, tuple[str, bytes]]  # by field: (file name, content)


def _send(
    client: httpx.Client,
    method: str,
    target: str,
    form: Form | None = None,
    files: Files | None = None,
) -> httpx.Response:
    """A request for exactly this target (its escapes as they are) with the form as given:
    url-encoded as a browser sends it, or as multipart when it has files."""
    url = client.base_url.copy_with(raw_path=target.encode("ascii"))
    if form is None:
        return client.request(method, url)
    if files is None:
        body = "&".join(f"{quote(name, safe='')}={value}" for name, value in form).encode("ascii")
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return client.request(method, url, content=body, headers=headers)
    data: dict[str, list[bytes]] = {}
    for name, value in form:
        data.setdefault(name, []).append(unquote_to_bytes(value))
    return client.request(method, url, data=data, files=files)


def _encoded(fields: list[tuple[str, str]]) -> Form:
    return [(name, quote(value, safe="")) for name, value in fields]


def _with(form: Form, name: str, value: str) -> Form:
    """The form with `name` sent once, as `value`."""
    return [(other, sent) for other, sent in form if other != name] + [(name, value)]


# --- the fuzzer -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One hostile value in a form's request: in its address, its query, a field or a file field."""

    what: str
    address: tuple[tuple[str, str], ...] = ()
    query: str = ""
    field: tuple[str, str] | None = None  # (name, value as sent)
    file: tuple[str, tuple[str, bytes]] | None = None  # (field, file)


@dataclass(frozen=True)
class Baseline:
    """A form as its page shows it now (its address, its fields with what a person types, a sound
    file in each file field), or only the CSRF token when no page shows it."""

    address: dict[str, str]
    form: Form
    files: Files
    shown: bool

    def request(self, route: PageRoute, change: Change) -> tuple[str, Form, Files | None]:
        target = route.concrete(self.address | dict(change.address)) + (
            f"?{change.query}" if change.query else ""
        )
        form, files = self.form, dict(self.files)
        if change.field is not None:
            form = _with(form, *change.field)
            files.pop(change.field[0], None)
        if change.file is not None:
            files[change.file[0]] = change.file[1]
        return target, form, files or None


@dataclass
class Fuzzer:
    backend: Backend
    base_url: str
    client: httpx.Client
    session: Session
    valid: dict[str, tuple[str, ...]]  # a path parameter's valid values, by name: a page takes the
    # first, a form the first whose page shows the form (a draft accepted by one form has no more)
    typed: dict[str, dict[str, str]]  # what a person types into a form's fields, by its route's path
    valid_files: Files  # a sound file for each upload route, by its path
    failures: dict[str, None] = field(default_factory=dict)  # in the order found, each once
    state: dict[str, Any] = field(default_factory=dict)  # the database as the last form left it
    pages: dict[str, str] = field(default_factory=dict)  # a form's action: the page that shows it

    def check(self, response: httpx.Response, what: str) -> None:
        status = response.status_code
        if status >= 500:
            self.failures[f"{what}: {status} {response.text[:200]!r}"] = None
        elif status >= 400 and not (
            response.headers.get("content-type", "").startswith("text/html") and SWEDISH_PAGE in response.text
        ):
            self.failures[f"{what}: {status} is not a Swedish page: {response.text[:200]!r}"] = None

    def addresses(self, route: PageRoute) -> list[dict[str, str]]:
        """The route's path parameters with valid values, each combination."""
        for name in route.path_params:
            assert name in self.valid, f"{route.method} {route.path}: give the test a valid {name}"
        names = route.path_params
        return [
            dict(zip(names, values, strict=True)) for values in product(*(self.valid[name] for name in names))
        ]

    def find_forms(self, routes: list[PageRoute]) -> None:
        """Which page shows each form: every page at every valid address, read once."""
        for route in routes:
            if route.method == "GET":
                for address in self.addresses(route):
                    path = route.concrete(address)
                    for form in forms_of(path, self.client.get(path).text):
                        self.pages.setdefault(form.action, path)

    def sign_in_again(self) -> None:
        """After a form that signed the person out (its cookie deleted): signed in again, with a link."""
        if self.client.cookies.get(SESSION_COOKIE):
            return
        link = sign_in_link(self.backend, self.base_url, ADMIN_EMAIL)
        page = self.client.get(link)
        self.client.post(link, data={"form_token": form_value(page.text, "form_token")})
        assert self.client.cookies.get(SESSION_COOKIE)

    # a page

    def fuzz_page(self, route: PageRoute) -> None:
        [address, *_] = self.addresses(route)
        targets = [
            (f"{name}={value[:40]}", route.concrete(address | {name: value}))
            for name in route.path_params
            for value in PATH_HOSTILE
        ]
        path = route.concrete(address)
        targets += [
            (f"?{name}={value[:40]}", f"{path}?{name}={value}") for name in route.query for value in HOSTILE
        ]
        targets += [
            (f"?{name}={value[:40]}", f"{path}?{name}={value}") for name in EXTRA_QUERY for value in FEW
        ]
        for what, target in targets:
            self.check(_send(self.client, "GET", target), f"GET {route.path} {what}")

    # a form

    def baseline(self, route: PageRoute, address: dict[str, str] | None = None) -> Baseline:
        """The form at this address (else the first valid one whose page shows it now)."""
        addresses = [address] if address else self.addresses(route)
        for address in addresses:
            action = route.concrete(address)
            if action in self.pages:
                shown = forms_of(self.pages[action], self.client.get(self.pages[action]).text)
                found = next((form for form in shown if form.action == action), None)
                if found is not None:
                    return self._filled(route, address, found.fields, found.files, shown=True)
        token = form_value(self.client.get("/uppdrag").text, "csrf_token")
        return self._filled(route, addresses[0], [("csrf_token", token)], [], shown=False)

    def _filled(
        self, route: PageRoute, address: dict[str, str], fields: Form, files: list[str], *, shown: bool
    ) -> Baseline:
        typed = self.typed.get(route.path, {})
        form = _encoded([(name, typed.get(name, value)) for name, value in fields])
        sound = self.valid_files.get(route.path, ("fil.txt", b"text"))
        return Baseline(address, form, {name: sound for name in (*files, *route.files)}, shown)

    @staticmethod
    def changes(route: PageRoute, baseline: Baseline) -> list[Change]:
        """One value changed at a time: in the address (fewer values than on the pages, which read the
        same addresses), the query (its language: a form reads no other) and each field (fewer for
        those the form does not send); each bad file in each file field."""
        changes = [
            Change(f"{name}={value[:40]}", address=((name, value),))
            for name in route.path_params
            for value in FEW
        ]
        changes += [Change(f"?lang={value[:40]}", query=f"lang={value}") for value in FEW]
        sent = [name for name, _value in baseline.form] + list(baseline.files)
        for name in dict.fromkeys((*sent, *route.fields)):
            values = FIELD_HOSTILE if name in sent or not baseline.shown else FEW
            changes += [Change(f"{name}={value[:40]}", field=(name, value)) for value in values]
        changes += [
            Change(f"file {name}={filename!r}", file=(name, (filename, content)))
            for name in baseline.files
            for filename, content in BAD_FILES
        ]
        return changes

    def fuzz_form(self, route: PageRoute) -> None:
        """Each change, sent; the database compared every few refusals (and, when a form was done,
        for each refusal since the last comparison, sent again alone)."""
        baseline = self.baseline(route)
        self.state = database_state(self.session)
        unchecked: list[Change] = []
        for change in self.changes(route, baseline):
            if self.send_form(route, baseline, change):
                baseline = self.done(route, baseline)
                for refused in unchecked:
                    if self.send_form(route, baseline, refused):
                        baseline = self.done(route, baseline)
                    else:
                        self.compare(route, [refused])
                unchecked = []
                continue
            unchecked.append(change)
            if len(unchecked) == len(FIELD_HOSTILE):
                self.compare(route, unchecked)
                unchecked = []
        self.compare(route, unchecked)

    def send_form(self, route: PageRoute, baseline: Baseline, change: Change) -> bool:
        """Whether the form was done (303)."""
        target, form, files = baseline.request(route, change)
        response = _send(self.client, route.method, target, form, files)
        self.check(response, f"{route.method} {route.path} {change.what}")
        return response.status_code == 303

    def done(self, route: PageRoute, baseline: Baseline) -> Baseline:
        """After a form was done: signed in (a sign-out signs out), the database as it left it, and
        the form afresh at the same address (its version has changed; a draft accepted keeps the
        others for the other forms)."""
        self.sign_in_again()
        self.state = database_state(self.session)
        return self.baseline(route, baseline.address)

    def compare(self, route: PageRoute, refused: list[Change]) -> None:
        after = database_state(self.session)
        if refused and after != self.state:
            named = ", ".join(change.what for change in refused)
            self.failures[f"{route.method} {route.path}: refused, yet wrote to the database: {named}"] = None
        self.state = after


# --- the test ---------------------------------------------------------------------------------


@pytest.fixture
def admin(backend: Backend, clients: Clients) -> Iterator[httpx.Client]:
    add_person(backend, ADMIN_EMAIL, "Anna Admin", (Role.ADMIN, None))
    client = httpx.Client(base_url=clients.base_url, timeout=60, headers=HTML)
    link = sign_in_link(backend, clients.base_url, ADMIN_EMAIL)
    client.post(link, data={"form_token": form_value(client.get(link).text, "form_token")})
    assert client.cookies.get(SESSION_COOKIE)
    yield client
    client.close()


def test_no_page_answers_hostile_input_with_a_server_error(
    backend: Backend, clients: Clients, api: httpx.Client, admin: httpx.Client, session: Session
) -> None:
    uploaded = upload(api)
    assert uploaded.status_code == 201, uploaded.text
    document_id = uploaded.json()["id"]
    drafts = [str(draft["id"]) for draft in drafts_of(api, document_id)]
    blank_form = api.get("/api/v1/rounds/2015/T1/units/SLK", params={"format": "xlsx"})
    assert blank_form.status_code == 200, blank_form.text
    fuzzer = Fuzzer(
        backend,
        clients.base_url,
        admin,
        session,
        valid={
            "reference": ("KS-2015-001",),
            "year": ("2015",),
            "period": ("T1",),
            "unit": ("SLK",),
            "document_id": (str(document_id),),
            "draft_id": tuple(drafts),
            "secret": (sign_in_link(backend, clients.base_url, ADMIN_EMAIL).rsplit("/", 1)[1],),
            "key": ("ingen-sadan-uppladdning",),  # an upload's key lives from its dry run to its write
            "path": ("api-docs.css",),
        },
        typed={"/underlag/ladda-upp": DECISION},
        valid_files={
            "/underlag/ladda-upp": ("beslut.txt", DECISION_TEXT),
            "/rapportering/{year}/{period}/{unit}/excel": ("blankett.xlsx", blank_form.content),
        },
    )
    routes = page_routes(create_app(Settings(database_url="sqlite://")))
    fuzzer.find_forms(routes)
    for route in routes:
        if route.method == "GET":
            fuzzer.fuzz_page(route)
        else:
            fuzzer.fuzz_form(route)
    failures = list(fuzzer.failures)
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:60])
