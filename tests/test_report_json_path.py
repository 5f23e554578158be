"""The JSON report is made without a model per line (app/reports/json_body.py); CSV, XLSX and HTML
take `ReportLine` models. The two paths must not drift: a field added to `ReportLine` and not made
for the JSON (or made for the JSON and not in the model) fails here."""

import json
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from app.clock import local_today
from app.documents.models import Origin
from app.reports.schemas import ReportFilters
from app.reports.service import period_report, period_report_json
from tests.report_scenario import play_scenario, report_url

pytestmark = pytest.mark.usefixtures("small_register")

TIMEZONE = "Europe/Stockholm"
GENERATED = "generated_at"  # the moment each was made: differs between two live reports


def _both(session: Session, period: str, filters: ReportFilters) -> tuple[dict[str, Any], dict[str, Any]]:
    """The report of 2015 `period` made by each path: the JSON path's bytes parsed, the model's JSON."""
    session.expire_all()
    today = local_today(TIMEZONE)
    fast = json.loads(
        period_report_json(session, 2015, period, filters=filters, timezone=TIMEZONE, today=today)
    )
    model = period_report(session, 2015, period, filters=filters, timezone=TIMEZONE, today=today)
    return fast, model.model_dump(mode="json")


@pytest.mark.parametrize(
    "filters",
    [
        ReportFilters(),
        ReportFilters(owner="KS"),
        ReportFilters(origin=[Origin.ADOPTED, Origin.RESERVATION], kind=["task"]),
    ],
    ids=["default", "owner", "origin-and-kind"],
)
def test_live_reports_are_the_same_on_both_paths(
    api: httpx.Client, session: Session, filters: ReportFilters
) -> None:
    play_scenario(api)
    for period in ("T1", "T2", "annual"):
        fast, model = _both(session, period, filters)
        assert fast["assignments"], "the report has lines to compare"
        assert fast["source"] == "live"
        assert {**fast, GENERATED: None} == {**model, GENERATED: None}


def test_published_reports_are_the_same_on_both_paths(api: httpx.Client, session: Session) -> None:
    play_scenario(api)
    published = api.post(f"{report_url('T2')}/publish")
    assert published.status_code == 201, published.text
    fast, model = _both(session, "T2", ReportFilters())
    assert fast["source"] == "published" and fast["assignments"]
    assert fast == model
    assert fast == published.json()  # what publishing answered is what the report now gives
