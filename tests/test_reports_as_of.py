"""Reports are the state as of their cut-off, from the history: every 2015 cut-off, in every format."""

import csv
import io
import re
from datetime import date, datetime
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from app.access import Role
from tests.conftest import Backend, clients_on
from tests.helpers import current_etag, post_update, unit_ids
from tests.report_scenario import EXPECTED, FIRST, SECOND, Expected, play_scenario, report_url

pytestmark = pytest.mark.usefixtures("small_register")

PERIODS = list(EXPECTED)
LABELS_SV = {
    "in_progress": "Pågår",
    "completed": "Genomförd",
    "partially_fulfilled": "Delvis uppfyllt",
    "fulfilled": "Uppfyllt",
    None: "Ingen bedömning",
    "yellow": "Gul",
    "green": "Grön",
    "grey": "Ej bedömd",
}


@pytest.fixture
def scenario(api: httpx.Client, small_register: Session) -> dict[str, int]:
    return play_scenario(api)


def _get(api: httpx.Client, period: str, **params: Any) -> httpx.Response:
    response = api.get(report_url(period), params=params)
    assert response.status_code == 200, response.text
    return response


@pytest.mark.usefixtures("scenario")
@pytest.mark.parametrize("period", PERIODS)
def test_json_report_is_the_state_at_the_cutoff(api: httpx.Client, period: str) -> None:
    report = _get(api, period).json()
    assert report["source"] == "live" and report["published"] is None
    lines = {line["reference"]: line for line in report["assignments"]}
    assert set(lines) == {FIRST, SECOND}  # adopted only by default
    for reference, expected in EXPECTED[period].items():
        line = lines[reference]
        actual = Expected(
            line["status"],
            line["progress"],
            line["assessment"],
            line["traffic_light"],
            line["comment"],
            line["overdue"],
            line["updated_in_period"],
        )
        assert actual == expected, (period, reference)
    summary = report["summary"]
    completed = sum(item.status == "completed" for item in EXPECTED[period].values())
    assert summary["assignments"] == 2
    assert summary["by_status"]["completed"] == completed
    assert summary["completion_rate"] == 50.0 * completed
    assert summary["overdue"] == sum(item.overdue for item in EXPECTED[period].values())
    assert summary["reported"] == sum(item.updated_in_period for item in EXPECTED[period].values())


@pytest.mark.usefixtures("scenario")
def test_changes_since_the_previous_cutoff(api: httpx.Client) -> None:
    t1 = {line["reference"]: line for line in _get(api, "T1").json()["assignments"]}
    # The plan's first report: its assignments are followed up from 2015-01-01, so they are new.
    assert t1[FIRST]["new_in_period"] and t1[FIRST]["changes"] == {}
    t2 = {line["reference"]: line for line in _get(api, "T2").json()["assignments"]}
    assert t2[FIRST]["changes"]["status"] == {"old": "in_progress", "new": "completed"}
    assert t2[SECOND]["changes"] == {
        "progress": {"old": 15, "new": 25},
        "traffic_light": {"old": "grey", "new": "green"},
    }
    annual = {line["reference"]: line for line in _get(api, "annual").json()["assignments"]}
    assert annual[FIRST]["changes"] == {}


def _csv_rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.content.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark"
    text = response.content.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


@pytest.mark.usefixtures("scenario")
@pytest.mark.parametrize("period", PERIODS)
def test_csv_opens_in_swedish_excel(api: httpx.Client, period: str) -> None:
    response = _get(api, period, format="csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert f'filename="uppdrag-2015-{period}.csv"' in response.headers["content-disposition"]
    rows = {row["Referens"]: row for row in _csv_rows(response)}
    assert set(rows) == {FIRST, SECOND}
    for reference, expected in EXPECTED[period].items():
        row = rows[reference]
        assert row["Status"] == LABELS_SV[expected.status]
        assert row["Framdrift (%)"] == str(expected.progress)
        assert row["Bedömning"] == LABELS_SV[expected.assessment]
        assert row["Trafikljus"] == LABELS_SV[expected.traffic_light]
        assert row["Senaste kommentar"] == expected.comment
        assert row["Försenad"] == ("Ja" if expected.overdue else "Nej")
        assert row["Uppdaterad under perioden"] == ("Ja" if expected.updated_in_period else "Nej")
    assert rows[SECOND]["Målvärde"] == "12,5"  # decimal comma
    assert rows[FIRST]["Senast klart"] == "2014-12-31"
    assert rows[FIRST]["Ansvarig"] == "Kommunstyrelsen"


@pytest.mark.usefixtures("scenario")
@pytest.mark.parametrize("period", PERIODS)
def test_xlsx_has_a_summary_and_typed_detail_sheet(api: httpx.Client, period: str) -> None:
    response = _get(api, period, format="xlsx")
    assert f'filename="uppdrag-2015-{period}.xlsx"' in response.headers["content-disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Sammanfattning", "Uppdrag"]
    detail = book["Uppdrag"]
    assert detail.freeze_panes == "A2"
    assert detail.auto_filter.ref == detail.dimensions
    headings = [cell.value for cell in detail[1]]
    rows = {
        row[0]: dict(zip(headings, row, strict=True)) for row in detail.iter_rows(min_row=2, values_only=True)
    }
    for reference, expected in EXPECTED[period].items():
        row = rows[reference]
        assert row["Status"] == LABELS_SV[expected.status]
        assert row["Framdrift (%)"] == expected.progress and isinstance(row["Framdrift (%)"], int)
        assert row["Senaste kommentar"] == expected.comment
    deadline = rows[FIRST]["Senast klart"]
    assert isinstance(deadline, datetime) and deadline.date() == date(2014, 12, 31)  # a real date cell
    assert rows[SECOND]["Målvärde"] == 12.5
    assert detail.column_dimensions["B"].width > 10  # sized to the titles
    summary = book["Sammanfattning"]
    figures = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row[0]}
    cutoff = figures["Brytdatum"]
    assert isinstance(cutoff, datetime) and cutoff.date() == date.fromisoformat(_cutoff(period))
    assert figures["Antal uppdrag"] == 2
    completed = sum(item.status == "completed" for item in EXPECTED[period].values())
    assert figures["Genomförandegrad (%)"] == 50.0 * completed
    assert figures["Pågår"] == 2 - completed


def _cutoff(period: str) -> str:
    return {"T1": "2015-04-30", "T2": "2015-08-31", "annual": "2015-12-31"}[period]


@pytest.mark.usefixtures("scenario")
@pytest.mark.parametrize("period", PERIODS)
def test_html_page_shows_the_figures_and_charts(api: httpx.Client, period: str) -> None:
    response = _get(api, period, format="html")
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    page = response.text
    assert '<html lang="sv">' in page
    assert page.count("<svg") == 4  # status, owners, deadlines, the trend over the plan's periods
    for chart in ('id="status-chart"', 'id="owner-chart"', 'id="timeline-chart"', 'id="trend-chart"'):
        assert chart in page
    completed = sum(item.status == "completed" for item in EXPECTED[period].values())
    assert f'data-figure="completed">{completed}<' in page
    assert "</span>Genomförandegrad</li>" in page  # "%" once, after the figure
    assert '<th scope="row" style="padding-left: 0.5rem">Nya under perioden</th>' in page
    assert f'data-figure="completion_rate">{50.0 * completed:.1f} %<'.replace(".", ",") in page
    for expected in EXPECTED[period].values():
        assert (expected.comment or "") in page
        assert LABELS_SV[expected.status] in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page and "<script" not in page


def _timeline(page: str) -> str:
    chart = page[page.index('<svg id="timeline-chart"') :]
    return chart[: chart.index("</svg>")]


def test_the_timeline_marks_the_cut_off_and_the_day_shown(api: httpx.Client, backend: Backend) -> None:
    """A report as of its cut-off marks the cut-off and no "Idag" (today has nothing to do with
    it, in its PDF neither); the current period's dashboard marks the period's real cut-off as the
    cut-off and today as the day it shows."""
    with clients_on(date(2016, 5, 1), backend) as later:  # a day inside the timeline's years
        for period in PERIODS:
            past = _timeline(_get(later.as_role(Role.ADMIN), period, format="html").text)
            assert f"Brytdatum {_cutoff(period)}</text>" in past and "Idag" not in past, period
    with clients_on(date(2015, 3, 10), backend) as early:
        dashboard = early.as_role(Role.ADMIN).get("/")
        assert (
            dashboard.status_code == 200
            and "Tertialrapport 1 2015, den innevarande perioden" in dashboard.text
        )
        current = _timeline(dashboard.text)
        assert "Brytdatum 2015-04-30</text>" in current and "Idag 2015-03-10</text>" in current
        assert "Brytdatum 2015-03-10" not in current
        english = _timeline(early.as_role(Role.ADMIN).get("/", params={"lang": "en"}).text)
        assert "Cut-off 2015-04-30</text>" in english and "Today 2015-03-10</text>" in english


def _misaligned(page: str) -> list[str]:
    """Each table's columns whose heading and cells disagree on being numbers (class "number")."""
    found = []
    for table in re.findall(r"<table.*?</table>", page, flags=re.DOTALL):
        head, body = table.split("</thead>")
        headings = re.findall(r'<th scope="col"([^>]*)>([^<]*)', head)
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.DOTALL):
            cells = re.findall(r"<t[hd]( [^>]*)?>", row)
            if "colspan" in row or len(cells) != len(headings):
                continue
            for (heading_attrs, heading), attrs in zip(headings, cells, strict=True):
                if ("number" in heading_attrs) != ("number" in (attrs or "")):
                    found.append(f"{heading}: {attrs}")
    return found


@pytest.mark.usefixtures("scenario")
def test_a_columns_heading_and_cells_align_alike(api: httpx.Client) -> None:
    """Numbers right, dates and text left, the heading as its cells; an empty cell ("–") of a
    column of numbers (days since the last report, on the list of decisions not carried out) is
    aligned as the numbers are."""
    report = _get(api, "T1", format="html").text
    unexecuted = api.get("/api/v1/reports/unexecuted", params={"format": "html", "as_of": "2015-01-15"}).text
    for page in (report, api.get("/", params={"year": 2015, "period": "T1"}).text, unexecuted):
        assert _misaligned(page) == []
    trend = report[report.index('id="trend-chart-table"') :]
    assert (
        '<th scope="col">Brytdatum</th>' in trend
        and '<th scope="col" class="number">Antal uppdrag</th>' in trend
    )
    days = re.findall(r'<td class="(col-days_since_update[^"]*)"[^>]*><span[^>]*>([^<]*)<', unexecuted)
    assert "–" in [value for _classes, value in days]  # not reported by then
    assert all(classes == "col-days_since_update number" for classes, _value in days), days


def test_the_owner_chart_shows_which_units_are_part_of_the_one_above(api: httpx.Client) -> None:
    """The roll-up counts a unit's assignments again in every unit above it: a unit below another is
    indented, label and bar, and named "varav …"."""
    page = _get(api, "T1", format="html", origin=["adopted", "reservation"]).text
    chart = page[page.index('<svg id="owner-chart"') :].split("</svg>")[0]
    labels = dict(
        (name, float(x))
        for x, name in re.findall(r'<g class="bar-row">\s*<text x="([\d.]+)" y="[\d.]+">([^<]+)<', chart)
    )
    assert (
        labels["Kommunfullmäktige"] < labels["varav Kommunstyrelsen"] < labels["varav Stadsledningskontoret"]
    )
    bars = re.findall(r'<rect x="([\d.]+)"[^>]*><title>Kommunstyrelsen: ', chart)
    assert bars and float(bars[0]) == labels["varav Kommunstyrelsen"]  # its bar starts under its label
    english = _get(api, "T1", format="html", origin=["adopted", "reservation"], lang="en").text
    assert ">of which Kommunstyrelsen</text>" in english


def test_the_dashboard_is_titled_once_and_says_when_its_trend_is_another_years_plan(
    api: httpx.Client,
) -> None:
    """A year in no plan period (2020) shows the latest plan's trend (2015–2017) and says so."""
    page = api.get("/", params={"year": 2020, "period": "T1"}).text
    assert "<title>Översikt – Tertialrapport 1 2020 – Uppdragsuppföljning</title>" in page
    assert (
        "Utveckling per period, planperiod 2015–2017 (standardrapporten). 2020 ingår inte i någon "
        "planperiod; trenden visar den senaste planens.</figcaption>"
    ) in page
    inside = api.get("/", params={"year": 2016, "period": "T1"}).text
    assert "(standardrapporten)</figcaption>" in inside and "ingår inte" not in inside
    english = api.get("/", params={"year": 2020, "period": "T1", "lang": "en"}).text
    assert "2020 is in no plan period; the trend shows the latest plan&#39;s." in english


@pytest.mark.usefixtures("scenario")
def test_english_labels(api: httpx.Client) -> None:
    rows = _csv_rows(_get(api, "T1", format="csv", lang="en"))
    first = next(row for row in rows if row["Reference"] == FIRST)
    assert first["Status"] == "In progress"
    assert first["Overdue"] == "Yes"
    page = _get(api, "T1", format="html", lang="en").text
    assert '<html lang="en">' in page and "First tertial report 2015" in page


def test_formula_text_is_never_a_formula(api: httpx.Client, scenario: dict[str, int]) -> None:
    body = {"effective_date": "2015-04-20", "comment": '=HYPERLINK("http://x")'}
    post_update(api, scenario[FIRST], body).raise_for_status()
    rows = {row["Referens"]: row for row in _csv_rows(_get(api, "T1", format="csv"))}
    assert rows[FIRST]["Senaste kommentar"] == "'" + body["comment"]
    detail = load_workbook(io.BytesIO(_get(api, "T1", format="xlsx").content))["Uppdrag"]
    [cell] = [row[20] for row in detail.iter_rows(min_row=2) if row[0].value == FIRST]
    assert cell.value == body["comment"] and cell.data_type == "s"


def test_assignment_list_as_of_a_day(api: httpx.Client, scenario: dict[str, int]) -> None:
    def listed(**params: Any) -> dict[str, dict[str, Any]]:
        response = api.get("/api/v1/assignments", params={"origin": "adopted", **params})
        assert response.status_code == 200, response.text
        return {item["reference"]: item for item in response.json()["items"]}

    t1 = listed(as_of="2015-04-30")
    assert (t1[FIRST]["status"], t1[FIRST]["progress"], t1[FIRST]["overdue"]) == ("in_progress", 40, True)
    assert (t1[SECOND]["status"], t1[SECOND]["progress"]) == ("in_progress", 15)
    assert listed(as_of="2015-05-01")[FIRST]["status"] == "in_progress"
    assert set(listed(as_of="2015-05-02", status="completed")) == {FIRST}
    assert set(listed(as_of="2015-04-30", status="completed")) == set()
    assert set(listed(as_of="2015-04-30", overdue=True)) == {FIRST}
    assert list(listed(as_of="2015-04-30", sort="-progress")) == [FIRST, SECOND]
    assert listed(as_of="2014-06-01")[FIRST]["status"] == "not_started"
    now = listed()
    assert (now[FIRST]["status"], now[SECOND]["progress"]) == ("completed", 50)


def test_list_as_of_holds_what_existed_that_day(api: httpx.Client) -> None:
    created = api.post("/api/v1/assignments", json={"title": "Nytt i dag", "owner_id": unit_ids(api)["KS"]})
    assert created.status_code == 201, created.text
    first_id = play_scenario(api)[FIRST]
    api.delete(
        f"/api/v1/assignments/{first_id}", headers={"If-Match": current_etag(api, first_id)}
    ).raise_for_status()
    page = api.get("/api/v1/assignments", params={"as_of": "2015-04-30"}).json()
    references = {item["reference"] for item in page["items"]}
    assert FIRST in references  # archived years later, so it was there then
    assert created.json()["reference"] not in references  # created today
    today = {item["reference"] for item in api.get("/api/v1/assignments").json()["items"]}
    assert FIRST not in today and created.json()["reference"] in today
