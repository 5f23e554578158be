"""Request and response shapes of uploads and drafts."""

from datetime import datetime
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.assignments.schemas import (
    AssignmentRead,
    DeadlineInput,
    DeadlineRead,
    LinkedAssignment,
    Money,
    Target,
    Version,
)
from app.assignments.vocabulary import AssignmentKind
from app.documents.models import Origin
from app.documents.schemas import DocumentCreate, DocumentRead
from app.ingest.models import DraftState, ReviewAction
from app.inputs import DbId, DistinctDbIds, Offset, StrictInput, refuse_cleared
from app.org.schemas import UnitRef

Text300 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
QuoteText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]

# --- uploads ----------------------------------------------------------------------------------

# The multipart form's fields besides `file`: those of the JSON form, with the plan period as two
# fields (a form has no nested objects) and without the text (it is read from the file).
PLAN_PERIOD_FIELDS = {"plan_period_start": "start_year", "plan_period_end": "end_year"}
NOT_IN_FORM = ("full_text", "plan_period")


def upload_form_schema() -> dict[str, Any]:
    """The multipart body's JSON schema for the OpenAPI document, made from `DocumentCreate`."""
    schema = DocumentCreate.model_json_schema(ref_template="#/components/schemas/{model}")
    properties = {name: value for name, value in schema["properties"].items() if name not in NOT_IN_FORM}
    year = {"type": "integer", "minimum": 1900, "maximum": 2100}
    return {
        "title": "DocumentUpload",
        "type": "object",
        "description": "A file (PDF, DOCX or plain text) with the document's metadata as form fields. "
        "The text is read from the file and the draft assignments are proposed from it.",
        "properties": {
            "file": {"type": "string", "format": "binary", "description": "PDF, DOCX or plain text."},
            **properties,
            "plan_period_start": {**year, "description": "The plan period's first year."},
            "plan_period_end": {**year, "description": "The plan period's last year."},
        },
        "required": ["file", "title"],
    }


def json_body_schema() -> dict[str, Any]:
    schema = DocumentCreate.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)
    return schema


class SourceFile(BaseModel):
    name: str | None
    format: str | None
    size: int | None
    sha256: str


class DraftCounts(BaseModel):
    """How many drafts were proposed, by kind and by origin, and how many with high confidence."""

    total: int
    by_kind: dict[str, int]
    by_origin: dict[str, int]
    by_state: dict[str, int]
    confident: int = Field(description="Drafts with a confidence of at least `confident_from`.")
    confident_from: float
    continuing: int = Field(description="Drafts proposed as continuing an earlier document's assignment.")


class DocumentIngestRead(DocumentRead):
    """The answer to an upload: the document (without its text), its file and its drafts.
    `already_ingested` is true (and the status 200) when the same file was uploaded before: nothing
    was written, and this is the document made then."""

    file: SourceFile
    already_ingested: bool
    drafts_found: int
    drafts: DraftCounts
    drafts_href: str


# --- drafts -----------------------------------------------------------------------------------


class DraftRead(BaseModel):
    id: int
    document_id: int
    state: DraftState
    title: str
    quote: str
    quote_start: int = Field(description="Where the quote begins in the document's normalised text.")
    quote_end: int
    section: str | None
    origin: Origin
    owner: UnitRef | None
    executor: UnitRef | None
    partners: list[UnitRef]
    kind: AssignmentKind
    deadline: DeadlineRead
    money: Money | None
    target: Target | None
    confidence: float
    reasons: list[str] = Field(description="The cues that fired and what raised or lowered the confidence.")
    continues: LinkedAssignment | None = Field(
        description="An assignment of an earlier document that this draft repeats: accepting links to it."
    )
    continues_score: float | None
    assignment: LinkedAssignment | None = Field(description="The assignment it became, once accepted.")
    merged_into_id: int | None
    split_from_id: int | None
    rejection_reason: str | None
    created_at: datetime
    reviewed_at: datetime | None
    reviewed_by: str | None
    version: int


class QuoteContext(BaseModel):
    """The quote with the text around it (from the document's normalised text)."""

    before: str
    quote: str
    after: str


class DraftReviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    action: ReviewAction
    recorded_at: datetime
    recorded_by: str
    token_id: int | None
    person_id: int | None
    changes: dict[str, Any]
    version: int


class DraftDetail(DraftRead):
    context: QuoteContext
    history: list[DraftReviewRead]


class DraftFilters(StrictInput):
    state: list[DraftState] = Field(default_factory=list)
    min_confidence: float | None = Field(default=None, ge=0, le=1)
    kind: list[AssignmentKind] = Field(default_factory=list)
    origin: list[Origin] = Field(default_factory=list)
    limit: int = Field(default=50, ge=1, le=200)
    offset: Offset = 0


class DraftUpdate(StrictInput):
    """A partial edit of a proposed draft; null clears an optional field. A changed `quote` must be
    found in the document's text."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"title": "Upphandla ekonomisystem", "owner_id": 2, "version": 1}]}
    )

    title: Text300 | None = None
    quote: QuoteText | None = None
    section: str | None = Field(default=None, max_length=300)
    origin: Origin | None = None
    owner_id: DbId | None = None
    executor_id: DbId | None = None
    partner_ids: DistinctDbIds | None = Field(default=None, max_length=50)
    kind: AssignmentKind | None = None
    deadline: DeadlineInput | None = None
    money: Money | None = None
    target: Target | None = None
    continues_id: DbId | None = Field(
        default=None, description="The earlier assignment it continues (null: none)."
    )
    version: Version | None = None

    @model_validator(mode="after")
    def _required_fields_not_cleared(self) -> Self:
        refuse_cleared(self, ("title", "quote", "origin", "kind"))
        return self


class DraftAccept(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"link_continues": True}]})

    link_continues: bool = Field(
        default=True, strict=True, description="Link the new assignment as `continues` the proposed one."
    )
    version: Version | None = None


class DraftReject(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "Inget uppdrag, en beskrivning"}]})

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    version: Version | None = None


class DraftMerge(StrictInput):
    """Take another draft of the same document into this one."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"other": 12}]})

    other: DbId = Field(description="The other draft's id; it is marked `merged`.")
    version: Version | None = None


class DraftSplit(StrictInput):
    """Split a draft in two: at a character offset of its quote, or into two quotes of the document."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"at": 42}, {"quotes": ["Kontoret ska A", "ta fram B"]}]}
    )

    at: int | None = Field(default=None, ge=1, strict=True, description="Offset in the quote.")
    quotes: list[QuoteText] | None = Field(
        default=None, min_length=2, max_length=2, description="Two quotes, each found in the text."
    )
    version: Version | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        if (self.at is None) == (self.quotes is None):
            raise ValueError("give either `at` or `quotes`")
        return self


class DraftAccepted(BaseModel):
    draft: DraftRead
    assignment: AssignmentRead
    already_accepted: bool


class DraftSplitResult(BaseModel):
    draft: DraftRead
    parts: list[DraftRead]
