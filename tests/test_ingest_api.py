"""Upload → drafts → review → accept through the API, on both databases, over real HTTP: a file with
its metadata as a multipart body, the drafts it gives, editing, accepting (idempotent), rejecting,
merging and splitting them; the same file again writes nothing; a draft repeating an assignment of
an earlier document is proposed as continuing it; malformed files are refused and write nothing."""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import Role
from app.documents.models import SourceDocument
from app.documents.source_text import normalise_source_text
from app.ingest.engine import MAX_DRAFTS
from app.ingest.extract import ExtractionLimits
from tests.bad_files import UNREADABLE_UPLOADS
from tests.conftest import Backend, Clients, admin_token, serve
from tests.helpers import assert_problem, assignment_by_reference, database_state
from tests.uploads import (
    CHIEFS,
    DECISION,
    DECISION_TEXT,
    FUNDING,
    PLATFORM,
    STRATEGY,
    draft_with,
    drafts_of,
    upload,
)

pytestmark = pytest.mark.usefixtures("small_register")


def _uploaded(api: httpx.Client) -> dict[str, Any]:
    response = upload(api)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _etag(api: httpx.Client, document_id: int, draft_id: int) -> str:
    response = api.get(f"/api/v1/documents/{document_id}/drafts/{draft_id}")
    response.raise_for_status()
    return response.headers["etag"]


def test_an_upload_stores_the_document_its_text_and_the_drafts_found(api: httpx.Client) -> None:
    response = upload(api)
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/api/v1/documents/{body['id']}"
    assert body["already_ingested"] is False
    assert body["drafts_found"] == 4
    assert body["drafts"]["by_kind"] == {"task": 4}
    assert body["drafts"]["by_origin"] == {"adopted": 4}
    assert body["file"]["name"] == "beslut.txt" and body["file"]["format"] == "text"
    assert body["file"]["size"] == len(DECISION_TEXT) and len(body["file"]["sha256"]) == 64
    assert (body["decided_by"]["key"], body["diarienummer"], body["paragraph"]) == (
        "KS",
        "KS 2016/101",
        "§ 7",
    )
    assert body["reference_prefix"] == "KS-2016"

    document = api.get(f"/api/v1/documents/{body['id']}").json()
    assert "strategi för digital förvaltning" in document["full_text"]
    drafts = drafts_of(api, body["id"])
    assert [draft["quote"] for draft in drafts] == [STRATEGY, PLATFORM, FUNDING, CHIEFS]
    platform = drafts[1]
    assert (platform["owner"]["key"], platform["executor"]["key"]) == ("KS", "SLK")
    assert [unit["key"] for unit in platform["partners"]] == ["SERVICEN"]
    assert platform["deadline"]["text"] == "under 2016" and platform["deadline"]["latest"] == "2016-12-31"
    assert platform["section"] == "1. Digital förvaltning"
    assert platform["state"] == "proposed" and 0.5 <= platform["confidence"] <= 1
    assert "cue: ska" in platform["reasons"]
    assert drafts[2]["money"]["min_sek"] == 12_000_000
    text = normalise_source_text(document["full_text"])
    assert all(text[draft["quote_start"] : draft["quote_end"]] == draft["quote"] for draft in drafts)


def test_a_draft_shows_its_quote_in_context(api: httpx.Client) -> None:
    document_id = _uploaded(api)["id"]
    draft = draft_with(api, document_id, PLATFORM)
    response = api.get(f"/api/v1/documents/{document_id}/drafts/{draft['id']}")
    assert response.headers["etag"] == '"1"'
    context = response.json()["context"]
    assert context["quote"] == PLATFORM
    assert context["before"].endswith(STRATEGY + " ")
    assert context["after"].startswith(" " + FUNDING)
    assert response.json()["history"] == []
    assert_problem(api.get(f"/api/v1/documents/{document_id}/drafts/987654"), 404)


def test_the_same_file_again_gives_the_same_document_and_writes_nothing(
    api: httpx.Client, session: Session
) -> None:
    first = _uploaded(api)
    draft = draft_with(api, first["id"], STRATEGY)
    api.post(f"/api/v1/documents/{first['id']}/drafts/{draft['id']}/accept").raise_for_status()
    before = database_state(session)
    again = upload(api, fields={**DECISION, "title": "Samma fil, annan titel"}, name="kopia.txt")
    assert again.status_code == 200, again.text
    assert again.json()["already_ingested"] is True
    assert again.json()["id"] == first["id"] and again.json()["title"] == first["title"]
    assert again.json()["drafts"]["by_state"] == {"accepted": 1, "proposed": 3}
    assert database_state(session) == before


def test_accepting_makes_an_assignment_of_the_document_once(api: httpx.Client) -> None:
    document_id = _uploaded(api)["id"]
    draft = draft_with(api, document_id, PLATFORM)
    url = f"/api/v1/documents/{document_id}/drafts/{draft['id']}/accept"
    accepted = api.post(url)
    assert accepted.status_code == 201, accepted.text
    assignment = accepted.json()["assignment"]
    assert accepted.headers["location"] == f"/api/v1/assignments/{assignment['id']}"
    assert assignment["reference"] == "KS-2016-001"
    assert assignment["quote"] == PLATFORM and assignment["section"] == "1. Digital förvaltning"
    assert (assignment["owner"]["key"], assignment["executor"]["key"]) == ("KS", "SLK")
    assert [unit["key"] for unit in assignment["partners"]] == ["SERVICEN"]
    assert assignment["document"]["id"] == document_id and assignment["origin"] == "adopted"
    assert assignment["deadline"] == {
        "text": "under 2016",
        "earliest": "2016-01-01",
        "latest": "2016-12-31",
        "precision": "year",
    }
    assert accepted.json()["draft"]["state"] == "accepted"
    assert accepted.json()["draft"]["assignment"]["id"] == assignment["id"]

    again = api.post(url, json={"version": 1})
    assert again.status_code == 200 and again.json()["already_accepted"] is True
    assert again.json()["assignment"]["id"] == assignment["id"]
    listed = api.get(f"/api/v1/documents/{document_id}/assignments").json()
    assert [item["id"] for item in listed["items"]] == [assignment["id"]]
    history = api.get(f"/api/v1/documents/{document_id}/drafts/{draft['id']}").json()["history"]
    assert [(entry["action"], entry["recorded_by"]) for entry in history] == [("accepted", "test admin")]
    assert history[0]["changes"]["assignment"]["reference"] == "KS-2016-001"

    funding = draft_with(api, document_id, FUNDING)
    money = api.post(f"/api/v1/documents/{document_id}/drafts/{funding['id']}/accept").json()
    assert money["assignment"]["money"]["min_sek"] == 12_000_000
    assert money["assignment"]["money"]["text"] == "12 miljoner kronor"


def test_a_draft_repeating_an_earlier_assignment_continues_it(api: httpx.Client) -> None:
    document_id = _uploaded(api)["id"]
    earlier = assignment_by_reference(api, "KS-2015-003")
    chiefs = draft_with(api, document_id, CHIEFS)
    assert chiefs["continues"]["reference"] == "KS-2015-003"
    assert chiefs["continues_score"] >= 0.6
    assert all(
        draft["continues"] is None for draft in drafts_of(api, document_id) if draft["id"] != chiefs["id"]
    )
    accepted = api.post(f"/api/v1/documents/{document_id}/drafts/{chiefs['id']}/accept").json()
    detail = api.get(f"/api/v1/assignments/{accepted['assignment']['id']}").json()
    [link] = detail["links"]
    assert (link["kind"], link["direction"], link["assignment"]["id"]) == (
        "continues",
        "outgoing",
        earlier["id"],
    )
    assert link["decision"]["id"] == document_id
    earlier_links = api.get(f"/api/v1/assignments/{earlier['id']}").json()["links"]
    assert [(item["kind"], item["direction"]) for item in earlier_links] == [("continues", "incoming")]


def test_a_draft_continues_only_assignments_of_earlier_documents(api: httpx.Client) -> None:
    older = {**DECISION, "decision_date": "2013-05-02", "title": "Ett äldre beslut"}
    document_id = upload(api, fields=older).json()["id"]
    assert draft_with(api, document_id, CHIEFS)["continues"] is None


def test_accepting_without_the_proposed_link(api: httpx.Client) -> None:
    document_id = _uploaded(api)["id"]
    chiefs = draft_with(api, document_id, CHIEFS)
    url = f"/api/v1/documents/{document_id}/drafts/{chiefs['id']}/accept"
    accepted = api.post(url, json={"link_continues": False}).json()
    assert api.get(f"/api/v1/assignments/{accepted['assignment']['id']}").json()["links"] == []


def test_editing_a_draft_needs_its_version_and_is_recorded(api: httpx.Client) -> None:
    document_id = _uploaded(api)["id"]
    draft = draft_with(api, document_id, STRATEGY)
    url = f"/api/v1/documents/{document_id}/drafts/{draft['id']}"
    assert_problem(api.patch(url, json={"title": "Ny titel"}), 428)
    assert_problem(api.patch(url, json={"title": "Ny titel"}, headers={"If-Match": '"7"'}), 412)
    units = {unit["key"]: unit["id"] for unit in api.get("/api/v1/org-units").json()}
    edited = api.patch(
        url,
        json={
            "title": "Strategi för digital förvaltning",
            "executor_id": units["SLK"],
            "deadline": {"text": "senast 30 november 2016"},
            "quote": "ta fram en strategi för digital förvaltning",
        },
        headers={"If-Match": '"1"'},
    )
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert edited.headers["etag"] == '"2"' and body["version"] == 2
    assert body["executor"]["key"] == "SLK" and body["deadline"]["latest"] == "2016-11-30"
    assert body["context"]["quote"] == "ta fram en strategi för digital förvaltning"
    [entry] = body["history"]
    assert entry["action"] == "edited" and entry["recorded_by"] == "test admin"
    assert set(entry["changes"]) == {"title", "executor", "deadline", "quote"}
    assert entry["changes"]["executor"]["new"]["key"] == "SLK"
    not_in_text = api.patch(url, json={"quote": "Kommunstyrelsen ska avskaffa budgeten.", "version": 2})
    assert_problem(not_in_text, 422, "quote")


def test_rejecting_needs_a_reason_and_ends_the_review(api: httpx.Client) -> None:
    document_id = _uploaded(api)["id"]
    draft = draft_with(api, document_id, FUNDING)
    url = f"/api/v1/documents/{document_id}/drafts/{draft['id']}"
    assert_problem(api.post(f"{url}/reject", json={"reason": " "}), 422, "reason")
    rejected = api.post(f"{url}/reject", json={"reason": "Finansiering, inget eget uppdrag."})
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["state"] == "rejected"
    assert rejected.json()["rejection_reason"] == "Finansiering, inget eget uppdrag."
    assert_problem(api.post(f"{url}/accept"), 409)
    assert_problem(api.patch(url, json={"title": "x", "version": 2}), 409)
    assert [draft["id"] for draft in drafts_of(api, document_id, state="rejected")] == [draft["id"]]


def test_merging_adjacent_drafts_joins_their_text(api: httpx.Client) -> None:
    document_id = _uploaded(api)["id"]
    platform, funding = draft_with(api, document_id, PLATFORM), draft_with(api, document_id, FUNDING)
    merged = api.post(
        f"/api/v1/documents/{document_id}/drafts/{platform['id']}/merge", json={"other": funding["id"]}
    )
    assert merged.status_code == 200, merged.text
    body = merged.json()
    assert body["quote"] == f"{PLATFORM} {FUNDING}"
    assert body["money"]["min_sek"] == 12_000_000 and body["executor"]["key"] == "SLK"
    assert "merged" in body["reasons"] and body["version"] == 2
    other = api.get(f"/api/v1/documents/{document_id}/drafts/{funding['id']}").json()
    assert (other["state"], other["merged_into_id"]) == ("merged", platform["id"])
    assert other["history"][0]["action"] == "merged_into"
    accepted = api.post(f"/api/v1/documents/{document_id}/drafts/{platform['id']}/accept").json()
    assert accepted["assignment"]["quote"] == f"{PLATFORM} {FUNDING}"


def test_merging_drafts_apart_marks_the_gap(api: httpx.Client) -> None:
    document_id = _uploaded(api)["id"]
    strategy, chiefs = draft_with(api, document_id, STRATEGY), draft_with(api, document_id, CHIEFS)
    url = f"/api/v1/documents/{document_id}/drafts/{chiefs['id']}/merge"
    body = api.post(url, json={"other": strategy["id"]}).json()
    assert body["quote"] == f"{STRATEGY} […] {CHIEFS}"
    assert_problem(api.post(url, json={"other": chiefs["id"]}), 422, "other")
    assert_problem(api.post(url, json={"other": strategy["id"]}), 409)  # it is merged now


def test_splitting_a_draft_at_a_point_or_into_two_quotes(api: httpx.Client) -> None:
    document_id = _uploaded(api)["id"]
    strategy = draft_with(api, document_id, STRATEGY)
    url = f"/api/v1/documents/{document_id}/drafts/{strategy['id']}/split"
    point = STRATEGY.index(" ta fram")
    split = api.post(url, json={"at": point})
    assert split.status_code == 201, split.text
    first, second = split.json()["parts"]
    assert first["quote"] == STRATEGY[:point] and second["quote"] == STRATEGY[point + 1 :]
    assert first["deadline"]["text"] == "senast hösten 2016"
    assert second["deadline"]["text"] == "senast hösten 2016"  # kept from the draft: it has none of its own
    assert (first["split_from_id"], second["split_from_id"]) == (strategy["id"], strategy["id"])
    assert split.json()["draft"]["state"] == "split"
    assert_problem(api.post(url, json={"at": point}), 409)

    chiefs = draft_with(api, document_id, CHIEFS)
    url = f"/api/v1/documents/{document_id}/drafts/{chiefs['id']}/split"
    assert_problem(
        api.post(url, json={"quotes": ["Personalstrategiska avdelningen", "finns inte"]}), 422, "quotes.1"
    )
    assert_problem(api.post(url, json={"at": 5, "quotes": ["a", "b"]}), 422, "body")
    assert_problem(api.post(url, json={"at": len(CHIEFS)}), 422, "at")
    inside = assert_problem(api.post(url, json={"at": CHIEFS.index("avdelningen") + 3}), 422, "at")
    assert "falls inside the word 'avdelningen'" in inside["detail"]
    parts = api.post(
        url, json={"quotes": [CHIEFS, "Det finns många utmaningar för staden de kommande åren."]}
    )
    assert parts.status_code == 201, parts.text
    assert parts.json()["parts"][0]["continues"]["reference"] == "KS-2015-003"
    assert parts.json()["parts"][1]["continues"] is None


def test_drafts_are_listed_with_filters_and_pages(api: httpx.Client) -> None:
    document_id = _uploaded(api)["id"]
    everything = drafts_of(api, document_id)
    confident = drafts_of(api, document_id, min_confidence=0.95)
    assert {draft["id"] for draft in confident} == {d["id"] for d in everything if d["confidence"] >= 0.95}
    assert len(confident) < len(everything)
    page = api.get(f"/api/v1/documents/{document_id}/drafts", params={"limit": 2, "offset": 2}).json()
    assert (page["total"], page["limit"], page["offset"]) == (4, 2, 2)
    assert [draft["id"] for draft in page["items"]] == [draft["id"] for draft in everything[2:]]
    assert drafts_of(api, document_id, state="accepted") == []
    assert_problem(
        api.get(f"/api/v1/documents/{document_id}/drafts", params={"state": "maybe"}), 422, "state.0"
    )
    assert_problem(api.get(f"/api/v1/documents/{document_id}/drafts", params={"min_confidence": 2}), 422)
    assert_problem(api.get("/api/v1/documents/987654/drafts"), 404)


def test_readers_read_drafts_and_only_admins_review(api: httpx.Client, clients: Clients) -> None:
    document_id = _uploaded(api)["id"]
    draft = draft_with(api, document_id, STRATEGY)
    for role, unit in ((Role.READER, None), (Role.COORDINATOR, "KS"), (Role.EDITOR, "KS")):
        client = clients.as_role(role, unit)
        assert client.get(f"/api/v1/documents/{document_id}/drafts").status_code == 200
        assert_problem(client.post(f"/api/v1/documents/{document_id}/drafts/{draft['id']}/accept"), 403)
        assert_problem(upload(client, content=b"Kontoret ska ta fram en ny plan. " * 3), 403)


@pytest.mark.parametrize(("content", "reason"), UNREADABLE_UPLOADS.values(), ids=UNREADABLE_UPLOADS.keys())
def test_a_file_without_usable_text_is_refused_and_writes_nothing(
    api: httpx.Client, session: Session, content: bytes, reason: str
) -> None:
    before = database_state(session)
    problem = assert_problem(upload(api, content=content), 422, "file")
    assert problem["reason"] == reason and problem["type"].endswith("validation-error")
    assert problem["detail"].startswith("file: ")
    assert database_state(session) == before


def test_a_file_over_the_upload_limit_is_refused_and_writes_nothing(
    backend: Backend, session: Session
) -> None:
    settings = backend.settings.model_copy(update={"upload_max_bytes": 4096})
    token = admin_token(backend.settings.database_url)
    with (
        serve(settings) as url,
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as api,
    ):
        before = database_state(session)
        just_over = upload(api, content=b"Kontoret ska ta fram en plan. " * 140)  # 4 200 bytes
        problem = assert_problem(just_over, 413, "file")
        assert problem["reason"] == "too_large" and "4096" in problem["detail"]
        assert_problem(upload(api, content=b"x" * 200_000), 413)  # cut off before it is read
        assert database_state(session) == before
        assert upload(api).status_code == 201  # the limit is the file's: a smaller one passes


def test_a_text_over_the_length_limit_is_refused_before_the_engine_reads_it(
    api: httpx.Client, session: Session
) -> None:
    sentence = "Kontoret ska ta fram en plan. "
    content = (sentence * (ExtractionLimits().max_characters // len(sentence) + 1)).encode()
    assert len(content) // len(sentence) > MAX_DRAFTS  # the engine would refuse it for its drafts
    before = database_state(session)
    problem = assert_problem(upload(api, content=content), 413, "file")
    # Refused for the length of the text as read from the file, not for the drafts it would give.
    assert problem["reason"] == "too_long"
    assert f"the text is {len(content)} characters" in problem["detail"]
    assert database_state(session) == before


BAD_FORMS: list[tuple[dict[str, Any], str]] = [
    ({**DECISION, "title": ""}, "title"),
    ({key: value for key, value in DECISION.items() if key != "decision_date"}, "decision_date"),
    ({**DECISION, "kind": "wish"}, "kind"),
    ({**DECISION, "decided_by": "NOPE"}, "decided_by"),
    ({**DECISION, "plan_period_start": "2018", "plan_period_end": "2016"}, "plan_period_end"),
    ({**DECISION, "plan_period_start": "twenty"}, "plan_period_start"),
    ({**DECISION, "full_text": "Kontoret ska …"}, "full_text"),
    ({**DECISION, "colour": "blue"}, "colour"),
]


@pytest.mark.parametrize(("fields", "field"), BAD_FORMS, ids=[field for _fields, field in BAD_FORMS])
def test_bad_metadata_is_refused_naming_the_field(
    api: httpx.Client, session: Session, fields: dict[str, Any], field: str
) -> None:
    before = database_state(session)
    assert_problem(upload(api, fields=fields), 422, field)
    assert database_state(session) == before


def test_a_body_that_is_neither_json_nor_a_form_is_refused(api: httpx.Client, session: Session) -> None:
    before = database_state(session)
    assert_problem(
        api.post("/api/v1/documents", content=b"title=x", headers={"content-type": "text/plain"}), 422, "body"
    )
    no_file = api.post("/api/v1/documents", files={"other": ("a.txt", b"x")}, data=DECISION)
    assert_problem(no_file, 422, "file")
    broken = api.post(
        "/api/v1/documents",
        content=b"--x\r\nbroken",
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert_problem(broken, 422, "file")  # a form with nothing in it
    no_boundary = api.post(
        "/api/v1/documents", content=b"--x\r\nbroken", headers={"content-type": "multipart/form-data"}
    )
    assert_problem(no_boundary, 422, "body")
    assert database_state(session) == before


def test_the_openapi_document_describes_both_bodies(api: httpx.Client) -> None:
    document = api.get("/openapi.json").json()
    operation = document["paths"]["/api/v1/documents"]["post"]
    content = operation["requestBody"]["content"]
    assert content["application/json"]["schema"]["title"] == "DocumentCreate"
    form = content["multipart/form-data"]["schema"]
    assert form["properties"]["file"]["format"] == "binary" and "full_text" not in form["properties"]
    assert set(form["required"]) == {"file", "title"}
    refs = _refs(document)
    assert refs

    def resolves(ref: str) -> bool:
        """Whether a `#/components/<kind>/<name>` reference names a component that exists."""
        _hash, _components, kind, name = ref.split("/")
        return name in document["components"].get(kind, {})

    assert all(resolves(ref) for ref in refs), [ref for ref in refs if not resolves(ref)]


def _refs(value: Any) -> set[str]:
    if isinstance(value, dict):
        found = {value["$ref"]} if isinstance(value.get("$ref"), str) else set()
        return found.union(*(_refs(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(_refs(item) for item in value))
    return set()


def test_the_same_file_uploaded_twice_at_once_makes_one_document(api: httpx.Client, session: Session) -> None:
    """The hash is unique in the database: of two uploads at the same moment one makes the document;
    the other finds it (200) or, where both ran at once, is refused as a conflict (409)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(lambda _: upload(api).status_code, range(2)))
    assert statuses in ([200, 201], [201, 409]), statuses
    documents = session.scalars(select(SourceDocument).where(SourceDocument.file_sha256.is_not(None))).all()
    assert len(documents) == 1
