"""The OpenAPI document says what the service does: the problems each operation may answer, who may
call it, and a description of every operation. Made in one place, when the document is built, from
what each route is (its access gate, its path parameters, its If-Match header, its body, whether it
uses the database), so that a new route gets them without repeating `responses=` on it.

Each rule below names a code the service really sends for such a route:

- 422 on every operation: the request context refuses a NUL in any query parameter, and FastAPI
  validates parameters and bodies (app/errors.py turns both into problem documents);
- 500 on every operation: an unexpected error becomes a problem document (app/http_middleware.py);
- 503 where the route opens a unit of work: the database is unavailable;
- 401 where the route has a role gate (app/access.py `require`), 403 where the gate asks for more
  than a reader (a reader's token, or an editor's for an admin's route);
- 404 where the path has parameters (no such resource);
- 412 where the route reads If-Match (a stale version); 428 where a route declares it itself;
- 413 where the route takes a body (MAX_BODY_BYTES).

A route's own `responses=` add what only it sends (409, 406, 403 from a service's scope check).
Every 4xx and 5xx is `application/problem+json` with the `Problem` schema; on operations that also
serve pages, a browser asking for HTML gets a page instead (text/html).

Every operation accepts a W3C `traceparent` header and every response carries one
(app/http_middleware.py, app/tracing.py): a parameter and a response header in the components,
referred to from each operation and each of its responses.
"""

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts

from app.access import GATES, ROLE_RANK, Role
from app.deps import get_session
from app.errors import PROBLEM_DESCRIPTIONS, PROBLEM_MEDIA_TYPE, Problem
from app.tracing import TRACEPARENT_HEADER

BEARER_SCHEME = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token: `uppdrag token create`, or POST /api/v1/tokens (admin).",
    }
}
PROBLEM_SCHEMA_REF = {"$ref": "#/components/schemas/Problem"}
TRACEPARENT_EXAMPLE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
TRACE_CONTEXT = {
    "parameters": {
        TRACEPARENT_HEADER: {
            "name": TRACEPARENT_HEADER,
            "in": "header",
            "required": False,
            "description": "W3C Trace Context: the caller's trace, which the service continues (it begins "
            "a new one when the header is missing or invalid).",
            "schema": {"type": "string"},
            "example": TRACEPARENT_EXAMPLE,
        }
    },
    "headers": {
        TRACEPARENT_HEADER: {
            "description": "W3C Trace Context: the service's span in the request's trace (its logs carry "
            "the trace id as `trace_id`).",
            "schema": {"type": "string", "pattern": "^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"},
            "example": TRACEPARENT_EXAMPLE,
        }
    },
}
TRACEPARENT_PARAMETER_REF = {"$ref": f"#/components/parameters/{TRACEPARENT_HEADER}"}
TRACEPARENT_HEADER_REF = {"$ref": f"#/components/headers/{TRACEPARENT_HEADER}"}
# FastAPI's own schemas for its 422, replaced by the Problem schema.
FRAMEWORK_ERROR_SCHEMAS = ("HTTPValidationError", "ValidationError")
HTML = "text/html"
WHO_MAY_CALL = {
    None: "Open to everyone: no token needed.",
    Role.READER: "Needs a Bearer token of any role (anonymous callers read where PUBLIC_READ is on).",
    Role.EDITOR: "Needs a Bearer token of the editor role or higher; an editor writes within its unit.",
    Role.COORDINATOR: "Needs a Bearer token of the coordinator role or higher, for the unit concerned.",
    Role.ADMIN: "Needs a Bearer token of the admin role.",
}


def _dependencies(dependant: Dependant) -> Iterator[Dependant]:
    for dependency in dependant.dependencies:
        yield dependency
        yield from _dependencies(dependency)


def required_role(route: RouteContext) -> Role | None:
    """The highest role any gate of the route asks for; None: the route is open."""
    roles = [GATES[dep.call] for dep in _dependencies(route.dependant) if dep.call in GATES]
    return max(roles, key=ROLE_RANK.__getitem__) if roles else None


def _uses_database(route: RouteContext) -> bool:
    return any(dep.call is get_session for dep in _dependencies(route.dependant))


def _reads_if_match(operation: dict[str, Any]) -> bool:
    return any(
        parameter["in"] == "header" and parameter["name"].lower() == "if-match"
        for parameter in operation.get("parameters", [])
    )


def problem_statuses(route: RouteContext, operation: dict[str, Any]) -> set[int]:
    """The problem codes the route may answer, by the rules in this module's docstring."""
    role = required_role(route)
    statuses = {int(code) for code in operation["responses"] if str(code)[0] in "45"} | {422, 500}
    rules = {
        503: _uses_database(route),
        401: role is not None,
        403: role is not None and role != Role.READER,
        404: "{" in (route.path_format or ""),
        412: _reads_if_match(operation),
        413: "requestBody" in operation,
    }
    return statuses | {status for status, applies in rules.items() if applies}


# FastAPI's description of its own 422, replaced by ours.
FRAMEWORK_DESCRIPTION = "Validation Error"


def _problem_response(status: int, declared: dict[str, Any], serves_pages: bool) -> dict[str, Any]:
    """The problem response, keeping the description a route gave it."""
    content: dict[str, Any] = {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_SCHEMA_REF}}
    if serves_pages:
        content[HTML] = {"schema": {"type": "string"}}
    description = declared.get("description")
    if not description or description == FRAMEWORK_DESCRIPTION:
        description = PROBLEM_DESCRIPTIONS[status]
    return {"description": description, "content": content}


def _serves_pages(operation: dict[str, Any]) -> bool:
    return any(HTML in response.get("content", {}) for response in operation["responses"].values())


def complete_operation(route: RouteContext, operation: dict[str, Any]) -> None:
    """Problems, security, the access rule in the description and the trace context, for one operation."""
    serves_pages = _serves_pages(operation)
    for status in sorted(problem_statuses(route, operation)):
        declared = operation["responses"].get(str(status), {})
        operation["responses"][str(status)] = _problem_response(status, declared, serves_pages)
    role = required_role(route)
    operation["security"] = [{"bearerAuth": []}] if role is not None else []
    rule = WHO_MAY_CALL[role]
    own = operation.get("description", "").strip()
    operation["description"] = f"{own}\n\n{rule}" if own else rule
    operation.setdefault("parameters", []).append(TRACEPARENT_PARAMETER_REF)
    for response in operation["responses"].values():
        response.setdefault("headers", {})[TRACEPARENT_HEADER] = TRACEPARENT_HEADER_REF


def _add_components(schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    for name in FRAMEWORK_ERROR_SCHEMAS:
        schemas.pop(name, None)
    components.setdefault("securitySchemes", {}).update(BEARER_SCHEME)
    for kind, definitions in TRACE_CONTEXT.items():
        components.setdefault(kind, {}).update(definitions)


def complete_document(app: FastAPI, schema: dict[str, Any]) -> dict[str, Any]:
    """The document FastAPI made, with every operation completed."""
    _add_components(schema)
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods or ():
            operation = schema["paths"].get(route.path_format or "", {}).get(method.lower())
            if operation is not None:
                complete_operation(route, operation)
    return schema


def install_openapi_contract(app: FastAPI) -> None:
    """Build the OpenAPI document once, completed, when it is first asked for."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete_document(app, generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
