"""Who may do what: tokens, roles, an editor's organisational scope, and the route table."""

import html
import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.access import Role
from app.auth.models import ApiToken, TokenKind
from app.auth.service import create_token, hash_token, revoke_token
from app.db import utcnow
from app.documents.models import Goal
from app.models_registry import Base
from app.webhooks.models import WebhookDelivery
from app.webhooks.vocabulary import DeliveryStatus
from tests.conftest import Backend, Clients, serve
from tests.helpers import (
    assert_problem,
    assignment_by_reference,
    current_etag,
    fill_placeholders,
    generic_path,
    patch_assignment,
    post_update,
    unit_ids,
    write_routes,
)
from tests.people import add_person, signed_in_client
from tests.test_write_validation import BAD_WRITES
from tests.uploads import PLATFORM, STRATEGY, draft_with, upload

pytestmark = pytest.mark.usefixtures("small_register")

# A filled-in round form with nothing filled in: its headings only.
EMPTY_FORM = (
    "form.csv",
    "Referens;Version;Ny status;Ny framdrift (%);Ny bedömning;Nytt trafikljus;Kommentar\r\n",
)

# One well-formed request per write route. Path parameters are filled from `RouteIds`; in the
# bodies, "{assignment_id}" and unit keys like "{KS}" likewise.
VALID_WRITES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/assignments"): {"title": "Nytt", "owner_id": "{KS}"},
    ("PATCH", "/api/v1/assignments/{assignment_id}"): {"title": "Ändrad"},
    ("DELETE", "/api/v1/assignments/{assignment_id}"): None,
    ("POST", "/api/v1/assignments/{assignment_id}/updates"): {"status": "in_progress"},
    ("POST", "/api/v1/assignments/updates:batch"): {
        "atomic": True,
        "items": [{"assignment_id": "{assignment_id}", "version": "{version}", "status": "in_progress"}],
    },
    ("POST", "/api/v1/tokens"): {"name": "x", "role": "reader"},
    ("DELETE", "/api/v1/tokens/{token_id}"): None,
    ("POST", "/api/v1/webhooks"): {"url": "http://127.0.0.1:9/hook", "event_types": ["assignment.created"]},
    ("PATCH", "/api/v1/webhooks/{subscription_id}"): {"active": False},
    ("DELETE", "/api/v1/webhooks/{subscription_id}"): None,
    ("POST", "/api/v1/webhooks/deliveries/{delivery_id}/redeliver"): None,
    ("POST", "/api/v1/reports/{year}/{period}/publish"): None,
    ("POST", "/api/v1/documents"): {"title": "Beslut", "decision_date": "2016-03-14", "decided_by": "KS"},
    ("PATCH", "/api/v1/documents/{document_id}"): {"paragraph": "§ 5"},
    ("POST", "/api/v1/assignments/{assignment_id}/links"): {"kind": "continues", "target": "KS-2015-002"},
    ("DELETE", "/api/v1/assignments/{assignment_id}/links/{link_id}"): None,
    ("POST", "/api/v1/users"): {"name": "Ny Person", "email": "ny.person@stockholm.se"},
    ("POST", "/api/v1/users/{person_id}/grants"): {"role": "editor", "unit": "SLK"},
    ("DELETE", "/api/v1/users/{person_id}/grants/{grant_id}"): None,
    ("POST", "/api/v1/users/{person_id}/sign-in-links"): None,
    ("PATCH", "/api/v1/rounds/{year}/{period}"): {"due": "2015-05-20"},
    # SLK's part of T1 2015 has every assignment confirmed; its part of T2 2015 is submitted.
    ("POST", "/api/v1/rounds/{year}/{period}/units/{unit}/confirm"): {"references": ["KS-2015-001"]},
    ("POST", "/api/v1/rounds/{year}/{period}/units/{unit}/submit"): None,
    ("POST", "/api/v1/rounds/{year}/{submitted_period}/units/{unit}/return"): {"comment": "Komplettera."},
    ("POST", "/api/v1/rounds/{year}/{submitted_period}/units/{unit}/approve"): None,
    ("POST", "/api/v1/rounds/{year}/{period}/units/{unit}/import"): {"file": EMPTY_FORM},
    ("PATCH", "/api/v1/documents/{document_id}/drafts/{draft_id}"): {"title": "Strategi"},
    ("POST", "/api/v1/documents/{document_id}/drafts/{draft_id}/accept"): None,
    ("POST", "/api/v1/documents/{document_id}/drafts/{draft_id}/reject"): {"reason": "Inget uppdrag"},
    ("POST", "/api/v1/documents/{document_id}/drafts/{draft_id}/merge"): {"other": "{other_draft_id}"},
    ("POST", "/api/v1/documents/{document_id}/drafts/{draft_id}/split"): {"at": STRATEGY.index(" ta fram")},
}


@pytest.fixture
def route_ids(api: httpx.Client, session: Session) -> dict[str, Any]:
    """Real resources for every path parameter of a write route: KS-2015-001 (owner KS, executor
    SLK), a reader token, a webhook subscription with one failed delivery, the report T1 2015, a
    person with a grant, and an uploaded document with its drafts."""
    assignment_id = assignment_by_reference(api, "KS-2015-001")["id"]
    token_id = api.post("/api/v1/tokens", json={"name": "att återkalla", "role": "reader"}).json()["id"]
    subscription_id = api.post(
        "/api/v1/webhooks",
        json={"url": "http://127.0.0.1:9/hook", "event_types": ["assignment.status_changed"]},
    ).json()["id"]
    post_update(api, assignment_id, {"comment": "ger en leverans"}).raise_for_status()
    delivery = session.scalars(select(WebhookDelivery)).one()
    delivery.status = DeliveryStatus.FAILED  # as after its last attempt, so that it may be redelivered
    session.commit()
    linked = api.post(
        f"/api/v1/assignments/{assignment_id}/links", json={"kind": "replaces", "target": "KS-2015-002"}
    )
    assert linked.status_code == 201, linked.text
    person = api.post(
        "/api/v1/users",
        json={"name": "Eva Ek", "email": "eva.ek@stockholm.se", "grants": [{"role": "reader"}]},
    )
    person.raise_for_status()
    _prepare_rounds(api)
    uploaded = upload(api)
    assert uploaded.status_code == 201, uploaded.text
    document_id = uploaded.json()["id"]
    return {
        "unit": "SLK",
        "submitted_period": "T2",
        "person_id": person.json()["id"],
        "grant_id": person.json()["grants"][0]["id"],
        **unit_ids(api),
        "assignment_id": assignment_id,
        "version": assignment_by_reference(api, "KS-2015-001")["version"],
        "token_id": token_id,
        "subscription_id": subscription_id,
        "delivery_id": delivery.id,
        "year": 2015,
        "period": "T1",
        "document_id": document_id,
        "draft_id": draft_with(api, document_id, STRATEGY)["id"],
        "other_draft_id": draft_with(api, document_id, PLATFORM)["id"],
        "link_id": linked.json()["links"][0]["id"],
    }


def _prepare_rounds(api: httpx.Client) -> None:
    """SLK's assignments confirmed in T1 and T2 2015, and its part of T2 submitted."""
    for period in ("T1", "T2"):
        confirmed = api.post(
            f"/api/v1/rounds/2015/{period}/units/SLK/confirm",
            json={"references": ["KS-2015-001", "KS-2015-002"]},
        )
        assert confirmed.status_code == 200, confirmed.text
    assert api.post("/api/v1/rounds/2015/T2/units/SLK/submit").status_code == 200


def _versioned(known_path: str, ids: dict[str, Any]) -> str | None:
    """The resource whose ETag a write to `known_path` names (None: the assignment's)."""
    if "{document_id}" in known_path:
        return f"/api/v1/documents/{ids['document_id']}"
    if known_path.startswith("/api/v1/rounds/"):
        return f"/api/v1/rounds/{ids['year']}/{ids['period']}"
    return None


def _send(
    client: httpx.Client, admin: httpx.Client, method: str, path: str, ids: dict[str, Any]
) -> httpx.Response:
    """The route's well-formed request, with the current ETag of what it writes."""
    known_path = known_write(method, path)
    url = known_path.format(**ids)
    headers = {"If-Match": current_etag(admin, ids["assignment_id"], _versioned(known_path, ids))}
    body = fill_placeholders(VALID_WRITES[(method, known_path)], ids)
    if isinstance(body, dict) and "file" in body:  # a multipart upload
        return client.request(method, url, files=body, headers=headers)
    return client.request(method, url, json=body, headers=headers)


def known_write(method: str, path: str) -> str:
    for known_method, known_path in VALID_WRITES:
        if known_method == method and generic_path(known_path) == generic_path(path):
            return known_path
    raise AssertionError(f"{method} {path} has no entry in VALID_WRITES")


def test_every_write_route_has_test_requests() -> None:
    routes = write_routes()
    assert len(routes) == len(VALID_WRITES)
    for method, path in routes:
        known_write(method, path)
    bad = {(method, generic_path(path)) for method, path, _body, _field in BAD_WRITES}
    assert not [route for route in routes if (route[0], generic_path(route[1])) not in bad]


WRITE_ROUTES = write_routes()
ROUTE_NAMES = [f"{method} {path}" for method, path in WRITE_ROUTES]


@pytest.mark.parametrize(("method", "path"), WRITE_ROUTES, ids=ROUTE_NAMES)
def test_write_route_refuses_anonymous_readers_and_out_of_scope_editors(
    api: httpx.Client, anon: httpx.Client, clients: Clients, route_ids: dict[str, Any], method: str, path: str
) -> None:
    assert_problem(_send(anon, api, method, path, route_ids), 401)
    outsider = clients.as_role(Role.EDITOR, unit="SERVICEN")
    assert_problem(_send(outsider, api, method, path, route_ids), 403)
    reader = clients.as_role(Role.READER)
    assert_problem(_send(reader, api, method, path, route_ids), 403)


@pytest.mark.parametrize(("method", "path"), WRITE_ROUTES, ids=ROUTE_NAMES)
def test_write_route_works_for_an_admin(
    api: httpx.Client, route_ids: dict[str, Any], method: str, path: str
) -> None:
    """The requests above are refused for who sent them, not for what they ask."""
    response = _send(api, api, method, path, route_ids)
    assert 200 <= response.status_code < 300, response.text


def test_anonymous_reads_nothing_by_default(anon: httpx.Client) -> None:
    response = anon.get("/api/v1/assignments")
    assert_problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert anon.get("/healthz").status_code == 200
    assert anon.get("/readyz").status_code == 200


def test_public_read_setting_opens_reads_but_not_writes(backend: Backend) -> None:
    settings = backend.settings.model_copy(update={"public_read": True})
    with serve(settings) as base_url, httpx.Client(base_url=base_url) as anon:
        assert anon.get("/api/v1/assignments").json()["total"] == 4
        assert_problem(anon.post("/api/v1/assignments", json={"title": "x", "owner_id": 1}), 401)


def test_reader_reads(clients: Clients) -> None:
    reader = clients.as_role(Role.READER)
    assert reader.get("/api/v1/assignments").json()["total"] == 4
    assert_problem(reader.get("/api/v1/tokens"), 403)


def test_editor_writes_within_its_unit_and_sub_units(api: httpx.Client, clients: Clients) -> None:
    slk_editor = clients.as_role(Role.EDITOR, unit="SLK")
    executed_by_slk = assignment_by_reference(api, "KS-2015-001")
    owned_by_sub_unit = assignment_by_reference(api, "KS-2015-003")
    assert post_update(slk_editor, executed_by_slk["id"], {"status": "in_progress"}).status_code == 201
    assert post_update(slk_editor, owned_by_sub_unit["id"], {"status": "in_progress"}).status_code == 201
    response = post_update(slk_editor, owned_by_sub_unit["id"], {"comment": "av redaktör"})
    assert response.json()["recorded_by"] == "test editor"
    servicen = assignment_by_reference(api, "KS-2015-004")
    assert_problem(post_update(slk_editor, servicen["id"], {"status": "in_progress"}), 403)


def test_editor_cannot_move_an_assignment_out_of_its_scope(api: httpx.Client, clients: Clients) -> None:
    units = unit_ids(api)
    editor = clients.as_role(Role.EDITOR, unit="SLK_PERSONAL")
    item = assignment_by_reference(api, "KS-2015-003")
    response = patch_assignment(editor, item["id"], {"owner_id": units["SERVICEN"]})
    assert_problem(response, 403)
    assert assignment_by_reference(api, "KS-2015-003")["owner"]["key"] == "SLK_PERSONAL"
    created = editor.post("/api/v1/assignments", json={"title": "Eget", "owner_id": units["SLK_PERSONAL"]})
    assert created.status_code == 201


def test_history_shows_the_token_behind_each_write(
    api: httpx.Client, clients: Clients, session: Session
) -> None:
    editor = clients.as_role(Role.EDITOR, unit="SLK")
    item = assignment_by_reference(api, "KS-2015-001")
    post_update(
        editor, item["id"], {"status": "in_progress"}, headers={"X-Actor": "Eva Ek"}
    ).raise_for_status()
    patch_assignment(api, item["id"], {"contact_person": "Eva Ek"}).raise_for_status()
    history = api.get(f"/api/v1/assignments/{item['id']}/history").json()
    tokens = {token.name: token.id for token in session.query(ApiToken)}
    update, edit = history[-2], history[-1]
    assert (update["recorded_by"], update["token_id"]) == ("Eva Ek via test editor", tokens["test editor"])
    assert (edit["recorded_by"], edit["token_id"]) == ("test admin", tokens["test admin"])
    assert history[0]["token_id"] is None  # loaded from the seed files


def test_revoked_and_expired_tokens_are_refused(clients: Clients, session: Session) -> None:
    secret = clients.token(Role.READER)
    client = clients.client(secret)
    assert client.get("/api/v1/assignments").status_code == 200
    token = session.query(ApiToken).filter_by(token_hash=hash_token(secret)).one()
    revoke_token(session, token.id)
    session.commit()
    assert_problem(client.get("/api/v1/assignments"), 401)
    expired, expired_secret = create_token(
        session, name="old", role=Role.ADMIN, expires_at=utcnow() + timedelta(days=1)
    )
    expired.expires_at = utcnow() - timedelta(seconds=1)  # a day has passed
    session.commit()
    assert_problem(clients.client(expired_secret).get("/api/v1/assignments"), 401)
    assert_problem(clients.client("upp_made-up").get("/api/v1/assignments"), 401)
    malformed = httpx.Client(base_url=clients.base_url, headers={"Authorization": "Basic abc"})
    assert_problem(malformed.get("/api/v1/assignments"), 401)
    malformed.close()


def test_token_api_shows_the_secret_once_and_revokes(api: httpx.Client, clients: Clients) -> None:
    created = api.post("/api/v1/tokens", json={"name": "intranät", "role": "editor", "unit": "SLK"})
    assert created.status_code == 201, created.text
    secret = created.json()["token"]
    assert secret.startswith("upp_")
    admin_token_id = api.get("/api/v1/tokens").json()[0]["id"]
    assert created.json()["created_by_token_id"] == admin_token_id
    listed = api.get("/api/v1/tokens").json()
    assert all("token" not in token and secret not in str(token) for token in listed)
    assert clients.client(secret).get("/api/v1/assignments").status_code == 200
    revoked = api.delete(f"/api/v1/tokens/{created.json()['id']}").json()
    assert revoked["revoked_by_token_id"] == admin_token_id
    assert_problem(clients.client(secret).get("/api/v1/assignments"), 401)
    assert_problem(api.delete(f"/api/v1/tokens/{created.json()['id']}"), 409)


def test_tokens_are_not_stored_in_plain_text_anywhere(api: httpx.Client, backend: Backend) -> None:
    secrets = [
        api.post("/api/v1/tokens", json={"name": f"t{n}", "role": "reader"}).json()["token"] for n in range(3)
    ]
    keyed = {"name": "med nyckel", "role": "reader"}
    first = api.post("/api/v1/tokens", json=keyed, headers={"Idempotency-Key": "token-1"})
    secrets.append(first.json()["token"])
    replay = api.post("/api/v1/tokens", json=keyed, headers={"Idempotency-Key": "token-1"})
    assert_problem(replay, 409)
    assert replay.headers["location"] == first.headers["location"]
    assert secrets[-1] not in replay.text
    secrets.append(
        api.post("/api/v1/tokens", json={"name": "feed", "role": "reader", "kind": "feed"}).json()["token"]
    )
    with backend.engine.connect() as connection:
        dump = "\n".join(
            repr(row) for table in Base.metadata.sorted_tables for row in connection.execute(table.select())
        )
        stored_hashes = set(connection.execute(text("SELECT token_hash FROM api_tokens")).scalars())
    for secret in secrets:
        assert secret not in dump
        assert secret[12:] not in dump
        assert hash_token(secret) in stored_hashes


def test_a_browser_reads_the_dashboard_and_reports_with_a_feed_token(
    anon: httpx.Client, clients: Clients
) -> None:
    assert_problem(anon.get("/"), 401)
    feed = clients.token(Role.READER, kind=TokenKind.FEED)
    page = anon.get("/", params={"token": feed, "lang": "en"})
    assert page.status_code == 200, page.text
    links = re.findall(r'href="(/api/v1/reports/[^"]+)"', page.text)
    assert links and all(f"token={feed}" in html.unescape(link) for link in links)
    report_page = anon.get(html.unescape(next(link for link in links if "format=html" in link)))
    assert report_page.status_code == 200
    assert "lang=en&amp;token=" in report_page.text  # its own links carry the token on
    assert_problem(anon.post("/api/v1/reports/2015/T1/publish", params={"token": feed}), 401)


# The pages a feed token opens, as a manager's browser asks for them.
FEED_PAGES = (
    "/",
    "/api/v1/reports/2015/T1?format=html",
    "/api/v1/reports/unexecuted?format=html",
    "/api/v1/rounds/2015/T1?format=html",
    "/api/v1/rounds/2015/T1/units/SLK?format=html",
)
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def _page_links(client: httpx.Client, path: str, **query: str) -> set[str]:
    """The links on a page (what its `href`s say, unescaped)."""
    separator = "&" if "?" in path else "?"
    page = client.get(f"{path}{separator}{urlencode(query)}" if query else path, headers=BROWSER)
    assert page.status_code == 200, f"{path}: {page.text[:300]}"
    return {html.unescape(link) for link in re.findall(r'href="([^"]+)"', page.text)}


def _shape(link: str) -> tuple[str, ...]:
    """What a link opens, up to the period it names: one link per route, format and language stands
    for the dashboard's links to each period (a dozen years of them, PDFs too)."""
    parts = urlsplit(link)
    query = parse_qs(parts.query)
    return (
        re.sub(r"/\d{4}/[^/]+", "/{year}/{period}", parts.path),
        *sorted(query),
        *query.get("format", []),
        *query.get("lang", []),
    )


def test_every_link_that_carries_a_feed_token_opens(anon: httpx.Client, clients: Clients) -> None:
    """A page opened with a feed token gives the token on to every link to what it opens (the
    dashboard in the menu too), and each of those links opens; it offers no JSON, which refuses a
    feed token. Links to the other pages go without the secret, to a page that says what to do."""
    feed = clients.token(Role.READER, kind=TokenKind.FEED)
    carrying: set[str] = set()
    for lang in ("sv", "en"):
        for path in FEED_PAGES:
            links = _page_links(anon, path, token=feed, lang=lang)
            assert not [link for link in links if "format=json" in link], path
            passed_on = {link for link in links if f"token={feed}" in link}
            assert any(urlsplit(link).path == "/" for link in passed_on), f"{path}: the menu drops the token"
            others = links - passed_on
            assert all(not urlsplit(link).path.startswith("/api/") for link in others), (path, others)
            carrying |= passed_on
    assert any("format=pdf" in link for link in carrying) and any("/units/" in link for link in carrying)
    for link in sorted({_shape(link): link for link in sorted(carrying)}.values()):
        assert anon.get(link, headers=BROWSER).status_code == 200, link
    page = anon.get("/uppdrag/KS-2015-001", headers=BROWSER)  # a reference on the dashboard
    assert page.status_code == 401 and "läsnyckel" in page.text


def test_pages_offer_their_json_only_to_a_caller_of_the_api(
    backend: Backend, clients: Clients, api: httpx.Client
) -> None:
    """The JSON API takes Bearer tokens only: a signed-in person's pages do not link to it."""
    add_person(backend, "eva.ek@stockholm.se", "Eva Ek", (Role.READER, None))
    person = signed_in_client(backend, clients.base_url, "eva.ek@stockholm.se")
    try:
        for path in FEED_PAGES:
            links = _page_links(person, path)
            assert not [link for link in links if "format=json" in link], path
            assert any("format=csv" in link for link in links), path
    finally:
        person.close()
    assert any("format=json" in link for link in _page_links(api, FEED_PAGES[1]))


def read_routes() -> list[str]:
    """Every path of the API that answers GET, read from the OpenAPI document."""
    from app.main import create_app
    from app.settings import Settings

    paths = create_app(Settings(database_url="sqlite://")).openapi()["paths"]
    return sorted(path for path, operations in paths.items() if "get" in operations)


# What a calendar client or a browser opens with a feed token in the URL; the probes are open to all.
FEED_TOKEN_PATHS = {"/", "/api/v1/calendar.ics", "/api/v1/reports/{year}/{period}"}
OPEN_PATHS = {"/healthz", "/readyz", "/api/v1/api-info"}
FEED_REFUSED_PATHS = [path for path in read_routes() if path not in FEED_TOKEN_PATHS | OPEN_PATHS]


@pytest.mark.parametrize("path", FEED_REFUSED_PATHS)
def test_a_feed_token_reads_nothing_of_the_json_api(
    anon: httpx.Client, clients: Clients, route_ids: dict[str, Any], session: Session, path: str
) -> None:
    """A secret in a URL leaks into logs, proxies and browser history: a feed token opens only what
    calendars and browsers open, and every other read refuses it, even where the reader role would do."""
    ids = {
        **route_ids,
        "goal_id": session.scalars(select(Goal.id)).first(),
        "unit_id": route_ids["KS"],
        "period": "T2",  # T1 2015 is the plan's first report: it has nothing to compare with
        "unit": "SLK",
    }
    feed = clients.token(Role.READER, kind=TokenKind.FEED)
    assert_problem(anon.get(path.format(**ids), params={"token": feed}), 401)
    api_token = clients.token(Role.ADMIN)
    assert anon.get(path.format(**ids), headers={"Authorization": f"Bearer {api_token}"}).status_code == 200


def test_a_feed_token_opens_the_calendar_the_dashboard_and_report_pages_and_downloads(
    anon: httpx.Client, clients: Clients
) -> None:
    feed = {"token": clients.token(Role.READER, kind=TokenKind.FEED)}
    assert anon.get("/api/v1/calendar.ics", params=feed).status_code == 200
    assert anon.get("/", params=feed).status_code == 200
    for format_ in ("html", "csv", "xlsx"):
        assert anon.get("/api/v1/reports/2015/T1", params={**feed, "format": format_}).status_code == 200
    assert_problem(anon.get("/api/v1/reports/2015/T1", params=feed), 401)  # its JSON is the API's
    assert_problem(anon.get("/api/v1/reports/2015/T1", params={**feed, "format": "json"}), 401)
