"""The dashboard and a report page in a real headless Chromium: figures, charts, no console errors."""

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.browser import open_page
from tests.conftest import Backend, serve
from tests.report_scenario import FIRST, play_scenario

PNG = b"\x89PNG"


@pytest.fixture
def public_url(backend: Backend, small_register: Session) -> Iterator[str]:
    """A server of the same database where anonymous reads are allowed (a browser sends no token)."""
    with serve(backend.settings.model_copy(update={"public_read": True})) as url:
        yield url


def _figure(dom: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">([^<]+)<', dom)
    assert match, f"figure {name} not on the page"
    return match.group(1)


def test_dashboard_in_chromium(api: httpx.Client, public_url: str, tmp_path: Path) -> None:
    play_scenario(api)
    page = open_page(f"{public_url}/", tmp_path)
    assert page.console == []
    assert page.screenshot.startswith(PNG)
    assert '<html lang="sv">' in page.dom
    # Today's period: KS-2015-001, completed in 2015, is in no later year's reports.
    assert "den innevarande perioden" in page.dom
    assert _figure(page.dom, "assignments") == "1"
    assert _figure(page.dom, "completed") == "0"
    for chart in ("status-chart", "owner-chart", "timeline-chart", "trend-chart"):
        assert re.search(rf'<svg id="{chart}"[^>]*role="img"', page.dom), chart
    assert page.dom.count("<rect") >= 3  # a bar in each chart
    assert "Idag" in page.dom
    assert 'href="/api/v1/reports/2017/annual?format=xlsx"' in page.dom
    years = len(range(2015, max(2018, date.today().year) + 1))  # noqa: DTZ011
    assert page.dom.count("/api/v1/reports/20") == years * 3 * 5  # every period in every format


def test_dashboard_shows_the_period_chosen(api: httpx.Client, public_url: str, tmp_path: Path) -> None:
    play_scenario(api)
    page = open_page(f"{public_url}/?year=2015&period=T2", tmp_path)
    assert page.console == []
    assert "Visar Tertialrapport 2 2015, som du har valt." in page.dom
    assert _figure(page.dom, "assignments") == "2"
    assert _figure(page.dom, "completed") == "1"
    assert _figure(page.dom, "completion_rate") == "50,0 %"


def test_report_page_in_chromium(api: httpx.Client, public_url: str, tmp_path: Path) -> None:
    play_scenario(api)
    page = open_page(f"{public_url}/api/v1/reports/2015/T1?format=html", tmp_path)
    assert page.console == []
    assert "Tertialrapport 1 2015" in page.dom
    assert _figure(page.dom, "overdue") == "1"
    assert FIRST in page.dom and "Pågår" in page.dom
    assert page.dom.count("<svg") == 4  # status, owners, deadlines, the trend over the plan's periods
    assert 'id="trend-chart-table"' in page.dom


def test_console_errors_are_caught(tmp_path: Path) -> None:
    """The browser helper notices a failing script, so the checks above can fail."""
    broken = tmp_path / "broken.html"
    broken.write_text("<!doctype html><title>x</title><script>missing();</script>", encoding="utf-8")
    page = open_page(broken.as_uri(), tmp_path)
    assert any("Uncaught ReferenceError" in line for line in page.console)
