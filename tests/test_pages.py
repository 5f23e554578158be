"""People, sessions and pages over real HTTP on both backends: the people API and command, the
status rule, sessions (cookies, CSRF, timeouts, sign-out), what a browser and the JSON API get
when they lack access, the status form's messages, and today's page defects."""

import re
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.access import Role
from app.auth.models import BrowserSession, SignInLink
from app.auth.sessions import SESSION_COOKIE
from app.cli import main as uppdrag
from app.db import utcnow
from app.settings import get_settings
from tests.conftest import Backend, Clients
from tests.helpers import assert_problem, assignment_by_reference, current_etag, database_state, post_update
from tests.people import add_person, form_value, sign_in_link, signed_in_client

pytestmark = pytest.mark.usefixtures("small_register")

HTML = {"Accept": "text/html"}


@pytest.fixture
def eva(backend: Backend, clients: Clients) -> Iterator[httpx.Client]:
    """Eva Ek, editor of SLK (and its sub-units), coordinator of KS, signed in with a link."""
    add_person(backend, "eva.ek@stockholm.se", "Eva Ek", (Role.EDITOR, "SLK"), (Role.COORDINATOR, "KS"))
    client = signed_in_client(backend, clients.base_url, "eva.ek@stockholm.se")
    yield client
    client.close()


# --- the status rule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "completed", "progress": 10}, "progress"),
        ({"status": "in_progress", "progress": 100}, "status"),
        ({"progress": 100}, "status"),  # the status it has (not started) does not say completed
    ],
)
def test_the_status_rule_refuses_what_contradicts_itself(
    api: httpx.Client, session: Session, body: dict[str, object], field: str
) -> None:
    item = assignment_by_reference(api, "KS-2015-001")
    before = database_state(session)
    assert_problem(post_update(api, item["id"], body), 422, field)
    batch = api.post(
        "/api/v1/assignments/updates:batch",
        json={"items": [{"assignment_id": item["id"], "version": item["version"], **body}]},
    )
    assert batch.status_code == 200 and batch.json()["results"][0]["status"] == 422
    assert database_state(session) == before


def test_completed_means_a_hundred_percent(api: httpx.Client) -> None:
    item = assignment_by_reference(api, "KS-2015-001")
    assert post_update(api, item["id"], {"status": "completed"}).json()["progress"] == 100
    assert_problem(post_update(api, item["id"], {"status": "in_progress"}), 422, "status")  # still 100 %
    reopened = post_update(api, item["id"], {"status": "in_progress", "progress": 80})
    assert (reopened.status_code, reopened.json()["progress"]) == (201, 80)
    cancelled = post_update(api, item["id"], {"status": "cancelled", "reason": "Flyttat"})
    assert cancelled.status_code == 201  # closed and cancelled keep the progress reached


# --- people -----------------------------------------------------------------------------------


def test_people_api_creates_grants_and_revokes(api: httpx.Client, clients: Clients) -> None:
    created = api.post(
        "/api/v1/users",
        json={
            "name": "Anna  Andersson",
            "email": "Anna.Andersson@Stockholm.se",
            "grants": [{"role": "reader"}],
        },
    )
    assert created.status_code == 201, created.text
    person = created.json()
    assert (person["name"], person["email"]) == ("Anna Andersson", "anna.andersson@stockholm.se")
    assert_problem(api.post("/api/v1/users", json={"name": "X", "email": "anna.andersson@stockholm.se"}), 409)
    granted = api.post(f"/api/v1/users/{person['id']}/grants", json={"role": "coordinator", "unit": "KS"})
    assert {grant["role"] for grant in granted.json()["grants"]} == {"reader", "coordinator"}
    assert_problem(
        api.post(f"/api/v1/users/{person['id']}/grants", json={"role": "admin", "unit": "KS"}), 422, "unit"
    )
    reader_grant = granted.json()["grants"][0]["id"]
    revoked = api.delete(f"/api/v1/users/{person['id']}/grants/{reader_grant}")
    assert [grant["role"] for grant in revoked.json()["grants"]] == ["coordinator"]
    link = api.post(f"/api/v1/users/{person['id']}/sign-in-links", json={"minutes": 5})
    assert link.status_code == 201 and "/logga-in/lank/" in link.json()["url"]
    assert_problem(clients.as_role(Role.EDITOR, unit="SLK").get("/api/v1/users"), 403)


def test_user_command(
    backend: Backend, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", backend.settings.database_url)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://uppdrag.example.se")
    from app.settings import get_settings

    get_settings.cache_clear()
    try:
        for argv in (
            [
                "user",
                "create",
                "bo.berg@stockholm.se",
                "--name",
                "Bo Berg",
                "--role",
                "editor",
                "--unit",
                "SLK",
            ],
            ["user", "grant", "bo.berg@stockholm.se", "--role", "coordinator", "--unit", "KS"],
            ["user", "revoke", "bo.berg@stockholm.se", "--role", "editor"],
            ["user", "list"],
            ["user", "link", "bo.berg@stockholm.se", "--minutes", "3"],
        ):
            with pytest.raises(SystemExit) as done:
                uppdrag(argv)
            assert done.value.code == 0, argv
        printed = capsys.readouterr().out
        assert "created person" in printed and "editor of SLK (admin)" in printed  # units by their key
        assert "Bo Berg\tbo.berg@stockholm.se\tcoordinator of KS (admin)\t" in printed
        assert "editor of" not in printed.split("Bo Berg\t")[1]
        assert re.search(
            r"valid for 3 minutes and one use:\nhttps://uppdrag\.example\.se/logga-in/lank/\S+\n", printed
        )
        with pytest.raises(SystemExit) as refused:
            uppdrag(["user", "grant", "nobody@stockholm.se", "--role", "reader"])
        assert refused.value.code == 1
        assert capsys.readouterr().err == "uppdrag: No person with email nobody@stockholm.se.\n"
    finally:
        get_settings.cache_clear()


def test_a_coordinator_token_needs_a_unit(api: httpx.Client) -> None:
    assert_problem(api.post("/api/v1/tokens", json={"name": "x", "role": "coordinator"}), 422, "unit")
    created = api.post("/api/v1/tokens", json={"name": "samordnare", "role": "coordinator", "unit": "KS"})
    assert created.status_code == 201 and created.json()["role"] == "coordinator"


# --- sessions ---------------------------------------------------------------------------------


def test_a_sign_in_link_works_once_and_the_cookie_is_guarded(backend: Backend, clients: Clients) -> None:
    add_person(backend, "eva.ek@stockholm.se", "Eva Ek", (Role.READER, None))
    link = sign_in_link(backend, clients.base_url, "eva.ek@stockholm.se")
    with httpx.Client(timeout=30, headers=HTML) as browser:
        page = browser.get(link)
        assert "Logga in med länk" in page.text
        assert_problem_page(
            browser.post(link, data={"form_token": "gissat"}), 403, "Formuläret kunde inte skickas"
        )
        used = browser.post(
            link,
            data={"form_token": form_value(page.text, "form_token")},
            headers={"X-Forwarded-Proto": "https"},
        )
        cookie = used.headers["set-cookie"]
        assert used.status_code == 303 and cookie.startswith(f"{SESSION_COOKIE}=")
        assert all(flag in cookie.lower() for flag in ("httponly", "samesite=lax", "secure", "path=/"))
        page = browser.get(link)
        again = browser.post(link, data={"form_token": form_value(page.text, "form_token")})
        refused = assert_problem_page(again, 400, "Inloggningen misslyckades")
        assert "Inloggningslänken är okänd, redan använd eller för gammal." in refused
        assert "used already" not in refused  # the API's English stays in the problem document


def test_an_expired_link_is_refused(backend: Backend, clients: Clients) -> None:
    add_person(backend, "eva.ek@stockholm.se", "Eva Ek", (Role.READER, None))
    link = sign_in_link(backend, clients.base_url, "eva.ek@stockholm.se", minutes=-1)
    with httpx.Client(timeout=30, headers=HTML) as browser:
        page = browser.get(link)
        assert_problem_page(
            browser.post(link, data={"form_token": form_value(page.text, "form_token")}),
            400,
            "Inloggningen misslyckades",
        )


def assert_problem_page(response: httpx.Response, status: int, heading: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert f"<h1>{heading}</h1>" in response.text
    assert '<html lang="sv">' in response.text
    return response.text


def test_a_session_opens_pages_and_ends_idle_absolute_and_signed_out(
    backend: Backend, eva: httpx.Client, session: Session
) -> None:
    assert "Inloggad som <strong>Eva Ek</strong>" in eva.get("/uppdrag").text
    assert "Inloggad som <strong>Eva Ek</strong>" in eva.get("/").text
    session.execute(update(BrowserSession).values(last_seen_at=utcnow() - timedelta(minutes=61)))
    session.commit()
    assert_problem_page(eva.get("/uppdrag"), 401, "Logga in för att fortsätta")


def test_the_absolute_timeout_and_sign_out(backend: Backend, clients: Clients, session: Session) -> None:
    add_person(backend, "eva.ek@stockholm.se", "Eva Ek", (Role.READER, None))
    first, second = (signed_in_client(backend, clients.base_url, "eva.ek@stockholm.se") for _ in range(2))
    oldest = session.scalars(select(BrowserSession).order_by(BrowserSession.id)).first()
    assert oldest is not None
    oldest.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert_problem_page(first.get("/uppdrag"), 401, "Logga in för att fortsätta")
    page = second.get("/uppdrag")
    assert_problem_page(second.post("/logga-ut", data={}), 403, "Formuläret kunde inte skickas")
    signed_out = second.post("/logga-ut", data={"csrf_token": form_value(page.text, "csrf_token")})
    assert signed_out.status_code == 303 and signed_out.headers["location"] == "/logga-in?utloggad=1"
    assert "Du är utloggad." in second.get("/logga-in?utloggad=1").text
    assert_problem_page(second.get("/uppdrag"), 401, "Logga in för att fortsätta")


def test_the_worker_forgets_sessions_and_links_that_can_sign_no_one_in(
    backend: Backend, clients: Clients, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signed out, past the absolute timeout, idle too long; links used or expired: deleted by the
    worker's round. A session in use and a link not yet used stay."""
    add_person(backend, "eva.ek@stockholm.se", "Eva Ek", (Role.READER, None))
    signed_out, timed_out, idle, active = (
        signed_in_client(backend, clients.base_url, "eva.ek@stockholm.se") for _ in range(4)
    )
    page = signed_out.get("/uppdrag")
    assert signed_out.post("/logga-ut", data={"csrf_token": form_value(page.text, "csrf_token")}).is_redirect
    sessions = session.scalars(select(BrowserSession).order_by(BrowserSession.id)).all()
    sessions[1].expires_at = utcnow() - timedelta(seconds=1)
    sessions[2].last_seen_at = utcnow() - timedelta(minutes=61)
    session.commit()
    sign_in_link(backend, clients.base_url, "eva.ek@stockholm.se", minutes=-1)  # expired
    sign_in_link(backend, clients.base_url, "eva.ek@stockholm.se")  # still valid
    assert session.scalar(select(func.count()).select_from(SignInLink)) == 6  # four used
    monkeypatch.setenv("DATABASE_URL", backend.settings.database_url)
    get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit):  # the command's end; what the round did is asserted below
            uppdrag(["worker", "--once"])
    finally:
        get_settings.cache_clear()
    session.expire_all()
    assert session.scalars(select(BrowserSession.id)).all() == [sessions[3].id]
    [kept] = session.scalars(select(SignInLink)).all()
    assert kept.used_at is None and kept.expires_at > utcnow()
    assert "Eva Ek" in active.get("/uppdrag").text
    for client in (signed_out, timed_out, idle, active):
        client.close()


def test_the_json_api_does_not_accept_a_session(
    eva: httpx.Client, api: httpx.Client, session: Session
) -> None:
    """A session cookie does not open the API: another site's script cannot use it (CSRF)."""
    item = assignment_by_reference(api, "KS-2015-001")
    before = database_state(session)
    assert_problem(eva.get("/api/v1/assignments", headers={"Accept": "application/json"}), 401)
    write = eva.post(
        f"/api/v1/assignments/{item['id']}/updates",
        json={"status": "in_progress"},
        headers={"If-Match": current_etag(api, item["id"]), "Accept": "application/json"},
    )
    assert_problem(write, 401)
    assert eva.get("/api/v1/reports/2015/T1?format=html").status_code == 200  # a report page is a page
    assert_problem(eva.get("/api/v1/reports/2015/T1", headers={"Accept": "application/json"}), 401)
    assert database_state(session) == before


# --- pages for those without access -----------------------------------------------------------


def test_a_browser_without_access_gets_a_swedish_page_and_the_api_problem_json(anon: httpx.Client) -> None:
    page = assert_problem_page(
        anon.get("/uppdrag/KS-2015-001", headers=HTML), 401, "Logga in för att fortsätta"
    )
    assert "be en administratör om en inloggningslänk." in page and "Logga in</a>" in page
    assert "uppdrag user link" not in page  # an operator's command, not a visitor's
    assert 'id="to-overview"' not in page  # the overview would refuse the visitor too
    assert '<h2 id="sign-in-options">Så loggar du in</h2>' in page
    english = anon.get("/uppdrag?lang=en", headers=HTML)
    assert english.status_code == 401 and "<h1>Sign in to continue</h1>" in english.text
    assert_problem(anon.get("/api/v1/assignments", headers=HTML), 401)
    assert_problem(anon.get("/uppdrag"), 401)  # no HTML asked for: the problem document
    assert_problem_page(anon.get("/finns-inte", headers=HTML), 404, "Sidan finns inte")


def test_the_sign_in_page_says_logga_in_once_and_a_refused_reader_gets_back_to_the_overview(
    anon: httpx.Client, eva: httpx.Client
) -> None:
    page = anon.get("/logga-in").text
    assert page.count(">Logga in</h") == 1 and "<h1>Logga in</h1>" in page
    assert "be en administratör om en inloggningslänk." in page and "uppdrag user link" not in page
    missing = eva.get("/uppdrag/KS-2099-999")
    assert missing.status_code == 404 and 'href="/" id="to-overview">Till översikten</a>' in missing.text


def test_a_signed_in_person_without_grants_is_told_to_ask_an_admin(
    backend: Backend, clients: Clients
) -> None:
    add_person(backend, "ny@stockholm.se", "Ny Person")
    client = signed_in_client(backend, clients.base_url, "ny@stockholm.se")
    page = client.get("/uppdrag")
    client.close()
    text = assert_problem_page(page, 401, "Ditt konto har ingen roll ännu")
    assert "Be en administratör" in text and "Ny Person" in text
    assert "uppdrag user link" not in text  # signed in: not told how to sign in


# --- the status form --------------------------------------------------------------------------


def _report(client: httpx.Client, reference: str, **fields: str) -> httpx.Response:
    page = client.get(f"/uppdrag/{reference}")
    body = {
        "csrf_token": form_value(page.text, "csrf_token"),
        "version": form_value(page.text, "version"),
        "status": "in_progress",
        "progress": "0",
        "assessment": "",
        "traffic_light": "grey",
        **fields,
    }
    return client.post(f"/uppdrag/{reference}/status", data=body)


def test_the_status_form_reports_under_the_persons_name(eva: httpx.Client, api: httpx.Client) -> None:
    saved = _report(eva, "KS-2015-001", progress="40", comment="Ansökan inlämnad")
    assert saved.status_code == 303 and saved.headers["location"] == "/uppdrag/KS-2015-001?sparad=1"
    page = eva.get(saved.headers["location"]).text
    assert "Rapporten är sparad." in page and "Ansökan inlämnad" in page
    history = api.get(
        f"/api/v1/assignments/{assignment_by_reference(api, 'KS-2015-001')['id']}/history"
    ).json()
    assert (history[-1]["recorded_by"], history[-1]["token_id"]) == ("Eva Ek", None)
    assert history[-1]["person_id"] is not None


def test_a_page_says_percent_once_and_names_the_loading_of_the_seeds_in_words(
    eva: httpx.Client, api: httpx.Client
) -> None:
    """ "Framdrift: 0 %", not "Framdrift (%): 0 %"; the history's entries made by loading the seed
    files say so in words, while the stored history keeps its actor ("seed")."""
    page = eva.get("/uppdrag/KS-2015-001").text
    assert '<dt>Framdrift</dt><dd id="current-progress">0 %</dd>' in page
    assert '<strong class="who">inläsningen av underlaget</strong>' in page and ">seed<" not in page
    assert (
        '<strong class="who">the loading of the source files</strong>'
        in eva.get("/uppdrag/KS-2015-001", params={"lang": "en"}).text
    )
    history = api.get(f"/api/v1/assignments/{assignment_by_reference(api, 'KS-2015-001')['id']}/history")
    assert history.json()[0]["recorded_by"] == "seed"
    _report(eva, "KS-2015-001", progress="40")
    assert "<li>Framdrift: 0 % → 40 %</li>" in eva.get("/uppdrag/KS-2015-001").text
    listed = eva.get("/uppdrag").text
    assert '<th scope="col" class="number">Framdrift</th>' in listed
    assert '<td data-label="Framdrift" class="number">0 %</td>' in listed


def test_the_status_form_says_what_is_wrong_in_swedish_and_writes_nothing(
    eva: httpx.Client, session: Session
) -> None:
    before = database_state(session)
    refused = _report(eva, "KS-2015-001", status="completed", progress="40")
    assert refused.status_code == 422
    assert 'id="progress-error">Måste vara 100 när status är Genomförd.</p>' in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert database_state(session) == before
    refused = _report(eva, "KS-2015-001", progress="hundra", effective_date="2999-01-01")
    assert 'id="progress-error">Måste vara ett heltal.</p>' in refused.text
    refused = _report(eva, "KS-2015-001", progress="-5")
    assert 'id="progress-error">Måste vara minst 0.</p>' in refused.text
    refused = _report(eva, "KS-2015-001", progress="105")
    assert 'id="progress-error">Får vara högst 100.</p>' in refused.text
    refused = _report(eva, "KS-2015-001", status="cancelled")
    assert 'id="reason-error">Krävs när status är Utgår.</p>' in refused.text
    refused = _report(eva, "KS-2015-001", effective_date="2150-01-01")
    assert 'id="effective_date-error">Får inte ligga i framtiden.</p>' in refused.text
    english = eva.post(
        "/uppdrag/KS-2015-001/status?lang=en", data={**_fields(eva), "status": "completed", "progress": "40"}
    )
    assert "Must be 100 when the status is Completed." in english.text
    assert database_state(session) == before


def _fields(client: httpx.Client) -> dict[str, str]:
    page = client.get("/uppdrag/KS-2015-001").text
    return {name: form_value(page, name) for name in ("csrf_token", "version")}


def test_a_stale_form_says_so_and_keeps_the_comment(eva: httpx.Client, api: httpx.Client) -> None:
    fields = _fields(eva)
    item = assignment_by_reference(api, "KS-2015-001")
    post_update(api, item["id"], {"comment": "Under tiden"}).raise_for_status()
    stale = eva.post(
        "/uppdrag/KS-2015-001/status", data={**fields, "status": "in_progress", "comment": "Mitt"}
    )
    assert stale.status_code == 409 and "Någon annan har ändrat uppdraget" in stale.text
    assert ">Mitt</textarea>" in stale.text


def test_the_form_needs_its_csrf_token_and_a_unit_in_scope(eva: httpx.Client, session: Session) -> None:
    before = database_state(session)
    fields = _fields(eva)
    forged = eva.post(
        "/uppdrag/KS-2015-001/status", data={"version": fields["version"], "status": "in_progress"}
    )
    assert "ingen roll" not in assert_problem_page(forged, 403, "Formuläret kunde inte skickas")
    wrong = eva.post(
        "/uppdrag/KS-2015-001/status", data={**fields, "csrf_token": "x" * 43, "status": "in_progress"}
    )
    assert_problem_page(wrong, 403, "Formuläret kunde inte skickas")
    forged = eva.post("/uppdrag/KS-2015-001/status", data={**fields, "csrf_token": "förfalskad"})
    assert_problem_page(forged, 403, "Formuläret kunde inte skickas")  # not a 500
    servicen = eva.get("/uppdrag/KS-2015-004").text  # owned by Servicenämnden: not Eva's
    assert "Du kan läsa uppdraget men inte rapportera" in servicen and 'id="send-report"' not in servicen
    outside = eva.post("/uppdrag/KS-2015-004/status", data={**fields, "status": "in_progress"})
    assert "ingen roll" not in assert_problem_page(outside, 403, "Du har inte behörighet")
    upload = assert_problem_page(eva.get("/underlag/ladda-upp"), 403, "Du har inte behörighet")
    assert "ingen roll" not in upload and "Logga in" not in upload.split("<main")[1]
    assert database_state(session) == before


def test_a_reader_reads_the_page_without_a_form(backend: Backend, clients: Clients) -> None:
    add_person(backend, "lasare@stockholm.se", "Lisa Läsare", (Role.READER, None))
    client = signed_in_client(backend, clients.base_url, "lasare@stockholm.se")
    page = client.get("/uppdrag/KS-2015-001")
    assert page.status_code == 200 and 'id="send-report"' not in page.text
    assert "Du kan läsa uppdraget men inte rapportera" in page.text
    refused = client.post("/uppdrag/KS-2015-001/status", data={"csrf_token": "x", "status": "in_progress"})
    client.close()
    assert_problem_page(refused, 403, "Du har inte behörighet")


def _history_text(client: httpx.Client, reference: str, lang: str = "sv") -> str:
    page = client.get(f"/uppdrag/{reference}", params={"lang": lang})
    assert page.status_code == 200, page.text
    return page.text[page.text.index('id="history"') :]


def test_the_page_shows_a_link_and_its_history_from_each_end(eva: httpx.Client, api: httpx.Client) -> None:
    later = assignment_by_reference(api, "KS-2015-002")
    linked = api.post(
        f"/api/v1/assignments/{later['id']}/links", json={"kind": "replaces", "target": "KS-2015-001"}
    )
    assert linked.status_code == 201, linked.text
    assert "Koppling lades till" in _history_text(eva, "KS-2015-002")
    # the other end is a link to its page (class "reference": never broken inside)
    assert (
        'Kopplade uppdrag: Ersätter <a class="reference" href="/uppdrag/KS-2015-001">KS-2015-001</a>'
        in _history_text(eva, "KS-2015-002")
    )
    assert (
        'Kopplade uppdrag: Ersätts av <a class="reference" href="/uppdrag/KS-2015-002">KS-2015-002</a>'
        in _history_text(eva, "KS-2015-001")
    )
    assert (
        'Linked assignments: Replaced by <a class="reference" href="/uppdrag/KS-2015-002?lang=en">'
        "KS-2015-002</a>" in _history_text(eva, "KS-2015-001", "en")
    )
    [link] = linked.json()["links"]
    decision = api.post(
        "/api/v1/documents",
        json={
            "title": "Ärende om status",
            "decided_by": "KS",
            "decision_date": "2015-06-01",
            "paragraph": "§ 7",
        },
    )
    assert decision.status_code == 201, decision.text
    closed = post_update(
        api,
        later["id"],
        {"status": "closed", "reason": "Ersatt", "decision_document_id": decision.json()["id"]},
    )
    assert closed.status_code == 201, closed.text
    assert "Beslut:</strong> Kommunstyrelsen, 2015-06-01, § 7: Ärende om status" in _history_text(
        eva, "KS-2015-002"
    )
    removed = api.delete(f"/api/v1/assignments/{later['id']}/links/{link['id']}")
    assert removed.status_code == 200, removed.text
    history = _history_text(eva, "KS-2015-001")
    assert history.index("Koppling togs bort") < history.index("Koppling lades till")  # newest first
    assert "A link was removed" in _history_text(eva, "KS-2015-002", "en")


# --- the list ---------------------------------------------------------------------------------


def test_the_list_filters_and_links_every_reference(eva: httpx.Client, api: httpx.Client) -> None:
    everything = eva.get("/uppdrag").text
    assert re.findall(r'href="/uppdrag/(KS-2015-\d+)"', everything) == [f"KS-2015-00{n}" for n in range(1, 5)]
    by_owner = eva.get("/uppdrag", params={"owner": "SLK"}).text  # SLK and its sub-units
    assert re.findall(r'class="reference" href="/uppdrag/(KS-2015-\d+)"', by_owner) == ["KS-2015-003"]
    searched = eva.get("/uppdrag", params={"q": "ks-2015-002", "status": ["not_started"]}).text
    assert re.findall(r'class="reference" href="/uppdrag/(KS-2015-\d+)"', searched) == ["KS-2015-002"]
    overdue = eva.get("/uppdrag", params={"overdue": "yes"}).text
    expected = [
        item["reference"] for item in api.get("/api/v1/assignments", params={"overdue": True}).json()["items"]
    ]
    assert re.findall(r'class="reference" href="/uppdrag/(KS-2015-\d+)"', overdue) == expected != []
    unknown = eva.get("/uppdrag", params={"owner": "FINNS_INTE"})
    assert unknown.status_code == 200 and "Ansvarig: Det finns ingen enhet med den nyckeln." in unknown.text
    assert "unknown organisational unit" not in unknown.text  # the API's English, not the page's
    english = eva.get("/uppdrag", params={"owner": "FINNS_INTE", "lang": "en"})
    assert "Owner: There is no unit with that key." in english.text


@pytest.mark.parametrize(
    ("path", "field", "message"),
    [
        ("/?year=abc", "År", "Måste vara ett heltal."),
        ("/rapportering/abc/T1/SLK", "År", "Måste vara ett heltal."),
        ("/uppdrag?page=-1", "Sida", "Måste vara minst 1."),
        ("/uppdrag?status=bogus", "Status", "Välj ett av alternativen."),
        ("/uppdrag?q=%00", "Sök", "Värdet går inte att använda."),  # refused before the route: was JSON
        (
            "/api/v1/reports/2015/T1?format=html&owner=XYZ",
            "Ansvarig",
            "Det finns ingen enhet med den nyckeln",
        ),
    ],
)
def test_a_page_says_what_is_wrong_with_its_address_in_swedish(
    eva: httpx.Client, api: httpx.Client, path: str, field: str, message: str
) -> None:
    page = assert_problem_page(eva.get(path), 422, "Ett värde går inte att använda")
    assert f"<strong>{field}</strong>: {message}" in page
    assert "Input should" not in page and "unknown organisational unit" not in page
    english = eva.get(path + ("&" if "?" in path else "?") + "lang=en")
    assert english.status_code == 422 and "<h1>A value cannot be used</h1>" in english.text
    problem = api.get(path, headers={"Accept": "application/json"})  # the API's problem: English
    if path.startswith("/api/"):
        assert_problem(problem, 422)
        assert "unknown organisational unit" in problem.json()["detail"]


# --- today's pages ------------------------------------------------------------------------------


def test_report_pages_say_no_assessment_only_for_assessments(eva: httpx.Client) -> None:
    for lang, label in (("sv", "Ingen bedömning"), ("en", "No assessment")):
        page = eva.get(f"/api/v1/reports/2015/T1?format=html&lang={lang}").text
        assessments = re.findall(r'class="col-assessment"[^>]*><span[^>]*>([^<]*)<', page)
        assert assessments and set(assessments) == {label}
        assert page.count(label) == len(assessments) + 1  # the cells and the summary's count of them
    dashboard = eva.get("/").text
    assert not re.search(r'data-figure="overdue">\d+</span>Försenad</li>', dashboard)
    assert re.search(r'data-figure="overdue">\d+</span>Försenade</li>', dashboard)
    assert "Visas inte i tidslinjen: " in dashboard or "Senast klart:" not in dashboard


def test_charts_use_one_colour_per_category(eva: httpx.Client) -> None:
    dashboard = eva.get("/").text
    legends = re.findall(r'<ul class="legend">(.*?)</ul>', dashboard, re.S)
    colours = [
        dict(
            (label, colour)
            for colour, label in re.findall(r"background: (#\w+)\".*?</span>([^<]+)</li>", legend, re.S)
        )
        for legend in legends
    ]
    assert len(colours) == 3 and colours[0] == colours[1] == colours[2]  # owners, deadlines, trend
    assert len(set(colours[0].values())) == 3


def test_the_calendar_feed_is_named_in_swedish(api: httpx.Client) -> None:
    assert "X-WR-CALNAME:Uppdrag – slutdatum" in api.get("/api/v1/calendar.ics").text


def test_the_api_docs_are_served_by_the_service_with_a_bearer_scheme(anon: httpx.Client) -> None:
    docs = anon.get("/docs")
    assert docs.status_code == 200 and "cdn" not in docs.text
    policy = docs.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "http" not in policy
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', docs.text):
        assert anon.get(asset).status_code == 200, asset
    openapi = anon.get("/openapi.json").json()
    assert openapi["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": openapi["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    # Per operation: those behind a role name the scheme (tests/test_openapi_contract.py checks each).
    assert openapi["paths"]["/api/v1/assignments"]["get"]["security"] == [{"bearerAuth": []}]
    page = anon.get("/tillganglighet")
    assert page.status_code == 200 and "Tillgänglighetsredogörelse" in page.text
    # The law asks the statement to say when the service was assessed (DIGG's model statement).
    assert re.search(r'<p id="assessed">Tjänsten bedömdes senast den \d+ \w+ 20\d\d', page.text)
    assert (
        "content-security-policy" in page.headers
        and "script-src" not in page.headers["content-security-policy"]
    )


def test_a_person_with_several_grants_writes_and_coordinates_where_each_says(
    backend: Backend, session: Session
) -> None:
    from app.auth.people import person_by_email, principal_for_person
    from app.org.models import OrgUnit

    add_person(backend, "eva.ek@stockholm.se", "Eva Ek", (Role.EDITOR, "SLK"), (Role.COORDINATOR, "KS"))
    units = {unit.key: unit.id for unit in session.scalars(select(OrgUnit))}
    eva = principal_for_person(session, person_by_email(session, "eva.ek@stockholm.se"), session_csrf="t")
    assert eva is not None and eva.role == Role.COORDINATOR and eva.from_session
    assert eva.may_write_for(units["SLK_PERSONAL"]) and not eva.may_write_for(units["KS"], units["SERVICEN"])
    assert eva.may_coordinate(units["KS"]) and not eva.may_coordinate(units["SERVICEN"])


def test_numbers_in_other_digits_or_too_large_are_refused_not_a_server_error(eva: httpx.Client) -> None:
    """A superscript two passes str.isdigit but is no number int() reads; a number beyond the
    databases' keys is no id. Neither is a 500 on a page."""
    for path in ("/uppdrag/²", "/uppdrag/99999999999999999999"):
        assert eva.get(path).status_code == 404, path
    for name in ("goal", "document"):
        for value in ("²", "99999999999999999999"):
            page = eva.get("/uppdrag", params={name: value})
            assert page.status_code in (200, 422) and '<html lang="sv">' in page.text, (name, value)
    shown = eva.get("/uppdrag/KS-2015-001").text
    form = {"csrf_token": form_value(shown, "csrf_token"), "version": "²", "status": "in_progress"}
    assert eva.post("/uppdrag/KS-2015-001/status", data=form).status_code == 428


def test_an_address_holding_a_nul_is_not_found_not_a_server_error(
    eva: httpx.Client, api: httpx.Client
) -> None:
    """PostgreSQL cannot compare text holding NUL: a reference or an upload's key with one in the
    address was a 500 there. No address holds one."""
    token = form_value(eva.get("/uppdrag/KS-2015-001").text, "csrf_token")
    assert_problem_page(eva.get("/uppdrag/%00"), 404, "Sidan finns inte")
    for path in ("/uppdrag/KS%00/status", "/rapportering/2015/T1/SLK/excel/%00"):
        assert_problem_page(eva.post(path, data={"csrf_token": token}), 404, "Sidan finns inte")
    assert_problem(api.get("/api/v1/rounds/2015/T1/units/SLK%00"), 404)
