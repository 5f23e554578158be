"""Idempotency-Key on every POST: a retry with the same key and body gets the first response.

Keys are scoped to the caller (a hash of the Authorization header), so two tokens cannot collide.
Only 2xx responses are kept; a failed request releases its key, since it wrote nothing.
"""

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response

from app.errors import ProblemError, problem_response
from app.idempotency.service import (
    KEEP_RESPONSE_HEADERS,
    KEY_HEADER,
    REPLAYED_HEADER,
    StoredResponse,
    claim,
    complete,
    digest,
    release,
)


class IdempotencyMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        key = request.headers.get(KEY_HEADER)
        if request.method != "POST" or key is None:
            return await call_next(request)
        factory: sessionmaker[Session] = request.app.state.session_factory
        caller_hash = digest(request.headers.get("authorization", "").encode())
        body = await request.body()
        request_hash = digest(request.url.path.encode(), request.url.query.encode(), body)
        with factory() as session:
            try:
                stored = claim(session, caller_hash, key, request_hash)
            except ProblemError as error:
                return problem_response(
                    error.status, error.detail, problem_type=error.problem_type, errors=error.errors
                )
        if stored is not None:
            return Response(stored.body, stored.status_code, {**stored.headers, REPLAYED_HEADER: "true"})
        response = await call_next(request)
        payload = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
        headers = {name: response.headers[name] for name in KEEP_RESPONSE_HEADERS if name in response.headers}
        with factory() as session:
            if 200 <= response.status_code < 300:
                complete(session, caller_hash, key, StoredResponse(response.status_code, headers, payload))
            else:
                release(session, caller_hash, key)
        return Response(payload, response.status_code, dict(response.headers))
