"""Draft assignments proposed by the ingest engine, and their review.

A draft holds everything a `DraftProposal` holds (quote, section, owner, executor, partners, kind,
deadline, money, target, origin, confidence, reasons), where its quote lies in the document's text,
the earlier assignment it may continue, and its review: its state, the assignment it became, the
draft it was merged into or split from, and a reason when it was rejected. Every review step is an
append-only `DraftReview` naming who took it and when.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.assignments.models import Assignment
from app.assignments.vocabulary import AssignmentKind
from app.db import Base, UTCDateTime, utcnow
from app.documents.models import Origin
from app.org.models import OrgUnit


class DraftState(StrEnum):
    PROPOSED = "proposed"  # waiting for review
    ACCEPTED = "accepted"  # became an assignment (`assignment_id`)
    REJECTED = "rejected"  # not a commitment (`rejection_reason`)
    MERGED = "merged"  # merged into another draft (`merged_into_id`)
    SPLIT = "split"  # replaced by two drafts (their `split_from_id`)


class ReviewAction(StrEnum):
    EDITED = "edited"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    MERGED = "merged"  # this draft took in another
    MERGED_INTO = "merged_into"  # this draft was taken into another
    SPLIT = "split"  # this draft was split in two
    SPLIT_FROM = "split_from"  # this draft is a part of a split one


draft_partners = Table(
    "draft_partners",
    Base.metadata,
    Column("draft_id", ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("org_units.id"), primary_key=True, index=True),
)


class Draft(Base):
    """A proposed assignment found in a document's text. Drafts are never deleted: a merged or split
    draft stays, marked so, beside the draft that replaced it."""

    __tablename__ = "drafts"
    __table_args__ = (
        CheckConstraint("confidence BETWEEN 0 AND 1", name="confidence_range"),
        Index("ix_drafts_document_order", "document_id", "quote_start", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("source_documents.id"))
    state: Mapped[DraftState] = mapped_column(String(20), default=DraftState.PROPOSED)
    title: Mapped[str] = mapped_column(String(300))
    quote: Mapped[str] = mapped_column(Text)
    # Where the quote lies in normalise_source_text(document.full_text): its first character and the
    # one after its last (a merge of drafts that are not adjacent spans both).
    quote_start: Mapped[int] = mapped_column(Integer)
    quote_end: Mapped[int] = mapped_column(Integer)
    section: Mapped[str | None] = mapped_column(String(300))
    origin: Mapped[Origin] = mapped_column(String(20))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    executor_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    kind: Mapped[AssignmentKind] = mapped_column(String(20))

    deadline_text: Mapped[str | None] = mapped_column(String(200))
    deadline_earliest: Mapped[date | None] = mapped_column(Date)
    deadline_latest: Mapped[date | None] = mapped_column(Date)
    deadline_precision: Mapped[str | None] = mapped_column(String(20))

    amount_min_sek: Mapped[int | None] = mapped_column(BigInteger)
    amount_max_sek: Mapped[int | None] = mapped_column(BigInteger)
    amount_year: Mapped[int | None] = mapped_column(Integer)
    amount_text: Mapped[str | None] = mapped_column(String(200))

    target_indicator: Mapped[str | None] = mapped_column(String(300))
    target_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    target_unit: Mapped[str | None] = mapped_column(String(60))
    target_year: Mapped[int | None] = mapped_column(Integer)

    confidence: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    # An assignment of an earlier document that this draft repeats: accepting it links the new
    # assignment as `continues` that one (app/ingest/continuity.py).
    continues_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))
    continues_score: Mapped[float | None] = mapped_column(Float)

    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"), unique=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id"))
    split_from_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id"))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)

    owner: Mapped[OrgUnit | None] = relationship(foreign_keys=[owner_id], lazy="selectin")
    executor: Mapped[OrgUnit | None] = relationship(foreign_keys=[executor_id], lazy="selectin")
    partners: Mapped[list[OrgUnit]] = relationship(
        secondary=draft_partners, lazy="selectin", order_by=OrgUnit.name
    )
    continues: Mapped[Assignment | None] = relationship(foreign_keys=[continues_id], lazy="selectin")
    assignment: Mapped[Assignment | None] = relationship(foreign_keys=[assignment_id], lazy="selectin")


class DraftReview(Base):
    """One review step of a draft (append-only): who, when, what changed."""

    __tablename__ = "draft_reviews"
    __table_args__ = (Index("ix_draft_reviews_timeline", "draft_id", "recorded_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"))
    action: Mapped[ReviewAction] = mapped_column(String(20))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(200))
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer)
