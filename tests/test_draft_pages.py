"""The document and draft pages over real HTTP on both backends, as a signed-in admin's browser uses
them: upload a file with its metadata, the drafts' list with filters, a draft with its quote in
context, and the forms to edit, accept, reject, merge and split (CSRF on each); malformed files get a
Swedish message and write nothing; readers read but see no forms."""

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from app.access import Role
from tests.bad_files import UNREADABLE_UPLOADS
from tests.conftest import Backend, Clients, serve
from tests.helpers import database_state
from tests.people import add_person, form_value, signed_in_client
from tests.uploads import CHIEFS, DECISION, DECISION_TEXT, FUNDING, PLATFORM, STRATEGY, draft_with

pytestmark = pytest.mark.usefixtures("small_register")


@pytest.fixture
def admin(backend: Backend, clients: Clients) -> Iterator[httpx.Client]:
    """Anna Admin, signed in with a link."""
    add_person(backend, "anna.admin@stockholm.se", "Anna Admin", (Role.ADMIN, None))
    client = signed_in_client(backend, clients.base_url, "anna.admin@stockholm.se")
    yield client
    client.close()


def _send_upload(
    client: httpx.Client, content: bytes = DECISION_TEXT, fields: dict[str, Any] | None = None
) -> httpx.Response:
    form = client.get("/underlag/ladda-upp")
    assert form.status_code == 200, form.text
    data = {**DECISION, **(fields or {}), "csrf_token": form_value(form.text, "csrf_token")}
    return client.post(
        "/underlag/ladda-upp", data=data, files={"file": ("beslut.txt", content, "text/plain")}
    )


def _uploaded(client: httpx.Client) -> int:
    response = _send_upload(client)
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/underlag/(\d+)/utkast\?inlast=4", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def _post(client: httpx.Client, page: str, action: str, fields: dict[str, str]) -> httpx.Response:
    """Send one of a draft page's forms with the page's CSRF token and the draft's version."""
    shown = client.get(page)
    data = {"csrf_token": form_value(shown.text, "csrf_token"), "version": form_value(shown.text, "version")}
    return client.post(f"{page}/{action}", data={**data, **fields})


def test_upload_review_and_accept_through_the_pages(admin: httpx.Client, api: httpx.Client) -> None:
    documents = admin.get("/underlag")
    assert documents.status_code == 200 and 'aria-current="page">Underlag' in documents.text
    assert "Ladda upp ett underlag" in documents.text
    document_id = _uploaded(admin)
    listed = admin.get(f"/underlag/{document_id}/utkast?inlast=4")
    assert "Underlaget är inläst: 4 utkast hittades." in listed.text
    assert listed.text.count(f'href="/underlag/{document_id}/utkast/') == 4
    assert "Att granska" in listed.text and "100 %" in listed.text

    listing = admin.get("/underlag").text
    assert '<th scope="col">Typ</th>' in listing and "Sort" not in listing
    assert ">4 av 4 att granska</a>" in listing

    platform = draft_with(api, document_id, PLATFORM)
    page = f"/underlag/{document_id}/utkast/{platform['id']}"
    shown = admin.get(page)
    assert '· Träffsäkerhet (motorns bedömning) <span id="draft-confidence">' in shown.text
    assert f'<mark id="quote">{PLATFORM}</mark>' in shown.text
    assert STRATEGY in shown.text and FUNDING in shown.text  # the text around it
    assert "Formulering: ”ska”" in shown.text and "En tidsangivelse" in shown.text

    edited = _post(admin, page, "andra", {**_edit_fields(shown.text), "title": "Införa e-tjänstplattform"})
    assert edited.status_code == 303 and edited.headers["location"] == f"{page}?klart=sparat"
    assert "Ändringarna är sparade." in admin.get(edited.headers["location"]).text
    accepted = _post(admin, page, "godkann", {})
    assert accepted.status_code == 303, accepted.text
    shown = admin.get(accepted.headers["location"])
    assert "Utkastet är godkänt och har blivit ett uppdrag." in shown.text
    assert 'href="/uppdrag/KS-2016-001"' in shown.text
    assignment = api.get("/api/v1/assignments", params={"q": "KS-2016-001"}).json()["items"][0]
    assert assignment["title"] == "Införa e-tjänstplattform" and assignment["quote"] == PLATFORM
    history = api.get(f"/api/v1/assignments/{assignment['id']}/history").json()
    assert history[0]["recorded_by"] == "Anna Admin" and history[0]["person_id"] is not None
    draft = api.get(f"/api/v1/documents/{document_id}/drafts/{platform['id']}").json()
    assert [entry["recorded_by"] for entry in draft["history"]] == ["Anna Admin", "Anna Admin"]
    assert draft["history"][0]["person_id"] is not None


def _edit_fields(html: str) -> dict[str, str]:
    names = ("title", "section", "deadline_text", "amount_min", "amount_max", "continues")
    fields = {name: form_value(html, name) for name in names}
    quote = re.search(r'<textarea id="edit-quote" name="quote"[^>]*>([^<]*)</textarea>', html)
    assert quote
    fields["quote"] = quote.group(1)
    for name in ("owner", "executor", "kind", "origin"):
        select = re.search(rf'<select id="edit-{name}"[^>]*>(.*?)</select>', html, re.DOTALL)
        assert select, name
        chosen = re.search(r'<option value="([^"]*)" selected>', select.group(1))
        fields[name] = chosen.group(1) if chosen else ""
    return fields


def test_reject_merge_and_split_through_the_pages(admin: httpx.Client, api: httpx.Client) -> None:
    document_id = _uploaded(admin)
    base = f"/underlag/{document_id}/utkast"
    funding = draft_with(api, document_id, FUNDING)
    platform = draft_with(api, document_id, PLATFORM)
    refused = _post(admin, f"{base}/{funding['id']}", "avvisa", {"reason": ""})
    assert refused.status_code == 422 and "Får inte vara tomt." in refused.text
    rejected = _post(admin, f"{base}/{funding['id']}", "avvisa", {"reason": "Finansiering."})
    assert rejected.status_code == 303
    assert "Utkastet är avvisat." in admin.get(rejected.headers["location"]).text

    merged = _post(admin, f"{base}/{platform['id']}", "sla-ihop", {"other": ""})
    assert merged.status_code == 422 and "Välj ett utkast att slå ihop med." in merged.text
    strategy = draft_with(api, document_id, STRATEGY)
    merged = _post(admin, f"{base}/{platform['id']}", "sla-ihop", {"other": str(strategy["id"])})
    assert merged.status_code == 303
    assert api.get(f"/api/v1/documents/{document_id}/drafts/{platform['id']}").json()["quote"] == (
        f"{STRATEGY} {PLATFORM}"
    )

    chiefs = draft_with(api, document_id, CHIEFS)
    missing = _post(admin, f"{base}/{chiefs['id']}", "dela", {"split_before": "finns inte"})
    assert missing.status_code == 422 and "Orden finns inte i citatet." in missing.text
    inside = _post(admin, f"{base}/{chiefs['id']}", "dela", {"split_before": "ategiska avdelningen"})
    assert inside.status_code == 422 and "Orden finns inte i citatet." in inside.text  # not mid-word
    split = _post(admin, f"{base}/{chiefs['id']}", "dela", {"split_before": "utreda varför"})
    assert split.status_code == 303
    first = admin.get(split.headers["location"])
    assert "Utkastet är delat i två; det här är den första delen." in first.text
    assert "Personalstrategiska avdelningen får i uppdrag att under 2016</mark>" in first.text


def test_edit_refusals_are_said_in_swedish_next_to_the_fields(
    admin: httpx.Client, api: httpx.Client, session: Session
) -> None:
    document_id = _uploaded(admin)
    page = f"/underlag/{document_id}/utkast/{draft_with(api, document_id, STRATEGY)['id']}"
    fields = _edit_fields(admin.get(page).text)
    before = database_state(session)
    refused = _post(
        admin, page, "andra", {**fields, "quote": "Inte i texten.", "amount_min": "många", "continues": "X-1"}
    )
    assert refused.status_code == 422
    assert 'id="edit-amount_min-error">Måste vara ett heltal.' in refused.text
    assert 'aria-invalid="true"' in refused.text and 'value="många"' in refused.text
    refused = _post(admin, page, "andra", {**fields, "quote": "Inte i texten."})
    assert 'id="edit-quote-error">Finns inte ordagrant i underlaget.' in refused.text
    refused = _post(admin, page, "andra", {**fields, "continues": "KS-2099-001"})
    assert "Det finns inget uppdrag med den referensen." in refused.text
    refused = _post(admin, page, "andra", {**fields, "title": ""})
    assert 'id="edit-title-error">Får inte vara tomt.' in refused.text
    assert database_state(session) == before
    stale = admin.post(
        f"{page}/andra", data={**fields, "csrf_token": form_value(refused.text, "csrf_token"), "version": "9"}
    )
    assert stale.status_code == 409 and "Någon annan har ändrat utkastet" in stale.text


def test_every_form_needs_its_csrf_token(admin: httpx.Client, api: httpx.Client, session: Session) -> None:
    document_id = _uploaded(admin)
    page = f"/underlag/{document_id}/utkast/{draft_with(api, document_id, STRATEGY)['id']}"
    before = database_state(session)
    for action, fields in (
        ("godkann", {}),
        ("avvisa", {"reason": "x"}),
        ("andra", {"title": "x"}),
        ("dela", {"split_before": "ta fram"}),
        ("sla-ihop", {"other": "1"}),
    ):
        refused = admin.post(f"{page}/{action}", data={**fields, "version": "1", "csrf_token": "fel"})
        assert refused.status_code == 403 and "Formuläret kunde inte skickas" in refused.text
    forged = admin.post("/underlag/ladda-upp", data=DECISION, files={"file": ("a.txt", DECISION_TEXT)})
    assert forged.status_code == 403
    assert database_state(session) == before


def test_an_id_beyond_the_databases_in_an_address_is_refused_not_a_server_error(
    admin: httpx.Client, api: httpx.Client, session: Session
) -> None:
    """The pages' ids are whole numbers the databases store: 20 digits was a 500 (an integer
    neither database compares) on the drafts' list, a draft and each of its forms."""
    document_id = _uploaded(admin)
    draft_id = draft_with(api, document_id, STRATEGY)["id"]
    csrf = form_value(admin.get(f"/underlag/{document_id}/utkast/{draft_id}").text, "csrf_token")
    before = database_state(session)
    too_large = "99999999999999999999"
    for path in (f"/underlag/{too_large}/utkast", f"/underlag/{document_id}/utkast/{too_large}"):
        refused = admin.get(path)
        assert refused.status_code == 422 and "Får vara högst 2147483647." in refused.text, path
    refused = admin.post(f"/underlag/{document_id}/utkast/{too_large}/avvisa", data={"csrf_token": csrf})
    assert refused.status_code == 422 and '<html lang="sv">' in refused.text
    assert database_state(session) == before


def test_a_nul_in_a_review_forms_text_is_refused_at_its_field(
    admin: httpx.Client, api: httpx.Client, session: Session
) -> None:
    """The continued assignment's reference with a NUL was a 500 on PostgreSQL (looked up as typed)."""
    document_id = _uploaded(admin)
    page = f"/underlag/{document_id}/utkast/{draft_with(api, document_id, STRATEGY)['id']}"
    before = database_state(session)
    refused = _post(
        admin, page, "andra", {**_edit_fields(admin.get(page).text), "continues": "KS-2015-001\x00"}
    )
    assert refused.status_code == 422 and "Får inte innehålla NUL-tecken." in refused.text
    assert database_state(session) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (UNREADABLE_UPLOADS["empty"][0], "Filen är tom."),
        (UNREADABLE_UPLOADS["binary garbage"][0], "Filen är varken PDF, Word (DOCX) eller text."),
        (UNREADABLE_UPLOADS["pdf without text"][0], "Filen innehåller ingen läsbar text."),
        (UNREADABLE_UPLOADS["scanned pdf"][0], "troligen en inskanning. Kör textigenkänning (OCR)"),
        (UNREADABLE_UPLOADS["zip bomb"][0], "(en så kallad zip-bomb)"),
    ],
    ids=["empty", "binary", "pdf-without-text", "scanned", "zip-bomb"],
)
def test_a_file_without_usable_text_gets_a_swedish_message_and_writes_nothing(
    admin: httpx.Client, session: Session, content: bytes, message: str
) -> None:
    before = database_state(session)
    refused = _send_upload(admin, content)
    assert refused.status_code == 422
    assert 'id="file-error">' in refused.text and message in refused.text
    assert 'value="Kommunstyrelsens beslut om digital förvaltning"' in refused.text  # kept
    assert database_state(session) == before


def test_bad_metadata_and_a_file_over_the_limit_are_said_in_swedish(
    backend: Backend, admin: httpx.Client, session: Session
) -> None:
    before = database_state(session)
    refused = _send_upload(admin, fields={"decision_date": ""})
    assert refused.status_code == 422
    assert 'id="decision_date-error">Ange beslutsdatum eller dokumentets datum.' in refused.text
    refused = _send_upload(admin, fields={"title": " "})
    assert 'id="title-error">Krävs.' in refused.text
    refused = _send_upload(admin, fields={"plan_period_start": "2018", "plan_period_end": "2016"})
    assert 'id="plan_period_end-error">Sista året får inte vara före det första.' in refused.text
    assert database_state(session) == before
    settings = backend.settings.model_copy(update={"upload_max_bytes": 4096})
    with serve(settings) as url:
        client = httpx.Client(base_url=url, cookies=admin.cookies, headers={"Accept": "text/html"})
        too_large = _send_upload(client, b"Kontoret ska ta fram en plan. " * 140)
        assert too_large.status_code == 413 and "Filen är större än 4 kB." in too_large.text
        client.close()
    assert database_state(session) == before


def test_the_same_file_again_shows_the_drafts_made_the_first_time(
    admin: httpx.Client, session: Session
) -> None:
    document_id = _uploaded(admin)
    before = database_state(session)
    again = _send_upload(admin, fields={"title": "Annan titel"})
    assert again.headers["location"] == f"/underlag/{document_id}/utkast?redan=1"
    assert "Filen var redan inläst." in admin.get(again.headers["location"]).text
    assert database_state(session) == before


def test_the_drafts_list_filters_by_state_and_confidence(admin: httpx.Client, api: httpx.Client) -> None:
    document_id = _uploaded(admin)
    funding = draft_with(api, document_id, FUNDING)  # 90 %, the others 100 %
    rejected = api.post(
        f"/api/v1/documents/{document_id}/drafts/{funding['id']}/reject", json={"reason": "x"}
    )
    assert rejected.status_code == 200, rejected.text
    base = f"/underlag/{document_id}/utkast"
    assert admin.get(base, params={"state": "rejected"}).text.count(f'href="{base}/') == 1
    assert admin.get(base, params={"state": "proposed"}).text.count(f'href="{base}/') == 3
    assert admin.get(base, params={"min_confidence": "0.9"}).text.count(f'href="{base}/') == 4
    english = admin.get(base, params={"lang": "en", "state": "rejected"})
    assert "Draft assignments" in english.text and "1 drafts" in english.text


def test_a_reader_reads_drafts_without_forms_and_cannot_upload(
    backend: Backend, clients: Clients, api: httpx.Client
) -> None:
    document_id = int(
        api.post("/api/v1/documents", data=DECISION, files={"file": ("b.txt", DECISION_TEXT)}).json()["id"]
    )
    add_person(backend, "bo.berg@stockholm.se", "Bo Berg", (Role.READER, None))
    reader = signed_in_client(backend, clients.base_url, "bo.berg@stockholm.se")
    draft = draft_with(api, document_id, STRATEGY)
    page = reader.get(f"/underlag/{document_id}/utkast/{draft['id']}")
    assert page.status_code == 200 and "Bara administratörer granskar utkast." in page.text
    assert "/godkann" not in page.text
    assert "Ladda upp ett underlag" not in reader.get("/underlag").text
    assert reader.get("/underlag/ladda-upp").status_code == 403
    csrf = form_value(page.text, "csrf_token")
    refused = reader.post(f"/underlag/{document_id}/utkast/{draft['id']}/godkann", data={"csrf_token": csrf})
    assert refused.status_code == 403
    reader.close()


def test_the_continues_link_a_person_accepts_names_them_in_both_histories(
    admin: httpx.Client, api: httpx.Client
) -> None:
    document_id = _uploaded(admin)
    chiefs = draft_with(api, document_id, CHIEFS)
    accepted = _post(
        admin, f"/underlag/{document_id}/utkast/{chiefs['id']}", "godkann", {"link_continues": "yes"}
    )
    assert accepted.status_code == 303, accepted.text
    earlier = api.get("/api/v1/assignments", params={"q": "KS-2015-003"}).json()["items"][0]
    [linked] = [
        entry
        for entry in api.get(f"/api/v1/assignments/{earlier['id']}/history").json()
        if entry["type"] == "linked"
    ]
    assert linked["recorded_by"] == "Anna Admin" and linked["person_id"] is not None
