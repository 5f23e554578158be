"""Request and response shapes of documents, the decisions behind them, and their goals."""

import re
from datetime import date, datetime
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.documents.models import DocumentKind, Origin
from app.inputs import CalendarDate, StrictInput, refuse_cleared
from app.org.schemas import UnitRef

Year = Annotated[int, Field(ge=1900, le=2100)]
UnitReference = Annotated[
    int | str, Field(description="A unit's id or key (e.g. KS).", examples=["KS"], union_mode="left_to_right")
]
REFERENCE_PREFIX = re.compile(r"^[A-ZÅÄÖ]{1,10}-\d{4}$")


class DocumentRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str | None
    title: str


class DecisionRef(DocumentRef):
    """The decision behind an assignment (or a change to one): the document, who decided it and when."""

    kind: DocumentKind
    decided_by: UnitRef | None
    decision_date: date | None = Field(description="The decision's date, where recorded.")
    document_date: date
    diarienummer: str | None
    paragraph: str | None
    adopted: bool


class PlanPeriod(StrictInput):
    """A document's plan years, e.g. 2016–2018 for a budget for 2016 with plan for 2017 and 2018."""

    start_year: Year
    end_year: Year

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.start_year > self.end_year:
            raise ValueError("end_year must not be before start_year")
        return self


class PlanPeriodRead(BaseModel):
    start_year: int
    end_year: int
    start: date
    end: date
    document: DocumentRef


class DocumentRead(DecisionRef):
    issuer: UnitRef | None
    plan_period: PlanPeriod | None
    reference_prefix: str
    created_at: datetime
    version: int


class DocumentWithText(DocumentRead):
    full_text: str


DOCUMENT_EXAMPLE: dict[str, Any] = {
    "title": "Budget 2016 med plan för 2017 och 2018 – Kommunstyrelsen",
    "kind": "budget",
    "issuer": "SLK",
    "decided_by": "KF",
    "decision_date": "2015-11-23",
    "diarienummer": "KS 2015/1234",
    "paragraph": "§ 12",
    "plan_period": {"start_year": 2016, "end_year": 2018},
    "full_text": "Kommunstyrelsen ska under 2016 …",
    "reference_prefix": "KS-2016",
}


class DocumentCreate(StrictInput):
    """A document to register. `decision_date` or `document_date` is required; each defaults to the
    other. `reference_prefix` names the assignments created under it (default: the deciding body's
    key and the year, e.g. KS-2016)."""

    model_config = ConfigDict(json_schema_extra={"examples": [DOCUMENT_EXAMPLE]})

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    kind: DocumentKind = DocumentKind.DECISION
    issuer: UnitReference | None = None
    decided_by: UnitReference | None = None
    decision_date: CalendarDate | None = None
    document_date: CalendarDate | None = Field(
        default=None, description="The document's own date, if not the decision's."
    )
    diarienummer: str | None = Field(default=None, max_length=60)
    paragraph: str | None = Field(
        default=None, max_length=30, description="The paragraph (§) of the minutes."
    )
    plan_period: PlanPeriod | None = None
    adopted: bool = True
    full_text: str = Field(default="", max_length=5_000_000)
    reference_prefix: str | None = Field(default=None, pattern=REFERENCE_PREFIX.pattern)

    @model_validator(mode="after")
    def _dated(self) -> Self:
        if self.decision_date is None and self.document_date is None:
            raise ValueError("decision_date (or document_date) is required")
        return self


class DocumentUpdate(StrictInput):
    """A partial update: only the fields present change; null clears an optional field."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"diarienummer": "KS 2015/1234", "paragraph": "§ 7"}]}
    )

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)] | None = (
        None
    )
    kind: DocumentKind | None = None
    issuer: UnitReference | None = None
    decided_by: UnitReference | None = None
    decision_date: CalendarDate | None = None
    document_date: CalendarDate | None = None
    diarienummer: str | None = Field(default=None, max_length=60)
    paragraph: str | None = Field(default=None, max_length=30)
    plan_period: PlanPeriod | None = None
    adopted: bool | None = None
    full_text: str | None = Field(default=None, max_length=5_000_000)
    version: int | None = Field(default=None, description="The version last read, if If-Match is not sent.")

    @model_validator(mode="after")
    def _required_fields_not_cleared(self) -> Self:
        refuse_cleared(self, ("title", "kind", "document_date", "adopted", "full_text"))
        return self


class DocumentFilters(StrictInput):
    kind: list[DocumentKind] = Field(default_factory=list)
    decided_by: str | None = Field(default=None, description="Unit id or key of the deciding body.")
    year: Year | None = Field(default=None, description="Decided (or dated) in this year.")


class DocumentHistoryEntry(BaseModel):
    type: str
    recorded_at: datetime
    recorded_by: str
    token_id: int | None
    version: int
    changed_fields: list[str]
    changes: dict[str, Any]


class GoalRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    number: str
    title: str


class GoalRead(GoalRef):
    document_id: int
    origin: Origin
