from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class Origin(StrEnum):
    """Whether a commitment was adopted or only proposed in a dissent or statement."""

    ADOPTED = "adopted"
    RESERVATION = "reservation"
    STATEMENT = "statement"


class SourceDocument(Base):
    """A decision document whose commitments are tracked (e.g. a budget underlag)."""

    __tablename__ = "source_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    issuer_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    document_date: Mapped[date] = mapped_column(Date)
    diarienummer: Mapped[str | None] = mapped_column(String(60))
    plan_start_year: Mapped[int] = mapped_column(Integer)
    plan_end_year: Mapped[int] = mapped_column(Integer)
    reference_prefix: Mapped[str] = mapped_column(String(20))
    reporting_calendar: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    full_text: Mapped[str] = mapped_column(Text, deferred=True)


class Goal(Base):
    """A goal of a document: KF's inriktningsmål, or a reservation's own goals."""

    __tablename__ = "goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("source_documents.id"), index=True)
    number: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(300))
    origin: Mapped[Origin] = mapped_column(String(20))
