"""People using the pages in a real headless Chromium: signing in through a real OpenID Connect
provider (the npm package oidc-provider, run with node on loopback) and with a one-time link,
reporting status in the form, reading the history, signing out; uploading a document and reviewing
and accepting one of its drafts; a form from another site refused;
every page checked with axe-core (WCAG 2.1 AA) at a laptop's and a phone's width, without sideways
scrolling or console errors; /docs working offline.

Set UPPDRAG_SCREENSHOTS=<folder> to keep a screenshot of every page at both widths.
"""

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.access import Role
from app.auth.models import BrowserSession
from app.auth.service import create_token
from app.db import utcnow
from app.settings import GroupRole, Settings
from tests.bad_files import UNREADABLE_UPLOADS
from tests.cdp import AXE_SCRIPT, Browser, Tab
from tests.conftest import ROOT, Backend, admin_token, free_port, serve
from tests.helpers import assignment_by_reference, patch_assignment, post_update
from tests.people import add_person, sign_in_link
from tests.uploads import CHIEFS, DECISION, DECISION_FILE, FUNDING, draft_with, upload

JS = Path(__file__).parent / "js"
WIDTHS = ((1366, 900), (390, 844))
# Status labels in tables ("Ej påbörjad") that are broken over two lines.
WRAPPED_STATUSES = (
    "[...document.querySelectorAll('td.col-status span')].filter(s => s.getClientRects().length > 1).length"
)


def _tools() -> str:
    node = shutil.which("node")
    if node is None or not AXE_SCRIPT.exists():
        if os.environ.get("CI"):
            pytest.fail("node and tests/js/node_modules are required in CI (.ci/run runs npm ci)")
        pytest.skip("node or tests/js/node_modules is missing (run: npm ci --prefix tests/js)")
    return node


@pytest.fixture(scope="session")
def provider_ports() -> Iterator[tuple[str, dict[str, int]]]:
    """The identity provider's issuer, and the port each backend's site is served on (the
    provider knows their redirect addresses)."""
    node = _tools()
    ports = {"sqlite": free_port(), "postgresql": free_port()}
    port = free_port()
    redirects = [f"http://127.0.0.1:{site}/logga-in/oidc/svar" for site in ports.values()]
    process = subprocess.Popen(
        [node, str(JS / "oidc_provider.mjs"), str(port), *redirects],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready", "the OpenID Connect provider did not start"
        yield f"http://127.0.0.1:{port}", ports
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    _tools()
    opened = Browser(tmp_path_factory.mktemp("chromium"))
    yield opened
    opened.close()


def site_settings(backend: Backend, issuer: str) -> Settings:
    return backend.settings.model_copy(
        update={
            "oidc_issuer": issuer,
            "oidc_client_id": "uppdrag",
            "oidc_client_secret": SecretStr("test-secret"),
            "oidc_scopes": "openid profile email groups",
            "oidc_group_roles": [
                GroupRole(group="uppdrag-slk-redaktorer", role="editor", unit="SLK"),
                GroupRole(group="uppdrag-lasare", role="reader"),
            ],
        }
    )


@pytest.fixture
def site(
    backend: Backend, small_register: Session, provider_ports: tuple[str, dict[str, int]]
) -> Iterator[str]:
    issuer, ports = provider_ports
    with serve(site_settings(backend, issuer), port=ports[backend.name]) as url:
        yield url


def _sign_in_at_the_provider(tab: Tab, login: str) -> None:
    """The provider's own sign-in form (its development form takes any login)."""
    tab.fill("input[name=login]", login)
    tab.fill("input[name=password]", "lösenord")
    tab.click("button[type=submit]")


def test_sign_in_through_the_identity_provider_report_status_and_read_the_history(
    browser: Browser, site: str, backend: Backend
) -> None:
    tab = browser.new_tab()
    tab.goto(f"{site}/uppdrag/KS-2015-001")
    assert tab.text("h1") == "Logga in för att fortsätta"
    tab.click("#sign-in-provider")
    assert "/interaction/" in tab.url, tab.html[:500]
    _sign_in_at_the_provider(tab, "anna")
    assert tab.url == f"{site}/uppdrag/KS-2015-001"
    assert "Inloggad som Anna Andersson" in tab.text("header")  # editor of SLK, from her group
    cookie = next(cookie for cookie in tab.cookies() if cookie["name"] == "uppdrag_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

    tab.fill("#status", "in_progress")
    tab.fill("#progress", "40")
    tab.fill("#traffic_light", "yellow")
    tab.fill("#comment", "Ansökan inlämnad, besked väntas i juni.")
    tab.click("#send-report")
    assert tab.url == f"{site}/uppdrag/KS-2015-001?sparad=1"
    assert tab.text("#saved") == "Rapporten är sparad."
    assert tab.text("#current-status").startswith("Pågår") and tab.text("#current-progress") == "40 %"
    newest = tab.text("#history li")
    assert "Status rapporterad" in newest and "av Anna Andersson" in newest
    assert "Status: Ej påbörjad → Pågår" in newest and "Framdrift: 0 % → 40 %" in newest
    assert "Ansökan inlämnad, besked väntas i juni." in newest

    tab.fill("#status", "completed")
    tab.click("#send-report")
    assert tab.text("#progress-error") == "Måste vara 100 när status är Genomförd."
    assert tab.evaluate("document.querySelector('#progress').getAttribute('aria-invalid')") == "true"
    assert tab.axe_violations() == []

    cancelled = browser.new_tab()
    cancelled.goto(f"{site}/logga-in/oidc")
    cancelled.click(".login-help a")  # the provider's own "[ Cancel ]": it answers access_denied
    assert cancelled.text("h1") == "Inloggningen misslyckades"
    assert cancelled.text("#problem-detail").startswith("Stadens inloggningstjänst loggade inte in dig")
    cancelled.goto(f"{site}/logga-in/oidc/svar?code=x&state=%C3%A5")  # not the state it began with
    assert cancelled.text("h1") == "Inloggningen misslyckades"
    assert cancelled.text("#problem-detail").startswith("Inloggningen påbörjades i en annan webbläsare")

    reader = browser.new_tab()
    reader.goto(f"{site}/logga-in/oidc?next=/uppdrag/KS-2015-001")
    _sign_in_at_the_provider(reader, "bo")
    assert "Inloggad som Bo Berg" in reader.text("header")
    assert "Du kan läsa uppdraget men inte rapportera" in reader.text("#report")
    assert "av Anna Andersson" in reader.text("#history")


def test_a_provider_sign_in_takes_over_an_admin_made_person_only_with_a_verified_email(
    browser: Browser, site: str, backend: Backend
) -> None:
    """An admin made people (with grants) before they first signed in; the provider's sign-in is
    matched to them by email only where the provider says the address is verified: else anyone whose
    provider account claims that address would get their grants."""
    add_person(backend, "cecilia.ceder@stockholm.se", "Cecilia", (Role.EDITOR, "SLK"))
    add_person(backend, "dora.dahl@stockholm.se", "Dora", (Role.EDITOR, "SLK"))
    verified = browser.new_tab()
    verified.goto(f"{site}/logga-in/oidc?next=/uppdrag/KS-2015-001")
    _sign_in_at_the_provider(verified, "cecilia")
    assert "Inloggad som Cecilia Ceder" in verified.text("header")
    assert verified.evaluate("!!document.querySelector('#send-report')")  # the admin's grant: editor
    unverified = browser.new_tab()
    unverified.goto(f"{site}/logga-in/oidc?next=/uppdrag/KS-2015-001")
    _sign_in_at_the_provider(unverified, "dora")
    assert unverified.text("h1") == "Inloggningen misslyckades"
    assert "har inte bekräftat din e-postadress" in unverified.text("#problem-detail")
    assert "Inloggad som" not in unverified.text("header")


def test_sign_in_with_a_link_expire_and_sign_out(
    browser: Browser, site: str, backend: Backend, session: Session
) -> None:
    add_person(backend, "eva.ek@stockholm.se", "Eva Ek", (Role.READER, None))
    link = sign_in_link(backend, site, "eva.ek@stockholm.se")
    tab = browser.new_tab()
    tab.goto(link)
    tab.click("#use-link")
    assert tab.url == f"{site}/" and "Inloggad som Eva Ek" in tab.text("header")
    tab.goto(link)
    tab.click("#use-link")
    assert tab.text("h1") == "Inloggningen misslyckades"  # a link works once

    session.execute(update(BrowserSession).values(last_seen_at=utcnow().replace(year=2020)))
    session.commit()
    tab.goto(f"{site}/uppdrag")
    assert tab.text("h1") == "Logga in för att fortsätta"  # the session was left idle too long

    tab.goto(sign_in_link(backend, site, "eva.ek@stockholm.se"))
    tab.click("#use-link")
    tab.click(".account button[type=submit]")
    assert tab.url == f"{site}/logga-in?utloggad=1" and tab.text("[role=status]") == "Du är utloggad."
    tab.goto(f"{site}/uppdrag")
    assert tab.text("h1") == "Logga in för att fortsätta"


def test_a_form_on_another_site_cannot_report_for_a_signed_in_person(
    browser: Browser, site: str, backend: Backend, tmp_path: Path
) -> None:
    add_person(backend, "eva.ek@stockholm.se", "Eva Ek", (Role.EDITOR, "SLK"))
    tab = browser.new_tab()
    tab.goto(sign_in_link(backend, site, "eva.ek@stockholm.se"))
    tab.click("#use-link")
    version = tab.goto(f"{site}/uppdrag/KS-2015-001").evaluate(
        "document.querySelector('[name=version]').value"
    )
    forged = tmp_path / "forged.html"
    forged.write_text(
        f'<!doctype html><title>Vinst!</title><form method="post" action="{site}/uppdrag/KS-2015-001/status">'
        f'<input name="version" value="{version}"><input name="status" value="cancelled">'
        '<input name="reason" value="Förfalskat"><button id="go">Skicka</button></form>',
        encoding="utf-8",
    )
    tab.goto(forged.as_uri())
    tab.click("#go")
    assert tab.url == f"{site}/uppdrag/KS-2015-001/status"
    assert tab.text("h1") in ("Logga in för att fortsätta", "Formuläret kunde inte skickas")
    tab.goto(f"{site}/uppdrag/KS-2015-001")
    assert tab.text("#current-status").startswith("Ej påbörjad")
    assert "Förfalskat" not in tab.text("#history")


def _pages(site: str) -> list[tuple[str, str]]:
    """The pages a person with an editor's grant sees (the draft pages: `_admin_pages`)."""
    return [
        ("dashboard", "/"),
        ("report", "/api/v1/reports/2015/T1?format=html"),
        ("report-en", "/api/v1/reports/2015/T1?format=html&lang=en"),
        ("list", "/uppdrag"),
        ("list-filtered", "/uppdrag?owner=SLK&status=not_started&overdue=no&q=ks"),
        ("unexecuted", "/api/v1/reports/unexecuted?format=html"),
        ("unexecuted-en", "/api/v1/reports/unexecuted?format=html&lang=en"),
        ("assignment", "/uppdrag/KS-2015-001"),
        ("assignment-en", "/uppdrag/KS-2015-001?lang=en"),
        ("assignment-linked", "/uppdrag/KS-2015-002"),
        ("round", "/api/v1/rounds/2015/T1?format=html"),
        ("round-filtered", "/api/v1/rounds/2015/T1?format=html&state=not_started&state=submitted"),
        ("round-en", "/api/v1/rounds/2015/T1?format=html&lang=en"),
        ("round-part", "/api/v1/rounds/2015/T1/units/SLK?format=html"),
        ("accessibility", "/tillganglighet"),
        ("sign-in", "/logga-in"),
        ("not-found", "/uppdrag/KS-2099-999"),
        ("forbidden", "/underlag/ladda-upp"),  # an admin's page
        ("invalid-address", "/?year=abc"),
        ("invalid-filters", "/uppdrag?status=bogus&page=-1"),
    ]


def _check(tab: Tab, name: str, screenshots: Path | None) -> None:
    for width, height in WIDTHS:
        if screenshots:
            tab.screenshot(screenshots / f"{name}-{width}.png", width=width, height=height, full_page=True)
        else:
            tab.screenshot(Path(os.devnull), width=width, height=height)
        assert tab.widest_overflow() == 0, f"{name} scrolls sideways at {width} px"
        assert tab.evaluate(WRAPPED_STATUSES) == 0, f"{name} breaks a status label at {width} px"
        assert tab.axe_violations() == [], f"{name} at {width} px"
    assert tab.console_errors() == [], name


def _screenshots() -> Path | None:
    """Where to keep screenshots of the pages checked (UPPDRAG_SCREENSHOTS), if anywhere."""
    folder = Path(os.environ["UPPDRAG_SCREENSHOTS"]) if os.environ.get("UPPDRAG_SCREENSHOTS") else None
    if folder:
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_every_page_is_accessible_fits_both_widths_and_logs_no_error(
    browser: Browser, site: str, backend: Backend, api: httpx.Client, tmp_path: Path
) -> None:
    screenshots = _screenshots()
    later = assignment_by_reference(api, "KS-2015-002")
    linked = api.post(
        f"/api/v1/assignments/{later['id']}/links", json={"kind": "continues", "target": "KS-2015-001"}
    )
    assert linked.status_code == 201, linked.text
    visitor = browser.new_tab()
    visitor.goto(f"{site}/uppdrag/KS-2015-001")
    assert visitor.text("h1") == "Logga in för att fortsätta"
    _check(visitor, "no-access", screenshots)

    add_person(backend, "eva.ek@stockholm.se", "Eva Ek", (Role.EDITOR, "SLK"))
    tab = browser.new_tab()
    tab.goto(sign_in_link(backend, site, "eva.ek@stockholm.se"))
    _check(tab, "sign-in-link", screenshots)
    tab.click("#use-link")
    for name, path in _pages(site):
        tab.goto(site + path)
        _check(tab, name, screenshots)
    tab.goto(f"{site}/uppdrag/KS-2015-001")
    tab.fill("#status", "cancelled")
    tab.fill("#progress", "100")
    tab.click("#send-report")
    assert tab.text("#reason-error") and tab.text("#form-errors")
    _check(tab, "assignment-errors", screenshots)
    tab.goto(f"{site}/uppdrag/KS-2015-004/status")  # GET of a form's address: not a page
    assert tab.text("h1") == "Sidan finns inte"
    tab.goto(f"{site}/uppdrag/KS-2015-001")
    tab.fill("form[action^='/uppdrag/'] [name=csrf_token]", "förfalskad")
    tab.click("#send-report")
    assert tab.text("h1") == "Formuläret kunde inte skickas"
    _check(tab, "csrf-refused", screenshots)
    visitor.goto(f"{site}/logga-in/lank/okand")
    visitor.click("#use-link")
    assert visitor.text("h1") == "Inloggningen misslyckades"
    assert visitor.text("#problem-detail").startswith("Inloggningslänken är okänd")
    _check(visitor, "sign-in-refused", screenshots)

    admin = _signed_in_admin(browser, site, backend)
    for name, path in _admin_pages(site, backend):
        admin.goto(site + path)
        _check(admin, name, screenshots)
    admin.goto(f"{site}/underlag/ladda-upp")
    admin.choose_files("#file", _scanned_pdf(tmp_path))
    for name, value in DECISION.items():
        admin.fill(f"#{name}", value)
    admin.click("#upload")
    assert admin.text("#file-error").startswith("PDF-filen består av bilder utan text")
    _check(admin, "upload-errors", screenshots)


def _signed_in_admin(browser: Browser, site: str, backend: Backend) -> Tab:
    add_person(backend, "anna.admin@stockholm.se", "Anna Admin", (Role.ADMIN, None))
    tab = browser.new_tab()
    tab.goto(sign_in_link(backend, site, "anna.admin@stockholm.se"))
    tab.click("#use-link")
    return tab


def _upload_decision(site: str, backend: Backend) -> int:
    """The 2016 decision uploaded through the API; its document's id."""
    token = admin_token(backend.settings.database_url)
    with httpx.Client(base_url=site, headers={"Authorization": f"Bearer {token}"}) as api:
        response = upload(api)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])


def _admin_pages(site: str, backend: Backend) -> list[tuple[str, str]]:
    document_id = _upload_decision(site, backend)
    token = admin_token(backend.settings.database_url)
    with httpx.Client(base_url=site, headers={"Authorization": f"Bearer {token}"}) as api:
        chiefs = draft_with(api, document_id, CHIEFS)["id"]
        funding = draft_with(api, document_id, FUNDING)["id"]
        rejected = api.post(
            f"/api/v1/documents/{document_id}/drafts/{funding}/reject", json={"reason": "Finansiering."}
        )
        assert rejected.status_code == 200, rejected.text
    drafts = f"/underlag/{document_id}/utkast"
    return [
        ("documents", "/underlag"),
        ("upload", "/underlag/ladda-upp"),
        ("drafts", f"{drafts}?inlast=4"),
        ("drafts-filtered", f"{drafts}?state=proposed&min_confidence=0.9&kind=task"),
        ("drafts-en", f"{drafts}?lang=en"),
        ("draft", f"{drafts}/{chiefs}"),
        ("draft-en", f"{drafts}/{chiefs}?lang=en"),
        ("draft-rejected", f"{drafts}/{funding}"),
    ]


def _scanned_pdf(folder: Path) -> Path:
    path = folder / "inskannad.pdf"
    path.write_bytes(UNREADABLE_UPLOADS["scanned pdf"][0])
    return path


def test_upload_review_and_accept_in_the_browser(
    browser: Browser, site: str, backend: Backend, tmp_path: Path
) -> None:
    tab = _signed_in_admin(browser, site, backend)
    tab.goto(f"{site}/")
    tab.click("a[href='/underlag']")
    tab.click("#upload-link")
    assert tab.text("h1") == "Ladda upp ett underlag"
    decision = tmp_path / "beslut.txt"
    decision.write_bytes(DECISION_FILE.read_bytes())
    tab.choose_files("#file", decision)
    for name, value in DECISION.items():
        tab.fill(f"#{name}", value)
    tab.click("#upload")
    assert "/utkast?inlast=4" in tab.url
    assert tab.text("#ingested") == "Underlaget är inläst: 4 utkast hittades."
    tab.click("#drafts tbody tr:nth-child(4) a")
    assert CHIEFS in tab.text("#quote")
    assert "KS-2015-003" in tab.text("#draft-facts")  # proposed as continuing it
    tab.fill("#edit-title", "Utreda chefsrekryteringen")
    tab.click("#save")
    assert tab.text("#notice") == "Ändringarna är sparade."
    tab.click("#accept")
    assert tab.text("#notice").startswith("Utkastet är godkänt och har blivit ett uppdrag.")
    tab.click("#assignment-link")
    assert tab.text("h1") == "Utreda chefsrekryteringen"
    assert "Fortsätter KS-2015-003" in tab.text("body")
    newest = tab.text("#history li")
    assert "Koppling lades till" in newest and "Fortsätter KS-2015-003" in newest
    assert "Uppdraget skapades" in tab.text("#history") and "av Anna Admin" in newest
    _check(tab, "assignment-from-draft", _screenshots())


def _wait_for(tab: Tab, expression: str) -> None:
    """Until what Swagger UI's script draws after the page has loaded is there (at most 10 s)."""
    for _ in range(100):
        if tab.evaluate(expression):
            return
        tab.evaluate("new Promise(done => setTimeout(done, 100))", awaited=True)


# What axe-core finds in Swagger UI (vendored, app/web/static/swagger-ui) that only a change to its
# code would fix, checked everywhere else: the request body's text field under "Try it out" has no
# label; in the dialog for a token, the close button has no name and the Authorize button's name
# ("Apply credentials") is not its text. The accessibility statement (/tillganglighet) says so.
SWAGGER_UI_TRY_IT_OUT = ("label",)
SWAGGER_UI_DIALOG = ("button-name", "label-content-name-mismatch")


def test_the_api_docs_work_offline_and_are_accessible(browser: Browser, tmp_path: Path) -> None:
    """/docs as it opens passes every check; opened operations and the token dialog every check
    but the few above."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'docs.db'}", alembic_ini=ROOT / "alembic.ini")
    with serve(settings) as url:
        tab = browser.new_tab()
        tab.goto(f"{url}/docs")
        _wait_for(tab, "document.querySelectorAll('.opblock').length")
        assert tab.evaluate("document.querySelectorAll('.opblock').length") > 20
        assert tab.evaluate("!!document.querySelector('.authorize')")  # the Bearer scheme
        _check(tab, "docs", _screenshots())
        for method in ("get", "post", "patch", "delete"):
            tab.evaluate(f"document.querySelector('.opblock-{method} .opblock-summary-control').click()")
        _wait_for(tab, "document.querySelectorAll('.try-out__btn').length >= 4")
        tab.evaluate("document.querySelectorAll('.try-out__btn').forEach(button => button.click())")
        _wait_for(tab, "document.querySelectorAll('.execute').length >= 4")
        assert tab.axe_violations(except_rules=SWAGGER_UI_TRY_IT_OUT) == []
        tab.goto(f"{url}/docs")
        _wait_for(tab, "!!document.querySelector('.btn.authorize')")
        tab.evaluate("document.querySelector('.btn.authorize').click()")
        _wait_for(tab, "!!document.querySelector('.modal-ux')")
        assert tab.axe_violations(except_rules=SWAGGER_UI_DIALOG) == []
        assert tab.console_errors() == []


# What in <main> reaches past its content box (its padding), as "tag#id right=… limit=…".
STICKING_OUT = """(() => { const main = document.querySelector('main'); const style = getComputedStyle(main);
  const limit = main.getBoundingClientRect().right - parseFloat(style.paddingRight);
  return [...main.querySelectorAll('table, form, svg, .card, dl, p')]
    .filter(e => e.getBoundingClientRect().width && e.getBoundingClientRect().right > limit + 1)
    .map(e => `${e.tagName}#${e.id} right=${Math.round(e.getBoundingClientRect().right)}`);
})()"""


def test_the_report_table_fits_a_laptops_page_with_long_swedish_words(
    browser: Browser, site: str, backend: Backend, api: httpx.Client
) -> None:
    """Titles and comments of long compounds ("bostadsbyggnadsprocesserna") break within their
    columns: the report's table of assignments stays inside the page's column at 1366 px."""
    first = assignment_by_reference(api, "KS-2015-001")
    edited = patch_assignment(
        api,
        first["id"],
        {"title": "Säkerställa högt tempo i bostadsbyggnadsprocesserna och stadsdelsnämnderna"},
    )
    assert edited.status_code == 200, edited.text
    comment = "Stadsledningskontorets kompetensförsörjningsstrategiarbete och upphandlingsprocessutvecklingen"
    reported = post_update(
        api,
        first["id"],
        {"status": "in_progress", "progress": 10, "comment": comment, "effective_date": "2015-03-01"},
    )
    assert reported.status_code == 201, reported.text
    tab = _signed_in_admin(browser, site, backend)
    for path in ("/api/v1/reports/2015/T1?format=html", "/api/v1/reports/2015/T1?format=html&lang=en"):
        tab.goto(site + path)
        tab.screenshot(Path(os.devnull), width=1366, height=900)  # a laptop's window
        assert comment in tab.text("#assignments")
        assert tab.evaluate(STICKING_OUT) == [], path


# Per row of fields in a form's grid: how many different tops its labels and its controls have.
MISALIGNED = """(() => [...document.querySelectorAll('.form-grid, .inline-fields')].flatMap(grid => {
  const rows = [];  // fields whose boxes overlap vertically share a row
  for (const field of grid.querySelectorAll(':scope > .field')) {
    const label = field.querySelector('label'), control = field.querySelector('input, select, textarea');
    if (!label || !control) continue;
    const box = field.getBoundingClientRect(), row = rows.find(r => box.top < r.bottom && box.bottom > r.top);
    const tops = [label.getBoundingClientRect().top, control.getBoundingClientRect().top];
    if (row) { row.fields.push(tops); row.bottom = Math.max(row.bottom, box.bottom); }
    else rows.push({top: box.top, bottom: box.bottom, fields: [tops]});
  }
  return rows.filter(row => new Set(row.fields.map(([l]) => Math.round(l))).size > 1
    || new Set(row.fields.map(([, c]) => Math.round(c))).size > 1).map(row => JSON.stringify(row.fields));
}))()"""


def test_the_forms_fields_line_up_at_a_laptops_width(browser: Browser, site: str, backend: Backend) -> None:
    """Side by side, fields have their labels on one line and their controls on the next, whether
    or not one of them has a hint (the status form, the upload form, the dashboard's period)."""
    admin = _signed_in_admin(browser, site, backend)
    for path in ("/uppdrag/KS-2015-001", "/underlag/ladda-upp", "/"):
        admin.goto(site + path)
        admin.screenshot(Path(os.devnull), width=1366, height=900)
        assert admin.evaluate(MISALIGNED) == [], path
    assert admin.evaluate("document.querySelector('#show-period').className") == "button"
    admin.goto(f"{site}/uppdrag?status=in_progress")
    gap = admin.evaluate(
        "document.querySelector('#clear-filters').getBoundingClientRect().left"
        " - document.querySelector('.actions .button').getBoundingClientRect().right"
    )
    assert gap >= 16  # "Rensa filter" does not touch "Visa"


def test_the_checks_above_can_fail(browser: Browser, tmp_path: Path) -> None:
    """axe-core, the console and the overflow check find what is wrong on a broken page."""
    broken = tmp_path / "broken.html"
    broken.write_text(
        '<!doctype html><html><title>x</title><img src="data:,"><div style="width: 3000px">bred</div>'
        "<script>missing();</script></html>",
        encoding="utf-8",
    )
    tab = browser.new_tab()
    tab.goto(broken.as_uri())
    assert any("html-has-lang" in violation for violation in tab.axe_violations())
    assert any("image-alt" in violation for violation in tab.axe_violations())
    assert any("missing is not defined" in error for error in tab.console_errors())
    assert tab.widest_overflow() > 0


def test_the_round_pages_show_who_has_reported(browser: Browser, site: str, backend: Backend) -> None:
    """The overview and a unit's part before and after the unit submits, as a signed-in editor sees
    them: the figures, the state, the history; the dashboard links to the round."""
    add_person(backend, "eva.ek@stockholm.se", "Eva Ek", (Role.EDITOR, "SLK"))
    tab = browser.new_tab()
    tab.goto(sign_in_link(backend, site, "eva.ek@stockholm.se"))
    tab.click("#use-link")
    tab.goto(f"{site}/?year=2015&period=T1")
    assert "0 av 1 enhet klar" in tab.text("#round-progress")
    tab.click("#round-progress a")
    assert tab.url == f"{site}/api/v1/rounds/2015/T1?format=html"
    assert tab.text("[data-figure=ready]") == "0 / 1"
    assert tab.text("[data-figure=updated]") == "0 / 2"
    assert tab.text("tr[data-unit=SLK] td[data-label=Läge]").startswith("Ej påbörjad")

    with backend.session() as session:
        _token, secret = create_token(session, name="SLK:s redaktör", role=Role.EDITOR, unit="SLK")
        session.commit()
    with httpx.Client(base_url=site, headers={"Authorization": f"Bearer {secret}"}) as api:
        round_path = "/api/v1/rounds/2015/T1/units/SLK"
        confirmed = api.post(f"{round_path}/confirm", json={"references": ["KS-2015-001", "KS-2015-002"]})
        assert confirmed.status_code == 200, confirmed.text
        assert api.post(f"{round_path}/submit", json={"comment": "Klart."}).status_code == 200

    tab.goto(f"{site}/api/v1/rounds/2015/T1?format=html")
    assert tab.text("[data-figure=ready]") == "1 / 1"
    assert tab.text("tr[data-unit=SLK] td[data-label=Läge]") == "Inlämnad"
    assert "1 av 1 enhet klar" in tab.text("tr[data-unit=KF]")
    tab.click("tr[data-unit=SLK] a")
    assert tab.text("#part-state") == "Inlämnad"
    assert "Inlämnad" in tab.text("#part-history") and "Klart." in tab.text("#part-history")
    assert tab.text("tr[data-reference=KS-2015-001] td[data-label='Rapporterad under perioden']") == (
        "Bekräftad oförändrad"
    )
    assert tab.console_errors() == []
    assert tab.axe_violations() == []


def test_a_file_over_the_limit_gets_a_swedish_message_in_the_browser(
    browser: Browser, site: str, backend: Backend, tmp_path: Path
) -> None:
    """Just over the limit: the form again, saying so at the file; far over it: the body is refused
    before it is read, with a Swedish page."""
    tab = _signed_in_admin(browser, site, backend)  # the session cookie serves every port of the host
    settings = site_settings(backend, "http://127.0.0.1:9").model_copy(update={"upload_max_bytes": 4096})
    just_over, far_over = tmp_path / "plan.txt", tmp_path / "stor.txt"
    just_over.write_bytes(b"Kontoret ska ta fram en plan. " * 140)
    far_over.write_bytes(b"Kontoret ska ta fram en plan. " * 70_000)  # over MAX_BODY_BYTES too
    with serve(settings) as small_site:
        for file, heading in (
            (just_over, "Ladda upp ett underlag"),
            (far_over, "Det du skickade är för stort"),
        ):
            tab.goto(f"{small_site}/underlag/ladda-upp")
            tab.choose_files("#file", file)
            for name, value in DECISION.items():
                tab.fill(f"#{name}", value)
            tab.click("#upload")
            assert tab.text("h1") == heading
        assert "Tjänsten tar inte emot så stora filer." in tab.text("main")
        _check(tab, "too-large-page", _screenshots())
        tab.goto(f"{small_site}/underlag/ladda-upp")
        tab.choose_files("#file", just_over)
        for name, value in DECISION.items():
            tab.fill(f"#{name}", value)
        tab.click("#upload")
        assert tab.text("#file-error") == "Filen är större än 4 kB."
        _check(tab, "upload-too-large", _screenshots())
