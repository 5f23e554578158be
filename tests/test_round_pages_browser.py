"""A round reported in a real headless Chromium: an editor signs in with a link, finds her unit on
"Min rapportering", reports one assignment in its card (a refusal first), uploads the filled-in Excel
form and writes it after the dry run, confirms the other unchanged, submits; the coordinator
approves, and the assignment's history says who did what. Every reporting page is checked with
axe-core at 1366 and 390 px, without sideways scrolling or console errors.

Set UPPDRAG_SCREENSHOTS=<folder> to keep a screenshot of every page at both widths.
"""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from app.access import Role
from tests.cdp import Browser, Tab
from tests.conftest import Backend, admin_token, serve
from tests.helpers import fill_in_form
from tests.people import add_person, sign_in_link
from tests.test_pages_browser import _check, _screenshots, _tools

PART = "/rapportering/2015/T1/SLK"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    _tools()
    opened = Browser(tmp_path_factory.mktemp("chromium"))
    yield opened
    opened.close()


@pytest.fixture
def site(backend: Backend, small_register: Session) -> Iterator[str]:
    with serve(backend.settings) as url:
        yield url


def _signed_in(browser: Browser, site: str, backend: Backend, email: str, name: str, role: Role) -> Tab:
    add_person(backend, email, name, (role, "SLK" if role == Role.EDITOR else "KS"))
    tab = browser.new_tab()
    tab.goto(sign_in_link(backend, site, email))
    tab.click("#use-link")
    return tab


def _filled_form(site: str, backend: Backend, folder: Path) -> Path:
    """SLK's Excel form, downloaded and filled in for KS-2015-001 as the unit would in Excel."""
    token = admin_token(backend.settings.database_url)
    with httpx.Client(base_url=site, headers={"Authorization": f"Bearer {token}"}) as api:
        form = api.get("/api/v1/rounds/2015/T1/units/SLK?format=xlsx")
        assert form.status_code == 200, form.text
    path = folder / "slk.xlsx"
    path.write_bytes(fill_in_form(form.content, {"KS-2015-001": {"Nytt trafikljus": "Gul"}}))
    return path


def test_report_a_round_in_the_browser_and_the_coordinator_approves(
    browser: Browser, site: str, backend: Backend, tmp_path: Path
) -> None:
    shots = _screenshots()
    eva = _signed_in(browser, site, backend, "eva.ek@stockholm.se", "Eva Ek", Role.EDITOR)
    eva.click("a[href='/rapportering']")
    _check(eva, "reporting-current", shots)
    eva.fill("#omgang", "2015-T1")
    eva.click("#show-round")
    assert eva.url == f"{site}/rapportering?omgang=2015-T1"
    assert eva.text("#my-parts tr[data-unit=SLK]").startswith("Stadsledningskontoret")
    _check(eva, "reporting", shots)
    eva.goto(f"{site}/rapportering?omgang=2015-T1&lang=en")
    _check(eva, "reporting-en", shots)
    eva.goto(f"{site}/rapportering?omgang=2015-T1")
    eva.click("#my-parts a")
    assert eva.url == site + PART
    _check(eva, "reporting-part", shots)

    eva.evaluate("document.querySelector('#a-KS-2015-001 summary').click()")  # opens the card's form
    assert eva.evaluate("document.querySelector('#a-KS-2015-001 details').open")
    eva.fill("#KS-2015-001-status", "completed")
    eva.fill("#KS-2015-001-progress", "40")
    eva.click("#KS-2015-001-save")
    assert eva.text("#KS-2015-001-progress-error") == "Måste vara 100 när status är Genomförd."
    assert eva.evaluate("document.querySelector('#a-KS-2015-001 details').open")  # open with its message
    _check(eva, "reporting-part-errors", shots)
    eva.fill("#KS-2015-001-status", "in_progress")
    eva.fill("#KS-2015-001-comment", "Upphandlingen är påbörjad och följer tidplanen för året.")
    eva.click("#KS-2015-001-save")
    assert eva.text("#notice") == "Rapporten för KS-2015-001 är sparad."

    eva.choose_files("#file", _filled_form(site, backend, tmp_path))
    eva.click("#preview")
    assert "Inget är sparat ännu. Skrivs in: 1 · Oförändrade: 1 · Avvisas: 0" in eva.text("#dry-run"), (
        eva.text("#dry-run-rows")
    )
    _check(eva, "reporting-dry-run", shots)
    eva.click("#write-import")
    assert eva.text("#notice") == "Filen är inskriven: 1 uppdrag har fått en ny rapport."

    eva.click("#submit-part")
    assert "KS-2015-002" in eva.text("#submit-refusal")  # not reported yet
    _check(eva, "reporting-submit-refused", shots)
    eva.evaluate("document.querySelector('#KS-2015-002-pick').click()")  # ticks it: no page opens
    eva.click("#confirm-selected-button")
    assert eva.text("#notice") == "Bekräftade som oförändrade: 1 uppdrag."
    eva.fill("#submit-comment", "Klart från SLK.")
    eva.click("#submit-part")
    assert eva.text("#notice") == "Rapporteringen är inlämnad." and eva.text("#part-state") == "Inlämnad"
    _check(eva, "reporting-part-submitted", shots)

    kim = _signed_in(browser, site, backend, "kim.kask@stockholm.se", "Kim Kask", Role.COORDINATOR)
    kim.goto(site + PART)
    _check(kim, "reporting-part-review", shots)
    kim.fill("#approve-comment", "Tack, godkänt.")
    kim.click("#approve-part")
    assert kim.text("#part-state") == "Godkänd" and "Tack, godkänt." in kim.text("#part-history")
    kim.click("a.reference[href='/uppdrag/KS-2015-001']")
    history = kim.text("#history")
    assert "Upphandlingen är påbörjad" in history and "av Eva Ek" in history
    assert "Trafikljus: Ej bedömd → Gul" in history  # from the Excel form
    kim.goto(f"{site}{PART}?lang=en")
    _check(kim, "reporting-part-en", shots)
