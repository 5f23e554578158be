"""Liveness and readiness probes; always open."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.errors import problem_response
from app.schema_migrations import is_at_head

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process is alive")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The database is reachable and migrated to head")
def readyz(request: Request) -> JSONResponse:
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            migrated = is_at_head(request.app.state.settings, connection)
    except SQLAlchemyError:
        return problem_response(503, "The database is not reachable.", problem_type="not-ready")
    if not migrated:
        return problem_response(
            503, "The database schema is not at the latest migration.", problem_type="not-ready"
        )
    return JSONResponse({"status": "ready"})
