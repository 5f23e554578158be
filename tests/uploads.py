"""Uploading documents in the tests: a KS decision of 2016 as plain text (four commitments, one of
which repeats KS-2015-003 of the small register) and its metadata, sent as a browser or a script does."""

from typing import Any

import httpx

from tests.conftest import TEST_DATA

DECISION_FILE = TEST_DATA / "decision_2016.txt"
DECISION_TEXT = DECISION_FILE.read_bytes()
DECISION = {
    "title": "Kommunstyrelsens beslut om digital förvaltning",
    "kind": "decision",
    "issuer": "SLK",
    "decided_by": "KS",
    "decision_date": "2016-03-14",
    "diarienummer": "KS 2016/101",
    "paragraph": "§ 7",
}
# The quotes the engine finds in it, in order.
STRATEGY = "Kommunstyrelsen får i uppdrag att senast hösten 2016 ta fram en strategi för digital förvaltning."
PLATFORM = (
    "Stadsledningskontoret ska under 2016 införa en gemensam e-tjänstplattform "
    "i samverkan med servicenämnden."
)
FUNDING = "För ändamålet avsätts 12 miljoner kronor under 2016."
CHIEFS = (
    "Personalstrategiska avdelningen får i uppdrag att under 2016 utreda varför utrikesfödda är "
    "underrepresenterade på chefspositioner i staden."
)


def upload(
    client: httpx.Client,
    content: bytes = DECISION_TEXT,
    fields: dict[str, Any] | None = None,
    name: str = "beslut.txt",
) -> httpx.Response:
    return client.post(
        "/api/v1/documents",
        data=DECISION if fields is None else fields,
        files={"file": (name, content, "application/octet-stream")},
    )


def drafts_of(client: httpx.Client, document_id: int, **params: Any) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/documents/{document_id}/drafts", params=params)
    response.raise_for_status()
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def draft_with(client: httpx.Client, document_id: int, quote: str) -> dict[str, Any]:
    [draft] = [draft for draft in drafts_of(client, document_id) if draft["quote"] == quote]
    return draft
