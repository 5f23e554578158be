"""The reporting pages over real HTTP on both backends, as signed-in people use them: "Min
rapportering", a unit's part with its cards (report, confirm), the Excel form (dry run, then write
the same file), submit, and the coordinator's return and approve. For each form: done, refused with
a Swedish message and nothing written, refused without its CSRF token, refused for a unit not the
person's."""

import html
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from app.access import Role
from tests.bad_files import BROKEN_WORKBOOKS
from tests.conftest import Backend, Clients, clients_on
from tests.helpers import assignment_by_reference, database_state, fill_in_form
from tests.people import add_person, form_value, signed_in_client

pytestmark = pytest.mark.usefixtures("small_register")

PART = "/rapportering/2015/T1/SLK"
FIRST, SECOND = "KS-2015-001", "KS-2015-002"


def _person(
    backend: Backend, clients: Clients, email: str, name: str, *grants: Any
) -> Iterator[httpx.Client]:
    add_person(backend, email, name, *grants)
    client = signed_in_client(backend, clients.base_url, email)
    yield client
    client.close()


@pytest.fixture
def eva(backend: Backend, clients: Clients) -> Iterator[httpx.Client]:
    """Eva Ek, editor of SLK (and its sub-units)."""
    yield from _person(backend, clients, "eva.ek@stockholm.se", "Eva Ek", (Role.EDITOR, "SLK"))


@pytest.fixture
def kim(backend: Backend, clients: Clients) -> Iterator[httpx.Client]:
    """Kim Kask, coordinator of KS (SLK is below it)."""
    yield from _person(backend, clients, "kim.kask@stockholm.se", "Kim Kask", (Role.COORDINATOR, "KS"))


@pytest.fixture
def bo(backend: Backend, clients: Clients) -> Iterator[httpx.Client]:
    """Bo Berg, editor and coordinator of Servicenämnden: not of SLK."""
    yield from _person(
        backend,
        clients,
        "bo.berg@stockholm.se",
        "Bo Berg",
        (Role.EDITOR, "SERVICEN"),
        (Role.COORDINATOR, "SERVICEN"),
    )


def test_a_card_says_its_state_is_the_one_at_the_cut_off(eva: httpx.Client) -> None:
    """The cards show each assignment as it stood at the cut-off (what the round reports), not as it
    stands today: a round whose period has ended says so."""
    page = eva.get(PART).text
    assert '<p class="now">Vid brytdatum 2015-04-30: Ej påbörjad' in page
    assert "Nu:" not in page
    assert '<p class="now">At the cut-off 2015-04-30: Not started' in eva.get(PART + "?lang=en").text


def _card_details(page: str, reference: str) -> str:
    """The opening tag of a card's <details> and its summary line, as the page has them."""
    card = page[page.index(f'id="a-{reference}"') :]
    return card[card.index("<details") : card.index("</summary>")]


def test_the_part_says_how_far_it_has_come_at_the_top_and_each_card_is_one_line_until_opened(
    eva: httpx.Client,
) -> None:
    """The summary (state, due date, reported and missing) and the links to the part's forms come
    before the first card; each card's form is folded in a <details> whose summary line names the
    assignment, its state at the cut-off and whether it is reported in the period."""
    page = eva.get(PART).text
    first_card = page.index(f'id="a-{FIRST}"')
    assert page.index('id="part-summary"') < first_card and page.index('id="part-nav"') < first_card
    assert '<dd id="part-missing">2</dd>' in page and "Ska vara inlämnad" in page
    for link in ('href="#confirm-heading"', 'href="#excel"', 'href="#submit"'):
        assert page.index(link) < first_card, link
    summary = _card_details(page, FIRST)
    assert summary.startswith("<details>")  # folded
    assert FIRST in summary and "Ej påbörjad · 0&nbsp;%" in summary and "Inte rapporterad" in summary
    assert page.index(f'id="{FIRST}-form"') > page.index(summary)  # the form is inside it


def test_a_card_just_saved_or_refused_is_open(eva: httpx.Client) -> None:
    refused = _card(eva, FIRST, status="completed", progress="40")
    assert refused.status_code == 422
    assert _card_details(refused.text, FIRST).startswith("<details open>")
    assert _card_details(refused.text, SECOND).startswith("<details>")
    saved = _card(eva, FIRST, status="in_progress", progress="40")
    page = eva.get(saved.headers["location"]).text
    opened = _card_details(page, FIRST)
    assert opened.startswith("<details open>") and "Rapporterad" in opened
    assert _card_details(page, SECOND).startswith("<details>")


def test_a_card_says_whether_it_is_reported_in_the_period_yes_or_no(eva: httpx.Client) -> None:
    page = eva.get(PART).text
    assert '<p class="period-state">Rapporterad under perioden: <strong>Nej</strong></p>' in page
    _card(eva, FIRST, status="in_progress", progress="10")
    _post(eva, "bekrafta", reference=[SECOND])
    page = eva.get(PART).text
    first, second = page[page.index(f'id="a-{FIRST}"') :], page[page.index(f'id="a-{SECOND}"') :]
    assert first.index("Rapporterad under perioden: <strong>Ja</strong>") < first.index("</article>")
    assert second.index("Rapporterad under perioden: <strong>Ja, bekräftad oförändrad</strong>") < (
        second.index("</article>")
    )
    english = eva.get(PART, params={"lang": "en"}).text
    assert "Reported in the period: <strong>Yes, confirmed unchanged</strong>" in english


def test_a_filter_shows_only_the_assignments_not_reported_in_the_period(eva: httpx.Client) -> None:
    """`?visa=orapporterade`, a link on the page (no script needed), and kept by the card's form."""
    page = eva.get(PART).text
    assert f'href="{PART}?visa=orapporterade" id="show-unreported">' in page
    version = form_value(page[page.index(f'id="{FIRST}-form"') :], "version")
    saved = eva.post(
        f"{PART}/uppdrag/{FIRST}?visa=orapporterade",
        data={"csrf_token": form_value(page, "csrf_token"), "version": version, "progress": "10"},
    )
    assert saved.status_code == 303 and "visa=orapporterade" in saved.headers["location"]
    shown = eva.get(saved.headers["location"]).text
    assert f'id="a-{SECOND}"' in shown and f'id="a-{FIRST}"' not in shown
    assert f'action="{PART}/uppdrag/{SECOND}?visa=orapporterade#a-{SECOND}"' in shown
    assert f'id="a-{FIRST}"' in eva.get(PART).text  # all of them without the filter
    english = eva.get(f"{PART}?visa=orapporterade&lang=en").text
    assert "Only those not reported in the period (1)" in english and f'id="a-{FIRST}"' not in english
    _post(eva, "bekrafta", reference=[SECOND])
    done = eva.get(f"{PART}?visa=orapporterade").text
    assert 'id="no-cards">Alla uppdrag är rapporterade under perioden.</p>' in done


def test_the_reporting_pages_link_their_pdfs_for_the_records(eva: httpx.Client) -> None:
    part = re.search(r'<a href="([^"]+)" id="download-pdf">', eva.get(PART).text)
    overview = re.search(r'<a href="([^"]+)" id="round-pdf">', eva.get("/rapportering?omgang=2015-T1").text)
    assert part and overview
    for link in (part.group(1), overview.group(1)):
        pdf = eva.get(html.unescape(link))
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf", link
    assert part.group(1) == "/api/v1/rounds/2015/T1/units/SLK?format=pdf"


def _token(client: httpx.Client, path: str = PART) -> str:
    return form_value(client.get(path).text, "csrf_token")


def _card(client: httpx.Client, reference: str, **fields: str) -> httpx.Response:
    page = client.get(PART).text
    version = form_value(page[page.index(f'id="{reference}-form"') :], "version")
    data = {"csrf_token": form_value(page, "csrf_token"), "version": version, **fields}
    return client.post(f"{PART}/uppdrag/{reference}", data=data)


def _post(client: httpx.Client, action: str, **data: Any) -> httpx.Response:
    return client.post(f"{PART}/{action}", data={"csrf_token": _token(client), **data})


def _history(api: httpx.Client, reference: str) -> list[dict[str, Any]]:
    item = assignment_by_reference(api, reference)
    return list(api.get(f"/api/v1/assignments/{item['id']}/history").json())


def _state(api: httpx.Client) -> str:
    return str(api.get("/api/v1/rounds/2015/T1/units/SLK").json()["state"])


def test_my_reporting_lists_the_units_a_person_reports_for_or_reviews(
    eva: httpx.Client, kim: httpx.Client, bo: httpx.Client
) -> None:
    page = eva.get("/rapportering?omgang=2015-T1")
    assert page.status_code == 200 and '<html lang="sv">' in page.text
    assert f'href="{PART}">Stadsledningskontoret</a>' in page.text
    assert 'data-unit="SLK" data-state="not_started"' in page.text and "0 av 2" in page.text
    assert ">Rapporterar</td>" in page.text and 'aria-current="page">Min rapportering' in page.text
    assert 'href="/api/v1/rounds/2015/T1?format=html"' in page.text
    assert "Granskar</td>" in kim.get("/rapportering?omgang=2015-T1").text
    assert 'id="no-parts"' in bo.get("/rapportering?omgang=2015-T1").text
    english = eva.get("/rapportering?omgang=2015-T1&lang=en").text
    assert "My units in First tertial report 2015" in english and ">Report</td>" in english
    assert f'href="{PART}?lang=en"' in english
    dashboard = eva.get("/?year=2015&period=T1").text
    assert '<p id="my-reporting"><a href="/rapportering?omgang=2015-T1">Min rapportering</a>' in dashboard
    overview = eva.get("/api/v1/rounds/2015/T1?format=html&lang=en").text
    assert 'href="/rapportering?omgang=2015-T1&amp;lang=en">My reporting</a>' in overview
    current = eva.get("/rapportering")  # the current period, chosen in the list
    assert current.status_code == 200 and "(pågår nu)</option>" in current.text
    assert 'id="omgang"' in current.text


def test_a_card_reports_under_the_persons_name_on_the_cut_off(eva: httpx.Client, api: httpx.Client) -> None:
    saved = _card(eva, FIRST, status="in_progress", progress="40", traffic_light="yellow", comment="Påbörjat")
    assert (
        saved.status_code == 303 and saved.headers["location"] == f"{PART}?klart=saved&uppdrag={FIRST}#notice"
    )
    page = eva.get(saved.headers["location"]).text
    assert f"Rapporten för {FIRST} är sparad." in page
    assert "1 av 2" in page and 'data-state="in_progress"' in page
    newest = _history(api, FIRST)[-1]
    assert (newest["recorded_by"], newest["effective_date"]) == ("Eva Ek", "2015-04-30")
    assert newest["status_update"]["comment"] == "Påbörjat"


def test_a_refused_card_says_why_in_swedish_next_to_the_field_and_writes_nothing(
    eva: httpx.Client, session: Session
) -> None:
    before = database_state(session)
    refused = _card(eva, FIRST, status="completed", progress="40")
    assert refused.status_code == 422
    assert f'id="{FIRST}-progress-error">Måste vara 100 när status är Genomförd.</p>' in refused.text
    assert 'id="page-error">\n  <p>Rapporten sparades inte.' in refused.text
    assert f'<a href="#{FIRST}-progress">{FIRST}, Framdrift (%): Måste vara 100' in refused.text
    refused = _card(eva, FIRST, status="cancelled")
    assert f'id="{FIRST}-reason-error">Krävs när status är Utgår.</p>' in refused.text
    refused = _card(eva, FIRST, progress="hundra")
    assert f'id="{FIRST}-progress-error">Måste vara ett heltal.</p>' in refused.text
    refused = _card(eva, FIRST, progress="-5")
    assert f'id="{FIRST}-progress-error">Måste vara minst 0.</p>' in refused.text
    assert database_state(session) == before


def test_a_malformed_address_or_version_is_refused_not_a_server_error(
    eva: httpx.Client, session: Session
) -> None:
    """A year that is not a number in a form's address, or a version in other digits than 0–9
    ("²"), is refused in Swedish; nothing is written."""
    before = database_state(session)
    token = _token(eva)
    for action in ("lamna-in", "bekrafta", f"uppdrag/{FIRST}"):
        refused = eva.post(f"/rapportering/tjugo/T1/SLK/{action}", data={"csrf_token": token})
        assert refused.status_code == 422 and '<html lang="sv">' in refused.text, action
    unread = _card(eva, FIRST, status="in_progress", progress="10", version="²")
    assert unread.status_code == 428 and '<html lang="sv">' in unread.text  # no version read: 0–9 only
    assert database_state(session) == before


def test_a_nul_in_a_forms_text_is_refused_at_its_field_not_a_server_error(
    eva: httpx.Client, kim: httpx.Client, session: Session
) -> None:
    """A comment holding a NUL (text no database stores) was a 500 on submit, return and approve;
    it is refused naming the field, as on a card."""
    before = database_state(session)
    for client, action in ((eva, "lamna-in"), (kim, "aterforvisa"), (kim, "godkann")):
        refused = _post(client, action, comment="Klart\x00")
        assert refused.status_code == 422 and '<html lang="sv">' in refused.text, action
        assert "kommentar</strong>: Får inte innehålla NUL-tecken." in refused.text, action
    card = _card(eva, FIRST, status="in_progress", progress="10", comment="Påbörjat\x00")
    assert card.status_code == 422 and "kommentar</strong>: Får inte innehålla NUL-tecken." in card.text
    assert database_state(session) == before


def test_confirm_one_or_the_selected_then_submit_and_the_part_locks(
    eva: httpx.Client, api: httpx.Client, session: Session
) -> None:
    before = database_state(session)
    refused = _post(eva, "lamna-in")
    assert refused.status_code == 422
    assert "Rapporteringen kan inte lämnas in: 2 uppdrag har ingen rapport under perioden." in refused.text
    assert f'<a class="reference" href="/uppdrag/{SECOND}">{SECOND}</a>' in refused.text
    nothing = _post(eva, "bekrafta")
    assert nothing.status_code == 422 and "Markera minst ett uppdrag att bekräfta." in nothing.text
    assert database_state(session) == before

    confirmed = _post(eva, "bekrafta", reference=[FIRST, SECOND])
    assert confirmed.status_code == 303 and "klart=confirmed&antal=2" in confirmed.headers["location"]
    assert "Bekräftade som oförändrade: 2 uppdrag." in eva.get(confirmed.headers["location"]).text
    assert _history(api, FIRST)[-1]["status_update"]["comment"].startswith(
        "Oförändrat sedan föregående rapport"
    )

    submitted = _post(eva, "lamna-in", comment="Klart från oss.")
    assert submitted.status_code == 303
    page = eva.get(submitted.headers["location"]).text
    assert "Rapporteringen är inlämnad." in page and 'id="locked"' in page
    assert f'id="{FIRST}-form"' not in page and 'id="submit-part"' not in page
    assert _state(api) == "submitted"
    locked_before = database_state(session)
    again = _post(eva, "lamna-in")
    assert again.status_code == 409 and "Det går inte: rapporteringen är inlämnad." in again.text
    assert database_state(session) == locked_before


def test_the_coordinator_returns_with_a_comment_and_approves(
    eva: httpx.Client, kim: httpx.Client, api: httpx.Client, session: Session
) -> None:
    assert 'id="nothing-to-review"' in kim.get(PART).text
    _post(eva, "bekrafta", reference=[FIRST, SECOND])
    _post(eva, "lamna-in")
    page = kim.get(PART).text
    assert 'id="approve-part"' in page and 'id="return-part"' in page and f'id="{FIRST}-form"' not in page
    before = database_state(session)
    empty = _post(kim, "aterforvisa", comment="  ")
    assert empty.status_code == 422 and 'id="return-comment-error">Får inte vara tom.</p>' in empty.text
    assert database_state(session) == before

    returned = _post(kim, "aterforvisa", comment="Komplettera KS-2015-002.")
    assert returned.status_code == 303 and _state(api) == "returned"
    page = eva.get(PART).text
    assert "Komplettera KS-2015-002." in page and f'id="{FIRST}-form"' in page  # open again
    _post(eva, "lamna-in")
    approved = _post(kim, "godkann", comment="Tack.")
    assert approved.status_code == 303 and _state(api) == "approved"
    assert "Rapporteringen är godkänd och låst." in kim.get(approved.headers["location"]).text


def test_the_excel_form_is_shown_as_a_dry_run_then_the_same_file_written(
    eva: httpx.Client, backend: Backend, clients: Clients, api: httpx.Client, session: Session
) -> None:
    form = eva.get("/api/v1/rounds/2015/T1/units/SLK?format=xlsx")
    assert form.status_code == 200
    filled = fill_in_form(form.content, {FIRST: {"Ny framdrift (%)": 60, "Kommentar": "Enligt plan"}})
    before = database_state(session)
    preview = eva.post(
        f"{PART}/excel",
        data={"csrf_token": _token(eva)},
        files={"file": ("slk.xlsx", filled, "application/octet-stream")},
    )
    assert preview.status_code == 200, preview.text
    assert "Förhandsgranskning av slk.xlsx" in preview.text and 'data-result="accepted"' in preview.text
    assert "Framdrift (%): 60; Kommentar: Enligt plan" in preview.text
    rows_before = {name: rows for name, rows in before.items() if name != "pending_uploads"}
    after = database_state(session)
    assert {name: rows for name, rows in after.items() if name != "pending_uploads"} == rows_before
    action = preview.text.split(f'action="{PART}/excel/')[1].split('"')[0]

    other = signed_in_client(backend, clients.base_url, "eva.ek@stockholm.se")  # another session of hers
    stolen = other.post(f"{PART}/excel/{action}", data={"csrf_token": _token(other)})
    assert stolen.status_code == 404 and "Ladda upp den igen." in stolen.text
    other.close()

    written = eva.post(f"{PART}/excel/{action}", data={"csrf_token": _token(eva)})
    assert written.status_code == 303 and "klart=imported&antal=1" in written.headers["location"]
    assert _history(api, FIRST)[-1]["status_update"]["comment"] == "Enligt plan"
    assert database_state(session)["pending_uploads"] == []
    assert eva.post(f"{PART}/excel/{action}", data={"csrf_token": _token(eva)}).status_code == 404


def test_a_refused_excel_row_is_said_in_swedish_and_nothing_can_be_written(
    eva: httpx.Client, session: Session
) -> None:
    form = eva.get("/api/v1/rounds/2015/T1/units/SLK?format=xlsx").content
    filled = fill_in_form(form, {FIRST: {"Ny framdrift (%)": 150}, SECOND: {"Ny status": "Kanske"}})
    before = database_state(session)
    preview = eva.post(
        f"{PART}/excel", data={"csrf_token": _token(eva)}, files={"file": ("slk.xlsx", filled, "text/plain")}
    )
    assert preview.status_code == 200
    assert "Ny framdrift måste vara ett heltal från 0 till 100." in preview.text
    assert "Okänt värde i kolumnen Ny status. Välj ett av alternativen i listan." in preview.text
    assert 'id="write-import"' not in preview.text and 'id="dry-run-refused"' in preview.text
    too_long = fill_in_form(form, {FIRST: {"Kommentar": "å" * 10_001}})
    preview = eva.post(
        f"{PART}/excel",
        data={"csrf_token": _token(eva)},
        files={"file": ("slk.xlsx", too_long, "text/plain")},
    )
    assert "Kommentaren får vara högst 10 000 tecken" in preview.text
    not_a_form = eva.post(
        f"{PART}/excel",
        data={"csrf_token": _token(eva)},
        files={"file": ("x.csv", b"a;b\n1;2\n", "text/csv")},
    )
    assert not_a_form.status_code == 422
    assert 'id="file-error">Filen kunde inte läsas som enhetens formulär' in not_a_form.text
    for name, (broken, _words) in BROKEN_WORKBOOKS.items():
        refused = eva.post(
            f"{PART}/excel",
            data={"csrf_token": _token(eva)},
            files={"file": ("slk.xlsx", broken(), "application/octet-stream")},
        )
        assert refused.status_code == 422, name
        assert 'id="file-error">Filen kunde inte läsas som enhetens formulär' in refused.text
    missing = eva.post(f"{PART}/excel", data={"csrf_token": _token(eva)})
    assert missing.status_code == 422 and 'id="file-error">Välj en fil att ladda upp.</p>' in missing.text
    assert database_state(session) == before


def test_a_round_that_has_not_begun_takes_no_excel_form(
    eva: httpx.Client, backend: Backend, session: Session
) -> None:
    """On 1 March 2015 T2 has not begun: its page offers no forms, and a form sent anyway is refused
    on the page in Swedish, writing nothing."""
    next_part = "/rapportering/2015/T2/SLK"
    with clients_on(date(2015, 3, 1), backend) as early:
        early_eva = signed_in_client(backend, early.base_url, "eva.ek@stockholm.se")
        form = early_eva.get("/api/v1/rounds/2015/T2/units/SLK?format=xlsx").content
        page = early_eva.get(next_part).text
        assert 'id="not-open"' in page and 'id="preview"' not in page
        before = database_state(session)
        refused = early_eva.post(
            f"{next_part}/excel",
            data={"csrf_token": form_value(page, "csrf_token")},
            files={"file": ("slk.xlsx", fill_in_form(form, {FIRST: {"Ny framdrift (%)": 40}}))},
        )
        assert refused.status_code == 409
        assert "Perioden har inte börjat; det går inte att rapportera eller lämna in ännu." in refused.text
        assert database_state(session) == before
        early_eva.close()


FORMS = [
    (f"uppdrag/{FIRST}", {"status": "in_progress"}),
    ("bekrafta", {"reference": FIRST}),
    ("lamna-in", {}),
    ("excel", {}),
    ("excel/some-key", {}),
    ("aterforvisa", {"comment": "Gör om."}),
    ("godkann", {}),
]


@pytest.mark.parametrize(("action", "data"), FORMS)
def test_every_form_needs_its_csrf_token(
    action: str, data: dict[str, str], eva: httpx.Client, kim: httpx.Client, session: Session
) -> None:
    """Sent by whoever may use the form (the coordinator for return and approve), without the token
    or with another."""
    before = database_state(session)
    client = kim if action in ("aterforvisa", "godkann") else eva
    for token in ({}, {"csrf_token": "x" * 43}):
        refused = client.post(f"{PART}/{action}", data={**data, **token})
        assert refused.status_code == 403, (action, refused.text[:300])
        assert "Formuläret kunde inte skickas" in refused.text
    assert database_state(session) == before


@pytest.mark.parametrize(("action", "data"), FORMS)
def test_a_unit_not_the_persons_is_refused(
    action: str, data: dict[str, str], bo: httpx.Client, session: Session
) -> None:
    before = database_state(session)
    refused = bo.post(f"{PART}/{action}", data={"csrf_token": _token(bo), **data})
    assert refused.status_code == 403, (action, refused.text[:300])
    assert "Du har inte behörighet" in refused.text
    page = bo.get(PART).text
    assert 'id="read-only"' in page and f'id="{FIRST}-form"' not in page and 'id="review"' not in page
    assert database_state(session) == before


def test_without_a_session_the_page_explains_signing_in(anon: httpx.Client) -> None:
    page = anon.get(PART, headers={"Accept": "text/html"})
    assert page.status_code == 401 and "Logga in för att fortsätta" in page.text
    assert anon.get("/rapportering", headers={"Accept": "text/html"}).status_code == 401
