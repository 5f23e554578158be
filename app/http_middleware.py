"""Request hardening for every response: request id, W3C traceparent, body size limit, NUL in the
address or the query refused, security headers, access log."""

import json
import logging
import re
import time
import uuid
from urllib.parse import parse_qsl

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import ErrorPage, FieldError, problem_response
from app.logs import request_id_var, trace_id_var
from app.schema_migrations import reason
from app.tracing import TRACEPARENT_HEADER, continue_trace

logger = logging.getLogger("uppdrag.http")

REQUEST_ID_HEADER = "X-Request-ID"
_CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
# HTML pages are self-contained: inline styles and SVG, no scripts from elsewhere.
HTML_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# The interactive API docs (/docs) run Swagger UI's script, served by the service itself, and
# style its elements inline; nothing else, and nothing from elsewhere.
DOCS_PATH = "/docs"
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


# The database is away, busy or out of connections: the client may retry; the request was not at fault.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeoutError)
RETRY_AFTER_SECONDS = 5


def _unavailable(instance: str) -> Response:
    return problem_response(
        503,
        "The database is not available; retry shortly.",
        problem_type="database-unavailable",
        instance=instance,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _parameter_with_nul(scope: Scope) -> str | None:
    """The first query parameter whose name or value holds a NUL character, read as Starlette reads
    them. No query parameter may: PostgreSQL cannot compare or store text with NUL in it."""
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        if "\x00" in name or "\x00" in value:
            return name.replace("\x00", "") or "query"
    return None


def _nul_in_address(instance: str) -> Response:
    """No resource has a NUL in its address (and PostgreSQL cannot compare a path's text with one)."""
    return problem_response(
        404, "Nothing here has a NUL character in its address.", problem_type="not-found", instance=instance
    )


def _nul_refusal(parameter: str, instance: str) -> Response:
    message = "must not contain NUL characters"
    return problem_response(
        422,
        f"{parameter}: {message}",
        problem_type="validation-error",
        instance=instance,
        errors=[FieldError(parameter, message)],
    )


# What an upload's body carries besides its file: the form's other fields and the part boundaries.
FORM_ALLOWANCE_BYTES = 64 * 1024


class RequestContextMiddleware:
    """Pure ASGI, so that it sees the raw body stream and every response, streamed or not.

    Bodies are limited to `max_body_bytes`, except a file upload (a multipart POST to one of
    `upload_paths`), whose file may have `upload_max_bytes`: the route checks the file's own size and
    says so, naming the field. A body over its limit is refused before it is read: with the 413
    problem document, or the page `error_page` makes of it for a person's browser.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        upload_max_bytes: int = 0,
        upload_paths: frozenset[str] = frozenset(),
        error_page: ErrorPage | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.upload_body_bytes = max(max_body_bytes, upload_max_bytes + FORM_ALLOWANCE_BYTES)
        self.upload_paths = upload_paths
        self.error_page = error_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        incoming = headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _CLIENT_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        trace = continue_trace(headers.get(TRACEPARENT_HEADER))
        token = request_id_var.set(request_id)
        trace_token = trace_id_var.set(trace.trace_id)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status, response_started = message["status"], True
                response_headers = MutableHeaders(scope=message)
                response_headers[TRACEPARENT_HEADER] = trace.traceparent
                self._add_headers(scope, response_headers, request_id)
            await send(message)

        try:
            parameter = _parameter_with_nul(scope)
            limit = self._limit(scope)
            too_large = self._declared_too_large(scope, limit)
            body_receive = None if too_large else await self._buffered(receive, limit)
            if "\x00" in scope["path"]:
                await self._as_page(scope, _nul_in_address(scope["path"]))(scope, receive, send_with_headers)
            elif parameter is not None:
                await self._as_page(scope, _nul_refusal(parameter, scope["path"]))(
                    scope, receive, send_with_headers
                )
            elif body_receive is None:
                await self._too_large(scope, limit)(scope, receive, send_with_headers)
            else:
                await self.app(scope, body_receive, send_with_headers)
        except DATABASE_UNAVAILABLE as error:
            logger.warning("database unavailable: %s", reason(error), extra={"path": scope["path"]})
            if not response_started:
                await _unavailable(scope["path"])(scope, receive, send_with_headers)
        except Exception:
            logger.exception("unhandled error", extra={"method": scope["method"], "path": scope["path"]})
            if not response_started:
                response = problem_response(
                    500, "An internal error occurred.", problem_type="internal-error", instance=scope["path"]
                )
                await response(scope, receive, send_with_headers)
        finally:
            logger.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            request_id_var.reset(token)
            trace_id_var.reset(trace_token)

    def _limit(self, scope: Scope) -> int:
        """The largest body this request may have."""
        media = Headers(scope=scope).get("content-type", "").split(";")[0].strip().lower()
        upload = (
            scope["method"] == "POST"
            and scope["path"] in self.upload_paths
            and media == "multipart/form-data"
        )
        return self.upload_body_bytes if upload else self.max_body_bytes

    def _too_large(self, scope: Scope, limit: int) -> Response:
        problem = problem_response(
            413, f"The request body is larger than {limit} bytes.", problem_type="payload-too-large"
        )
        return self._as_page(scope, problem)

    def _as_page(self, scope: Scope, problem: Response) -> Response:
        """A problem refused here, as the page `error_page` makes of it for a person's browser."""
        page = (
            self.error_page(Request(scope), json.loads(bytes(problem.body)), None)
            if self.error_page
            else None
        )
        return page or problem

    @staticmethod
    def _declared_too_large(scope: Scope, limit: int) -> bool:
        length = Headers(scope=scope).get("content-length")
        return length is not None and length.isascii() and length.isdigit() and int(length) > limit

    @staticmethod
    async def _buffered(receive: Receive, limit: int) -> Receive | None:
        """Read the whole body (it is small by definition); None when it is over the limit.

        Needed for bodies that do not declare their length: counting as they stream in.
        """
        chunks: list[bytes] = []
        received = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                return None
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        return replay

    @staticmethod
    def _add_headers(scope: Scope, headers: MutableHeaders, request_id: str) -> None:
        headers[REQUEST_ID_HEADER] = request_id
        for name, value in SECURITY_HEADERS.items():
            headers.setdefault(name, value)
        if headers.get("content-type", "").startswith("text/html"):
            policy = (
                DOCS_CONTENT_SECURITY_POLICY if scope["path"] == DOCS_PATH else HTML_CONTENT_SECURITY_POLICY
            )
            headers.setdefault("Content-Security-Policy", policy)
