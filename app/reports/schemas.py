"""The report model (one model, rendered to JSON, CSV, XLSX and HTML) and the report API's shapes."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.assignments.schemas import DeadlineRead, FieldChange, Target
from app.assignments.vocabulary import Assessment, AssignmentKind, LinkKind, Status, TrafficLight
from app.documents.models import Origin
from app.documents.schemas import DecisionRef, DocumentRef, GoalRef
from app.formats import Format
from app.inputs import CalendarDate, QueryDbId, StrictInput
from app.org.schemas import UnitRef
from app.page_frame import Lang as PageLang

Lang = PageLang
NO_ASSESSMENT = "none"


# --- requests -------------------------------------------------------------------------------


class ReportFilters(StrictInput):
    """Which assignments a report covers. Without filters it is the default report, the one published."""

    owner: str | None = Field(
        default=None, description="Owner unit id or key; includes its sub-units and their predecessors."
    )
    goal: QueryDbId | None = None
    origin: list[Origin] = Field(
        default_factory=list, description="Origins to include; adopted commitments only when left out."
    )
    kind: list[AssignmentKind] = Field(default_factory=list)
    document: QueryDbId | None = Field(default=None, description="Only the assignments of this document.")
    decided_by: str | None = Field(
        default=None, description="Only the assignments of documents decided by this body (unit id or key)."
    )

    @property
    def origins(self) -> list[Origin]:
        return self.origin or [Origin.ADOPTED]

    @property
    def is_default(self) -> bool:
        return (
            self.owner is None
            and self.goal is None
            and set(self.origins) == {Origin.ADOPTED}
            and not self.kind
            and self.document is None
            and self.decided_by is None
        )


class ReportQuery(ReportFilters):
    """Query parameters of a report: its filters, the format (wins over Accept) and the language."""

    format: Format | None = Field(default=None, description="json, csv, xlsx, html or pdf; wins over Accept.")
    lang: Lang = Field(default="sv", description="Language of headings and labels (CSV, XLSX, HTML).")
    token: str | None = Field(
        default=None, description="A feed token, for browsers and programs that cannot send headers."
    )

    def filters(self) -> ReportFilters:
        return ReportFilters.model_validate(self.model_dump(include=set(ReportFilters.model_fields)))


class PublishParams(StrictInput):
    """A published report is always the default report: publishing takes no filters."""


# --- the report -----------------------------------------------------------------------------


class PeriodRef(BaseModel):
    year: int
    period: str
    name_sv: str
    name_en: str
    cutoff: date


class LineLink(BaseModel):
    """A link as a report line shows it: `outgoing` "continues KS-2015-012", `incoming` "continued by …"."""

    kind: LinkKind
    direction: Literal["outgoing", "incoming"]
    reference: str


class ReportLine(BaseModel):
    """One assignment as it stood at the cut-off."""

    id: int
    reference: str
    title: str
    owner: UnitRef
    executor: UnitRef | None
    goal: GoalRef | None
    origin: Origin
    kind: AssignmentKind
    deadline: DeadlineRead
    target: Target | None
    status: Status
    progress: int
    assessment: Assessment | None
    traffic_light: TrafficLight
    reported_on: date | None = Field(description="Effective date of the status update in force.")
    comment: str | None = Field(description="The latest comment on or before the cut-off.")
    commented_on: date | None
    overdue: bool = Field(description="Latest deadline passed at the cut-off and not finished.")
    updated_in_period: bool = Field(description="A status update took effect in the period; stale if not.")
    new_in_period: bool
    due_before_next_cutoff: bool
    changes: dict[str, FieldChange] = Field(
        description="State fields that changed since the previous cut-off (empty when new in the period)."
    )
    decision: DecisionRef | None = Field(
        default=None, description="The decision the assignment comes from: document, body, date, dnr, §."
    )
    links: list[LineLink] = Field(default_factory=list, description="Links to and from other assignments.")


class Tally(BaseModel):
    """Counts over a group of assignments; `reported` of `assignments` were updated in the period."""

    assignments: int
    reported: int
    completed: int
    overdue: int


class OwnerRollup(Tally):
    """A unit with everything below it in the organisation; `own_assignments` are its own. The
    shape of both roll-ups: by owner, and by executor (the unit carrying the assignment out)."""

    unit: UnitRef
    parent_id: int | None
    level: int
    own_assignments: int


class GoalTally(Tally):
    goal: GoalRef | None


class DocumentTally(Tally):
    """The assignments of one document (the decision they come from); `document` null: none."""

    document: DocumentRef | None


class ArchivedLine(BaseModel):
    reference: str
    title: str
    owner: UnitRef
    archived_at: datetime


class ReportSummary(BaseModel):
    assignments: int
    by_status: dict[Status, int]
    by_assessment: dict[str, int] = Field(description=f"Assessment values, and '{NO_ASSESSMENT}'.")
    by_traffic_light: dict[TrafficLight, int]
    by_owner: list[OwnerRollup]
    by_executor: list[OwnerRollup] = Field(
        default_factory=list,
        description="Per executor, down the organisation as by owner (empty in reports published before "
        "executor roll-ups were made).",
    )
    without_executor: Tally | None = Field(
        default=None, description="The assignments without an executor (null in reports published before)."
    )
    by_goal: list[GoalTally]
    by_document: list[DocumentTally] = Field(default_factory=list)
    completed: int
    completion_rate: float = Field(description="Completed assignments in percent of all, one decimal.")
    overdue: int
    reported: int
    due_before_next_cutoff: int
    new_in_period: int
    archived_in_period: list[ArchivedLine]


class Report(BaseModel):
    """The register as it stood at a cut-off, whichever documents its assignments come from;
    `period` is null for a view of a day between cut-offs."""

    document: DocumentRef | None = Field(description="The document filtered on, if any.")
    plan_start_year: int | None = Field(description="The plan in force in the report's year, if any.")
    plan_end_year: int | None
    period: PeriodRef | None
    as_of: date
    previous_cutoff: date
    next_cutoff: date
    generated_at: datetime
    filters: ReportFilters
    summary: ReportSummary
    assignments: list[ReportLine]


# --- publishing and differences -------------------------------------------------------------


class Publication(BaseModel):
    at: datetime
    by: str
    units_reporting: int | None = Field(
        default=None, description="Units with a part in the period's reporting round when it was published."
    )
    units_approved: int | None = Field(default=None, description="Of them, how many were approved then.")


class ReportDiff(BaseModel):
    """What differs between two reports, per assignment reference."""

    changed: dict[str, dict[str, FieldChange]]
    added: list[str]
    removed: list[str]

    @property
    def is_empty(self) -> bool:
        return not (self.changed or self.added or self.removed)


class ReportResponse(Report):
    source: Literal["live", "published"] = Field(
        description="published: the frozen snapshot; live: computed now from the history."
    )
    published: Publication | None
    live_differs: bool | None = Field(description="For a frozen report: whether live data now differs.")
    diff: ReportDiff | None = Field(description="For a frozen report: frozen → live, per assignment.")


class ReportComparison(BaseModel):
    previous: PeriodRef
    previous_source: Literal["live", "published"]
    current: PeriodRef
    current_source: Literal["live", "published"]
    diff: ReportDiff


class PeriodRead(PeriodRef):
    previous_cutoff: date
    next_cutoff: date
    state: Literal["open", "published"]
    due: bool = Field(description="The cut-off has passed, so the report can be made and published.")
    published: Publication | None
    links: dict[Format, str]


class TrajectoryPoint(BaseModel):
    """A period's counts; all null for a period whose cut-off has not passed."""

    period: PeriodRef
    source: Literal["live", "published"] | None = None
    assignments: int | None = None
    completed: int | None = None
    overdue: int | None = None
    by_status: dict[Status, int] | None = None


class PlanTrajectory(BaseModel):
    """The periods of a plan period (a document's plan years), each with its counts."""

    document: DocumentRef
    plan_start_year: int
    plan_end_year: int
    points: list[TrajectoryPoint]


# --- decisions not carried out (verkställighet) ---------------------------------------------


class UnexecutedFilters(StrictInput):
    """Which assignments the list of decisions not carried out holds."""

    decided_by: str | None = Field(default=None, description="The deciding body (unit id or key).")
    owner: str | None = Field(
        default=None, description="Owner unit id or key; includes its sub-units and their predecessors."
    )
    decided_before: CalendarDate | None = Field(default=None, description="Decided before this day.")
    as_of: CalendarDate | None = Field(
        default=None, description="The list as it stood at the end of this day; today if left out."
    )


class UnexecutedQuery(UnexecutedFilters):
    format: Format | None = Field(default=None, description="json, csv, xlsx, html or pdf; wins over Accept.")
    lang: Lang = Field(default="sv", description="Language of headings and labels (CSV, XLSX, HTML).")
    token: str | None = Field(
        default=None, description="A feed token, for browsers and programs that cannot send headers."
    )

    def filters(self) -> UnexecutedFilters:
        return UnexecutedFilters.model_validate(self.model_dump(include=set(UnexecutedFilters.model_fields)))


class UnexecutedLine(BaseModel):
    """An adopted assignment not completed, closed or cancelled on the day of the list."""

    id: int
    reference: str
    title: str
    decision: DecisionRef | None
    decided_on: date = Field(
        description="The decision's date (or the document's), else the day it was created."
    )
    days_since_decision: int
    last_update: date | None = Field(description="Effective date of its latest status update, if any.")
    days_since_update: int | None = Field(
        description="Days since that update; null if it was never reported on."
    )
    owner: UnitRef
    executor: UnitRef | None
    status: Status
    progress: int
    deadline: DeadlineRead
    overdue: bool


class UnexecutedList(BaseModel):
    as_of: date
    generated_at: datetime
    filters: UnexecutedFilters
    count: int
    assignments: list[UnexecutedLine]
