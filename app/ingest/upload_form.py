"""Reading the body of `POST /api/v1/documents`: the JSON registration of a document, or a multipart
upload of a file with the document's metadata as form fields (also the upload page's form).

The route reads its body itself, by content type, so that one address takes both; a body of another
type is refused naming `body`, as FastAPI refuses a JSON route's.
"""

import json
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.documents.schemas import DocumentCreate
from app.errors import UNREADABLE_BODY, InvalidInputError
from app.ingest.schemas import NOT_IN_FORM, PLAN_PERIOD_FIELDS
from app.ingest.service import Upload

MULTIPART = "multipart/form-data"
FILE_FIELD = "file"
MAX_FORM_FIELDS = 40
FILE_REQUIRED = "a file (PDF, DOCX or plain text) is required"
# The form's fields in the errors of `DocumentCreate` (the plan period is one object there).
FORM_FIELD_OF: dict[tuple[int | str, ...], str] = {
    ("plan_period", "start_year"): "plan_period_start",
    ("plan_period", "end_year"): "plan_period_end",
    ("plan_period",): "plan_period_end",
}


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _json_media(media: str) -> bool:
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


async def read_document_body(request: Request) -> DocumentCreate | Upload:
    """The JSON registration (`DocumentCreate`) or the upload (`Upload`), by the body's type."""
    media = media_type(request)
    if media == MULTIPART:
        return await read_upload(request)
    if _json_media(media):
        return _json_document(await request.body())
    raise InvalidInputError(
        "body",
        "send the document as JSON (application/json), or a file with its metadata (multipart/form-data)",
    )


def _json_document(body: bytes) -> DocumentCreate:
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        raise InvalidInputError("body", UNREADABLE_BODY) from None
    try:
        return DocumentCreate.model_validate(value)
    except ValidationError as error:
        raise RequestValidationError(
            [{**item, "loc": ("body", *item["loc"])} for item in error.errors()]
        ) from None


async def read_form(request: Request) -> FormData:
    """The multipart form (its files spooled to disk past a megabyte); close it when done."""
    try:
        return await request.form(max_files=2, max_fields=MAX_FORM_FIELDS)
    except StarletteHTTPException as error:
        raise InvalidInputError("body", f"the form cannot be read: {error.detail}") from None


async def read_upload(request: Request) -> Upload:
    form = await read_form(request)
    try:
        return upload_of(form)
    finally:
        await form.close()


def upload_of(form: FormData, *, ignore: frozenset[str] = frozenset()) -> Upload:
    """One `file` and the metadata fields (empty fields count as left out; `ignore`: fields that are
    not the document's, such as a page form's CSRF token)."""
    files = form.getlist(FILE_FIELD)
    if not files or not isinstance(files[0], UploadFile):
        raise InvalidInputError(FILE_FIELD, FILE_REQUIRED)
    if len(files) > 1:
        raise InvalidInputError(FILE_FIELD, "send one file at a time")
    metadata = metadata_of([(name, value) for name, value in form.multi_items() if name not in ignore])
    files[0].file.seek(0)
    return Upload(files[0].file.read(), files[0].filename, metadata)


def metadata_of(items: list[tuple[str, Any]]) -> DocumentCreate:
    """The document's metadata from the form's fields; a refused field is named as in the form."""
    body: dict[str, Any] = {}
    for name, value in items:
        if name == FILE_FIELD:
            continue
        if not isinstance(value, str):
            raise InvalidInputError(name, "must be text, not a file")
        if name in NOT_IN_FORM:
            raise InvalidInputError(name, "is not a field of the upload; the text is read from the file")
        if value.strip():
            body[name] = value.strip()
    plan = {PLAN_PERIOD_FIELDS[name]: body.pop(name) for name in PLAN_PERIOD_FIELDS if name in body}
    if plan:
        body["plan_period"] = plan
    try:
        return DocumentCreate.model_validate(body)
    except ValidationError as error:
        raise RequestValidationError(
            [{**item, "loc": ("body", _form_field(item["loc"]))} for item in error.errors()]
        ) from None


def _form_field(location: tuple[int | str, ...]) -> str:
    """The form field an error of `DocumentCreate` concerns (`body`: the form as a whole)."""
    if not location:
        return "body"
    return FORM_FIELD_OF.get(location[:2]) or FORM_FIELD_OF.get(location[:1]) or str(location[0])
