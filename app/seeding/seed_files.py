"""The shape of the reviewable seed files in `seeds/` (validated before anything is written)."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from app.assignments.schemas import Money, Target
from app.assignments.vocabulary import AssignmentKind
from app.documents.models import DocumentKind, Origin
from app.org.models import UnitKind


class SeedModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UnitSeed(SeedModel):
    key: str
    name: str
    short_name: str | None = None
    aliases: list[str] = Field(default_factory=list)
    kind: UnitKind
    parent: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    successors: list[str] = Field(
        default_factory=list, description="Keys of the units that took over when this one ceased."
    )


class UnitsFile(SeedModel):
    units: list[UnitSeed]


class PlanPeriodSeed(SeedModel):
    start_year: int
    end_year: int


class DocumentSeed(SeedModel):
    key: str
    kind: DocumentKind = DocumentKind.BUDGET
    title: str
    issuer: str | None = None
    decided_by: str | None = None
    decision_date: date | None = None  # (declared before `date`, which names a field below)
    date: date
    diarienummer: str | None = None
    paragraph: str | None = None
    plan_period: PlanPeriodSeed | None = None
    source_file: str
    reference_prefix: str = "KS-2015"


class GoalSeed(SeedModel):
    key: str
    number: str
    title: str
    origin: Origin


class AssignmentSeed(SeedModel):
    reference: str
    title: str
    description: str | None = None
    quote: str
    section: str | None = None
    origin: Origin
    goal: str | None = None
    owner: str
    executor: str | None = None
    partners: list[str] = Field(default_factory=list)
    contact_person: str | None = None
    kind: AssignmentKind
    deadline_text: str | None = None
    amount: Money | None = None
    target: Target | None = None
    tags: list[str] = Field(default_factory=list)


class DocumentFile(SeedModel):
    document: DocumentSeed
    goals: list[GoalSeed]
    assignments: list[AssignmentSeed]
