"""RFC 9457 problem documents for every error the API returns.

Domain code raises the exceptions below; `install_problem_handlers` turns them, request
validation errors and HTTP errors into `application/problem+json`. Anything unexpected becomes a
500 problem document in `app.http_middleware`, which logs it with the request id; no stack trace
ever reaches a client.
"""

import json
from collections.abc import Awaitable, Callable, Sequence
from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://uppdrag.stockholm.se/problems/"


class ProblemError(Exception):
    """An error the client can act on; rendered as a problem document."""

    status: int = 400
    problem_type: str = "bad-request"
    headers: ClassVar[dict[str, str] | None] = None

    def __init__(self, detail: str, *, errors: Sequence["FieldError"] = (), **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors)
        self.extra = extra


class NotFoundError(ProblemError):
    status = 404
    problem_type = "not-found"


class ConflictError(ProblemError):
    status = 409
    problem_type = "conflict"


class UnauthorizedError(ProblemError):
    status = 401
    problem_type = "unauthorized"
    headers: ClassVar[dict[str, str] | None] = {"WWW-Authenticate": 'Bearer realm="uppdrag"'}


class ForbiddenError(ProblemError):
    status = 403
    problem_type = "forbidden"


class PreconditionFailedError(ProblemError):
    """The client's If-Match (or body version) is stale; the problem carries the current version."""

    status = 412
    problem_type = "precondition-failed"


class PreconditionRequiredError(ProblemError):
    status = 428
    problem_type = "precondition-required"


class PayloadTooLargeError(ProblemError):
    status = 413
    problem_type = "payload-too-large"


class InvalidInputError(ProblemError):
    """Input that is well-formed but breaks a rule the service knows (422, naming the field)."""

    status = 422
    problem_type = "validation-error"

    def __init__(self, field: str, message: str, **extra: Any) -> None:
        super().__init__(f"{field}: {message}", errors=[FieldError(field, message)], **extra)


class FieldError:
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


def problem_response(
    status: int,
    detail: str,
    *,
    problem_type: str | None = None,
    instance: str | None = None,
    errors: Sequence[FieldError] = (),
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + problem_type if problem_type else "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = [error.as_dict() for error in errors]
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def field_path(location: Sequence[str | int]) -> str:
    """Turn pydantic's ('body', 'progress') into 'progress' and ('query', 'limit') into 'limit'."""
    parts = list(location)
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:]
    if parts and isinstance(parts[0], int):  # a position in a body that is not valid JSON
        return "body"
    return ".".join(str(part) for part in parts) or "body"


async def _handle_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if any(error["type"] == "json_invalid" for error in exc.errors()):
        return unreadable_body_response(request.url.path)
    errors = [FieldError(field_path(error["loc"]), error["msg"]) for error in exc.errors()]
    detail = "; ".join(f"{error.field}: {error.message}" for error in errors)
    return problem_response(
        422, detail, problem_type="validation-error", instance=request.url.path, errors=errors
    )


def response_for(error: ProblemError, instance: str) -> JSONResponse:
    return problem_response(
        error.status,
        error.detail,
        problem_type=error.problem_type,
        instance=instance,
        errors=error.errors,
        extra=error.extra,
        headers=error.headers,
    )


async def _handle_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return response_for(exc, request.url.path)


# Problem types of the errors the framework raises itself (an unknown path, a method a path does not take).
FRAMEWORK_PROBLEM_TYPES = {404: "not-found", 405: "method-not-allowed", 413: "payload-too-large"}
UNREADABLE_BODY = "the body is not valid JSON in UTF-8"


def unreadable_body_response(instance: str, message: str = UNREADABLE_BODY) -> JSONResponse:
    """The answer to a body that cannot be read, whatever the reason (syntax, encoding, depth, a
    malformed form): the same 422 as any other invalid body, naming the field `body`."""
    return problem_response(
        422,
        f"body: {message}",
        problem_type="validation-error",
        instance=instance,
        errors=[FieldError("body", message)],
    )


FORM_MEDIA_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _is_unreadable_body(exc: StarletteHTTPException) -> bool:
    """FastAPI and Starlette raise a bare 400 only when they cannot read a request's body: a JSON body
    that is not UTF-8, nests too deep or holds a number too long to read (its syntax errors arrive as
    validation errors instead), or a form that is not well-formed multipart."""
    return exc.status_code == 400


async def _handle_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if _is_unreadable_body(exc):
        is_form = request.headers.get("content-type", "").lower().startswith(FORM_MEDIA_TYPES)
        return unreadable_body_response(
            request.url.path, f"the form cannot be read: {exc.detail}" if is_form else UNREADABLE_BODY
        )
    return problem_response(
        exc.status_code,
        str(exc.detail),
        problem_type=FRAMEWORK_PROBLEM_TYPES.get(exc.status_code, "http-error"),
        instance=request.url.path,
        headers=dict(exc.headers) if exc.headers else None,
    )


class ProblemFieldError(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem document: what every error response of the API is. Some problems carry
    more members (`current_version` with 412 and 428, `results` when a batch fails, `reason` when an
    uploaded file gives no text)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "type": PROBLEM_TYPE_BASE + "validation-error",
                    "title": "Unprocessable Entity",
                    "status": 422,
                    "detail": "progress: Input should be a valid integer",
                    "instance": "/api/v1/assignments/150/updates",
                    "errors": [{"field": "progress", "message": "Input should be a valid integer"}],
                }
            ]
        },
    )

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[ProblemFieldError] | None = None


PROBLEM_DESCRIPTIONS = {
    401: "No valid Bearer token.",
    403: "The token's role or organisational unit does not allow this.",
    404: "No such resource.",
    406: "None of the accepted media types is available.",
    409: "Conflicts with the current state.",
    412: "If-Match (or `version`) is stale; the problem carries current_version.",
    413: "The request body, or the uploaded file, is larger than the service accepts.",
    422: "Invalid input; the problem document names the field.",
    428: "Neither If-Match nor `version` was sent.",
    500: "An internal error (logged with the request's trace id); never expected.",
    503: "The database is not available (with Retry-After); the request may be retried.",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the problem documents a route may return."""
    return {
        status: {"description": PROBLEM_DESCRIPTIONS[status], "content": {PROBLEM_MEDIA_TYPE: {}}}
        for status in statuses
    }


# A page for a problem, where the request came from a person's browser asking for a page (installed
# by app/web): made from the problem document and the exception behind it (whose pydantic errors say
# their type, for a page's own words); None: the problem document itself.
ErrorPage = Callable[[Request, dict[str, Any], Exception | None], Response | None]
_Handler = Callable[[Request, Exception], Awaitable[JSONResponse]]


def _with_page(
    handler: _Handler, error_page: ErrorPage | None
) -> Callable[[Request, Exception], Awaitable[Response]]:
    async def handle(request: Request, exc: Exception) -> Response:
        problem = await handler(request, exc)
        page = error_page(request, json.loads(bytes(problem.body)), exc) if error_page else None
        return page or problem

    return handle


def install_problem_handlers(app: FastAPI, *, error_page: ErrorPage | None = None) -> None:
    app.add_exception_handler(RequestValidationError, _with_page(_handle_validation, error_page))
    app.add_exception_handler(ProblemError, _with_page(_handle_problem, error_page))
    app.add_exception_handler(StarletteHTTPException, _with_page(_handle_http, error_page))
