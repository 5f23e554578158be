"""Request and response shapes of the assignment API."""

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.assignments.models import Assignment
from app.assignments.reporting import reporting_unit_of
from app.assignments.values import nested_values
from app.assignments.vocabulary import Assessment, AssignmentKind, LinkKind, Status, TrafficLight
from app.documents.models import Origin
from app.documents.schemas import DecisionRef, DocumentRef, GoalRef
from app.inputs import (
    MAX_DB_ID,
    MAX_SEK,
    CalendarDate,
    DbId,
    DistinctDbIds,
    IdOrKey,
    Offset,
    QueryDbId,
    StrictInput,
    refuse_cleared,
)
from app.org.schemas import UnitRef

Text300 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
TAG_PATTERN = re.compile(r"^[a-z0-9åäöé][a-z0-9åäöé.\-]{0,59}$")


def _valid_tag(tag: str) -> str:
    if not TAG_PATTERN.match(tag):
        raise ValueError("a tag is lower-case letters, digits, '.' and '-', at most 60 characters")
    return tag


Tag = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True), AfterValidator(_valid_tag)]


Version = Annotated[
    int,
    Field(ge=1, le=MAX_DB_ID, strict=True, description="The version last read, if If-Match is not sent."),
]


# --- nested value objects -------------------------------------------------------------------


class DeadlineInput(StrictInput):
    """A deadline as written; the service reads the interval from the text unless dates are given."""

    text: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    earliest: CalendarDate | None = None
    latest: CalendarDate | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.earliest and self.latest and self.earliest > self.latest:
            raise ValueError("earliest must not be after latest")
        return self


class DeadlineRead(BaseModel):
    text: str | None
    earliest: date | None
    latest: date | None
    precision: str | None


class Money(StrictInput):
    """An amount in SEK; a range when min and max differ."""

    min_sek: int = Field(ge=0, le=MAX_SEK, strict=True)
    max_sek: int = Field(ge=0, le=MAX_SEK, strict=True)
    year: int | None = Field(default=None, ge=1900, le=2100, strict=True)
    text: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min_sek > self.max_sek:
            raise ValueError("min_sek must not be greater than max_sek")
        return self


class Target(StrictInput):
    """A measurable target: indicator, target value, unit and year."""

    indicator: Text300
    value: Decimal | None = Field(default=None, max_digits=18, decimal_places=4)
    unit: str | None = Field(default=None, max_length=60)
    year: int | None = Field(default=None, ge=1900, le=2100, strict=True)


# --- assignments ----------------------------------------------------------------------------

ASSIGNMENT_EXAMPLE: dict[str, Any] = {
    "title": "Ansöka om att arrangera Velo-City 2017",
    "quote": "Kontoret medverkar i arbetet för att konferensen Velo-City förläggs till Stockholm 2017.",
    "owner_id": 2,
    "executor_id": 3,
    "kind": "task",
    "deadline": {"text": "under 2014"},
    "tags": ["velo-city", "cykel"],
}


class AssignmentCreate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [ASSIGNMENT_EXAMPLE]})

    reference: Annotated[str, StringConstraints(pattern=r"^[A-ZÅÄÖ]{1,10}-\d{4}-\d{3,5}$")] | None = Field(
        default=None, description="Stable human reference; generated from the document when left out."
    )
    title: Text300
    description: str | None = None
    quote: str | None = None
    document_id: DbId | None = None
    section: str | None = Field(default=None, max_length=300)
    origin: Origin = Origin.ADOPTED
    goal_id: DbId | None = None
    owner_id: DbId = Field(description="The responsible unit (ansvarig).")
    executor_id: DbId | None = Field(default=None, description="The unit doing the work, if not the owner.")
    reporting_unit_id: DbId | None = Field(
        default=None,
        description="The unit that reports it in the rounds, if not its executor (else its owner).",
    )
    partner_ids: DistinctDbIds = Field(default_factory=list, description="Units it works together with.")
    contact_person: str | None = Field(default=None, max_length=200)
    kind: AssignmentKind = AssignmentKind.TASK
    deadline: DeadlineInput | None = None
    money: Money | None = None
    target: Target | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=20)


class AssignmentUpdate(StrictInput):
    """A partial update: only the fields present are changed; null clears an optional field.

    Status, progress and assessment are not edited here: they come from status updates.
    """

    model_config = ConfigDict(json_schema_extra={"examples": [{"contact_person": "Anna Andersson"}]})

    title: Text300 | None = None
    description: str | None = None
    quote: str | None = None
    section: str | None = Field(default=None, max_length=300)
    origin: Origin | None = None
    goal_id: DbId | None = None
    owner_id: DbId | None = None
    executor_id: DbId | None = None
    reporting_unit_id: DbId | None = Field(
        default=None, description="null: its executor reports it in the rounds, else its owner."
    )
    partner_ids: DistinctDbIds | None = None
    contact_person: str | None = Field(default=None, max_length=200)
    kind: AssignmentKind | None = None
    deadline: DeadlineInput | None = None
    money: Money | None = None
    target: Target | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)
    decision_document_id: DbId | None = Field(
        default=None, description="The document (a later decision) behind this change, e.g. a transfer."
    )
    version: Version | None = None

    @model_validator(mode="after")
    def _required_fields_not_cleared(self) -> Self:
        refuse_cleared(self, ("title", "owner_id", "origin", "kind"))
        return self


class LinkedAssignment(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    title: str


class AssignmentLinkRead(BaseModel):
    """A link seen from one of its assignments: `outgoing` when this assignment is its source
    ("KS-2016-004 continues KS-2015-012"), `incoming` when it is its target."""

    id: int
    kind: LinkKind
    direction: Literal["outgoing", "incoming"]
    assignment: LinkedAssignment
    decision: DecisionRef | None
    comment: str | None
    created_at: datetime
    created_by: str


class AssignmentLinkCreate(StrictInput):
    """A link from this assignment to another: this one `continues`, `replaces`, was `split_into` or
    `merged_into` the target (given by id or reference)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"kind": "continues", "target": "KS-2015-012", "decision_document_id": 2}]
        }
    )

    kind: LinkKind
    target: Annotated[IdOrKey, Field(description="The other assignment's id or reference.")]
    decision_document_id: DbId | None = None
    comment: str | None = Field(default=None, max_length=2000)


class AssignmentRead(BaseModel):
    id: int
    reference: str
    title: str
    description: str | None
    quote: str | None
    document: DocumentRef | None
    decision: DecisionRef | None = Field(
        description="The decision it comes from: document, body, date, dnr, §."
    )
    section: str | None
    origin: Origin
    goal: GoalRef | None
    owner: UnitRef
    executor: UnitRef | None
    reporting_unit: UnitRef = Field(
        description="Who reports it in the rounds: the unit set, else its executor, else its owner."
    )
    partners: list[UnitRef]
    contact_person: str | None
    kind: AssignmentKind
    deadline: DeadlineRead
    money: Money | None
    target: Target | None
    status: Status
    progress: int
    assessment: Assessment | None
    traffic_light: TrafficLight
    overdue: bool = Field(description="Latest deadline passed and not finished; derived, never stored.")
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None
    version: int


class ArchiveRequest(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "Ersatt av KS-2016-004"}]})

    reason: str | None = Field(default=None, max_length=2000)


# --- status updates and history -------------------------------------------------------------


class StatusUpdateCreate(StrictInput):
    """A status report. Fields left out keep the value the assignment had on the effective date."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "status": "in_progress",
                    "progress": 40,
                    "assessment": "partially_fulfilled",
                    "traffic_light": "yellow",
                    "comment": "Ansökan inlämnad, besked väntas i juni.",
                    "effective_date": "2014-04-15",
                },
                {"status": "cancelled", "reason": "Uppdraget har flyttats till trafiknämnden."},
            ]
        }
    )

    status: Status | None = None
    progress: int | None = Field(default=None, ge=0, le=100, strict=True)
    assessment: Assessment | None = None
    traffic_light: TrafficLight | None = None
    comment: str | None = Field(default=None, max_length=10_000)
    effective_date: CalendarDate | None = Field(
        default=None, description="The day the state took effect; today if left out."
    )
    reason: str | None = Field(default=None, max_length=2000)
    decision_document_id: DbId | None = Field(
        default=None,
        description="The document (a later decision) that decided this state, e.g. closing or cancelling.",
    )
    version: Version | None = None

    @model_validator(mode="after")
    def _says_something(self) -> Self:
        reported = ("status", "progress", "assessment", "traffic_light", "comment")
        if not any(getattr(self, name) is not None for name in reported):
            raise ValueError("a status update needs at least one of " + ", ".join(reported))
        return self


class StatusUpdateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    assignment_id: int
    effective_date: date
    recorded_at: datetime
    recorded_by: str
    token_id: int | None
    person_id: int | None = Field(default=None, description="The signed-in person who reported it.")
    status: Status
    progress: int
    assessment: Assessment | None
    traffic_light: TrafficLight
    comment: str | None
    reason: str | None
    decision_document_id: int | None
    confirmation: bool = Field(
        default=False, description="A unit confirmed in a reporting round that the state is unchanged."
    )


class FieldChange(BaseModel):
    old: Any
    new: Any


class HistoryEntry(BaseModel):
    """One event in an assignment's history, with names resolved and the changed fields listed."""

    type: Literal["created", "edited", "archived", "seed_updated", "linked", "unlinked", "status_update"]
    recorded_at: datetime
    recorded_by: str
    token_id: int | None = Field(description="The token that made the change (None for seed loads).")
    person_id: int | None = Field(default=None, description="The signed-in person who made the change.")
    effective_date: date | None = None
    version: int | None = None
    status_update: StatusUpdateRead | None = None
    decision: DecisionRef | None = Field(
        default=None, description="The decision behind the change: the assignment's own for `created`."
    )
    changed_fields: list[str]
    changes: dict[str, FieldChange]


# --- list filters ---------------------------------------------------------------------------

SORTABLE_FIELDS = (
    "reference",
    "title",
    "deadline",
    "status",
    "progress",
    "updated_at",
    "created_at",
    "owner",
)
SORT_PATTERN = r"^-?(" + "|".join(SORTABLE_FIELDS) + r")(,-?(" + "|".join(SORTABLE_FIELDS) + r"))*$"


class AssignmentFilters(StrictInput):
    """Query parameters of the assignment list. Unknown parameters are refused."""

    q: str | None = Field(
        default=None, max_length=200, description="Free text over reference, title, quote, description."
    )
    owner: str | None = Field(default=None, description="Owner unit id or key; includes its sub-units.")
    executor: str | None = Field(default=None, description="Executor unit id or key; includes its sub-units.")
    status: list[Status] = Field(default_factory=list)
    assessment: list[Assessment] = Field(default_factory=list)
    goal: QueryDbId | None = None
    document: QueryDbId | None = None
    origin: list[Origin] = Field(default_factory=list)
    kind: list[AssignmentKind] = Field(default_factory=list)
    tag: str | None = Field(default=None, max_length=60)
    deadline_before: CalendarDate | None = Field(
        default=None, description="Latest deadline on or before this day."
    )
    deadline_after: CalendarDate | None = Field(
        default=None, description="Latest deadline on or after this day."
    )
    overdue: bool | None = None
    include_archived: bool = False
    as_of: CalendarDate | None = Field(
        default=None,
        description="Show the register as it stood at the end of this day: the assignments that existed "
        "then, each in its reported state on that day (from the status history).",
    )
    sort: str = Field(
        default="reference",
        pattern=SORT_PATTERN,
        description="Comma-separated fields, '-' for descending: " + ", ".join(SORTABLE_FIELDS),
    )
    limit: int = Field(default=50, ge=1, le=200)
    offset: Offset = 0


class AssignmentDetail(AssignmentRead):
    """One assignment, with its links to and from other assignments."""

    links: list[AssignmentLinkRead]


def assignment_read(assignment: Assignment, *, overdue: bool) -> AssignmentRead:
    """Shape a stored assignment for the API."""
    return AssignmentRead(
        id=assignment.id,
        reference=assignment.reference,
        title=assignment.title,
        description=assignment.description,
        quote=assignment.quote,
        document=DocumentRef.model_validate(assignment.document) if assignment.document else None,
        decision=DecisionRef.model_validate(assignment.document) if assignment.document else None,
        section=assignment.section,
        origin=assignment.origin,
        goal=GoalRef.model_validate(assignment.goal) if assignment.goal else None,
        owner=UnitRef.model_validate(assignment.owner),
        executor=UnitRef.model_validate(assignment.executor) if assignment.executor else None,
        reporting_unit=UnitRef.model_validate(reporting_unit_of(assignment)),
        partners=[UnitRef.model_validate(unit) for unit in assignment.partners],
        contact_person=assignment.contact_person,
        kind=assignment.kind,
        **nested_values(assignment),
        status=assignment.status,
        progress=assignment.progress,
        assessment=assignment.assessment,
        traffic_light=assignment.traffic_light,
        overdue=overdue,
        tags=assignment.tags,
        created_at=assignment.created_at,
        updated_at=assignment.updated_at,
        archived_at=assignment.archived_at,
        version=assignment.version,
    )


# --- batch status updates -------------------------------------------------------------------


class BatchStatusUpdateItem(StatusUpdateCreate):
    assignment_id: DbId
    version: Version = Field(description="The version last read of this assignment (no lost updates).")


class BatchStatusUpdates(StrictInput):
    """Many status updates at once; `atomic` applies all of them or none."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "atomic": True,
                    "items": [
                        {"assignment_id": 1, "version": 1, "status": "in_progress", "progress": 10},
                        {
                            "assignment_id": 2,
                            "version": 3,
                            "comment": "Inget nytt",
                            "effective_date": "2015-04-30",
                        },
                    ],
                }
            ]
        }
    )

    atomic: bool = Field(default=False, strict=True)
    items: list[BatchStatusUpdateItem] = Field(min_length=1, max_length=500)


class BatchItemResult(BaseModel):
    index: int
    assignment_id: int
    status: int = Field(description="The HTTP status this item would have had on its own (424: not tried).")
    update: StatusUpdateRead | None = None
    version: int | None = Field(default=None, description="The assignment's version after this item.")
    problem: dict[str, Any] | None = None


class BatchResult(BaseModel):
    atomic: bool
    applied: int
    failed: int
    results: list[BatchItemResult]
