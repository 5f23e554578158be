"""The city across years and documents: a 2016 budget (plan 2016–2018) that continues 2015
assignments and adds new ones, a KS decision during 2016 ("Kommunstyrelsen får i uppdrag att …"),
a decision that closes and transfers, a unit that ceases, and the decisions not carried out."""

import csv
import io
from datetime import date
from typing import Any

import httpx
import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import local_today
from app.org.models import OrgUnit
from app.settings import Settings
from tests.helpers import assert_problem, assignment_by_reference, current_etag, patch_assignment, post_update
from tests.report_scenario import FIRST, SECOND, play_scenario

pytestmark = pytest.mark.usefixtures("small_register")

BUDGET_2016 = {
    "title": "Budget 2016 med plan för 2017 och 2018 – Kommunstyrelsen",
    "kind": "budget",
    "issuer": "SLK",
    "decided_by": "KF",
    "decision_date": "2015-11-23",
    "diarienummer": "KS 2015/1234",
    "paragraph": "§ 12",
    "plan_period": {"start_year": 2016, "end_year": 2018},
    "reference_prefix": "KS-2016",
    "full_text": "Kontoret ska fortsätta införandet av eDok. Kontoret ska under 2018 införa e-arkiv.",
}
KS_DECISION = {
    "title": "Uppdrag om en gemensam e-tjänstplattform",
    "kind": "decision",
    "decided_by": "KS",
    "decision_date": "2016-03-14",
    "diarienummer": "KS 2016/456",
    "paragraph": "§ 5",
    "full_text": "Kommunstyrelsen får i uppdrag att utreda en gemensam e-tjänstplattform till hösten 2016.",
}


def _json(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _lines(api: httpx.Client, year: int, period: str, **params: Any) -> dict[str, dict[str, Any]]:
    report = _json(api.get(f"/api/v1/reports/{year}/{period}", params=params))
    return {line["reference"]: line for line in report["assignments"]}


def _create(api: httpx.Client, **body: Any) -> dict[str, Any]:
    units = {unit["key"]: unit["id"] for unit in _json(api.get("/api/v1/org-units"))}
    body = {"owner_id": units[body.pop("owner", "KS")], **body}
    return dict(_json(api.post("/api/v1/assignments", json=body), 201))


def _link(api: httpx.Client, source: dict[str, Any], kind: str, target: str, **extra: Any) -> dict[str, Any]:
    body = {"kind": kind, "target": target, **extra}
    return dict(_json(api.post(f"/api/v1/assignments/{source['id']}/links", json=body), 201))


EXTRA_2015 = "Ta fram en ny e-tjänst"


@pytest.fixture(autouse=True)
def extra_2015(api: httpx.Client, small_register: Session) -> dict[str, Any]:
    """A third adopted assignment of the 2015 document, there from the start like the others."""
    document_2015 = _json(api.get("/api/v1/documents"))[0]
    return _create(api, title=EXTRA_2015, document_id=document_2015["id"], deadline={"text": "2016"})


def _later_documents(api: httpx.Client) -> dict[str, Any]:
    """The 2016 budget, continuing KS-2015-002 and the extra 2015 assignment, with a new assignment due
    under 2018; and the KS decision with its own assignment."""
    extra_2015 = assignment_by_reference(
        api, _json(api.get("/api/v1/assignments", params={"q": EXTRA_2015}))["items"][0]["reference"]
    )
    budget = _json(api.post("/api/v1/documents", json=BUDGET_2016), 201)
    continuing = _create(
        api, title="Fortsätta införandet av eDok", document_id=budget["id"], deadline={"text": "2016–2017"}
    )
    continuing_extra = _create(api, title="Fortsätta e-tjänsten", document_id=budget["id"])
    new = _create(api, title="Införa e-arkiv", document_id=budget["id"], deadline={"text": "under 2018"})
    _link(api, continuing, "continues", SECOND, decision_document_id=budget["id"])
    _link(api, continuing_extra, "continues", extra_2015["reference"])
    decision = _json(api.post("/api/v1/documents", json=KS_DECISION), 201)
    decided = _create(
        api,
        title="Utreda en gemensam e-tjänstplattform",
        document_id=decision["id"],
        deadline={"text": "hösten 2016"},
    )
    return {
        "budget": budget,
        "decision": decision,
        "extra_2015": extra_2015,
        "continuing": continuing,
        "continuing_extra": continuing_extra,
        "new": new,
        "decided": decided,
    }


def test_a_document_is_registered_and_edited_with_history(api: httpx.Client) -> None:
    created = api.post("/api/v1/documents", json=KS_DECISION)
    document = _json(created, 201)
    assert created.headers["location"] == f"/api/v1/documents/{document['id']}"
    assert created.headers["etag"] == '"1"'
    assert (document["kind"], document["decided_by"]["key"], document["paragraph"]) == (
        "decision",
        "KS",
        "§ 5",
    )
    assert (document["decision_date"], document["plan_period"], document["reference_prefix"]) == (
        "2016-03-14",
        None,
        "KS-2016",
    )
    url = f"/api/v1/documents/{document['id']}"
    assert_problem(api.patch(url, json={"paragraph": "§ 6"}), 428)
    assert_problem(api.patch(url, json={"paragraph": "§ 6"}, headers={"If-Match": '"7"'}), 412)
    edited = _json(api.patch(url, json={"paragraph": "§ 6", "decided_by": "KF"}, headers={"If-Match": '"1"'}))
    assert (edited["paragraph"], edited["decided_by"]["key"], edited["version"]) == ("§ 6", "KF", 2)
    history = _json(api.get(f"{url}/history"))
    assert [entry["type"] for entry in history] == ["registered", "edited"]
    assert history[1]["changes"]["paragraph"] == {"old": "§ 5", "new": "§ 6"}
    assert history[1]["changes"]["decided_by"]["old"]["name"] == "Kommunstyrelsen"
    assert history[1]["recorded_by"] == "test admin"
    listed = _json(api.get("/api/v1/documents", params={"decided_by": "KF", "year": 2016}))
    assert [item["id"] for item in listed] == [document["id"]]


def test_2015_reports_are_unchanged_by_later_documents(api: httpx.Client) -> None:
    play_scenario(api)
    published = _json(api.post("/api/v1/reports/2015/annual/publish"), 201)
    live_before = {period: _json(api.get(f"/api/v1/reports/2015/{period}")) for period in ("T1", "T2")}
    periods_before = _json(api.get("/api/v1/periods", params={"year": 2015}))

    _later_documents(api)

    frozen = _json(api.get("/api/v1/reports/2015/annual"))
    assert frozen["live_differs"] is False and frozen["diff"] == {"changed": {}, "added": [], "removed": []}
    assert {**frozen, "source": None} == {**published, "source": None}
    for period, before in live_before.items():
        after = _json(api.get(f"/api/v1/reports/2015/{period}"))
        assert {**after, "generated_at": None} == {**before, "generated_at": None}, period
    assert _json(api.get("/api/v1/periods", params={"year": 2015})) == periods_before
    years = {period["year"] for period in _json(api.get("/api/v1/periods"))}
    assert set(range(2015, 2019)) <= years


def test_a_document_dated_outside_the_calendar_is_refused(api: httpx.Client) -> None:
    """A day outside 1900–2199 would make the city's calendar unrepresentable (year 0, year 10000):
    refused with the field named, so every report stays reachable."""
    for field, day in (("decision_date", "0001-01-01"), ("document_date", "9999-12-31")):
        assert_problem(api.post("/api/v1/documents", json={**KS_DECISION, field: day}), 422, field)
    document = _json(api.get("/api/v1/documents"))[0]
    url = f"/api/v1/documents/{document['id']}"
    refused = api.patch(
        url, json={"decision_date": "1899-12-31"}, headers={"If-Match": current_etag(api, 0, url)}
    )
    assert_problem(refused, 422, "decision_date")
    assert len(_json(api.get("/api/v1/documents"))) == 1
    assert {period["year"] for period in _json(api.get("/api/v1/periods"))} >= {2015, 2016, 2017}
    _json(api.get("/api/v1/reports/2015/T1"))


def test_the_plan_of_a_report_is_the_city_budget_known_at_its_cut_off(api: httpx.Client) -> None:
    """A committee's verksamhetsplan, a budget that was not adopted, or a budget dated after the
    cut-off never changes the plan period a report shows; a budget adopted before it does."""
    before = {period: _json(api.get(f"/api/v1/reports/2015/{period}")) for period in ("T1", "T2")}
    assert (before["T1"]["plan_start_year"], before["T1"]["plan_end_year"]) == (2015, 2017)
    only_2015 = {"start_year": 2015, "end_year": 2015}
    later_plans = (
        {"title": "Verksamhetsplan 2015", "kind": "operational_plan", "issuer": "SERVICEN",
         "decided_by": "SERVICEN", "decision_date": "2015-02-10", "plan_period": only_2015},
        {"title": "Budget 2015 (förslag)", "kind": "budget", "decided_by": "KF", "adopted": False,
         "decision_date": "2014-06-16", "plan_period": only_2015},
        {"title": "Tilläggsbudget 2015", "kind": "budget", "decided_by": "KF",
         "decision_date": "2015-06-15", "plan_period": {"start_year": 2015, "end_year": 2016}},
    )  # fmt: skip
    for document in later_plans:
        _json(api.post("/api/v1/documents", json=document), 201)
    t1 = _json(api.get("/api/v1/reports/2015/T1"))
    assert {**t1, "generated_at": None} == {**before["T1"], "generated_at": None}
    t2 = _json(api.get("/api/v1/reports/2015/T2"))
    assert (t2["plan_start_year"], t2["plan_end_year"]) == (2015, 2016)  # adopted in June, in force at T2


def test_later_years_hold_continuing_and_new_assignments(api: httpx.Client) -> None:
    play_scenario(api)
    city = _later_documents(api)
    t1_2016 = _lines(api, 2016, "T1")
    assert FIRST not in t1_2016  # completed in 2015: in that year's reports only
    expected = {
        SECOND,
        city["extra_2015"]["reference"],
        city["continuing"]["reference"],
        city["new"]["reference"],
    }
    assert expected | {city["decided"]["reference"], city["continuing_extra"]["reference"]} == set(t1_2016)
    continuing = t1_2016[city["continuing"]["reference"]]
    assert continuing["links"] == [{"kind": "continues", "direction": "outgoing", "reference": SECOND}]
    assert t1_2016[SECOND]["links"] == [
        {"kind": "continues", "direction": "incoming", "reference": city["continuing"]["reference"]}
    ]
    assert continuing["new_in_period"] and not t1_2016[SECOND]["new_in_period"]
    decision = t1_2016[city["decided"]["reference"]]["decision"]
    assert (decision["decided_by"]["key"], decision["decision_date"], decision["paragraph"]) == (
        "KS",
        "2016-03-14",
        "§ 5",
    )
    assert decision["diarienummer"] == "KS 2016/456"

    t1_2018 = _lines(api, 2018, "T1")
    assert {SECOND, city["new"]["reference"]} <= set(t1_2018)
    assert t1_2018[city["new"]["reference"]]["deadline"]["latest"] == "2018-12-31"
    report_2018 = _json(api.get("/api/v1/reports/2018/T1"))
    assert (report_2018["plan_start_year"], report_2018["plan_end_year"]) == (2016, 2018)
    tallies = {
        item["document"]["title"] if item["document"] else None: item["assignments"]
        for item in report_2018["summary"]["by_document"]
    }
    assert tallies[BUDGET_2016["title"]] == 3
    by_document = _lines(api, 2016, "T1", document=city["budget"]["id"])
    assert set(by_document) == {
        city["continuing"]["reference"],
        city["continuing_extra"]["reference"],
        city["new"]["reference"],
    }
    assert set(_lines(api, 2016, "T1", decided_by="KS")) >= {city["decided"]["reference"], SECOND}
    assert city["new"]["reference"] not in _lines(api, 2016, "T1", decided_by="KS")


def test_compare_across_years(api: httpx.Client) -> None:
    play_scenario(api)
    city = _later_documents(api)
    comparison = _json(
        api.get("/api/v1/reports/2016/T1/compare", params={"with_year": 2015, "with_period": "annual"})
    )
    assert comparison["previous"]["year"] == 2015 and comparison["current"]["period"] == "T1"
    diff = comparison["diff"]
    assert FIRST in diff["removed"]
    assert city["new"]["reference"] in diff["added"]
    previous_default = _json(api.get("/api/v1/reports/2016/T1/compare"))
    assert previous_default["previous"] == comparison["previous"]


def test_the_report_page_shows_the_chain_from_each_end(api: httpx.Client) -> None:
    city = _later_documents(api)
    later, earlier = (
        api.get("/api/v1/reports/2016/T1", params={"format": "html", "lang": lang}).text
        for lang in ("sv", "en")
    )
    continuing = city["continuing"]["reference"]
    assert f'Fortsätter <a class="reference" href="/uppdrag/{SECOND}">{SECOND}</a>' in later
    assert f'Fortsätts av <a class="reference" href="/uppdrag/{continuing}">{continuing}</a>' in later
    assert (
        f'Continued by <a class="reference" href="/uppdrag/{continuing}?lang=en">{continuing}</a>' in earlier
    )


def test_links_are_listed_both_ways_with_history(api: httpx.Client) -> None:
    city = _later_documents(api)
    continuing = _json(api.get(f"/api/v1/assignments/{city['continuing']['id']}"))
    [link] = continuing["links"]
    assert (link["kind"], link["direction"], link["assignment"]["reference"]) == (
        "continues",
        "outgoing",
        SECOND,
    )
    assert link["decision"]["title"] == BUDGET_2016["title"]
    earlier = assignment_by_reference(api, SECOND)
    detail = _json(api.get(f"/api/v1/assignments/{earlier['id']}"))
    assert [(item["direction"], item["assignment"]["reference"]) for item in detail["links"]] == [
        ("incoming", city["continuing"]["reference"])
    ]
    assert_problem(
        api.post(
            f"/api/v1/assignments/{city['continuing']['id']}/links",
            json={"kind": "continues", "target": SECOND},
        ),
        409,
    )
    links_of_earlier = f"/api/v1/assignments/{earlier['id']}/links"
    cycle = api.post(links_of_earlier, json={"kind": "continues", "target": city["continuing"]["reference"]})
    assert "cycle" in assert_problem(cycle, 422, "target")["errors"][0]["message"]
    assert_problem(api.post(links_of_earlier, json={"kind": "continues", "target": True}), 422, "target")
    assert _json(api.get(links_of_earlier.removesuffix("/links")))["links"] == detail["links"]
    removed = api.delete(f"/api/v1/assignments/{city['continuing']['id']}/links/{link['id']}")
    assert _json(removed)["links"] == []
    for assignment_id in (city["continuing"]["id"], earlier["id"]):
        history = _json(api.get(f"/api/v1/assignments/{assignment_id}/history"))
        assert [entry["type"] for entry in history if entry["type"] in ("linked", "unlinked")] == [
            "linked",
            "unlinked",
        ]
    assert_problem(api.delete(f"/api/v1/assignments/{city['continuing']['id']}/links/{link['id']}"), 409)
    assert _lines(api, 2016, "T1")[SECOND]["links"] == []


def test_a_later_decision_closes_and_transfers_keeping_history(api: httpx.Client) -> None:
    play_scenario(api)
    city = _later_documents(api)
    decision_id = city["decision"]["id"]
    extra = city["extra_2015"]
    closed = post_update(
        api,
        extra["id"],
        {
            "status": "closed",
            "reason": "Ersätts av KS beslut § 5",
            "effective_date": "2016-03-14",
            "decision_document_id": decision_id,
        },
    )
    assert _json(closed, 201)["decision_document_id"] == decision_id
    earlier = assignment_by_reference(api, SECOND)
    units = {unit["key"]: unit["id"] for unit in _json(api.get("/api/v1/org-units"))}
    moved = patch_assignment(
        api, earlier["id"], {"owner_id": units["SERVICEN"], "decision_document_id": decision_id}
    )
    assert _json(moved)["owner"]["key"] == "SERVICEN"
    history = _json(api.get(f"/api/v1/assignments/{earlier['id']}/history"))
    created, edit = history[0], history[-1]
    assert created["type"] == "created" and created["decision"]["title"].startswith(
        "Underlag för budget 2015"
    )
    assert [entry["type"] for entry in history].count("status_update") == 4  # its whole status history
    assert edit["type"] == "edited" and edit["decision"]["paragraph"] == "§ 5"
    assert edit["changes"]["owner"]["new"]["key"] == "SERVICEN"
    extra_history = _json(api.get(f"/api/v1/assignments/{extra['id']}/history"))
    assert extra_history[-1]["decision"]["diarienummer"] == "KS 2016/456"
    t2_2016 = _lines(api, 2016, "T2")
    assert t2_2016[extra["reference"]]["status"] == "closed"
    assert extra["reference"] not in _lines(api, 2017, "T1")  # closed in 2016


def test_a_ceased_unit_shows_its_successor_in_later_reports(api: httpx.Client, session: Session) -> None:
    units = {unit.key: unit for unit in session.scalars(select(OrgUnit))}
    servicen = units["SERVICEN"]
    servicen.valid_to = date(2016, 6, 30)
    servicen.successors = [units["TN"]]
    session.commit()
    ceased = _json(api.get(f"/api/v1/org-units/{servicen.id}"))
    assert (ceased["valid_to"], [unit["key"] for unit in ceased["successors"]]) == ("2016-06-30", ["TN"])
    document = _json(api.get("/api/v1/documents"))[0]
    owned = _create(api, title="Samordna upphandlingen", owner="SERVICEN", document_id=document["id"])
    before = _json(api.get("/api/v1/reports/2016/T1", params={"owner": "SERVICEN"}))
    assert {line["reference"]: line["owner"]["key"] for line in before["assignments"]} == {
        owned["reference"]: "SERVICEN"
    }
    after = _json(api.get("/api/v1/reports/2016/T2"))
    lines = {line["reference"]: line for line in after["assignments"]}
    assert lines[owned["reference"]]["owner"]["key"] == "TN"
    rollup = {node["unit"]["key"]: node["assignments"] for node in after["summary"]["by_owner"]}
    assert rollup["TN"] == 1 and "SERVICEN" not in rollup
    assert (
        sum(node["own_assignments"] for node in after["summary"]["by_owner"])
        == after["summary"]["assignments"]
    )
    by_successor = _json(api.get("/api/v1/reports/2016/T2", params={"owner": "TN"}))
    assert [line["reference"] for line in by_successor["assignments"]] == [owned["reference"]]


def _unexecuted(api: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    listing = _json(api.get("/api/v1/reports/unexecuted", params=params))
    assert listing["count"] == len(listing["assignments"])
    return list(listing["assignments"])


def test_the_decisions_not_carried_out_as_of_several_days(
    api: httpx.Client, extra_2015: dict[str, Any]
) -> None:
    play_scenario(api)
    extra = extra_2015["reference"]
    assert [line["reference"] for line in _unexecuted(api, as_of="2015-03-01")] == [FIRST, SECOND, extra]
    # KS-2015-001 was completed in May 2015.
    assert [line["reference"] for line in _unexecuted(api, as_of="2015-06-01")] == [SECOND, extra]
    assert _unexecuted(api, as_of="2014-01-01") == []  # nothing decided yet
    city = _later_documents(api)
    post_update(
        api,
        city["extra_2015"]["id"],
        {"status": "cancelled", "reason": "Utgår", "effective_date": "2016-04-01"},
    ).raise_for_status()
    today = _unexecuted(api)
    references = [line["reference"] for line in today]
    assert FIRST not in references and city["extra_2015"]["reference"] not in references
    assert references[0] == SECOND  # the oldest decision first
    assert references.index(city["new"]["reference"]) < references.index(city["decided"]["reference"])
    first = today[0]
    assert (first["decision"]["decided_by"]["key"], first["decided_on"]) == ("KS", "2014-03-21")
    # Days are counted in the city's time zone (the service's default), not the machine's.
    city_today = local_today(Settings().timezone)
    assert first["days_since_decision"] == (city_today - date(2014, 3, 21)).days
    assert first["last_update"] == "2015-09-01" and first["days_since_update"] > 365
    assert city["extra_2015"]["reference"] in [
        line["reference"] for line in _unexecuted(api, as_of="2016-03-31")
    ]
    by_kf = {line["reference"] for line in _unexecuted(api, decided_by="KF")}
    assert by_kf == {
        city["continuing"]["reference"],
        city["continuing_extra"]["reference"],
        city["new"]["reference"],
    }
    assert [line["reference"] for line in _unexecuted(api, decided_before="2015-01-01")] == [SECOND]
    assert "KS-2015-003" not in references  # a reservation is not a decision of the city
    assert_problem(api.get("/api/v1/reports/unexecuted", params={"owner": "NOPE"}), 422, "owner")


def test_a_document_not_adopted_gives_no_report_line_round_part_or_unexecuted_decision(
    api: httpx.Client,
) -> None:
    """Reports, rounds and the decisions not carried out agree on what the city follows up: the
    adopted commitments of adopted documents. A proposal registered as not adopted is in none of
    them until it is adopted."""
    city = _later_documents(api)
    decided = city["decided"]["reference"]
    url = f"/api/v1/documents/{city['decision']['id']}"

    def followed_up() -> tuple[bool, bool, bool]:
        in_report = decided in _lines(api, 2016, "T2")
        part = _json(api.get("/api/v1/rounds/2016/T2/units/KS"))
        in_round = decided in [line["reference"] for line in part["assignments"]]
        in_unexecuted = decided in [line["reference"] for line in _unexecuted(api, as_of="2016-08-31")]
        return in_report, in_round, in_unexecuted

    assert followed_up() == (True, True, True)
    etag = current_etag(api, 0, url)
    _json(api.patch(url, json={"adopted": False}, headers={"If-Match": etag}))
    assert followed_up() == (False, False, False)
    assert assignment_by_reference(api, decided)["reference"] == decided  # the register keeps it


def test_the_decisions_not_carried_out_in_every_format(api: httpx.Client) -> None:
    play_scenario(api)
    response = api.get("/api/v1/reports/unexecuted", params={"format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [row["Referens"] for row in rows][:1] == [SECOND]
    assert rows[0]["Beslutande organ"] == "Kommunstyrelsen" and rows[0]["Beslutsdatum"] == "2014-03-21"
    workbook = openpyxl.load_workbook(
        io.BytesIO(api.get("/api/v1/reports/unexecuted", params={"format": "xlsx"}).content)
    )
    sheet = workbook.active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(row for row in values if row and row[0] == "Referens")
    assert values[values.index(header) + 1][0] == SECOND
    assert ["Urval", "Alla"] in [row[:2] for row in values]
    filtered = openpyxl.load_workbook(
        io.BytesIO(
            api.get("/api/v1/reports/unexecuted", params={"format": "xlsx", "decided_by": "KS"}).content
        )
    ).active
    assert filtered is not None
    assert ["Urval", "Beslutande organ: KS"] in [
        [cell.value for cell in row][:2] for row in filtered.iter_rows()
    ]
    page = api.get("/api/v1/reports/unexecuted", params={"format": "html", "lang": "en"})
    assert page.headers["content-type"].startswith("text/html")
    assert "Decisions not carried out" in page.text and SECOND in page.text


def test_the_dashboard_links_the_decisions_not_carried_out(api: httpx.Client) -> None:
    play_scenario(api)
    page = api.get("/").text
    assert "2 uppdrag har ännu inte verkställts" in page  # KS-2015-002 and the extra one
    assert 'href="/api/v1/reports/unexecuted?format=html"' in page
    chosen = api.get("/", params={"year": 2016, "period": "T1"}).text
    assert "Visar Tertialrapport 1 2016, som du har valt." in chosen
    assert_problem(api.get("/", params={"year": 2090, "period": "T1"}), 404)


def test_the_dashboard_falls_back_to_the_latest_period_with_assignments(api: httpx.Client) -> None:
    """With every adopted assignment finished in 2016, nothing is followed up in the current period:
    the dashboard opens on the annual report of 2016, the last that holds them, and says why."""
    adopted = _json(api.get("/api/v1/assignments", params={"origin": "adopted", "limit": 100}))["items"]
    assert adopted
    for assignment in adopted:
        done = {"status": "completed", "progress": 100, "effective_date": "2016-05-02"}
        _json(post_update(api, assignment["id"], done), 201)
    page = api.get("/").text
    assert "Visar Verksamhetsberättelse 2016: inga uppdrag är aktuella i innevarande period" in page
    shown = api.get("/", params={"lang": "en"}).text
    assert "Showing Annual report 2016" in shown


def test_the_dashboard_counts_the_decisions_not_carried_out_on_the_day_it_shows(api: httpx.Client) -> None:
    """A past period's dashboard shows that period's list, not today's: registering later decisions
    leaves the 2015 dashboard's figures as they were."""
    play_scenario(api)
    before = api.get("/", params={"year": 2015, "period": "T1"}).text
    city = _later_documents(api)
    today_count = _json(api.get("/api/v1/reports/unexecuted"))["count"]
    assert f"{today_count} uppdrag har ännu inte verkställts" in api.get("/").text
    for year, period, cutoff in ((2015, "T1", "2015-04-30"), (2016, "T1", "2016-04-30")):
        listed = _unexecuted(api, as_of=cutoff)
        page = api.get("/", params={"year": year, "period": period}).text
        assert f"Per {cutoff} hade {len(listed)} uppdrag ännu inte verkställts" in page
        assert f'href="/api/v1/reports/unexecuted?format=html&amp;as_of={cutoff}"' in page
    assert city["new"]["reference"] not in [
        line["reference"] for line in _unexecuted(api, as_of="2015-04-30")
    ]
    after = api.get("/", params={"year": 2015, "period": "T1"}).text
    assert _unexecuted_part(after) == _unexecuted_part(before) and today_count != len(
        _unexecuted(api, as_of="2015-04-30")
    )


def _unexecuted_part(page: str) -> str:
    return page[page.index('id="unexecuted-count"') : page.index('id="overdue-list"')]


def test_an_edit_is_checked_against_the_version_read(api: httpx.Client) -> None:
    document = _json(api.get("/api/v1/documents"))[0]
    url = f"/api/v1/documents/{document['id']}"
    etag = current_etag(api, 0, url)
    first = api.patch(url, json={"diarienummer": "KS 2014/1"}, headers={"If-Match": etag})
    assert first.status_code == 200, first.text
    assert_problem(api.patch(url, json={"diarienummer": "KS 2014/2"}, headers={"If-Match": etag}), 412)
