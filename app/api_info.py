"""`GET /api/v1/api-info`: what this API is, at the API's root, as the Swedish public sector's REST
API profile (DIGG, REST API-profil) recommends: its name, version, status, contact and where its
documentation is. Open to everyone, like the OpenAPI document it points to."""

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict

from app.settings import Settings

API_ROOT = "/api/v1"
CONTACT_NAME = "Stockholms stad, stadsledningskontoret (Uppdrag)"
GUIDE_PATH = "docs/api.md in the source distribution"

router = APIRouter(tags=["operations"])


class Contact(BaseModel):
    name: str
    url: str


class Documentation(BaseModel):
    openapi: str
    interactive: str
    guide: str


class ApiInfo(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "api_name": "Uppdrag",
                    "api_version": "0.1.0",
                    "api_status": "active",
                    "description": "Follow-up of the commitments in the City's budget documents.",
                    "base_path": "/api/v1",
                    "contact": {"name": CONTACT_NAME, "url": "https://uppdrag.stockholm.se/docs"},
                    "documentation": {
                        "openapi": "https://uppdrag.stockholm.se/openapi.json",
                        "interactive": "https://uppdrag.stockholm.se/docs",
                        "guide": GUIDE_PATH,
                    },
                }
            ]
        }
    )

    api_name: str
    api_version: str
    api_status: Literal["active", "deprecated"]
    description: str
    base_path: str
    contact: Contact
    documentation: Documentation


def _base_url(request: Request) -> str:
    settings: Settings = request.app.state.settings
    return (settings.public_base_url or str(request.base_url)).rstrip("/")


@router.get(f"{API_ROOT}/api-info", response_model=ApiInfo, summary="What this API is (DIGG api-info)")
def api_info(request: Request) -> ApiInfo:
    """The API's name, version and status, whom to contact and where its documentation is."""
    base = _base_url(request)
    docs = f"{base}/docs"
    return ApiInfo(
        api_name=request.app.title,
        api_version=request.app.version,
        api_status="active",
        description=request.app.summary or request.app.title,
        base_path=API_ROOT,
        contact=Contact(name=CONTACT_NAME, url=docs),
        documentation=Documentation(
            openapi=f"{base}{request.app.openapi_url}", interactive=docs, guide=GUIDE_PATH
        ),
    )
