"""Reporting rounds: a period's round (its due date), each unit's part once something happened to
it, the part's transitions (append-only), and the reminders raised."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow
from app.rounds.vocabulary import PartAction, PartState
from app.webhooks.vocabulary import EventType


class Round(Base):
    """A period's round, stored once it is configured or a part moves. `due_on`: the day units'
    reports are due (null: the cut-off plus the default number of days)."""

    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("year", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RoundDueDate(Base):
    """An append-only record of a round's due date being set (null: back to the default)."""

    __tablename__ = "round_due_dates"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    due_on: Mapped[date | None] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    recorded_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class RoundPart(Base):
    """A unit's part of a round, stored from its first transition. `state` is a cache of the latest
    transition's; `lock_id` is the reporting lock its submission holds (app/assignments/reporting.py)."""

    __tablename__ = "round_parts"
    __table_args__ = (UniqueConstraint("round_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    state: Mapped[PartState] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=1)
    lock_id: Mapped[int | None] = mapped_column(ForeignKey("reporting_locks.id"))

    transitions: Mapped[list["RoundTransition"]] = relationship(
        lazy="selectin", order_by="RoundTransition.id", back_populates="part"
    )


class RoundTransition(Base):
    """One move of a part (submitted, returned, approved): who, when, with what comment. Never
    updated or deleted."""

    __tablename__ = "round_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("round_parts.id"), index=True)
    action: Mapped[PartAction] = mapped_column(String(20))
    from_state: Mapped[PartState] = mapped_column(String(20))
    to_state: Mapped[PartState] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    recorded_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))

    part: Mapped[RoundPart] = relationship(back_populates="transitions", lazy="raise")


class RoundNotice(Base):
    """That a reminder (`round.due_soon`, `round.overdue`) was raised for a unit's part and a due
    date: the unique key makes each fire once; a changed due date fires again."""

    __tablename__ = "round_notices"
    __table_args__ = (UniqueConstraint("round_id", "unit_id", "event_type", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    event_type: Mapped[EventType] = mapped_column(String(40))
    due_on: Mapped[date] = mapped_column(Date)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PendingUpload(Base):
    """A filled-in form a person uploaded on their part's page and saw as a dry run, kept until
    they write it (or it expires), so that what is written is the file they saw. Bound to the browser
    session it was uploaded in (`binding_hash`: a SHA-256 of the session's CSRF token, or of the
    Bearer token's id for a script using the pages) and to the
    round and unit. Not history: deleted once written, and when old."""

    __tablename__ = "pending_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    binding_hash: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    year: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
