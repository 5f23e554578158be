"""The assignment API over real HTTP, on SQLite and PostgreSQL."""

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from app.clock import local_today
from tests.helpers import (
    assert_problem,
    assignment_by_reference,
    database_state,
    patch_assignment,
    post_update,
    unit_ids,
)

pytestmark = pytest.mark.usefixtures("small_register")


def references(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["reference"] for item in response.json()["items"]]


def test_list_is_a_page_with_total(api: httpx.Client) -> None:
    body = api.get("/api/v1/assignments", params={"limit": 2, "offset": 1}).json()
    assert set(body) == {"items", "total", "limit", "offset"}
    assert (body["total"], body["limit"], body["offset"]) == (4, 2, 1)
    assert [item["reference"] for item in body["items"]] == ["KS-2015-002", "KS-2015-003"]


def test_page_size_is_capped(api: httpx.Client) -> None:
    assert_problem(api.get("/api/v1/assignments", params={"limit": 1000}), 422, "limit")


def test_unknown_query_parameter_is_refused(api: httpx.Client) -> None:
    assert_problem(api.get("/api/v1/assignments", params={"owner_id": 1}), 422, "owner_id")


def test_assignment_carries_the_fields_integrators_rely_on(api: httpx.Client) -> None:
    item = assignment_by_reference(api, "KS-2015-001")
    assert {"id", "reference", "title", "quote", "owner", "executor", "deadline", "status"} <= set(item)
    assert item["owner"]["name"] == "Kommunstyrelsen"
    assert item["executor"]["key"] == "SLK"
    assert item["partners"][0]["name"] == "Trafiknämnden"
    assert item["deadline"] == {
        "text": "under 2014",
        "earliest": "2014-01-01",
        "latest": "2014-12-31",
        "precision": "year",
    }
    assert item["status"] == "not_started"
    assert item["overdue"] is True  # deadline 2014 passed and nothing reported


def test_money_and_target(api: httpx.Client) -> None:
    item = assignment_by_reference(api, "KS-2015-004")
    assert item["money"] == {"min_sek": 200000000, "max_sek": 200000000, "year": 2014, "text": "200 miljoner"}
    assert item["target"]["indicator"] == "Andel ekologiska livsmedel"
    assert float(item["target"]["value"]) == 50


def test_free_text_search_is_case_insensitive(api: httpx.Client) -> None:
    assert references(api.get("/api/v1/assignments", params={"q": "velo-city"})) == ["KS-2015-001"]
    assert references(api.get("/api/v1/assignments", params={"q": "UTRIKESFÖDDA"})) == ["KS-2015-003"]
    assert references(api.get("/api/v1/assignments", params={"q": "100%"})) == []


def test_owner_filter_includes_sub_units(api: httpx.Client) -> None:
    assert references(api.get("/api/v1/assignments", params={"owner": "KS"})) == [
        "KS-2015-001",
        "KS-2015-002",
        "KS-2015-003",
    ]
    assert references(api.get("/api/v1/assignments", params={"owner": "SLK"})) == ["KS-2015-003"]
    assert_problem(api.get("/api/v1/assignments", params={"owner": "NOPE"}), 422, "owner")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"origin": "reservation"}, ["KS-2015-003", "KS-2015-004"]),
        ({"kind": "ongoing"}, ["KS-2015-004"]),
        ({"tag": "edok"}, ["KS-2015-002"]),
        ({"executor": "SLK"}, ["KS-2015-001", "KS-2015-002"]),
        ({"deadline_before": "2015-12-31"}, ["KS-2015-001"]),
        ({"deadline_after": "2016-01-01"}, ["KS-2015-002", "KS-2015-003"]),
        (
            {"status": ["not_started", "completed"], "kind": "task", "origin": "adopted"},
            ["KS-2015-001", "KS-2015-002"],
        ),
        (
            {"sort": "-deadline", "deadline_after": "2014-01-01"},
            ["KS-2015-002", "KS-2015-003", "KS-2015-001"],
        ),
    ],
)
def test_list_filters(api: httpx.Client, params: dict[str, Any], expected: list[str]) -> None:
    assert references(api.get("/api/v1/assignments", params=params)) == expected


def test_goal_filter(api: httpx.Client) -> None:
    goals = {goal["key"]: goal["id"] for goal in api.get("/api/v1/goals").json()}
    assert references(api.get("/api/v1/assignments", params={"goal": goals["MP-1"]})) == [
        "KS-2015-003",
        "KS-2015-004",
    ]


def test_overdue_filter_follows_status(api: httpx.Client) -> None:
    item = assignment_by_reference(api, "KS-2015-001")
    assert "KS-2015-001" in references(api.get("/api/v1/assignments", params={"overdue": True}))
    post_update(api, item["id"], {"status": "completed"}).raise_for_status()
    assert "KS-2015-001" not in references(api.get("/api/v1/assignments", params={"overdue": True}))
    assert "KS-2015-001" in references(api.get("/api/v1/assignments", params={"overdue": False}))


def test_get_unknown_assignment_is_404_problem(api: httpx.Client) -> None:
    assert_problem(api.get("/api/v1/assignments/999999"), 404)


def test_create_generates_reference_and_reads_deadline(api: httpx.Client) -> None:
    units = unit_ids(api)
    document_id = api.get("/api/v1/documents").json()[0]["id"]
    response = api.post(
        "/api/v1/assignments",
        json={
            "title": "Ta fram plan för toppdomänen .stockholm",
            "document_id": document_id,
            "owner_id": units["KS"],
            "executor_id": units["SLK"],
            "deadline": {"text": "senast under april 2014"},
            "tags": ["Stockholm-Domain"],
        },
        headers={"X-Actor": "Anna Andersson"},
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["reference"] == "KS-2015-005"
    assert response.headers["location"].endswith(f"/api/v1/assignments/{created['id']}")
    assert created["deadline"]["latest"] == "2014-04-30"
    assert created["deadline"]["precision"] == "month"
    assert created["tags"] == ["stockholm-domain"]
    assert created["version"] == 1
    history = api.get(f"/api/v1/assignments/{created['id']}/history").json()
    assert history[0]["type"] == "created"
    assert history[0]["recorded_by"] == "Anna Andersson via test admin"


def test_unreadable_deadline_keeps_text_without_interval(api: httpx.Client) -> None:
    units = unit_ids(api)
    created = api.post(
        "/api/v1/assignments",
        json={"title": "Något", "owner_id": units["KS"], "deadline": {"text": "när tid finns"}},
    ).json()
    assert created["deadline"] == {
        "text": "när tid finns",
        "earliest": None,
        "latest": None,
        "precision": None,
    }
    assert created["reference"].startswith("UPP-")


def test_duplicate_reference_is_409(api: httpx.Client, session: Session) -> None:
    units = unit_ids(api)
    before = database_state(session)
    response = api.post(
        "/api/v1/assignments", json={"reference": "KS-2015-001", "title": "Dubblett", "owner_id": units["KS"]}
    )
    assert_problem(response, 409)
    assert database_state(session) == before


def test_a_given_reference_is_never_drawn_later(api: httpx.Client) -> None:
    """A reference given above the prefix's counter moves it forward; one given below leaves it."""
    units = unit_ids(api)
    document_id = api.get("/api/v1/documents").json()[0]["id"]

    def create(reference: str | None = None) -> str:
        body = {"title": "Nytt", "document_id": document_id, "owner_id": units["KS"], "reference": reference}
        response = api.post("/api/v1/assignments", json={k: v for k, v in body.items() if v is not None})
        assert response.status_code == 201, response.text
        return str(response.json()["reference"])

    assert create() == "KS-2015-005"  # after the four seeded ones
    assert create("KS-2015-010") == "KS-2015-010"
    assert create() == "KS-2015-011"
    assert create("KS-2015-007") == "KS-2015-007"
    assert create() == "KS-2015-012"
    assert_problem(
        api.post(
            "/api/v1/assignments", json={"reference": "KS-2015-010", "title": "Igen", "owner_id": units["KS"]}
        ),
        409,
    )
    assert create() == "KS-2015-013"  # the refused create moved nothing


def test_patch_changes_fields_and_records_names_in_history(api: httpx.Client) -> None:
    units = unit_ids(api)
    item = assignment_by_reference(api, "KS-2015-002")
    response = patch_assignment(
        api,
        item["id"],
        {
            "owner_id": units["SERVICEN"],
            "contact_person": "Bo Berg",
            "deadline": {"text": "hösten 2016"},
        },
        headers={"X-Actor": "SLK registrator"},
    )
    assert response.status_code == 200, response.text
    patched = response.json()
    assert patched["owner"]["name"] == "Servicenämnden"
    assert patched["deadline"]["latest"] == "2016-11-30"
    assert patched["version"] == item["version"] + 1
    [edit] = [
        entry
        for entry in api.get(f"/api/v1/assignments/{item['id']}/history").json()
        if entry["type"] == "edited"
    ]
    assert set(edit["changed_fields"]) == {"owner", "contact_person", "deadline"}
    assert edit["changes"]["owner"]["old"]["name"] == "Kommunstyrelsen"
    assert edit["changes"]["owner"]["new"]["name"] == "Servicenämnden"
    assert edit["recorded_by"] == "SLK registrator via test admin"


def test_patch_without_changes_keeps_version(api: httpx.Client) -> None:
    item = assignment_by_reference(api, "KS-2015-002")
    patched = patch_assignment(api, item["id"], {"title": item["title"]}).json()
    assert patched["version"] == item["version"]


def test_archive_hides_but_keeps_history(api: httpx.Client) -> None:
    item = assignment_by_reference(api, "KS-2015-001")
    post_update(api, item["id"], {"status": "in_progress"}).raise_for_status()
    archived = api.request("DELETE", f"/api/v1/assignments/{item['id']}", json={"reason": "Dubblett"}).json()
    assert archived["archived_at"] is not None
    assert "KS-2015-001" not in references(api.get("/api/v1/assignments"))
    assert "KS-2015-001" in references(api.get("/api/v1/assignments", params={"include_archived": True}))
    assert api.get(f"/api/v1/assignments/{item['id']}").status_code == 200
    types = [entry["type"] for entry in api.get(f"/api/v1/assignments/{item['id']}/history").json()]
    assert types == ["created", "status_update", "archived"]
    assert_problem(post_update(api, item["id"], {"comment": "x"}), 409)
    assert_problem(api.delete(f"/api/v1/assignments/{item['id']}"), 409)


def test_status_update_with_comment_shows_in_history(api: httpx.Client) -> None:
    item = assignment_by_reference(api, "KS-2015-001")
    response = post_update(
        api,
        item["id"],
        {
            "status": "in_progress",
            "progress": 40,
            "assessment": "partially_fulfilled",
            "traffic_light": "yellow",
            "comment": "Ansökan inlämnad.",
            "effective_date": "2014-04-15",
        },
        headers={"X-Actor": "Kalle Karlsson"},
    )
    assert response.status_code == 201, response.text
    update = response.json()
    assert update["recorded_by"] == "Kalle Karlsson via test admin"
    current = api.get(f"/api/v1/assignments/{item['id']}").json()
    assert (current["status"], current["progress"], current["traffic_light"]) == ("in_progress", 40, "yellow")
    assert current["version"] == item["version"] + 1
    entry = api.get(f"/api/v1/assignments/{item['id']}/history").json()[-1]
    assert entry["type"] == "status_update"
    assert entry["effective_date"] == "2014-04-15"
    assert entry["status_update"]["comment"] == "Ansökan inlämnad."
    assert set(entry["changed_fields"]) == {"status", "progress", "assessment", "traffic_light", "comment"}


def test_fields_left_out_keep_the_state_as_of_the_effective_date(api: httpx.Client) -> None:
    item = assignment_by_reference(api, "KS-2015-001")
    post_update(
        api, item["id"], {"status": "in_progress", "progress": 30, "effective_date": "2015-03-01"}
    ).raise_for_status()
    only_comment = post_update(
        api, item["id"], {"comment": "Inget nytt", "effective_date": "2015-04-01"}
    ).json()
    assert (only_comment["status"], only_comment["progress"]) == ("in_progress", 30)
    done = post_update(api, item["id"], {"status": "completed", "effective_date": "2015-05-01"}).json()
    assert done["progress"] == 100


def test_back_dated_update_does_not_override_a_later_one(api: httpx.Client) -> None:
    item = assignment_by_reference(api, "KS-2015-001")
    url = f"/api/v1/assignments/{item['id']}/updates"
    post_update(api, item["id"], {"status": "completed", "effective_date": "2015-06-01"}).raise_for_status()
    post_update(
        api, item["id"], {"status": "in_progress", "progress": 10, "effective_date": "2015-01-15"}
    ).raise_for_status()
    current = api.get(f"/api/v1/assignments/{item['id']}").json()
    assert (current["status"], current["progress"]) == ("completed", 100)
    timeline = [update["effective_date"] for update in api.get(url).json()]
    assert timeline == ["2015-01-15", "2015-06-01"]
    history = api.get(f"/api/v1/assignments/{item['id']}/history").json()
    back_dated = next(entry for entry in history if entry.get("effective_date") == "2015-01-15")
    assert back_dated["changes"]["status"] == {"old": "not_started", "new": "in_progress"}


def test_closing_needs_a_reason(api: httpx.Client, session: Session) -> None:
    item = assignment_by_reference(api, "KS-2015-002")
    before = database_state(session)
    assert_problem(post_update(api, item["id"], {"status": "cancelled"}), 422, "reason")
    assert_problem(post_update(api, item["id"], {"status": "closed", "reason": "  "}), 422, "reason")
    assert database_state(session) == before
    closed = post_update(api, item["id"], {"status": "closed", "reason": "Flyttat till servicenämnden."})
    assert closed.status_code == 201
    assert closed.json()["reason"] == "Flyttat till servicenämnden."


def test_history_cannot_be_edited_or_deleted(api: httpx.Client) -> None:
    item = assignment_by_reference(api, "KS-2015-002")
    update = post_update(api, item["id"], {"comment": "a"}).json()
    for method in ("PUT", "PATCH", "DELETE"):
        response = api.request(method, f"/api/v1/assignments/{item['id']}/updates/{update['id']}")
        assert response.status_code in (404, 405)
        assert response.headers["content-type"].startswith("application/problem+json")
    for method in ("PUT", "PATCH", "DELETE", "POST"):
        assert api.request(method, f"/api/v1/assignments/{item['id']}/history").status_code == 405


def test_future_effective_date_is_refused(api: httpx.Client) -> None:
    item = assignment_by_reference(api, "KS-2015-002")
    tomorrow = (local_today("Europe/Stockholm") + timedelta(days=2)).isoformat()
    assert_problem(
        post_update(api, item["id"], {"status": "in_progress", "effective_date": tomorrow}),
        422,
        "effective_date",
    )
