"""The reporting rounds API's shapes: a round's overview, a unit's part, transitions, confirmations,
the due date and the Excel import's answer."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.assignments.schemas import Version
from app.assignments.vocabulary import Assessment, Status, TrafficLight
from app.formats import Format
from app.inputs import CalendarDate, StrictInput
from app.org.schemas import UnitRef
from app.page_frame import Lang
from app.rounds.vocabulary import PartAction, PartState

# --- requests -------------------------------------------------------------------------------


class RenderQuery(StrictInput):
    format: Format | None = Field(default=None, description="json, csv, xlsx, html or pdf; wins over Accept.")
    lang: Lang = Field(default="sv", description="Language of headings and labels (CSV, XLSX, HTML).")
    token: str | None = Field(
        default=None, description="A feed token, for browsers and programs that cannot send headers."
    )


class OverviewQuery(RenderQuery):
    state: list[PartState] = Field(
        default_factory=list, description="Only the units whose part is in one of these states."
    )


class TransitionRequest(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"comment": "Klart för granskning"}]})

    comment: str | None = Field(default=None, max_length=4000)


class ReturnRequest(StrictInput):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"comment": "Komplettera bedömningen för KS-2015-007."}]}
    )

    comment: str = Field(min_length=1, max_length=4000, description="What the unit should change.")


class ConfirmRequest(StrictInput):
    """Assignments whose state is unchanged since the last report, by reference."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"references": ["KS-2015-001", "KS-2015-007"]}]}
    )

    references: list[str] = Field(min_length=1, max_length=2000)


class RoundUpdate(StrictInput):
    """A round's settings; `due` null goes back to the default (the cut-off plus seven days)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"due": "2015-05-20"}]})

    due: CalendarDate | None = Field(description="The day units' reports are due.")
    version: Version | None = Field(default=None, description="The round's version last read (or If-Match).")


# --- a round --------------------------------------------------------------------------------


class RoundRef(BaseModel):
    year: int
    period: str
    name_sv: str
    name_en: str
    previous_cutoff: date
    cutoff: date
    first_day: date = Field(description="The first day of the period: status updates from it count.")
    due: date = Field(description="The day units' reports are due.")
    due_is_default: bool
    open: bool = Field(description="The period has begun, so units can report and submit.")
    version: int = Field(description="The round's settings' version (for If-Match when changing them).")


class TransitionRead(BaseModel):
    action: PartAction
    from_state: PartState
    to_state: PartState
    comment: str | None
    at: datetime
    by: str


class Rollup(BaseModel):
    """A unit and the units below it, counted: `ready` of `units` parts are marked ready."""

    units: int = Field(description="Units with a part, this one and those below it.")
    ready: int = Field(description="Of them, submitted or approved.")
    approved: int
    late: int
    expected: int
    updated: int


class OverviewUnit(BaseModel):
    """A unit in the overview's tree: its own part (when it reports assignments) and a roll-up of
    itself and the units below it. Listed depth first; `parent` and `level` give the tree."""

    unit: UnitRef
    parent: str | None = Field(description="The key of the unit above it in the tree, if any.")
    level: int = Field(description="Depth in the tree: 0 at the top.")
    has_part: bool = Field(description="The unit reports assignments in this round itself.")
    expected: int
    updated: int
    state: PartState | None = Field(description="The state of its own part; null without one.")
    due: date
    late: bool = Field(description="Due date passed and not submitted or approved.")
    last_transition: TransitionRead | None
    rollup: Rollup


class RoundSummary(Rollup):
    by_state: dict[PartState, int]


class RoundOverview(BaseModel):
    round: RoundRef
    as_of: date = Field(description="The day the overview was made (states and lateness as of it).")
    summary: RoundSummary
    units: list[OverviewUnit]
    generated_at: datetime


# --- a unit's part --------------------------------------------------------------------------


class PartAssignment(BaseModel):
    """An assignment of a unit's part, as it stood at the cut-off (or today, before it)."""

    id: int
    reference: str
    title: str
    owner: UnitRef
    executor: UnitRef | None
    deadline_latest: date | None
    version: int = Field(description="Its current version: what a status update must name (If-Match).")
    status: Status
    progress: int
    assessment: Assessment | None
    traffic_light: TrafficLight
    reported_on: date | None
    comment: str | None
    updated: bool = Field(description="Has a status update effective in the period.")
    confirmed: bool = Field(description="Confirmed unchanged in the period, not otherwise reported in it.")


class PartRead(BaseModel):
    round: RoundRef
    unit: UnitRef
    as_of: date
    state: PartState
    expected: int
    updated: int
    missing: list[str] = Field(description="References without a status update in the period.")
    due: date
    late: bool
    version: int = Field(description="The part's version: how many times it moved.")
    transitions: list[TransitionRead]
    assignments: list[PartAssignment]
    generated_at: datetime


class ConfirmResult(BaseModel):
    reference: str
    result: Literal["confirmed", "already_updated"]
    status_update_id: int | None


class ConfirmResponse(BaseModel):
    confirmed: int
    results: list[ConfirmResult]


# --- the Excel round-trip -------------------------------------------------------------------


class ImportRowResult(BaseModel):
    row: int = Field(description="The row's number in the file (as Excel numbers it).")
    reference: str | None
    result: Literal["accepted", "unchanged", "refused"]
    reason: str | None = None
    field: str | None = Field(default=None, description="The column a refusal is about, if one.")
    changes: dict[str, str | int | None] = Field(
        default_factory=dict, description="What an accepted row reports (status, progress, …)."
    )


class ImportResponse(BaseModel):
    dry_run: bool
    written: bool = Field(description="The accepted rows were written (never in a dry run).")
    accepted: int
    unchanged: int
    refused: int
    rows: list[ImportRowResult]
