"""The interactive API documentation at /docs, served whole by the service (Swagger UI's files are in
app/web/static/swagger-ui, with their licence), so that it works without reaching a CDN; and the
OpenAPI document completed by app/openapi_contract.py (its Bearer security scheme lets /docs authorize).

Access: open to everyone, like the OpenAPI document itself (the routes it calls check access).
"""

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from app.openapi_contract import install_openapi_contract

STATIC_DIRECTORY = Path(__file__).parent / "static"
STATIC_PATH = "/static"
DOCS_PATH = "/docs"
DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{static}/swagger-ui/swagger-ui.css">
<link rel="stylesheet" href="{static}/api-docs.css">
</head>
<body>
<main id="swagger-ui" data-openapi-url="{openapi_url}"></main>
<script src="{static}/swagger-ui/swagger-ui-bundle.js"></script>
<script src="{static}/api-docs.js"></script>
</body>
</html>
"""


def install_api_docs(app: FastAPI) -> None:
    """/docs from local files, their folder under /static, the completed OpenAPI document. The app is
    made with `docs_url=None, redoc_url=None` (FastAPI's own pages load their files from a CDN)."""
    page = DOCS_PAGE.format(title=app.title, static=STATIC_PATH, openapi_url=app.openapi_url)
    router = APIRouter(include_in_schema=False)

    @router.get(DOCS_PATH)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(page)

    app.include_router(router)
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIRECTORY), name="static")
    install_openapi_contract(app)
