"""The FastAPI application: routers, error handling and the database engine."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app import api_info, health
from app.assignments.router import documents_router as document_assignments_router
from app.assignments.router import router as assignments_router
from app.auth.deps import identify_caller
from app.auth.people_router import router as people_router
from app.auth.router import router as tokens_router
from app.calendar.router import router as calendar_router
from app.db import make_engine, make_session_factory
from app.documents.router import router as documents_router
from app.errors import install_problem_handlers
from app.http_middleware import RequestContextMiddleware
from app.idempotency.middleware import IdempotencyMiddleware
from app.ingest.router import router as ingest_router
from app.logs import configure_logging
from app.org.router import router as org_router
from app.reports.dashboard import router as dashboard_router
from app.reports.router import router as reports_router
from app.rounds.router import router as rounds_router
from app.settings import Settings, get_settings
from app.web.api_docs import install_api_docs
from app.web.assignment_pages import router as assignment_pages_router
from app.web.draft_pages import UPLOAD_PATH as UPLOAD_PAGE_PATH
from app.web.draft_pages import router as draft_pages_router
from app.web.errors import error_page
from app.web.info_pages import router as info_pages_router
from app.web.round_forms import router as round_forms_router
from app.web.round_pages import router as round_pages_router
from app.web.sign_in import router as sign_in_router
from app.webhooks.router import router as webhooks_router

API_SUMMARY = "Follow-up of the commitments (uppdrag) in the City of Stockholm's budget documents."
API_DESCRIPTION = """
Uppdrag tracks the commitments (uppdrag) of the City of Stockholm's budget documents: owner, deadline,
status and full history. Every error is an RFC 9457 problem document (`application/problem+json`).

Authenticate with `Authorization: Bearer <token>` (tokens: `uppdrag token create`). Roles: `admin`,
`coordinator` (of a unit and its sub-units: follows up their reporting), `editor` (bound to a unit:
writes where that unit or a sub-unit owns or executes), `reader`. The API is Bearer-only: a person's
browser session (the pages) is not accepted here, so another site cannot use it to call the API.
`PATCH` and status updates need `If-Match` with the assignment's ETag (or `version` in the body);
every `POST` accepts an `Idempotency-Key`. `X-Actor` names the person behind a write in history.

Tracing: a W3C `traceparent` header is continued (a new one is begun when it is missing or invalid)
and returned; the service's logs carry its trace id. `GET /api/v1/api-info` says what this API is.
Dates are ISO 8601 (`2016-03-14`), times RFC 3339 with an offset (`2016-03-14T09:30:00+00:00`).
Limits: bodies up to 1 MiB (uploads 20 MiB), pages of at most 200 items.
"""

# POST responses that carry a secret shown once: never kept for idempotent replay.
SECRET_ISSUING_PATHS = (tokens_router.prefix, webhooks_router.prefix, people_router.prefix)
# Where files are uploaded (multipart bodies up to UPLOAD_MAX_BYTES, not MAX_BODY_BYTES).
UPLOAD_PATHS = frozenset({f"{ingest_router.prefix}/documents", UPLOAD_PAGE_PATH})
EXPOSED_HEADERS = ["ETag", "Location", "X-Request-ID", "Idempotent-Replayed", "traceparent"]
ALLOWED_HEADERS = [
    "Authorization",
    "Content-Type",
    "If-Match",
    "Idempotency-Key",
    "X-Actor",
    "X-Request-ID",
    "traceparent",
]


def _install_middleware(app: FastAPI, settings: Settings) -> None:
    """Outermost last: the request context wraps everything, so every response gets its headers."""
    app.add_middleware(IdempotencyMiddleware, secret_issuing_paths=SECRET_ISSUING_PATHS)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PATCH", "DELETE"],
        allow_headers=ALLOWED_HEADERS,
        expose_headers=EXPOSED_HEADERS,
    )
    app.add_middleware(
        RequestContextMiddleware,
        max_body_bytes=settings.max_body_bytes,
        upload_max_bytes=settings.upload_max_bytes,
        upload_paths=UPLOAD_PATHS,
        error_page=error_page,
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings.database_url, settings.database_pool_size)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="Uppdrag",
        version="0.1.0",
        summary=API_SUMMARY,
        description=API_DESCRIPTION,
        contact={"name": api_info.CONTACT_NAME},
        license_info={"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
        lifespan=lifespan,
        docs_url=None,  # served from local files by install_api_docs
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.identify_caller = identify_caller
    configure_logging(settings.log_level)
    install_problem_handlers(app, error_page=error_page)
    _install_middleware(app, settings)
    # Each router declares who may call its routes (app/access.py).
    for router in (
        health.router,
        api_info.router,
        assignments_router,
        org_router,
        documents_router,
        ingest_router,
        document_assignments_router,
        calendar_router,
        dashboard_router,
        reports_router,
        rounds_router,
        webhooks_router,
        tokens_router,
        people_router,
        sign_in_router,
        assignment_pages_router,
        draft_pages_router,
        info_pages_router,
        round_pages_router,
        round_forms_router,
    ):
        app.include_router(router)
    install_api_docs(app)
    return app
