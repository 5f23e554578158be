"""The OpenAPI document says what the service does: a description on every operation, an example on
every request body, the problem responses (with their schema) an operation may answer, a security
scheme, kebab-case paths, and the DIGG api-info resource. What the service really answers is checked
against the document by tests/test_contract.py (schemathesis) and tests/test_access.py."""

import re
from typing import Any

import pytest

from app.main import create_app
from app.settings import Settings
from tests.helpers import PROBLEM_JSON, WRITE_METHODS

DOCUMENT: dict[str, Any] = create_app(Settings(database_url="sqlite://")).openapi()
OPERATIONS = [
    (method.upper(), path, operation)
    for path, operations in DOCUMENT["paths"].items()
    for method, operation in operations.items()
]
IDS = [f"{method} {path}" for method, path, _operation in OPERATIONS]
# Open to everyone: the probes and what the API is.
OPEN_PATHS = {"/healthz", "/readyz", "/api/v1/api-info"}
# Segments that are not kebab-case words, and why they stay (docs/api.md, "Paths").
KEPT_SEGMENTS = {
    "updates:batch": "a custom method on the updates collection (AIP-136 style); integrators call it",
    "calendar.ics": "calendar programs (Outlook) subscribe to a file name ending in .ics",
}
KEBAB_SEGMENT = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*|\{[a-z_]+\}")


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        resolved: dict[str, Any] = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        return resolved
    for option in schema.get("anyOf", []):
        if "$ref" in option:
            return _resolve(option)
    return schema


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=IDS)
def test_every_operation_has_a_description(method: str, path: str, operation: dict[str, Any]) -> None:
    assert operation.get("summary"), (method, path)
    assert operation.get("description", "").strip(), (method, path)


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=IDS)
def test_every_request_body_has_an_example(method: str, path: str, operation: dict[str, Any]) -> None:
    for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
        schema = _resolve(content.get("schema", {}))
        assert "example" in content or "examples" in content or schema.get("examples"), (
            method,
            path,
            media_type,
        )


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=IDS)
def test_every_error_response_is_a_problem_document(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    errors = {code: response for code, response in operation["responses"].items() if code[0] in "45"}
    assert {"422", "500"} <= set(errors), (method, path)
    for code, response in errors.items():
        assert response["description"], (method, path, code)
        assert response["content"][PROBLEM_JSON]["schema"] == {"$ref": "#/components/schemas/Problem"}
        assert set(response["content"]) <= {PROBLEM_JSON, "text/html"}, (method, path, code)


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=IDS)
def test_access_version_and_path_problems_are_declared(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    declared = set(operation["responses"])
    if path in OPEN_PATHS:
        assert operation["security"] == []
        assert not declared & {"401", "403"}
    else:
        assert operation["security"] == [{"bearerAuth": []}]
        assert "401" in declared, (method, path)
    if method.lower() in WRITE_METHODS:
        assert {"401", "403"} <= declared, (method, path)
    if "{" in path:
        assert "404" in declared, (method, path)
    if any(parameter.get("name") == "If-Match" for parameter in operation.get("parameters", [])):
        assert "412" in declared, (method, path)
    if "requestBody" in operation:
        assert "413" in declared, (method, path)


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=IDS)
def test_every_operation_takes_and_returns_a_traceparent(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    assert {"$ref": "#/components/parameters/traceparent"} in operation["parameters"], (method, path)
    for code, response in operation["responses"].items():
        assert response["headers"]["traceparent"] == {"$ref": "#/components/headers/traceparent"}, code


def test_the_traceparent_parameter_and_header() -> None:
    parameter = DOCUMENT["components"]["parameters"]["traceparent"]
    assert (parameter["name"], parameter["in"], parameter["required"]) == ("traceparent", "header", False)
    header = DOCUMENT["components"]["headers"]["traceparent"]
    assert re.fullmatch(header["schema"]["pattern"], header["example"])


def test_the_problem_schema_and_the_security_scheme() -> None:
    schemas = DOCUMENT["components"]["schemas"]
    problem = schemas["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    assert problem["additionalProperties"] is True
    assert "HTTPValidationError" not in schemas
    assert DOCUMENT["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token: `uppdrag token create`, or POST /api/v1/tokens (admin).",
    }
    info = DOCUMENT["info"]
    assert info["description"] and info["contact"]["name"] and info["license"]["identifier"] == "EUPL-1.2"


def test_versions_that_are_required_say_so() -> None:
    """PATCH of an assignment, a document, a draft and a round, and a status update, need If-Match."""
    required = [
        ("patch", "/api/v1/assignments/{assignment_id}"),
        ("post", "/api/v1/assignments/{assignment_id}/updates"),
        ("patch", "/api/v1/documents/{document_id}"),
        ("patch", "/api/v1/documents/{document_id}/drafts/{draft_id}"),
        ("patch", "/api/v1/rounds/{year}/{period}"),
    ]
    for method, path in required:
        assert {"412", "428"} <= set(DOCUMENT["paths"][path][method]["responses"]), path


def test_paths_are_kebab_case() -> None:
    for path in DOCUMENT["paths"]:
        for segment in path.strip("/").split("/"):
            assert not segment or KEBAB_SEGMENT.fullmatch(segment) or segment in KEPT_SEGMENTS, path
