"""A whole reporting round, on both backends: the overview before anything is reported, a submit
refused with the missing references, the Excel form downloaded, filled in with openpyxl, dry-run,
imported and re-imported, confirmations, submit, locked status updates, return, change, submit,
approve, reminders raised once, and the overview and the city's report afterwards."""

import csv
import io
from datetime import date
from typing import Any

import httpx
import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.access import Role
from app.assignments.finished_spans import finished_on
from app.assignments.models import StatusUpdate
from app.assignments.status_updates import states_on_day
from app.assignments.vocabulary import FINISHED_STATUSES
from app.db import make_session_factory
from app.rounds.reminders import raise_round_reminders
from app.webhooks.models import OutboxEvent
from app.worker import run_round
from tests.bad_files import BROKEN_WORKBOOKS
from tests.conftest import Backend, Clients, clients_on
from tests.helpers import (
    assert_problem,
    assignment_by_reference,
    database_state,
    fill_in_form,
    patch_assignment,
    post_update,
)

pytestmark = pytest.mark.usefixtures("small_register")

ROUND = "/api/v1/rounds/2015/T1"
TIMEZONE = "Europe/Stockholm"


def _json(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _units(api: httpx.Client) -> dict[str, int]:
    return {unit["key"]: unit["id"] for unit in _json(api.get("/api/v1/org-units"))}


def _create(api: httpx.Client, title: str, **units: str) -> dict[str, Any]:
    """An adopted assignment of the 2015 document, its units given by key."""
    ids = _units(api)
    document = _json(api.get("/api/v1/documents"))[0]
    body: dict[str, Any] = {"title": title, "document_id": document["id"], "deadline": {"text": "2016"}}
    body |= {f"{name}_id": ids[key] for name, key in units.items()}
    return dict(_json(api.post("/api/v1/assignments", json=body), 201))


def _round_city(api: httpx.Client) -> dict[str, dict[str, Any]]:
    """Three units with parts: SLK (KS-2015-001, -002: it executes them), Servicenämnden (one it
    owns, one whose reporting unit was set to it) and the personnel department (one it owns)."""
    created = {
        "service": _create(api, "Samordna upphandlingen av ekonomisystem", owner="SERVICEN"),
        "reported_by_service": _create(
            api, "Toppdomänen .stockholm", owner="KS", executor="SLK", reporting_unit="SERVICEN"
        ),
        "personnel": _create(api, "Chefsförsörjning", owner="SLK_PERSONAL"),
    }
    assert created["reported_by_service"]["reporting_unit"]["key"] == "SERVICEN"
    assert created["personnel"]["reporting_unit"]["key"] == "SLK_PERSONAL"
    return created


def _overview_units(api: httpx.Client, **params: Any) -> dict[str, dict[str, Any]]:
    overview = _json(api.get(ROUND, params=params))
    return {unit["unit"]["key"]: unit for unit in overview["units"]}


def _import(client: httpx.Client, unit: str, content: bytes, **params: Any) -> httpx.Response:
    files = {"file": ("rapportering.xlsx", content, "application/octet-stream")}
    return client.post(f"{ROUND}/units/{unit}/import", files=files, params=params)


def _count(session: Session, model: type[Any]) -> int:
    session.expire_all()
    count = session.scalar(select(func.count()).select_from(model))
    session.rollback()
    return int(count or 0)


def _events(session: Session, prefix: str) -> list[str]:
    session.expire_all()
    types = session.scalars(
        select(OutboxEvent.type).where(OutboxEvent.type.like(f"{prefix}%")).order_by(OutboxEvent.id)
    )
    found = [str(event_type) for event_type in types]
    session.rollback()
    return found


def test_a_whole_round(api: httpx.Client, clients: Clients, session: Session) -> None:
    created = _round_city(api)
    slk = clients.as_role(Role.EDITOR, "SLK")
    coordinator = clients.as_role(Role.COORDINATOR, "KS")

    # Before anything is reported: a tree of the units with parts and those above them.
    overview = _json(api.get(ROUND))
    assert overview["round"]["cutoff"] == "2015-04-30"
    assert overview["round"]["first_day"] == "2015-01-01"
    assert overview["round"]["due"] == "2015-05-07"
    units = {unit["unit"]["key"]: unit for unit in overview["units"]}
    assert [unit["unit"]["key"] for unit in overview["units"]] == [
        "KF",
        "KS",
        "SLK",
        "SLK_PERSONAL",
        "SERVICEN",
    ]
    assert (units["SLK"]["expected"], units["SLK"]["updated"], units["SLK"]["state"]) == (2, 0, "not_started")
    assert (units["SERVICEN"]["expected"], units["SLK_PERSONAL"]["expected"]) == (2, 1)
    assert units["KF"]["has_part"] is False and units["KF"]["state"] is None
    assert units["KS"]["rollup"] == {
        "units": 2, "ready": 0, "approved": 0, "late": 2, "expected": 3, "updated": 0
    }  # fmt: skip
    assert overview["summary"]["units"] == 3 and overview["summary"]["ready"] == 0
    assert overview["summary"]["by_state"]["not_started"] == 3
    assert all(unit["late"] for unit in overview["units"] if unit["has_part"])

    # A submit is refused, naming what has no status update in the period.
    refused = assert_problem(slk.post(f"{ROUND}/units/SLK/submit"), 422, "references")
    assert refused["missing"] == ["KS-2015-001", "KS-2015-002"]

    # The Excel form, filled in for one assignment; a dry run writes nothing.
    form = slk.get(f"{ROUND}/units/SLK", params={"format": "xlsx"})
    assert form.status_code == 200, form.text
    filled = fill_in_form(
        form.content,
        {"KS-2015-001": {"Ny status": "Pågår", "Ny framdrift (%)": 40, "Kommentar": "Ansökan är inlämnad."}},
    )
    updates_before = _count(session, StatusUpdate)
    dry = _json(_import(slk, "SLK", filled))
    assert (dry["dry_run"], dry["written"], dry["accepted"], dry["unchanged"], dry["refused"]) == (
        True, False, 1, 1, 0
    )  # fmt: skip
    assert dry["rows"][0]["changes"] == {
        "status": "in_progress",
        "progress": 40,
        "comment": "Ansökan är inlämnad.",
    }
    assert _count(session, StatusUpdate) == updates_before

    imported = _json(_import(slk, "SLK", filled, dry_run="false"))
    assert (imported["written"], imported["accepted"]) == (True, 1)
    assert _count(session, StatusUpdate) == updates_before + 1
    first = assignment_by_reference(api, "KS-2015-001")
    assert (first["status"], first["progress"]) == ("in_progress", 40)
    history = _json(api.get(f"/api/v1/assignments/{first['id']}/updates"))
    assert history[-1]["effective_date"] == "2015-04-30"

    again = _json(_import(slk, "SLK", filled, dry_run="false"))
    assert (again["accepted"], again["unchanged"], again["refused"]) == (0, 2, 0)
    assert _count(session, StatusUpdate) == updates_before + 1

    # Still one without an update; confirm it unchanged, then submit.
    assert assert_problem(slk.post(f"{ROUND}/units/SLK/submit"), 422, "references")["missing"] == [
        "KS-2015-002"
    ]
    changes_before = _events(session, "assignment.status_changed")
    confirmed = _json(
        slk.post(f"{ROUND}/units/SLK/confirm", json={"references": ["KS-2015-002", "KS-2015-001"]})
    )
    assert [result["result"] for result in confirmed["results"]] == ["confirmed", "already_updated"]
    assert _events(session, "assignment.status_c") == [*changes_before, "assignment.status_confirmed"]
    second = assignment_by_reference(api, "KS-2015-002")
    latest = _json(api.get(f"/api/v1/assignments/{second['id']}/updates"))[-1]
    assert latest["confirmation"] is True and "Oförändrat" in latest["comment"]
    submitted = _json(slk.post(f"{ROUND}/units/SLK/submit", json={"comment": "Klart från SLK."}))
    assert (submitted["state"], submitted["updated"], submitted["missing"]) == ("submitted", 2, [])

    # Submitted: status updates effective in the period are locked; later ones are not.
    locked = post_update(slk, first["id"], {"progress": 50, "effective_date": "2015-03-01"})
    assert_problem(locked, 409)
    assert post_update(slk, first["id"], {"progress": 55, "effective_date": "2015-06-01"}).status_code == 201
    locked_form = fill_in_form(form.content, {"KS-2015-002": {"Ny framdrift (%)": 5}})
    assert _json(_import(slk, "SLK", locked_form))["rows"][1]["result"] == "refused"

    # Only a coordinator above the unit (or an admin) returns or approves.
    assert_problem(slk.post(f"{ROUND}/units/SLK/approve"), 403)
    assert_problem(clients.as_role(Role.COORDINATOR, "SERVICEN").post(f"{ROUND}/units/SLK/approve"), 403)
    assert_problem(coordinator.post(f"{ROUND}/units/SLK/return", json={}), 422, "comment")
    returned = _json(coordinator.post(f"{ROUND}/units/SLK/return", json={"comment": "Komplettera eDok."}))
    assert returned["state"] == "returned"
    assert post_update(slk, first["id"], {"progress": 50, "effective_date": "2015-03-01"}).status_code == 201
    assert _json(slk.post(f"{ROUND}/units/SLK/submit"))["state"] == "submitted"
    approved = _json(coordinator.post(f"{ROUND}/units/SLK/approve", json={"comment": "Bra."}))
    assert approved["state"] == "approved"
    assert [step["action"] for step in approved["transitions"]] == ["submit", "return", "submit", "approve"]
    assert approved["transitions"][1]["comment"] == "Komplettera eDok."
    assert_problem(coordinator.post(f"{ROUND}/units/SLK/approve"), 409)
    assert_problem(post_update(slk, first["id"], {"progress": 60, "effective_date": "2015-04-01"}), 409)
    assert _events(session, "round.unit") == [
        "round.unit_submitted", "round.unit_returned", "round.unit_submitted", "round.unit_approved"
    ]  # fmt: skip

    # Reminders: due soon two days before the due date, overdue after it, each once per unit.
    def remind(day: date) -> int:
        raised = raise_round_reminders(session, today=day, due_soon_days=7, timezone=TIMEZONE)
        session.commit()
        return raised

    assert remind(date(2015, 5, 5)) == 2  # Servicenämnden and the personnel department
    assert remind(date(2015, 5, 6)) == 0
    assert remind(date(2015, 5, 8)) == 2
    assert remind(date(2015, 5, 9)) == 0
    assert _events(session, "round.due_soon") == ["round.due_soon"] * 2
    assert _events(session, "round.overdue") == ["round.overdue"] * 2

    # Afterwards: the overview, filtered, and the city's report published with the round's state.
    after = _overview_units(api)
    assert (after["SLK"]["state"], after["SLK"]["updated"]) == ("approved", 2)
    assert after["KS"]["rollup"]["ready"] == 1 and after["KS"]["rollup"]["units"] == 2
    assert after["KF"]["rollup"] == {
        "units": 3,
        "ready": 1,
        "approved": 1,
        "late": 2,
        "expected": 5,
        "updated": 2,
    }
    assert list(_overview_units(api, state="approved")) == ["SLK"]
    assert set(_overview_units(api, state=["not_started", "in_progress"])) == {"SERVICEN", "SLK_PERSONAL"}
    published = _json(api.post("/api/v1/reports/2015/T1/publish"), 201)
    assert (published["published"]["units_reporting"], published["published"]["units_approved"]) == (3, 1)
    report_page = api.get("/api/v1/reports/2015/T1", params={"format": "html"}).text
    assert "1 av 3 enheters rapportering godkänd" in report_page
    del created


def _csv_rows(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def _csv_form(client: httpx.Client, unit: str, lang: str = "sv") -> list[list[str]]:
    return _csv_rows(client.get(f"{ROUND}/units/{unit}", params={"format": "csv", "lang": lang}))


def _csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def test_the_csv_form_goes_both_ways_in_swedish_and_english(api: httpx.Client, clients: Clients) -> None:
    slk = clients.as_role(Role.EDITOR, "SLK")
    rows = _csv_form(slk, "SLK")
    header = rows[0]
    assert header[:2] == ["Referens", "Titel"] and header[-5:] == [
        "Ny status", "Ny framdrift (%)", "Ny bedömning", "Nytt trafikljus", "Kommentar"
    ]  # fmt: skip
    rows[1][-5:] = ["Completed", "", "Uppfyllt", "grön", "Klart."]  # English, Swedish, lower case alike
    answer = _json(_import(slk, "SLK", _csv_bytes(rows), dry_run="false"))
    assert [row["result"] for row in answer["rows"]] == ["accepted", "unchanged"]
    done = assignment_by_reference(api, rows[1][0])
    assert (done["status"], done["progress"], done["assessment"], done["traffic_light"]) == (
        "completed", 100, "fulfilled", "green"
    )  # fmt: skip
    english = _csv_form(slk, "SLK", lang="en")
    assert english[0][:2] == ["Reference", "Title"]


def test_an_import_refuses_what_is_wrong_and_writes_nothing(
    api: httpx.Client, clients: Clients, session: Session
) -> None:
    _round_city(api)
    slk = clients.as_role(Role.EDITOR, "SLK")
    form = slk.get(f"{ROUND}/units/SLK", params={"format": "xlsx"}).content
    first = assignment_by_reference(api, "KS-2015-001")
    assert post_update(api, first["id"], {"progress": 10, "effective_date": "2015-02-01"}).status_code == 201
    filled = fill_in_form(
        form,
        {
            "KS-2015-001": {"Ny framdrift (%)": 30},  # changed since the download: stale
            "KS-2015-002": {"Ny status": "Kanske", "Ny framdrift (%)": "mycket"},
        },
    )
    answer = _json(_import(slk, "SLK", filled))
    assert [(row["result"], row["field"]) for row in answer["rows"]] == [
        ("refused", "version"), ("refused", "new_status")
    ]  # fmt: skip
    assert "Kanske" in answer["rows"][1]["reason"]

    service_form = clients.as_role(Role.EDITOR, "SERVICEN").get(
        f"{ROUND}/units/SERVICEN", params={"format": "xlsx"}
    )
    before = database_state(session)
    problem = assert_problem(_import(slk, "SLK", filled, dry_run="false"), 422)
    assert problem["refused"] == 2 and problem["written"] is False
    assert database_state(session) == before

    assert_problem(_import(slk, "SLK", service_form.content), 422, "file")  # another unit's form
    assert_problem(_import(slk, "SLK", b"\x89PNG\r\n\x1a\n" + bytes(range(256))), 422, "file")
    assert_problem(_import(slk, "SLK", b"PK\x03\x04 not really a workbook"), 422, "file")
    assert_problem(_import(slk, "SLK", "Namn;Värde\r\nx;1\r\n".encode()), 422, "file")
    assert_problem(_import(slk, "SLK", b""), 422, "file")
    assert_problem(_import(slk, "SLK", b"x" * (2 * 1024 * 1024)), 413)
    for name, (broken, words) in BROKEN_WORKBOOKS.items():
        assert words in assert_problem(_import(slk, "SLK", broken()), 422, "file")["detail"], name
    rows = _csv_form(slk, "SLK")
    rows[0].remove("Version")
    missing = assert_problem(_import(slk, "SLK", _csv_bytes(rows)), 422, "file")
    assert "Version" in missing["detail"]
    rows = _csv_form(slk, "SLK")
    rows.append(["KS-2015-003", *[""] * (len(rows[0]) - 6), "Pågår", "", "", "", ""])  # not SLK's
    assert _json(_import(slk, "SLK", _csv_bytes(rows)))["rows"][-1]["field"] == "reference"
    rows = _csv_form(slk, "SLK")
    rows[1][-1] = "å" * 10_001  # longer than a status update's comment may be
    rows[2][-1] = "Klart\x00"  # text neither database can store
    rows.append(["KS-" + "9" * 50_000, *rows[2][1:]])
    answer = _json(_import(slk, "SLK", _csv_bytes(rows)))
    assert [(row["result"], row["field"]) for row in answer["rows"]] == [
        ("refused", "new_comment"), ("refused", "new_comment"), ("refused", "reference")
    ]  # fmt: skip
    assert "10000 characters" in answer["rows"][0]["reason"]
    assert len(answer["rows"][2]["reference"]) == 60 and len(answer["rows"][2]["reason"]) < 200
    assert_problem(slk.post(f"{ROUND}/units/SLK/import"), 422)  # no file at all
    assert database_state(session) == before


def test_a_round_that_has_not_begun_takes_no_reports(backend: Backend, session: Session) -> None:
    """On 1 March 2015 T1 runs and T2 has not begun: confirming, importing (a dry run too) and
    submitting in T2 are refused with 409 and write nothing (they would take effect in T1)."""
    next_round = "/api/v1/rounds/2015/T2/units/SLK"
    with clients_on(date(2015, 3, 1), backend) as early:
        slk = early.as_role(Role.EDITOR, "SLK")
        form = slk.get(next_round, params={"format": "xlsx"})
        assert form.status_code == 200, form.text
        filled = {"file": ("slk.xlsx", fill_in_form(form.content, {"KS-2015-001": {"Ny framdrift (%)": 40}}))}
        before = database_state(session)
        for dry_run in ("true", "false"):
            refused = slk.post(f"{next_round}/import", files=filled, params={"dry_run": dry_run})
            assert "has not begun" in assert_problem(refused, 409)["detail"]
        assert_problem(slk.post(f"{next_round}/confirm", json={"references": ["KS-2015-001"]}), 409)
        assert_problem(slk.post(f"{next_round}/submit"), 409)
        assert database_state(session) == before


def test_who_may_do_what_and_bad_addresses(api: httpx.Client, clients: Clients, session: Session) -> None:
    _round_city(api)
    reader = clients.as_role(Role.READER)
    service_editor = clients.as_role(Role.EDITOR, "SERVICEN")
    slk = clients.as_role(Role.EDITOR, "SLK")
    before = database_state(session)
    assert_problem(reader.post(f"{ROUND}/units/SLK/submit"), 403)
    assert_problem(service_editor.post(f"{ROUND}/units/SLK/submit"), 403)
    assert_problem(
        service_editor.post(f"{ROUND}/units/SLK/confirm", json={"references": ["KS-2015-001"]}), 403
    )
    unknown = slk.post(f"{ROUND}/units/SLK/confirm", json={"references": ["KS-2015-001", "KS-2015-004"]})
    assert "KS-2015-004" in assert_problem(unknown, 422, "references")["detail"]
    assert_problem(slk.post(f"{ROUND}/units/SLK/confirm", json={"references": []}), 422, "references")
    assert_problem(api.get(f"{ROUND}/units/NOSUCH"), 404)
    assert_problem(api.get(f"{ROUND}/units/TN"), 404)  # reports nothing in the round
    assert assert_problem(api.get("/api/v1/rounds/2015/T9"), 404)["detail"].startswith(
        "No round T9 2015: rounds"
    )
    assert_problem(api.get("/api/v1/rounds/1800/T1"), 404)
    assert_problem(api.get(ROUND, params={"state": "done"}), 422, "state.0")
    assert_problem(api.get(ROUND, headers={"Accept": "image/png"}), 406)
    assert_problem(slk.post(f"{ROUND}/units/SLK/approve"), 403)
    assert_problem(api.post(f"{ROUND}/units/SLK/approve"), 409)  # not submitted
    assert_problem(api.post(f"{ROUND}/units/SLK/return", json={"comment": "x"}), 409)
    assert database_state(session) == before


def test_a_rounds_due_date_is_set_with_its_version(api: httpx.Client, clients: Clients) -> None:
    _round_city(api)
    assert_problem(api.patch(ROUND, json={"due": "2015-05-20"}), 428)
    assert_problem(api.patch(ROUND, json={"due": "2015-04-01", "version": 1}), 422, "due")
    assert_problem(
        clients.as_role(Role.COORDINATOR, "KS").patch(ROUND, json={"due": "2015-05-20", "version": 1}), 403
    )
    changed = api.patch(ROUND, json={"due": "2015-05-20"}, headers={"If-Match": '"1"'})
    assert _json(changed)["due"] == "2015-05-20" and changed.headers["etag"] == '"2"'
    assert_problem(api.patch(ROUND, json={"due": None, "version": 1}), 412)
    overview = _json(api.get(ROUND))
    assert overview["round"]["due_is_default"] is False
    assert {unit["due"] for unit in overview["units"]} == {"2015-05-20"}
    assert _json(api.patch(ROUND, json={"due": None, "version": 2}))["due"] == "2015-05-07"


def test_the_rounds_files_and_page(api: httpx.Client, clients: Clients) -> None:
    _round_city(api)
    slk = clients.as_role(Role.EDITOR, "SLK")
    _json(slk.post(f"{ROUND}/units/SLK/confirm", json={"references": ["KS-2015-001", "KS-2015-002"]}))
    _json(slk.post(f"{ROUND}/units/SLK/submit"))

    book = openpyxl.load_workbook(io.BytesIO(api.get(ROUND, params={"format": "xlsx"}).content))
    sheet = book.worksheets[0]
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[0][0] == "Rapporteringsomgång Tertialrapport 1 2015"
    header = next(row for row in cells if row[0] == "Enhet")
    slk_row = dict(zip(header, next(row for row in cells if row[1] == "SLK"), strict=True))
    assert slk_row["Läge"] == "Inlämnad" and slk_row["Uppdrag att rapportera"] == 2
    kf_row = dict(zip(header, next(row for row in cells if row[1] == "KF"), strict=True))
    assert kf_row["Sammanräknat med underliggande enheter"] == "1 av 3 enheter klara"

    part = openpyxl.load_workbook(
        io.BytesIO(api.get(f"{ROUND}/units/SERVICEN", params={"format": "xlsx"}).content)
    )
    form = part.worksheets[0]
    validations = {
        str(rule.sqref).split(":")[0][0]: rule.formula1 for rule in form.data_validations.dataValidation
    }
    assert any("Pågår" in (formula or "") for formula in validations.values())
    assert any("Uppfyllt" in (formula or "") for formula in validations.values())

    rows = _csv_rows(api.get(ROUND, params={"format": "csv"}))
    assert rows[0][0] == "Enhet" and len(rows) == 6

    page = api.get(ROUND, params={"format": "html"})
    assert page.headers["content-type"].startswith("text/html")
    assert "1 av 3 enheter klara" in page.text and "Inlämnad" in page.text
    assert "0 av 1 enhet klar" in page.text  # Servicenämnden on its own
    english = api.get(ROUND, params={"format": "html", "lang": "en"}).text
    assert "1 of 3 units ready" in english and "Submitted" in english and "0 of 1 unit ready" in english
    personnel = api.get(f"{ROUND}/units/SLK_PERSONAL", params={"format": "html"}).text
    assert "0 av 1 uppdrag rapporterat" in personnel
    part_page = api.get(f"{ROUND}/units/SLK", params={"format": "html"}).text
    assert "Bekräftad oförändrad" in part_page and "KS-2015-002" in part_page
    feed = api.get("/api/v1/calendar.ics").text
    assert "Rapportering T1 2015" not in feed  # due 2015: not within a month of today


def _finished_on(session: Session, day: date) -> set[int]:
    session.expire_all()
    finished = set(session.scalars(finished_on(day)))
    session.rollback()
    return finished


def test_a_round_leaves_out_what_was_finished_before_it_began(api: httpx.Client, session: Session) -> None:
    """T2 2015 (from 1 May) leaves out an assignment finished on 30 April, whatever order its
    updates came in: a later one the same day decides, a back-dated one before it changes nothing.
    What is finished on a day (the finished spans) agrees with the history on every day."""
    first = assignment_by_reference(api, "KS-2015-001")
    second = assignment_by_reference(api, "KS-2015-002")

    def expected(period: str) -> int:
        units = {
            unit["unit"]["key"]: unit for unit in _json(api.get(f"/api/v1/rounds/2015/{period}"))["units"]
        }
        return int(units["SLK"]["expected"])

    assert (expected("T1"), expected("T2")) == (2, 2)
    updates: list[tuple[dict[str, Any], dict[str, Any], int]] = [
        (first, {"status": "completed", "effective_date": "2015-03-01"}, 1),
        (first, {"status": "in_progress", "progress": 50, "effective_date": "2015-04-30"}, 2),
        (first, {"status": "closed", "reason": "Ingår i budgeten.", "effective_date": "2015-04-30"}, 1),
        (first, {"status": "in_progress", "progress": 10, "effective_date": "2015-02-01"}, 1),
        (second, {"status": "cancelled", "reason": "Utgår.", "effective_date": "2015-05-02"}, 1),
    ]
    for assignment, body, in_t2 in updates:
        assert post_update(api, assignment["id"], body).status_code == 201, body
        assert (expected("T1"), expected("T2")) == (2, in_t2), body
    ids = [first["id"], second["id"]]
    for day in (date(2015, 1, 31), date(2015, 2, 1), date(2015, 3, 1), date(2015, 4, 30), date(2015, 5, 2)):
        finished = {
            assignment_id
            for assignment_id, state in states_on_day(session, assignment_ids=ids, day=day).items()
            if state.status in FINISHED_STATUSES
        }
        session.rollback()
        assert _finished_on(session, day) == finished, day


def test_the_reporting_unit_is_set_per_assignment_with_its_history(api: httpx.Client) -> None:
    first = assignment_by_reference(api, "KS-2015-001")
    assert first["reporting_unit"]["key"] == "SLK"  # its executor
    moved = patch_assignment(api, first["id"], {"reporting_unit_id": _units(api)["SERVICEN"]})
    assert _json(moved)["reporting_unit"]["key"] == "SERVICEN"
    change = _json(api.get(f"/api/v1/assignments/{first['id']}/history"))[-1]["changes"]["reporting_unit"]
    assert (change["old"], change["new"]["key"]) == (None, "SERVICEN")
    units = _overview_units(api)
    assert (units["SLK"]["expected"], units["SERVICEN"]["expected"]) == (1, 1)
    assert_problem(
        patch_assignment(api, first["id"], {"reporting_unit_id": 987654}), 422, "reporting_unit_id"
    )
    back = patch_assignment(api, first["id"], {"reporting_unit_id": None})
    assert _json(back)["reporting_unit"]["key"] == "SLK"


def test_the_worker_raises_round_reminders_once(backend: Backend, session: Session) -> None:
    """`uppdrag worker` raises the rounds' reminders (today's, from the machine's date in the city's
    time zone): its first round raises one due-soon or overdue reminder per unit and round, a
    second raises none. On any day the latest round that has begun is either due soon or overdue,
    and the register's unfinished assignments have parts in it."""
    factory = make_session_factory(backend.engine)
    run_round(factory, backend.settings)
    reminders = session.scalars(
        select(OutboxEvent).where(OutboxEvent.type.in_(["round.due_soon", "round.overdue"]))
    ).all()
    assert reminders
    keys = [
        (
            event.type,
            event.payload["unit"]["key"],
            event.payload["round"]["year"],
            event.payload["round"]["period"],
        )
        for event in reminders
    ]
    assert len(keys) == len(set(keys))
    run_round(factory, backend.settings)
    session.expire_all()
    again = session.scalar(
        select(func.count()).select_from(OutboxEvent).where(OutboxEvent.type.like("round.%"))
    )
    assert again == len(reminders)
