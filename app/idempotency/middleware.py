"""Idempotency-Key on every POST: a retry with the same key and body gets the first response.

Keys belong to the calling token, and only a token that is still valid can use or replay one
(anonymous and refused requests pass straight through to the route, which refuses them). Only
2xx responses are kept; a failed request releases its key, since it wrote nothing. A response that
issues a secret (a new token, a webhook secret) is never stored: its replay is a 409 saying so.

Exactly once, across crashes: a keyed request runs in one unit of work that this middleware owns
(the route joins it, app.deps.join_transaction). The key is claimed in it, the route writes in it,
the response is kept in it, and it is committed before the response is sent. A crash before the
commit leaves nothing, so the retry runs; after it, the retry gets the kept response. The route's
work is a savepoint in it, so a route that raises writes nothing, as in a unit of work of its own;
one that answers otherwise than 2xx without raising (a page's redirect) keeps what it wrote, and its
key is released.
"""

from collections.abc import AsyncIterator, Iterable
from contextlib import AbstractContextManager, asynccontextmanager
from typing import TypeVar

import anyio
from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response
from starlette.types import ASGIApp

from app.auth.models import TokenKind
from app.auth.service import find_active_token
from app.db import unit_of_work
from app.deps import join_transaction
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
            async with _off_the_event_loop(unit_of_work(factory)) as session:
                return await self._run_once(request, call_next, session, caller, key, request_hash)
        except ProblemError as error:  # a key used with another body, or a conflict at the commit
            return response_for(error, request.url.path)

    async def _run_once(
        self,
        request: Request,
        call_next: RequestResponseEndpoint,
        session: Session,
        caller: str,
        key: str,
        request_hash: str,
    ) -> Response:
        """The first response to this key, replayed; or the route's, kept with the key when it
        succeeded. Everything in `session`, which the caller commits."""
        stored = await run_in_threadpool(claim, session, caller=caller, key=key, request_hash=request_hash)
        if stored is not None:
            return Response(stored.body, stored.status_code, {**stored.headers, REPLAYED_HEADER: "true"})
        join_transaction(request, session)
        response = await call_next(request)
        payload = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
        if 200 <= response.status_code < 300:
            kept = self._kept_response(request.url.path, response, payload)
            await run_in_threadpool(complete, session, caller=caller, key=key, response=kept)
        else:
            await run_in_threadpool(release, session, caller=caller, key=key)
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


T = TypeVar("T")


@asynccontextmanager
async def _off_the_event_loop(manager: AbstractContextManager[T]) -> AsyncIterator[T]:
    """Enter and leave a blocking context manager (a unit of work, which may wait for a lock) in
    the thread pool. Leaving is shielded from cancellation, so that its transaction always ends."""
    value = await run_in_threadpool(manager.__enter__)
    try:
        yield value
    except BaseException as error:
        with anyio.CancelScope(shield=True):
            suppressed = await run_in_threadpool(manager.__exit__, type(error), error, error.__traceback__)
        if not suppressed:
            raise
    else:
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(manager.__exit__, None, None, None)
