from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from app.documents.models import Origin


class DocumentRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    title: str


class PlanPeriodRead(BaseModel):
    start_year: int
    end_year: int
    start: date
    end: date
    document: DocumentRef


class DocumentRead(DocumentRef):
    issuer_id: int | None
    document_date: date
    diarienummer: str | None
    plan_start_year: int
    plan_end_year: int
    reference_prefix: str
    reporting_calendar: list[dict[str, Any]]


class DocumentWithText(DocumentRead):
    full_text: str


class GoalRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    number: str
    title: str


class GoalRead(GoalRef):
    document_id: int
    origin: Origin
