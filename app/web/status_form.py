"""The form that reports an assignment's status: its fields as the person typed them, checked by
the same model and service as the API (`StatusUpdateCreate`, `add_status_update`), with the API's
messages said in Swedish (or English) next to the fields they concern."""

import re
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from app.assignments.models import Assignment
from app.assignments.schemas import StatusUpdateCreate
from app.assignments.status_updates import (
    COMPLETED_NOT_DONE,
    DONE_NOT_COMPLETED,
    NOT_IN_FUTURE,
    REASON_REQUIRED,
)
from app.assignments.vocabulary import STATUSES_NEEDING_REASON
from app.errors import ProblemError
from app.reports.schemas import Lang
from app.rounds.schemas import PartAssignment
from app.web.input_messages import input_message
from app.web.labels import PageLabels

ModelT = TypeVar("ModelT", bound=BaseModel)

FORM_FIELDS = ("status", "progress", "assessment", "traffic_light", "comment", "effective_date", "reason")
OPTIONAL_CHOICES = ("assessment",)  # an empty choice keeps the current value

# The service's rules, in the words of each language (the API says them in English).
RULE_MESSAGES: dict[str, dict[str, str]] = {
    "sv": {
        COMPLETED_NOT_DONE: "Måste vara 100 när status är Genomförd.",
        DONE_NOT_COMPLETED: "Måste vara Genomförd när framdriften är 100 %.",
        NOT_IN_FUTURE: "Får inte ligga i framtiden.",
        REASON_REQUIRED: "Krävs när status är {status}.",
    },
    "en": {
        COMPLETED_NOT_DONE: "Must be 100 when the status is Completed.",
        DONE_NOT_COMPLETED: "Must be Completed when progress is 100 %.",
        NOT_IN_FUTURE: "Must not be in the future.",
        REASON_REQUIRED: "Required when the status is {status}.",
    },
}
# What the form says beyond pydantic's checks as every page says them (app/web/input_messages.py).
FORM_MESSAGES: dict[Lang, dict[str, str]] = {
    "sv": {"value_error": "Ange minst status, framdrift, bedömning, trafikljus eller en kommentar."},
    "en": {"value_error": "Give at least a status, progress, assessment, traffic light or comment."},
}
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,9}")


@dataclass
class StatusForm:
    """What the form shows: its values (the current state, or what the person sent) and the
    messages next to its fields."""

    values: dict[str, str]
    version: int
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def for_assignment(cls, assignment: Assignment | PartAssignment) -> "StatusForm":
        """The form as the assignment stands (in the register, or in a unit's part of a round)."""
        return cls(
            values={
                "status": assignment.status,
                "progress": str(assignment.progress),
                "assessment": assignment.assessment or "",
                "traffic_light": assignment.traffic_light,
                "comment": "",
                "effective_date": "",
                "reason": "",
            },
            version=assignment.version,
        )


def submitted_form(fields: dict[str, str], version: int) -> StatusForm:
    return StatusForm(values={name: fields.get(name, "").strip() for name in FORM_FIELDS}, version=version)


def as_update(form: StatusForm, t: PageLabels) -> StatusUpdateCreate | None:
    """The form as a status update; None (with messages on the form) when the model refuses it."""
    body: dict[str, Any] = {name: value for name, value in form.values.items() if value != ""}
    # A form's fields are text; the API's model takes numbers as numbers (a JSON `"40"` is refused).
    progress = body.get("progress")
    if isinstance(progress, str) and WHOLE_NUMBER.fullmatch(progress):
        body["progress"] = int(progress)  # -5 is then out of range, not "not a whole number"
    return validated(StatusUpdateCreate, body, form.errors, t)


def validated(
    model: type[ModelT], body: dict[str, Any], errors: dict[str, str], t: PageLabels
) -> ModelT | None:
    """The body as the API's model; None, with each field's message in `errors`, when it refuses it."""
    try:
        return model.model_validate(body)
    except ValidationError as error:
        for item in error.errors():
            name = str(item["loc"][0]) if item["loc"] else "status"
            said = FORM_MESSAGES[t.lang].get(item["type"])
            errors.setdefault(name, said or input_message(t.lang, item["type"], item.get("ctx")))
        return None


def explain(problem: ProblemError, form: StatusForm, t: PageLabels) -> None:
    """Put the service's refusal next to the field it names, in the page's language."""
    for error in problem.errors:
        form.errors.setdefault(error.field, rule_message(error.message, t))


def rule_message(message: str, t: PageLabels) -> str:
    words = RULE_MESSAGES[t.lang]
    if message in words:
        return words[message]
    for status in STATUSES_NEEDING_REASON:
        if message == REASON_REQUIRED.format(status=status):
            return words[REASON_REQUIRED].format(status=t.value(status))
    return message
