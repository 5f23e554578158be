"""Pages that say something about the service itself: the accessibility statement
(tillgänglighetsredogörelse) that the law on accessible public digital services (DOS-lagen)
requires. Access: open to everyone, like the law wants it."""

from fastapi import APIRouter, Depends, Request, Response

from app.access import get_principal
from app.page_frame import ACCESSIBILITY_PATH
from app.web.rendering import render_page

router = APIRouter(include_in_schema=False)


@router.get(ACCESSIBILITY_PATH, dependencies=[Depends(get_principal)])
def accessibility_statement(request: Request) -> Response:
    return render_page(request, "accessibility.html")
