from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow
from app.org.models import OrgUnit


class Origin(StrEnum):
    """Whether a commitment was adopted or only proposed in a dissent or statement."""

    ADOPTED = "adopted"
    RESERVATION = "reservation"
    STATEMENT = "statement"


class DocumentKind(StrEnum):
    BUDGET = "budget"  # a budget, or a committee's underlag for one (with its plan years)
    OPERATIONAL_PLAN = "operational_plan"  # verksamhetsplan
    DECISION = "decision"  # a decision during the year: "Kommunstyrelsen får i uppdrag att …"
    OTHER = "other"


class SourceDocument(Base):
    """A document whose commitments are tracked: a budget, a plan or a decision.

    `document_date` is the document's own date; `decided_by` and `decision_date` (with `diarienummer`
    and `paragraph`, §) identify the decision that adopted it, where one is recorded. Documents are
    never deleted; edits are recorded as `DocumentRevision`s.
    """

    __tablename__ = "source_documents"
    __table_args__ = (
        CheckConstraint(
            "(plan_start_year IS NULL) = (plan_end_year IS NULL) AND plan_start_year <= plan_end_year",
            name="plan_period",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(60), unique=True)
    kind: Mapped[DocumentKind] = mapped_column(String(30), default=DocumentKind.BUDGET)
    title: Mapped[str] = mapped_column(String(300))
    issuer_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    document_date: Mapped[date] = mapped_column(Date)
    decision_date: Mapped[date | None] = mapped_column(Date)
    diarienummer: Mapped[str | None] = mapped_column(String(60))
    paragraph: Mapped[str | None] = mapped_column(String(30))
    adopted: Mapped[bool] = mapped_column(Boolean, default=True)
    plan_start_year: Mapped[int | None] = mapped_column(Integer)
    plan_end_year: Mapped[int | None] = mapped_column(Integer)
    reference_prefix: Mapped[str] = mapped_column(String(20))
    full_text: Mapped[str] = mapped_column(Text, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The first day its assignments are followed up (`follow_up_start`); kept by `update_follow_up_start`.
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    # The file it was read from, when it was uploaded (app/ingest): its SHA-256 finds it again, so that
    # the same file uploaded twice is one document.
    file_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_format: Mapped[str | None] = mapped_column(String(10))
    file_size: Mapped[int | None] = mapped_column(Integer)

    issuer: Mapped[OrgUnit | None] = relationship(foreign_keys=[issuer_id], lazy="selectin")
    decided_by: Mapped[OrgUnit | None] = relationship(foreign_keys=[decided_by_id], lazy="selectin")

    @property
    def decided_on(self) -> date:
        """The day the decision took effect: its decision date where recorded, else the document's date."""
        return self.decision_date or self.document_date

    def update_follow_up_start(self) -> None:
        """Its assignments are followed up from the later of its decision and the first day of its
        plan period: a budget for 2016 decided in November 2015 is not in the reports of 2015."""
        plan_start = date(self.plan_start_year, 1, 1) if self.plan_start_year else self.decided_on
        self.starts_on = max(self.decided_on, plan_start)

    @property
    def plan_period(self) -> dict[str, int] | None:
        """The plan years as the API shows them, or None for a document without a plan period."""
        if self.plan_start_year is None or self.plan_end_year is None:
            return None
        return {"start_year": self.plan_start_year, "end_year": self.plan_end_year}


class DocumentRevision(Base):
    """An append-only record of a change to a document's fields (registered, edited)."""

    __tablename__ = "document_revisions"
    __table_args__ = (Index("ix_document_revisions_timeline", "document_id", "recorded_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("source_documents.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(200))
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    action: Mapped[str] = mapped_column(String(20))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer)


class Goal(Base):
    """A goal of a document: KF's inriktningsmål, or a reservation's own goals."""

    __tablename__ = "goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("source_documents.id"), index=True)
    number: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(300))
    origin: Mapped[Origin] = mapped_column(String(20))
