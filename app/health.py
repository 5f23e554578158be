"""Liveness and readiness probes; always open."""

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.errors import problem_response
from app.schema_migrations import DatabaseNotReadyError, ensure_ready

router = APIRouter(tags=["operations"])
logger = logging.getLogger("uppdrag.health")


@router.get("/healthz", summary="The process is alive")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="The database is reachable and migrated to head",
    responses={
        503: {"description": "Not ready: the database is unreachable or not migrated (problem+json)."}
    },
)
def readyz(request: Request) -> JSONResponse:
    try:
        ensure_ready(request.app.state.engine, request.app.state.settings)
    except DatabaseNotReadyError as error:
        logger.warning("not ready: %s", error)
        return problem_response(503, error.public, problem_type="not-ready")
    return JSONResponse({"status": "ready"})
