"""A status history with back-dated and late updates, and what each 2015 report must say about it.

On the small register (tests/data/small_document.yaml) the adopted assignments are KS-2015-001
(deadline 2014-12-31) and KS-2015-002 (deadline 2017-12-31). Every update below is recorded today,
years after it took effect; the two of 2015-04-30 on KS-2015-002 are recorded after those of August
and September, and the second of them, with the same effective date, wins.
"""

from dataclasses import dataclass
from typing import Any

import httpx

from tests.helpers import assignment_by_reference, patch_assignment, post_update

FIRST, SECOND = "KS-2015-001", "KS-2015-002"

APPLIED = "Ansökan inlämnad; besked väntas i höst – åäö"
UPDATES: list[tuple[str, dict[str, Any]]] = [
    (FIRST, {"effective_date": "2015-04-15", "status": "in_progress", "progress": 40,
             "assessment": "partially_fulfilled", "traffic_light": "yellow", "comment": APPLIED}),
    (FIRST, {"effective_date": "2015-05-02", "status": "completed", "assessment": "fulfilled",
             "traffic_light": "green", "comment": "Klart"}),
    (SECOND, {"effective_date": "2015-08-31", "status": "in_progress", "progress": 25,
              "traffic_light": "green"}),
    (SECOND, {"effective_date": "2015-09-01", "progress": 50, "comment": "Upphandling pågår"}),
    (SECOND, {"effective_date": "2015-04-30", "status": "in_progress", "progress": 10,
              "comment": "Förstudie"}),
    (SECOND, {"effective_date": "2015-04-30", "progress": 15}),
]  # fmt: skip


@dataclass(frozen=True)
class Expected:
    """One assignment in one report."""

    status: str
    progress: int
    assessment: str | None
    traffic_light: str
    comment: str | None
    overdue: bool
    updated_in_period: bool


EXPECTED: dict[str, dict[str, Expected]] = {
    "T1": {
        FIRST: Expected("in_progress", 40, "partially_fulfilled", "yellow", APPLIED, True, True),
        SECOND: Expected("in_progress", 15, None, "grey", "Förstudie", False, True),
    },
    "T2": {
        FIRST: Expected("completed", 100, "fulfilled", "green", "Klart", False, True),
        SECOND: Expected("in_progress", 25, None, "green", "Förstudie", False, True),
    },
    "annual": {
        FIRST: Expected("completed", 100, "fulfilled", "green", "Klart", False, False),
        SECOND: Expected("in_progress", 50, None, "green", "Upphandling pågår", False, True),
    },
}  # fmt: skip

# The target value of KS-2015-002, set so that a report has a decimal number to write.
TARGET = {"indicator": "Andel digitala ärenden", "value": "12.5", "unit": "procent", "year": 2017}


def play_scenario(api: httpx.Client) -> dict[str, int]:
    """Record the scenario's updates in order; returns the assignments' ids by reference."""
    ids = {reference: assignment_by_reference(api, reference)["id"] for reference in (FIRST, SECOND)}
    patch_assignment(api, ids[SECOND], {"target": TARGET}).raise_for_status()
    for reference, body in UPDATES:
        post_update(api, ids[reference], body, {"X-Actor": "Anna Andersson"}).raise_for_status()
    return ids


def report_url(period: str, year: int = 2015) -> str:
    return f"/api/v1/reports/{year}/{period}"
