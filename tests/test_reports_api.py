"""Periods, publishing (frozen reports and their diff), comparison, the plan trajectory, filters,
content negotiation and problem documents of the report API."""

from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from app.access import Principal, Role
from app.clock import local_today
from app.errors import ConflictError
from app.periods.service import load_calendar
from app.reports.live import live_report, with_lines
from app.reports.schemas import ReportFilters
from app.reports.service import publish_report
from tests.helpers import assert_problem, current_etag, post_update, unit_ids
from tests.report_scenario import FIRST, SECOND, play_scenario, report_url

EVA = Principal(name="Eva Ek", role=Role.ADMIN)

pytestmark = pytest.mark.usefixtures("small_register")

TIMEZONE = "Europe/Stockholm"


def _json(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _lines(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {line["reference"]: line for line in report["assignments"]}


def test_periods_come_from_the_city_calendar(api: httpx.Client) -> None:
    """Every year from the plan's first to the year after its last (2018), and on to this year."""
    periods = _json(api.get("/api/v1/periods"))
    assert [(p["year"], p["period"]) for p in periods[:4]] == [
        (2015, "T1"),
        (2015, "T2"),
        (2015, "annual"),
        (2016, "T1"),
    ]
    last_year = max(2018, local_today(TIMEZONE).year)
    assert [p["year"] for p in periods] == [year for year in range(2015, last_year + 1) for _ in range(3)]
    assert [p["period"] for p in _json(api.get("/api/v1/periods", params={"year": 2018}))] == [
        "T1",
        "T2",
        "annual",
    ]
    first = periods[0]
    assert (first["cutoff"], first["previous_cutoff"], first["next_cutoff"]) == (
        "2015-04-30",
        "2014-12-31",
        "2015-08-31",
    )
    assert (first["state"], first["due"], first["published"]) == ("open", True, None)
    assert first["name_sv"] == "Tertialrapport 1"
    assert first["links"]["csv"] == "/api/v1/reports/2015/T1?format=csv"


def test_publish_freezes_the_report(api: httpx.Client) -> None:
    ids = play_scenario(api)
    published = api.post(f"{report_url('T1')}/publish", headers={"X-Actor": "Eva Ek"})
    body = _json(published, 201)
    assert published.headers["location"] == report_url("T1")
    assert body["source"] == "published" and body["live_differs"] is False
    assert "Eva Ek" in body["published"]["by"]
    periods = {(p["year"], p["period"]): p for p in _json(api.get("/api/v1/periods"))}
    assert periods[(2015, "T1")]["state"] == "published"
    assert periods[(2015, "T2")]["state"] == "open"

    # A later update, back-dated into T1, does not change the frozen report; the diff names it.
    post_update(api, ids[FIRST], {"effective_date": "2015-04-20", "status": "completed"}).raise_for_status()
    report = _json(api.get(report_url("T1")))
    assert report["source"] == "published"
    assert report["generated_at"] == body["generated_at"]
    assert _lines(report)[FIRST]["status"] == "in_progress"
    assert report["live_differs"] is True
    assert report["diff"]["changed"][FIRST]["status"] == {"old": "in_progress", "new": "completed"}
    assert report["diff"]["changed"][FIRST]["progress"] == {"old": 40, "new": 100}
    assert report["diff"]["changed"][FIRST]["overdue"] == {"old": True, "new": False}
    assert SECOND not in report["diff"]["changed"]
    assert (report["diff"]["added"], report["diff"]["removed"]) == ([], [])

    # The frozen version in every format; a filtered report is live and says so.
    csv_text = api.get(report_url("T1"), params={"format": "csv"}).content.decode("utf-8-sig")
    assert "Pågår" in csv_text and "Genomförd" not in csv_text
    page = api.get(report_url("T1"), params={"format": "html"}).text
    assert 'id="diff"' in page and "Aktuella uppgifter skiljer sig nu" in page
    # On paper the round's progress is the one at publication (its own row), not today's as well.
    assert 'id="approved-at-publication"' in page and '<dt class="no-print">Rapporteringsomgång</dt>' in page
    filtered = _json(api.get(report_url("T1"), params={"owner": "KS"}))
    assert filtered["source"] == "live" and filtered["published"]["by"] == body["published"]["by"]
    assert _lines(filtered)[FIRST]["status"] == "completed"


def test_second_publish_is_a_conflict(api: httpx.Client) -> None:
    _json(api.post(f"{report_url('annual')}/publish"), 201)
    assert_problem(api.post(f"{report_url('annual')}/publish"), 409)


def test_publish_takes_no_filters(api: httpx.Client) -> None:
    assert_problem(api.post(f"{report_url('T1')}/publish", params={"owner": "KS"}), 422, "owner")
    assert _json(api.get(report_url("T1")))["source"] == "live"


def test_a_period_is_published_only_after_its_cutoff(small_register: Session) -> None:
    with pytest.raises(ConflictError):
        publish_report(small_register, 2015, "T2", actor=EVA, timezone=TIMEZONE, today=date(2015, 8, 31))
    publish_report(small_register, 2015, "T2", actor=EVA, timezone=TIMEZONE, today=date(2015, 9, 1))


def test_compare_with_the_previous_report(api: httpx.Client) -> None:
    play_scenario(api)
    _json(api.post(f"{report_url('T1')}/publish"), 201)
    comparison = _json(api.get(f"{report_url('T2')}/compare"))
    assert (comparison["previous_source"], comparison["current_source"]) == ("published", "live")
    assert comparison["diff"]["changed"][FIRST]["status"] == {"old": "in_progress", "new": "completed"}
    assert comparison["diff"]["changed"][SECOND]["progress"] == {"old": 15, "new": 25}
    assert_problem(api.get(f"{report_url('T1')}/compare"), 404)


def test_plan_trajectory(api: httpx.Client) -> None:
    play_scenario(api)
    _json(api.post(f"{report_url('T1')}/publish"), 201)
    points = _json(api.get("/api/v1/reports/plan"))["points"]
    assert len(points) == 9
    by_period = {(p["period"]["year"], p["period"]["period"]): p for p in points}
    assert by_period[(2015, "T1")]["source"] == "published"
    assert by_period[(2015, "T1")]["by_status"]["in_progress"] == 2
    assert (by_period[(2015, "T2")]["completed"], by_period[(2015, "T2")]["source"]) == (1, "live")
    # KS-2015-001 was completed in 2015: it is in that year's reports, and no later year's.
    assert [p["assignments"] for p in points] == [2] * 3 + [1] * 6


def test_filters_owner_goal_origin_kind(api: httpx.Client) -> None:
    def references(**params: Any) -> set[str]:
        return set(_lines(_json(api.get(report_url("T1"), params=params))))

    both = ["adopted", "reservation"]
    assert references() == {FIRST, SECOND}
    assert references(origin="reservation") == {"KS-2015-003", "KS-2015-004"}
    assert references(origin=both) == {FIRST, SECOND, "KS-2015-003", "KS-2015-004"}
    assert references(owner="SLK", origin=both) == {"KS-2015-003"}  # its department's
    assert references(owner="KS", origin=both) == {FIRST, SECOND, "KS-2015-003"}
    assert references(kind="ongoing", origin=both) == {"KS-2015-004"}
    goals = {goal["key"]: goal["id"] for goal in _json(api.get("/api/v1/goals"))}
    assert references(goal=goals["KF-1.3"]) == {SECOND}
    assert_problem(api.get(report_url("T1"), params={"owner": "NOPE"}), 422, "owner")
    assert_problem(api.get(report_url("T1"), params={"goal": 987654}), 422, "goal")


def test_a_filtered_report_page_says_its_selection_in_words(api: httpx.Client) -> None:
    """ "Urval" names the owner, goal and kinds as a manager reads them, not the query's JSON."""

    def selection(**params: Any) -> str:
        page = api.get(report_url("T1"), params={**params, "format": "html"}).text
        return page[page.index('<dd id="filters">') :].split("</dd>")[0].removeprefix('<dd id="filters">')

    assert selection() == "Antagna uppdrag, alla ansvariga, mål och typer"
    owned = selection(owner="SLK")
    assert owned == "Antagna uppdrag, ansvarig: Stadsledningskontoret med underliggande enheter"
    goals = {goal["key"]: goal for goal in _json(api.get("/api/v1/goals"))}
    goal = goals["KF-1.3"]
    assert selection(goal=goal["id"], origin=["adopted", "reservation"], kind="ongoing") == (
        f"Ursprung: Antaget, Reservation, mål: 1.3 {goal['title']}, typ: Löpande"
    )
    english = selection(owner="SLK", lang="en")
    assert english == "Adopted assignments, owner: Stadsledningskontoret and the units below it"


def test_an_empty_chart_says_so(api: httpx.Client) -> None:
    """A selection without assignments draws no empty bars or lone legend: "Inga uppdrag"."""
    page = api.get(report_url("T1"), params={"owner": "SERVICEN", "format": "html"}).text
    assert 'data-figure="assignments">0<' in page
    assert '<p class="empty-chart" id="status-chart">Inga uppdrag</p>' in page
    assert '<p class="empty-chart" id="owner-chart">Inga uppdrag</p>' in page
    owner_figure = page[page.index('id="owner-chart-title"') :].split("</figure>")[0]
    assert 'class="legend"' not in owner_figure
    assert "Inga uppdrag med slutdatum." in page


def test_owner_rollup_shows_its_inputs(api: httpx.Client) -> None:
    play_scenario(api)
    report = _json(api.get(report_url("T1"), params={"origin": ["adopted", "reservation"]}))
    rollup = {node["unit"]["key"]: node for node in report["summary"]["by_owner"]}
    assert [node["unit"]["key"] for node in report["summary"]["by_owner"]] == [
        "KF",
        "KS",
        "SLK",
        "SLK_PERSONAL",
        "SERVICEN",
    ]
    assert (rollup["KF"]["assignments"], rollup["KF"]["own_assignments"], rollup["KF"]["level"]) == (4, 0, 0)
    assert (rollup["KS"]["assignments"], rollup["KS"]["reported"], rollup["KS"]["overdue"]) == (3, 2, 1)
    assert (rollup["SLK"]["assignments"], rollup["SLK"]["own_assignments"]) == (1, 0)
    page = api.get(report_url("T1"), params={"origin": ["adopted", "reservation"], "format": "html"}).text
    assert "2 av 3 rapporterade" in page
    goals = {(item["goal"] or {}).get("number"): item for item in report["summary"]["by_goal"]}
    assert goals["1.3"]["assignments"] == 1 and goals["1"]["assignments"] == 2


def test_accept_header_and_format_parameter(api: httpx.Client) -> None:
    as_csv = api.get(report_url("T1"), headers={"Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert (
        api.get(report_url("T1"), headers={"Accept": browser}).headers["content-type"].startswith("text/html")
    )
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert api.get(report_url("T1"), headers={"Accept": xlsx}).content.startswith(b"PK")
    assert api.get(report_url("T1"), headers={"Accept": "application/pdf"}).content.startswith(b"%PDF")
    wins = api.get(report_url("T1"), params={"format": "json"}, headers={"Accept": "text/csv"})
    assert wins.headers["content-type"].startswith("application/json")
    assert_problem(api.get(report_url("T1"), headers={"Accept": "image/png"}), 406)


@pytest.mark.parametrize(
    ("path", "params", "status", "field"),
    [
        ("/api/v1/reports/2014/T1", {}, 404, None),
        ("/api/v1/reports/2090/annual", {}, 404, None),
        ("/api/v1/reports/2015/T3", {}, 404, None),
        ("/api/v1/reports/2015/T1", {"format": "docx"}, 422, "format"),
        ("/api/v1/reports/2015/T1", {"lang": "de"}, 422, "lang"),
        ("/api/v1/reports/2015/T1", {"origin": "rumour"}, 422, "origin.0"),
        ("/api/v1/reports/2015/T1", {"colour": "red"}, 422, "colour"),
        ("/api/v1/reports/year/T1", {}, 422, "year"),
        ("/api/v1/assignments", {"as_of": "2015-02-30"}, 422, "as_of"),
    ],
)
def test_problem_documents(
    api: httpx.Client, path: str, params: dict[str, str], status: int, field: str | None
) -> None:
    assert_problem(api.get(path, params=params), status, field)


def test_today_window_counts_new_and_archived_assignments(api: httpx.Client, session: Session) -> None:
    created = _json(
        api.post("/api/v1/assignments", json={"title": "Nytt", "owner_id": unit_ids(api)["KS"]}), 201
    )
    archived_id = play_scenario(api)[SECOND]  # still in progress, so in this year's report until now
    response = api.delete(
        f"/api/v1/assignments/{archived_id}", headers={"If-Match": current_etag(api, archived_id)}
    )
    assert response.status_code == 200, response.text
    session.expire_all()
    today = local_today(TIMEZONE)
    calendar = load_calendar(session, today=today)
    report = with_lines(
        *live_report(session, calendar.window_around(today), filters=ReportFilters(), timezone=TIMEZONE)
    )
    lines = {line.reference: line for line in report.assignments}
    assert SECOND not in lines
    assert [item.reference for item in report.summary.archived_in_period] == [SECOND]
    assert FIRST not in lines  # completed in 2015: in no later year's report
    assert lines[created["reference"]].new_in_period
    assert report.summary.new_in_period == 1
    t1_window = calendar.window_around(date(2015, 4, 30))
    t1 = with_lines(*live_report(session, t1_window, filters=ReportFilters(), timezone=TIMEZONE))
    assert created["reference"] not in {line.reference for line in t1.assignments}
    assert {FIRST, SECOND} <= {line.reference for line in t1.assignments}


def test_an_xlsx_report_holds_text_with_control_characters(api: httpx.Client) -> None:
    """XML cannot hold most control characters: the cell shows U+FFFD in their place (this was a 500,
    found by tests/test_contract.py)."""
    import io

    from openpyxl import load_workbook

    created = api.post(
        "/api/v1/assignments", json={"title": "Före\x18efter", "owner_id": unit_ids(api)["KS"]}
    )
    assert created.status_code == 201, created.text
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = api.get("/api/v1/reports/unexecuted", headers={"Accept": xlsx})
    assert response.status_code == 200, response.text
    sheet_texts = [
        cell.value
        for sheet in load_workbook(io.BytesIO(response.content)).worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]
    assert "Före\ufffdefter" in sheet_texts
