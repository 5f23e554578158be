"""Idempotency-Key on every POST: a retry with the same key and body gets the first response.

Keys belong to the calling token, and only a token that is still valid can use or replay one
(anonymous and refused requests pass straight through to the route, which refuses them). Only
2xx responses are kept; a failed request releases its key, since it wrote nothing. A response that
issues a secret (a new token, a webhook secret) is never stored: its replay is a 409 saying so.
"""

from collections.abc import Callable, Iterable
from typing import Concatenate, ParamSpec, TypeVar

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response
from starlette.types import ASGIApp

from app.auth.models import TokenKind
from app.auth.service import find_active_token
from app.db import unit_of_work
from app.errors import PROBLEM_MEDIA_TYPE, ProblemError, problem_response, response_for
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
    def __init__(self, app: ASGIApp, *, secret_issuing_paths: Iterable[str]) -> None:
        super().__init__(app)
        self.secret_issuing_paths = frozenset(secret_issuing_paths)

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        key = request.headers.get(KEY_HEADER)
        if request.method != "POST" or key is None:
            return await call_next(request)
        factory: sessionmaker[Session] = request.app.state.session_factory
        caller = await run_in_threadpool(_caller, factory, request.headers.get("authorization"))
        if caller is None:
            return await call_next(request)
        body = await request.body()
        request_hash = digest(request.url.path.encode(), request.url.query.encode(), body)
        try:
            stored = await run_in_threadpool(
                _in_unit_of_work, factory, claim, caller=caller, key=key, request_hash=request_hash
            )
        except ProblemError as error:
            return response_for(error, request.url.path)
        if stored is not None:
            return Response(stored.body, stored.status_code, {**stored.headers, REPLAYED_HEADER: "true"})
        try:
            response = await call_next(request)
            payload = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
        except BaseException:
            await run_in_threadpool(_in_unit_of_work, factory, release, caller=caller, key=key)
            raise
        if 200 <= response.status_code < 300:
            kept = self._kept_response(request.url.path, response, payload)
            await run_in_threadpool(
                _in_unit_of_work, factory, complete, caller=caller, key=key, response=kept
            )
        else:
            await run_in_threadpool(_in_unit_of_work, factory, release, caller=caller, key=key)
        return Response(payload, response.status_code, dict(response.headers))

    def _kept_response(self, path: str, response: Response, payload: bytes) -> StoredResponse:
        headers = {name: response.headers[name] for name in KEEP_RESPONSE_HEADERS if name in response.headers}
        if path not in self.secret_issuing_paths:
            return StoredResponse(response.status_code, headers, payload)
        refusal = problem_response(
            409,
            "The first request with this Idempotency-Key succeeded. The secret it issued was shown only "
            "then and is not kept; find the new resource at its Location.",
            problem_type="secret-not-replayed",
        )
        location = {"location": headers["location"]} if "location" in headers else {}
        return StoredResponse(409, {"content-type": PROBLEM_MEDIA_TYPE, **location}, bytes(refusal.body))


def _caller(factory: sessionmaker[Session], authorization: str | None) -> str | None:
    """'token:<id>' for a valid Bearer API token, else None."""
    scheme, _, secret = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    with unit_of_work(factory, lock_first=False) as session:
        token = find_active_token(session, secret.strip(), kind=TokenKind.API)
        return f"token:{token.id}" if token else None


P = ParamSpec("P")
R = TypeVar("R")


def _in_unit_of_work(
    factory: sessionmaker[Session],
    function: Callable[Concatenate[Session, P], R],
    *args: P.args,
    **kwargs: P.kwargs,
) -> R:
    """Run a service function in a unit of work of its own (the middleware runs outside the request's)."""
    with unit_of_work(factory) as session:
        return function(session, *args, **kwargs)
