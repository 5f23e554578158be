"""The city's reporting calendar (table `reporting_calendar`)."""

from sqlalchemy import CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class CalendarEntry(Base):
    """One report of the city's reporting calendar (ILS), repeated every year: T1 on 04-30, T2 on
    08-31, the annual report on 12-31. The calendar is the city's, not a document's."""

    __tablename__ = "reporting_calendar"
    __table_args__ = (
        CheckConstraint("cutoff_month BETWEEN 1 AND 12 AND cutoff_day BETWEEN 1 AND 31", name="cutoff"),
    )

    key: Mapped[str] = mapped_column(String(20), primary_key=True)
    cutoff_month: Mapped[int] = mapped_column(Integer)
    cutoff_day: Mapped[int] = mapped_column(Integer)
    name_sv: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
