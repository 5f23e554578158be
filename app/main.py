"""The FastAPI application: routers, error handling and the database engine."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app import health
from app.assignments.router import router as assignments_router
from app.db import make_engine, make_session_factory
from app.documents.router import router as documents_router
from app.errors import install_problem_handlers
from app.org.router import router as org_router
from app.settings import Settings, get_settings

API_DESCRIPTION = """
Uppdrag tracks the commitments (uppdrag) of the City of Stockholm's budget documents: owner, deadline,
status and full history. Every error is an RFC 9457 problem document (`application/problem+json`).
Writes name their author in the `X-Actor` header.
"""


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
        description=API_DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    install_problem_handlers(app)
    for router in (health.router, assignments_router, org_router, documents_router):
        app.include_router(router)
    return app
