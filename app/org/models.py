from datetime import date
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base


class UnitKind(StrEnum):
    COUNCIL = "council"  # fullmäktige
    BOARD = "board"  # styrelse / nämnd
    OFFICE = "office"  # förvaltning / kontor
    DEPARTMENT = "department"  # avdelning
    COMPANY = "company"  # bolag


class OrgUnit(Base):
    """An organisational unit of the city: a council, board, office, department or company."""

    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(60))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    kind: Mapped[UnitKind] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    parent: Mapped["OrgUnit | None"] = relationship(remote_side=[id], lazy="raise")
