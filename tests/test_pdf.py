"""PDFs of the report, the decisions not carried out, the round overview and a unit's part (made by
WeasyPrint from the pages' HTML), the line limit, the fetcher that fetches nothing; the executor
roll-ups and the trend over the plan's periods."""

import io
import itertools
import re
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import httpx
import pypdf
import pytest
from sqlalchemy.orm import Session

from app.access import Role
from app.auth.models import TokenKind
from app.pdf import page_pdf
from app.reports.renderers.labels import Labels
from app.reports.renderers.trend import TREND_BASELINE, trend_chart, trend_section
from app.reports.schemas import PeriodRef, PlanTrajectory, TrajectoryPoint
from tests.conftest import Clients, serve
from tests.helpers import assert_problem, assignment_by_reference, post_update
from tests.people import add_person, signed_in_client

REPORT = "/api/v1/reports/2015/T1"
ROUND = "/api/v1/rounds/2015/T1"


@pytest.fixture(autouse=True)
def _register(full_register: Session) -> None:
    """The real seeds: 101 adopted assignments in T1 2015, a dozen pages of PDF."""


def _pages(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment;")
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages]


def test_a_reports_pdf_has_its_title_page_numbers_and_table_headers_on_every_page(api: httpx.Client) -> None:
    pages = _pages(api.get(REPORT, params={"format": "pdf"}))
    count = len(pages)
    assert count >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Sida {number} av {count}" in text
        assert "Tertialrapport 1 2015" in text  # the report and its period, at the top of each page
    last = pages[-1]  # inside the assignment table, which began pages before
    assert "KS-2015-" in last and "Referens" in last and "Senaste kommentar" in last
    assert "Logga in" not in "".join(pages) and "Välj år och period" not in "".join(pages)

    english = _pages(api.get(REPORT, params={"format": "pdf", "lang": "en"}))
    assert f"Page 2 of {len(english)}" in english[1]
    assert "First tertial report 2015" in english[-1] and "Reference" in english[-1]
    assert "Sida" not in "".join(english)


def test_the_unexecuted_list_the_round_and_a_units_part_as_pdf(api: httpx.Client) -> None:
    unexecuted = _pages(api.get("/api/v1/reports/unexecuted", params={"format": "pdf"}))
    assert (
        "Beslut som inte har verkställts" in unexecuted[0] and f"Sida 1 av {len(unexecuted)}" in unexecuted[0]
    )
    overview = _pages(api.get(ROUND, params={"format": "pdf"}))
    assert "Rapporteringsomgång Tertialrapport 1 2015" in overview[0] and "Sida 1 av" in overview[0]
    assert "Enhet" in overview[0]
    overview_en = _pages(api.get(ROUND, params={"format": "pdf", "lang": "en"}))
    assert "Reporting round First tertial report 2015" in overview_en[0] and "Page 1 of" in overview_en[0]
    part = _pages(api.get(f"{ROUND}/units/SLK", params={"format": "pdf"}))
    assert "Stadsledningskontoret" in part[0] and f"Sida {len(part)} av {len(part)}" in part[-1]
    assert "KS-2015-" in part[-1]


def test_pdf_links_sit_beside_the_other_downloads(api: httpx.Client) -> None:
    for path in (f"{REPORT}?format=html", "/api/v1/reports/unexecuted?format=html", f"{ROUND}?format=html"):
        page = api.get(path).text
        assert re.search(r'href="[^"]*format=pdf[^"]*">Ladda ner PDF</a>', page), path
    assert ">Download PDF</a>" in api.get(REPORT, params={"format": "html", "lang": "en"}).text


def test_on_paper_the_report_says_its_rounds_progress_in_words_and_a_page_links_no_html_to_itself(
    api: httpx.Client,
) -> None:
    """ "Rapporteringsomgång: Se omgången" means nothing on paper: the PDF says how far the round has
    come, the page says so too and links the round on screen. A page offers the other formats, not
    its own HTML."""
    page = api.get(REPORT, params={"format": "html"}).text
    progress = re.search(r'<dd id="round-progress">(\d+ av \d+ enheter klara \(godkända: \d+\))<span', page)
    assert progress and 'class="no-print" href="/api/v1/rounds/2015/T1?format=html">Se omgången</a>' in page
    text = "".join(_pages(api.get(REPORT, params={"format": "pdf"})))
    assert f"Rapporteringsomgång {progress.group(1)}" in text and "Se omgången" not in text
    unexecuted = api.get("/api/v1/reports/unexecuted", params={"format": "html"}).text
    for shown in (page, unexecuted):
        formats = shown[shown.index('<nav class="formats"') :].split("</nav>")[0]
        assert "format=pdf" in formats and "format=html" not in formats


def test_a_feed_token_and_a_session_read_the_pdfs(anon: httpx.Client, clients: Clients) -> None:
    feed = {"token": clients.token(Role.READER, kind=TokenKind.FEED), "format": "pdf"}
    for path in (REPORT, "/api/v1/reports/unexecuted", ROUND, f"{ROUND}/units/SLK"):
        assert _pages(anon.get(path, params=feed))
    assert_problem(anon.get(REPORT, params={**feed, "format": "json"}), 401)
    assert_problem(anon.get(REPORT, params={"format": "pdf"}), 401)
    add_person(clients.backend, "lasare@example.se", "Lars Läsare", (Role.READER, None))
    browser = signed_in_client(clients.backend, clients.base_url, "lasare@example.se")
    assert _pages(browser.get(REPORT, params={"format": "pdf"}))


def test_a_pdf_of_more_lines_than_the_limit_is_refused_and_a_filtered_one_made(clients: Clients) -> None:
    settings = clients.backend.settings.model_copy(update={"pdf_max_lines": 90})
    token = clients.token(Role.READER)
    with serve(settings) as base_url, httpx.Client(base_url=base_url, timeout=60) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        problem = assert_problem(client.get(REPORT, params={"format": "pdf"}), 422, field="format")
        assert "at most 90" in problem["detail"] and "101" in problem["detail"]
        page = client.get(REPORT, params={"format": "pdf"}, headers={"Accept": "text/html"})
        assert page.status_code == 422 and "För många uppdrag för en PDF" in page.text
        assert client.get(REPORT, params={"format": "csv"}).status_code == 200  # every line still
        assert _pages(client.get(REPORT, params={"format": "pdf", "owner": "FN"}))


class _CountingHandler(BaseHTTPRequestHandler):
    requests: list[str] = []  # noqa: RUF012  # shared by the handler instances of one test

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the base class writes to stderr
        return


@pytest.fixture
def loopback_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_pdf_fetches_nothing_from_the_network_or_the_disk(loopback_server: str) -> None:
    _CountingHandler.requests = []
    page = (
        f'<!doctype html><html lang="sv"><head><title>Prov</title>'
        f'<link rel="stylesheet" href="{loopback_server}/style.css"></head>'
        f'<body><h1>Prov</h1><img src="{loopback_server}/logo.png" alt="">'
        '<img src="file:///etc/hostname" alt=""></body></html>'
    ).encode()
    pdf = pypdf.PdfReader(io.BytesIO(page_pdf(page, "sv")))
    assert "Prov" in pdf.pages[0].extract_text() and "Sida 1 av 1" in pdf.pages[0].extract_text()
    assert _CountingHandler.requests == []
    assert not pdf.pages[0].images  # neither image was read


def test_the_executor_roll_up_counts_each_unit_with_everything_below_it(api: httpx.Client) -> None:
    first = assignment_by_reference(api, api.get(REPORT).json()["assignments"][0]["reference"])
    post_update(api, first["id"], {"effective_date": "2015-04-01", "status": "completed"}).raise_for_status()
    report = api.get(REPORT).json()
    lines, summary = report["assignments"], report["summary"]
    nodes = summary["by_executor"]
    assert nodes and summary["without_executor"]["assignments"] == sum(
        1 for line in lines if not line["executor"]
    )
    for node in nodes:
        unit_id = node["unit"]["id"]
        own = [line for line in lines if line["executor"] and line["executor"]["id"] == unit_id]
        children = [child for child in nodes if child["parent_id"] == unit_id]
        assert node["own_assignments"] == len(own)
        for key in ("assignments", "completed", "reported", "overdue"):
            own_count = len(own) if key == "assignments" else sum(1 for line in own if _counts(line, key))
            assert node[key] == own_count + sum(child[key] for child in children), (node["unit"]["key"], key)
    roots = [node for node in nodes if node["level"] == 0]
    assert sum(root["assignments"] for root in roots) + summary["without_executor"]["assignments"] == len(
        lines
    )
    assert sum(root["completed"] for root in roots) + summary["without_executor"]["completed"] == 1

    page = api.get(REPORT, params={"format": "html"}).text
    assert "Per utförare (inklusive underliggande enheter)" in page and "Utan utförare" in page
    sheet = api.get(REPORT, params={"format": "xlsx"}).content
    assert b"xl/worksheets" in sheet  # the summary sheet holds the same tables (test_reports_api)


def _counts(line: dict[str, Any], key: str) -> bool:
    counted: dict[str, bool] = {
        "completed": line["status"] == "completed",
        "reported": line["updated_in_period"],
        "overdue": line["overdue"],
    }
    return counted[key]


def test_the_trend_on_the_report_and_dashboard_pages_is_the_plan_trajectory(api: httpx.Client) -> None:
    trajectory = api.get("/api/v1/reports/plan").json()
    past = [point for point in trajectory["points"] if point["assignments"] is not None]
    assert past
    for page in (api.get(REPORT, params={"format": "html"}).text, api.get("/", params={"year": 2015}).text):
        table = page[page.index('id="trend-chart-table"') :]
        table = table[: table.index("</table>")]
        rows = re.findall(r"<tr>\s*<th scope=\"row\"[^>]*>([^<]+)</th>(.*?)</tr>", table, re.DOTALL)
        assert len(rows) == len(trajectory["points"])
        for (name, cells), point in zip(rows, trajectory["points"], strict=True):
            assert point["period"]["name_sv"] in name
            values = re.findall(r">([^<]*)</td>", cells)
            expected = [
                str(point[key]) if point[key] is not None else "–"
                for key in ("assignments", "completed", "overdue")
            ]
            assert values[1:4] == expected


def _point(year: int, key: str, counts: tuple[int, int, int] | None) -> TrajectoryPoint:
    period = PeriodRef(year=year, period=key, name_sv=key, name_en=key, cutoff=date(year, 4, 30))
    if counts is None:
        return TrajectoryPoint(period=period)
    assignments, completed, overdue = counts
    return TrajectoryPoint(
        period=period, source="live", assignments=assignments, completed=completed, overdue=overdue
    )


def test_the_timeline_labels_only_as_many_years_as_fit_side_by_side(api: httpx.Client) -> None:
    """The seeds' deadlines span 2014 to 2030: 17 year labels 33 units apart ran together in the PDF
    (which no stylesheet thins, as it does for a phone). Every year keeps its tick; every other year
    is labelled, and a phone shows every other label of those."""
    page = api.get(REPORT, params={"format": "html"}).text
    chart = page[page.index('id="timeline-chart"') :]
    chart = chart[: chart.index("</svg>")]
    labels = re.findall(r'<text x="([\d.]+)" y="\d+"( class="minor")?>(\d{4})</text>', chart)
    years = [int(year) for _x, _minor, year in labels]
    assert years == list(range(2014, 2031, 2))
    positions = [float(x) for x, _minor, _year in labels]
    assert min(b - a for a, b in itertools.pairwise(positions)) > 60  # "2014" is ~30 units wide
    assert [year for _x, minor, year in labels if not minor] == ["2014", "2018", "2022", "2026", "2030"]
    assert chart.count('y2="155" stroke="#374151"/>') == 2030 - 2014 + 1  # a tick at every year


# A phone draws the charts' text at 22 units (the layout's `svg text` rule); a line of it reaches
# about 0.8 of that above its baseline and 0.25 below.
PHONE_TEXT = 22
ASCENT, DESCENT = 0.8 * PHONE_TEXT, 0.25 * PHONE_TEXT


def _svg(page: str, chart: str) -> str:
    svg = page[page.index(f'<svg id="{chart}"') :]
    return svg[: svg.index("</svg>")]


def test_chart_labels_have_room_for_a_phones_larger_text(api: httpx.Client) -> None:
    """A bar's label clears its bar and the row above; no marker line crosses a year's label on the
    timeline, and the markers' labels are a phone's line apart, under the years'."""
    page = api.get(REPORT, params={"format": "html"}).text
    height = 16  # a bar; its total is written at its bottom, 2 units up
    for chart in ("status-chart", "owner-chart"):
        rows = re.findall(
            r'<g class="bar-row">\s*<text x="[\d.]+" y="([\d.]+)">'
            r'.*?<text class="bar-value" x="[\d.]+"\s+y="([\d.]+)"',
            _svg(page, chart),
            flags=re.DOTALL,
        )
        tops = [(float(label), float(total) + 2 - height) for label, total in rows]
        assert len(tops) > 2, chart
        for (label, bar), (next_label, _bar) in itertools.pairwise(tops):
            assert bar - label >= DESCENT + 2, chart
            assert next_label - ASCENT >= bar + height + 4, chart
    timeline = _svg(page, "timeline-chart")
    baseline = int(re.findall(r'<line x1="[\d.]+" x2="[\d.]+" y1="(\d+)" y2="\d+"', timeline)[0])
    years = {
        float(y)
        for y in re.findall(r'<text x="[\d.]+" y="([\d.]+)"(?: class="minor")?>\d{4}</text>', timeline)
    }
    (year_baseline,) = years
    assert year_baseline - ASCENT > baseline + 5  # under the ticks
    marker_lines = re.findall(r'<g class="marker">\s*<line [^>]*y2="([\d.]+)"', timeline)
    assert marker_lines and all(float(end) <= baseline + 5 for end in marker_lines)
    labels = [float(y) for y in re.findall(r'<text x="[\d.]+" y="([\d.]+)"\s+text-anchor', timeline)]
    assert labels[0] - ASCENT > year_baseline + DESCENT
    assert all(b - a >= PHONE_TEXT * 1.2 for a, b in itertools.pairwise(labels))


def test_the_trend_chart_stacks_completed_overdue_and_the_rest_on_one_scale() -> None:
    points = [_point(2015, "T1", (10, 2, 3)), _point(2015, "annual", (20, 5, 0)), _point(2016, "T1", None)]
    trend = PlanTrajectory.model_validate(
        {"document": {"id": 1, "key": "d", "title": "D"}, "plan_start_year": 2015, "plan_end_year": 2016,
         "points": [point.model_dump() for point in points]}
    )  # fmt: skip
    t = Labels("sv", "Europe/Stockholm")
    chart = trend_chart(trend, t, points[1].period)
    first, second, later = chart.columns
    assert [block.label for block in first.blocks] == [
        "T1 2015: Genomförda 2",
        "T1 2015: Försenade 3",
        "T1 2015: Övriga 5",
    ]
    assert sum(block.height for block in second.blocks) == pytest.approx(
        2 * sum(b.height for b in first.blocks)
    )
    assert second.blocks[-1].y + second.blocks[-1].height <= TREND_BASELINE
    assert [second.key, second.current, first.current] == ["År", True, False]
    assert later.blocks == [] and later.total is None
    assert [year for _x, year in chart.years] == [2015, 2016]
    assert chart.columns[0].blocks[0].colour != chart.columns[0].blocks[1].colour
    rows = trend_section(trend, t).rows
    assert rows[2].cells[2:] == [None, None, None, "Brytdatum ej passerat"]
