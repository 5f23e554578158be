from datetime import date
from enum import StrEnum

from sqlalchemy import JSON, Column, Date, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base


class UnitKind(StrEnum):
    COUNCIL = "council"  # fullmäktige
    BOARD = "board"  # styrelse / nämnd
    OFFICE = "office"  # förvaltning / kontor
    DEPARTMENT = "department"  # avdelning
    COMPANY = "company"  # bolag


# A unit that ceased (renamed, merged, split) and the units that took over its work.
unit_successions = Table(
    "unit_successions",
    Base.metadata,
    Column("unit_id", ForeignKey("org_units.id"), primary_key=True),
    Column("successor_id", ForeignKey("org_units.id"), primary_key=True, index=True),
)


class OrgUnit(Base):
    """An organisational unit of the city: a council, board, office, department or company.

    Units are never deleted: a unit that ceases gets `valid_to` and its successors (one when it was
    renamed or merged into another, several when it was split).
    """

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
    successors: Mapped[list["OrgUnit"]] = relationship(
        secondary=unit_successions,
        primaryjoin=lambda: OrgUnit.id == unit_successions.c.unit_id,
        secondaryjoin=lambda: OrgUnit.id == unit_successions.c.successor_id,
        lazy="selectin",
        order_by=lambda: OrgUnit.name,
    )
