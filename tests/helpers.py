"""Small helpers shared by API tests."""

import io
import re
from typing import Any

import httpx
import openpyxl
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models_registry import Base

PROBLEM_JSON = "application/problem+json"
WRITE_METHODS = ("post", "put", "patch", "delete")


def unit_ids(api: httpx.Client) -> dict[str, int]:
    return {unit["key"]: unit["id"] for unit in api.get("/api/v1/org-units").json()}


def assignment_by_reference(api: httpx.Client, reference: str) -> dict[str, Any]:
    page = api.get("/api/v1/assignments", params={"q": reference, "include_archived": True}).json()
    [item] = [item for item in page["items"] if item["reference"] == reference]
    return dict(item)


# Bookkeeping that reading with a token or a browser session may touch (at most once a minute, for a
# session); not something a request writes.
VOLATILE_COLUMNS = {("api_tokens", "last_used_at"), ("browser_sessions", "last_seen_at")}


def database_state(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: compared before and after a failed request to prove it wrote nothing."""
    session.expire_all()
    state = {}
    for table in Base.metadata.sorted_tables:
        columns = [column for column in table.columns if (table.name, column.name) not in VOLATILE_COLUMNS]
        rows = session.execute(select(*columns).order_by(*table.primary_key.columns)).all()
        state[table.name] = [tuple(row) for row in rows]
    session.rollback()
    return state


def assert_problem(response: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    if field is not None:
        assert field in [error["field"] for error in body["errors"]], body
    return body


def current_etag(api: httpx.Client, assignment_id: int, path: str | None = None) -> str:
    """The assignment's ETag (or that of the resource at `path`)."""
    response = api.get(path or f"/api/v1/assignments/{assignment_id}")
    response.raise_for_status()
    return response.headers["etag"]


def post_update(
    api: httpx.Client, assignment_id: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> httpx.Response:
    """POST a status update with the assignment's current ETag in If-Match."""
    return api.post(
        f"/api/v1/assignments/{assignment_id}/updates",
        json=body,
        headers={"If-Match": current_etag(api, assignment_id), **(headers or {})},
    )


def patch_assignment(
    api: httpx.Client, assignment_id: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> httpx.Response:
    """PATCH an assignment with its current ETag in If-Match."""
    return api.patch(
        f"/api/v1/assignments/{assignment_id}",
        json=body,
        headers={"If-Match": current_etag(api, assignment_id), **(headers or {})},
    )


def write_routes() -> list[tuple[str, str]]:
    """Every (METHOD, path) of the API that writes, read from the OpenAPI document."""
    from app.main import create_app
    from app.settings import Settings

    paths = create_app(Settings(database_url="sqlite://")).openapi()["paths"]
    return sorted(
        (method.upper(), path)
        for path, operations in paths.items()
        for method in operations
        if method in WRITE_METHODS
    )


def generic_path(path: str) -> str:
    """'/a/{assignment_id}/b' and '/a/{id}/b?x=1' alike become '/a/{}/b'."""
    return re.sub(r"\{[^}]*\}", "{}", path.partition("?")[0])


def fill_placeholders(value: Any, ids: dict[str, Any]) -> Any:
    """Replace strings like "{KS}" or "{assignment_id}" anywhere in a request body by their ids."""
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
        return ids[value[1:-1]]
    if isinstance(value, dict):
        return {key: fill_placeholders(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [fill_placeholders(item, ids) for item in value]
    return value


def fill_in_form(workbook_bytes: bytes, values: dict[str, dict[str, Any]]) -> bytes:
    """The downloaded form with cells filled in by heading, per reference, as a unit would in Excel."""
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    sheet = book.worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(number for number, row in enumerate(rows, start=1) if row[0] == "Referens")
    columns = {str(heading): number for number, heading in enumerate(rows[header - 1], start=1)}
    for number, row in enumerate(rows[header:], start=header + 1):
        for heading, value in values.get(str(row[0]), {}).items():
            sheet.cell(row=number, column=columns[heading], value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
