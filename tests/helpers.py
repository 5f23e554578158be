"""Small helpers shared by API tests."""

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models_registry import Base

PROBLEM_JSON = "application/problem+json"


def unit_ids(api: httpx.Client) -> dict[str, int]:
    return {unit["key"]: unit["id"] for unit in api.get("/api/v1/org-units").json()}


def assignment_by_reference(api: httpx.Client, reference: str) -> dict[str, Any]:
    page = api.get("/api/v1/assignments", params={"q": reference, "include_archived": True}).json()
    [item] = [item for item in page["items"] if item["reference"] == reference]
    return dict(item)


def row_counts(session: Session) -> dict[str, int]:
    """Rows per table: compared before and after a failed request to prove it wrote nothing."""
    session.expire_all()
    return {
        table.name: session.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }


def assert_problem(response: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    if field is not None:
        assert field in [error["field"] for error in body["errors"]], body
    return body
