from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow


class PublishedReport(Base):
    """A report frozen when it was published: the default report of one period, exactly as it was then.

    `snapshot` is the report without its lines (document, period, cut-offs, filters, summary); the
    lines are rows of `published_report_lines` (migration 0006 moved them there from the snapshots of
    reports published before it).
    """

    __tablename__ = "published_reports"
    __table_args__ = (UniqueConstraint("year", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(20))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by: Mapped[str] = mapped_column(String(200))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The period's reporting round when it was published: units with a part, and how many approved
    # (null for reports published before rounds existed).
    units_reporting: Mapped[int | None] = mapped_column(Integer)
    units_approved: Mapped[int | None] = mapped_column(Integer)


class PublishedReportLine(Base):
    """One line of a published report as the report's JSON holds it: `body` is one object, UTF-8.

    A row per line rather than one large document: a frozen report of 50,000 lines is read back
    without parsing or validating it. `digest` is a digest of the fields a diff compares (see
    app/reports/service.py): live data is compared with the frozen report by digests, and only lines
    whose digest differs are parsed.
    """

    __tablename__ = "published_report_lines"

    report_id: Mapped[int] = mapped_column(ForeignKey("published_reports.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40))
    digest: Mapped[bytes] = mapped_column(LargeBinary)
    body: Mapped[bytes] = mapped_column(LargeBinary)
