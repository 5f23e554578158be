"""The forms of the document and draft pages as sent (every field text), turned into the API's
models, and the refusals of those models and services said in the page's language next to the
field they concern."""

import re
from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.errors import ProblemError
from app.ingest import review
from app.ingest.models import Draft
from app.ingest.upload_form import FILE_REQUIRED
from app.page_frame import CSRF_FIELD
from app.reports.schemas import Lang
from app.web.draft_labels import FIELD_MESSAGES, UPLOAD_REFUSALS
from app.web.rendering import FormFields

# Messages of the services and model validators, and the words a page says for them.
MESSAGE_KEYS = {
    review.NOT_IN_TEXT: "not_in_text",
    review.NO_OWNER: "no_owner",
    review.MERGE_ITSELF: "choose_other",
    review.SPLIT_WORDS: "split_words",
    FILE_REQUIRED: "file_required",
    "decision_date (or document_date) is required": "dated",
    "end_year must not be before start_year": "plan_order",
    "min_sek must not be greater than max_sek": "money_order",
}

# Messages that name what they refuse, by their beginning.
PREFIX_KEYS = {"unknown organisational unit": "unknown_unit", "no such assignment": "unknown_reference"}


def message(lang: Lang, text: str, error_type: str | None = None) -> str:
    """A refusal in the page's language: by its message where known, else by its error type, else as
    the service said it."""
    words = FIELD_MESSAGES[lang]
    plain = text.removeprefix("Value error, ")
    key = MESSAGE_KEYS.get(plain) or next(
        (key for prefix, key in PREFIX_KEYS.items() if plain.startswith(prefix)), None
    )
    if key is None and error_type in words:
        key = error_type
    return words[key] if key else plain


def problem_messages(lang: Lang, error: ProblemError, *, limit: str = "") -> dict[str, str]:
    """A service's refusal, by field. A file that gives no text says why."""
    reason = error.extra.get("reason")
    if isinstance(reason, str) and reason in UPLOAD_REFUSALS[lang]:
        return {"file": UPLOAD_REFUSALS[lang][reason].format(limit=limit)}
    return {item.field: message(lang, item.message) for item in error.errors} or {"body": error.detail}


def validation_messages(lang: Lang, error: RequestValidationError | ValidationError) -> dict[str, str]:
    """A model's refusal, by field (the first message of each)."""
    found: dict[str, str] = {}
    for item in error.errors():
        location = [part for part in item["loc"] if part != "body"]
        field = str(location[0]) if location else "body"
        found.setdefault(field, message(lang, item["msg"], item["type"]))
    return found


class UploadFields(BaseModel):
    """What the upload form shows again when it is refused (the file must be chosen again)."""

    model_config = ConfigDict(extra="ignore")

    title: str = ""
    kind: str = "decision"
    issuer: str = ""
    decided_by: str = ""
    decision_date: str = ""
    document_date: str = ""
    diarienummer: str = ""
    paragraph: str = ""
    plan_period_start: str = ""
    plan_period_end: str = ""
    reference_prefix: str = ""
    adopted: str = "true"


class ReviewFields(FormFields):
    """Every review form's fields as sent; each form sends its own."""

    csrf_token: str = Field(default="", alias=CSRF_FIELD)
    version: str = ""
    title: str = ""
    quote: str = ""
    section: str = ""
    owner: str = ""
    executor: str = ""
    kind: str = ""
    origin: str = ""
    deadline_text: str = ""
    amount_min: str = ""
    amount_max: str = ""
    continues: str = ""
    link_continues: str = ""
    reason: str = ""
    other: str = ""
    split_before: str = ""

    @property
    def version_number(self) -> int | None:
        return int(self.version) if self.version.isascii() and self.version.isdigit() else None


EDIT_FIELDS = (
    "title", "quote", "section", "owner", "executor", "kind", "origin", "deadline_text", "amount_min",
    "amount_max", "continues",
)  # fmt: skip


def edit_values(draft: Draft) -> dict[str, str]:
    """The edit form's fields as the draft has them."""
    return {
        "title": draft.title,
        "quote": draft.quote,
        "section": draft.section or "",
        "owner": draft.owner.key if draft.owner else "",
        "executor": draft.executor.key if draft.executor else "",
        "kind": draft.kind,
        "origin": draft.origin,
        "deadline_text": draft.deadline_text or "",
        "amount_min": "" if draft.amount_min_sek is None else str(draft.amount_min_sek),
        "amount_max": "" if draft.amount_max_sek is None else str(draft.amount_max_sek),
        "continues": draft.continues.reference if draft.continues else "",
    }


def _amount(text: str, field: str, lang: Lang) -> int | None:
    digits = "".join(text.split())
    if not digits:
        return None
    if not (digits.isascii() and digits.isdigit()):
        raise FormRefusedError({field: FIELD_MESSAGES[lang]["int_parsing"]})
    return int(digits)


class FormRefusedError(Exception):
    """A form's fields that cannot be sent on as they are, with the messages by field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def edit_body(fields: ReviewFields, draft: Draft, lang: Lang) -> dict[str, Any]:
    """The edit form as a `DraftUpdate` body (unit keys and the reference resolved by the caller).
    The deadline, the amount and the continued assignment are sent only when they were changed,
    so that what the reviewer did not touch (a deadline's dates, an amount's year) stays."""
    current = edit_values(draft)
    submitted = {name: getattr(fields, name).strip() for name in current}
    body: dict[str, Any] = {
        "title": submitted["title"],
        "quote": submitted["quote"],
        "section": submitted["section"] or None,
        "kind": submitted["kind"] or None,
        "origin": submitted["origin"] or None,
    }
    if submitted["deadline_text"] != current["deadline_text"]:
        body["deadline"] = {"text": submitted["deadline_text"]} if submitted["deadline_text"] else None
    if (submitted["amount_min"], submitted["amount_max"]) != (current["amount_min"], current["amount_max"]):
        low = _amount(submitted["amount_min"], "amount_min", lang)
        high = _amount(submitted["amount_max"], "amount_max", lang)
        low = high if low is None else low
        body["money"] = (
            None if low is None else {"min_sek": low, "max_sek": high if high is not None else low}
        )
    return body


def split_point(fields: ReviewFields, draft: Draft, lang: Lang) -> int:
    """Where the second part begins: the first place in the quote where a word begins with the
    typed words (not inside a word: "or i tjänsten" is not found in "Resor i tjänsten")."""
    words = " ".join(fields.split_before.split())
    found = re.search(rf"(?<!\w){re.escape(words)}", draft.quote) if words else None
    if found is None:
        raise FormRefusedError({"split_before": FIELD_MESSAGES[lang]["split_not_found"]})
    point = found.start()
    if point == 0:
        raise FormRefusedError({"split_before": FIELD_MESSAGES[lang]["split_words"]})
    return point
