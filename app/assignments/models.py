from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.assignments.vocabulary import Assessment, AssignmentKind, LinkKind, Status, TrafficLight
from app.db import Base, UTCDateTime, utcnow
from app.documents.models import Goal, Origin, SourceDocument
from app.org.models import OrgUnit
from app.webhooks.vocabulary import EventType

assignment_partners = Table(
    "assignment_partners",
    Base.metadata,
    Column("assignment_id", ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("org_units.id"), primary_key=True, index=True),
)


class AssignmentTag(Base):
    __tablename__ = "assignment_tags"

    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)


class Assignment(Base):
    """A tracked commitment. Its status fields are a cache of the latest status update."""

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
        Index("ix_assignments_owner_deadline", "owner_id", "deadline_latest"),
        Index("ix_assignments_status_deadline", "status", "deadline_latest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    quote: Mapped[str | None] = mapped_column(Text)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("source_documents.id"), index=True)
    section: Mapped[str | None] = mapped_column(String(300))
    origin: Mapped[Origin] = mapped_column(String(20), index=True)
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    executor_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    # Who reports it in the rounds when not its executor, else its owner (see `reporting_unit_of`).
    reporting_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    contact_person: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[AssignmentKind] = mapped_column(String(20), index=True)

    deadline_text: Mapped[str | None] = mapped_column(String(200))
    deadline_earliest: Mapped[date | None] = mapped_column(Date)
    deadline_latest: Mapped[date | None] = mapped_column(Date, index=True)
    deadline_precision: Mapped[str | None] = mapped_column(String(20))

    amount_min_sek: Mapped[int | None] = mapped_column(BigInteger)
    amount_max_sek: Mapped[int | None] = mapped_column(BigInteger)
    amount_year: Mapped[int | None] = mapped_column(Integer)
    amount_text: Mapped[str | None] = mapped_column(String(200))

    target_indicator: Mapped[str | None] = mapped_column(String(300))
    target_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    target_unit: Mapped[str | None] = mapped_column(String(60))
    target_year: Mapped[int | None] = mapped_column(Integer)

    status: Mapped[Status] = mapped_column(String(20), default=Status.NOT_STARTED)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    assessment: Mapped[Assessment | None] = mapped_column(String(30), index=True)
    traffic_light: Mapped[TrafficLight] = mapped_column(String(10), default=TrafficLight.GREY)

    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The seed entry as last loaded, so that a reload applies only what changed in the file.
    seeded_values: Mapped[dict[str, Any] | None] = mapped_column(JSON, deferred=True)

    tag_rows: Mapped[list[AssignmentTag]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=AssignmentTag.tag
    )
    owner: Mapped[OrgUnit] = relationship(foreign_keys=[owner_id], lazy="selectin")
    executor: Mapped[OrgUnit | None] = relationship(foreign_keys=[executor_id], lazy="selectin")
    reporting_unit: Mapped[OrgUnit | None] = relationship(foreign_keys=[reporting_unit_id], lazy="selectin")
    partners: Mapped[list[OrgUnit]] = relationship(
        secondary=assignment_partners, lazy="selectin", order_by=OrgUnit.name
    )
    goal: Mapped[Goal | None] = relationship(lazy="selectin")
    document: Mapped[SourceDocument | None] = relationship(lazy="selectin")

    @property
    def tags(self) -> list[str]:
        return [row.tag for row in self.tag_rows]


class ReferenceCounter(Base):
    """The last number drawn for each reference prefix ("KS-2015" in KS-2015-096), so that a new
    reference is drawn in constant time and two concurrent creates never draw the same
    (app/assignments/references.py). Never behind any reference of its prefix."""

    __tablename__ = "reference_counters"

    prefix: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class StatusUpdate(Base):
    """One reported state of an assignment. Append-only: rows are never updated or deleted.

    Each row is a complete state (status, progress, assessment, traffic light) as the reporter
    submitted it; fields they left out were filled from the state they saw. The state of an
    assignment on a day is the row with the greatest (effective_date, recorded_at, id) on or
    before that day.
    """

    __tablename__ = "status_updates"
    __table_args__ = (
        Index("ix_status_updates_timeline", "assignment_id", "effective_date", "recorded_at", "id"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    effective_date: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    recorded_by: Mapped[str] = mapped_column(String(200))
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))  # a signed-in person
    status: Mapped[Status] = mapped_column(String(20))
    progress: Mapped[int] = mapped_column(Integer)
    assessment: Mapped[Assessment | None] = mapped_column(String(30))
    traffic_light: Mapped[TrafficLight] = mapped_column(String(10))
    comment: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    # The later decision (a document) that closed, cancelled or otherwise decided this state, if any.
    decision_document_id: Mapped[int | None] = mapped_column(ForeignKey("source_documents.id"))
    # A unit confirmed in a reporting round that the state is unchanged (the state repeated).
    confirmation: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class AssignmentRevision(Base):
    """An append-only record of a change to an assignment's own fields (create, edit, archive, seed)."""

    __tablename__ = "assignment_revisions"
    __table_args__ = (Index("ix_assignment_revisions_timeline", "assignment_id", "recorded_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(200))
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))  # a signed-in person
    action: Mapped[str] = mapped_column(String(20))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer)
    # The decision (a document) behind the change, e.g. a transfer to another owner, if any.
    decision_document_id: Mapped[int | None] = mapped_column(ForeignKey("source_documents.id"))


class AssignmentLink(Base):
    """A link between two assignments. Removing a link keeps its row (`removed_at`): history."""

    __tablename__ = "assignment_links"
    __table_args__ = (
        CheckConstraint("source_id <> target_id", name="not_to_itself"),
        Index("ix_assignment_links_source", "source_id"),
        Index("ix_assignment_links_target", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    target_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    kind: Mapped[LinkKind] = mapped_column(String(20))
    decision_document_id: Mapped[int | None] = mapped_column(ForeignKey("source_documents.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    created_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by: Mapped[str | None] = mapped_column(String(200))
    removed_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))

    source: Mapped["Assignment"] = relationship(foreign_keys=[source_id], lazy="raise")
    target: Mapped["Assignment"] = relationship(foreign_keys=[target_id], lazy="raise")


class DeadlineNotice(Base):
    """That a due-soon or overdue event was raised for an assignment and a latest deadline.

    The unique key makes each fire once; a changed deadline is a new key and fires again.
    """

    __tablename__ = "deadline_notices"
    __table_args__ = (UniqueConstraint("assignment_id", "event_type", "deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    event_type: Mapped[EventType] = mapped_column(String(40))
    deadline: Mapped[date] = mapped_column(Date)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# Each assignment's timeline newest first, for the state and the latest comment as of a day
# (app/assignments/as_of.py): read in index order without sorting; on PostgreSQL the state is
# read from the index alone.
Index(
    "ix_status_updates_as_of",
    StatusUpdate.assignment_id,
    StatusUpdate.effective_date.desc(),
    StatusUpdate.recorded_at.desc(),
    StatusUpdate.id.desc(),
    postgresql_include=["status", "progress", "assessment", "traffic_light"],
)
# The updates effective in a period, read by date (a reporting round's "updated in the period").
Index("ix_status_updates_effective_date", StatusUpdate.effective_date, StatusUpdate.assignment_id)
Index(
    "ix_status_updates_comments",
    StatusUpdate.assignment_id,
    StatusUpdate.effective_date.desc(),
    StatusUpdate.recorded_at.desc(),
    StatusUpdate.id.desc(),
    sqlite_where=StatusUpdate.comment.is_not(None),
    postgresql_where=StatusUpdate.comment.is_not(None),
)


class FinishedSpan(Base):
    """Days on which an assignment's reported state was finished (completed, closed or cancelled):
    from an effective day whose last status update is finished up to, not including, its next
    effective day (none: still finished). Derived from status_updates and rewritten with each status
    update of the assignment (app/assignments/finished_spans.py), so that which assignments were
    finished on a day is one indexed read rather than a look into every assignment's history."""

    __tablename__ = "finished_spans"
    __table_args__ = (
        # Both ways round, with the assignment, so that either bound of the day is read from an index
        # alone: `finished_from` for early days, `finished_until` for late ones.
        Index("ix_finished_spans_from", "finished_from", "finished_until", "assignment_id"),
        Index("ix_finished_spans_until", "finished_until", "finished_from", "assignment_id"),
    )

    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), primary_key=True)
    finished_from: Mapped[date] = mapped_column(Date, primary_key=True)
    finished_until: Mapped[date | None] = mapped_column(Date)


class ReportingLock(Base):
    """Status updates effective from `first_day` to `last_day` for the assignments a unit reports
    are refused while the lock holds (`lifted_at` is null): the unit has submitted its report for
    that period (app/rounds). A lifted lock is kept: history."""

    __tablename__ = "reporting_locks"
    __table_args__ = (CheckConstraint("first_day <= last_day", name="days"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300))
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
