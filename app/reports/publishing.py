"""Publishing a period's report, reading it back frozen, and how reports differ.

Publishing freezes the default report: the report without its lines in
`published_reports.snapshot`, each line's JSON a row of `published_report_lines` with a digest of
what a diff compares. A published report never changes; its diff with live data reads only what a
diff compares (`compared_query`) and compares digests, so that only lines whose digests differ are
parsed and compared field by field.
"""

import json
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, NamedTuple

from pydantic_core import to_json
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.access import Principal
from app.assignments.schemas import FieldChange
from app.db import utcnow
from app.errors import ConflictError
from app.periods.service import ReportingPeriod, ReportWindow
from app.reports.fetch import stream_rows
from app.reports.json_body import LINES, FrozenLine, FrozenLines, LiveLines
from app.reports.lines import DIFF_FIELDS, compared_query, comparer, digest, line_rows
from app.reports.links import report_links
from app.reports.live import Keep, default_report
from app.reports.models import PublishedReport, PublishedReportLine
from app.reports.names import Names
from app.reports.schemas import Publication, Report, ReportDiff, ReportResponse
from app.rounds.service import round_progress
from app.webhooks.outbox import record_event
from app.webhooks.vocabulary import EventType

NO_DIFF = ReportDiff(changed={}, added=[], removed=[])

# --- published reports ------------------------------------------------------------------------


def publications(session: Session) -> dict[tuple[int, str], PublishedReport]:
    """Every published report, by (year, period)."""
    return {(row.year, row.period): row for row in session.scalars(select(PublishedReport))}


def publication(row: PublishedReport) -> Publication:
    return Publication(
        at=row.published_at,
        by=row.published_by,
        units_reporting=row.units_reporting,
        units_approved=row.units_approved,
    )


def published_row(session: Session, period: ReportingPeriod) -> PublishedReport | None:
    return session.scalar(
        select(PublishedReport).where(
            PublishedReport.year == period.year, PublishedReport.period == period.key
        )
    )


def frozen_report(session: Session, published: PublishedReport) -> tuple[Report, FrozenLines]:
    """A published report as stored: the report without its lines, and its lines as JSON."""
    report = Report.model_validate({**published.snapshot, "assignments": []})
    query = (
        select(PublishedReportLine.reference, PublishedReportLine.digest, PublishedReportLine.body)
        .where(PublishedReportLine.report_id == published.id)
        .order_by(PublishedReportLine.position)
    )
    return report, FrozenLines([FrozenLine._make(row) for row in stream_rows(session, query)])


def report_response(
    report: Report, published: PublishedReport | None, diff: ReportDiff | None = None
) -> ReportResponse:
    """The report endpoint's answer: a live report (no diff), or a frozen one with its diff."""
    return ReportResponse(
        **dict(report),
        source="live" if diff is None else "published",
        published=publication(published) if published else None,
        live_differs=None if diff is None else not diff.is_empty,
        diff=diff,
    )


# --- diffs ------------------------------------------------------------------------------------


def _field_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, FieldChange]:
    """The compared fields that differ between two versions of a line (JSON values)."""
    return {
        name: FieldChange(old=old.get(name), new=new.get(name))
        for name in DIFF_FIELDS
        if old.get(name) != new.get(name)
    }


def _diff(
    changed: Mapping[str, dict[str, FieldChange]], before: Iterable[str], after: Iterable[str]
) -> ReportDiff:
    before, after = set(before), set(after)
    return ReportDiff(
        changed=dict(sorted(changed.items())),
        added=sorted(after - before),
        removed=sorted(before - after),
    )


def diff_reports(old: Report, new: Report) -> ReportDiff:
    """Per assignment reference, the fields that differ (old → new), and assignments added or removed."""
    fields = {"__all__": {"reference", *DIFF_FIELDS}}
    before = {
        line["reference"]: line for line in LINES.dump_python(old.assignments, mode="json", include=fields)
    }
    after = {
        line["reference"]: line for line in LINES.dump_python(new.assignments, mode="json", include=fields)
    }
    changed = {}
    for reference in before.keys() & after.keys():
        if changes := _field_changes(before[reference], after[reference]):
            changed[reference] = changes
    return _diff(changed, before, after)


class ComparedLine(NamedTuple):
    """What a diff compares of a live line, and its digest."""

    digest: bytes
    fields: dict[str, Any]


def _live_compared(session: Session, window: ReportWindow, timezone: str) -> dict[str, ComparedLine]:
    """What a diff compares of each line of the live default report, with its digest, by reference."""
    compared_of = comparer(window, Names(session, window.cutoff, timezone))
    lines = {}
    for row in line_rows(session, compared_query(session, window, timezone=timezone)):
        if not row.archived:  # archived by the cut-off: not a line
            compared = compared_of(row)
            lines[row.reference] = ComparedLine(digest(compared), compared)
    return lines


def frozen_diff(session: Session, frozen: FrozenLines, *, window: ReportWindow, timezone: str) -> ReportDiff:
    """How live data differs from a published report (as `diff_reports`): lines whose compared
    fields have the digest they had when published are equal; only the others are parsed."""
    live = _live_compared(session, window, timezone)
    changed = {}
    for line in frozen.rows:
        now = live.get(line.reference)
        if now is None or now.digest == line.digest:
            continue
        new = json.loads(to_json(now.fields))
        if changes := _field_changes(json.loads(line.body), new):
            changed[line.reference] = changes
    return _diff(changed, (line.reference for line in frozen.rows), live)


# --- publishing -------------------------------------------------------------------------------


def _store_lines(session: Session, published: PublishedReport, lines: LiveLines) -> None:
    bodies, digests = lines.bodies(), lines.digests or []
    if not bodies:
        return
    session.execute(
        insert(PublishedReportLine),
        [
            {
                "report_id": published.id,
                "position": position,
                "reference": reference,
                "digest": line_digest,
                "body": body,
            }
            for position, (reference, line_digest, body) in enumerate(
                zip(lines.references, digests, bodies, strict=True)
            )
        ],
    )


def _record_publication(session: Session, published: PublishedReport) -> None:
    """The `report.published` webhook event, in the publishing transaction."""
    record_event(
        session,
        EventType.REPORT_PUBLISHED,
        payload={
            "year": published.year,
            "period": published.period,
            "published_at": published.published_at,
            "published_by": published.published_by,
            "summary": published.snapshot.get("summary"),
            "links": report_links(published.year, published.period),
        },
    )


def publish(
    session: Session, period: ReportingPeriod, *, actor: Principal, timezone: str, today: date
) -> tuple[ReportResponse, list[bytes]]:
    """Freeze the period's default report as it is now, with who published it and when, and how
    far the period's reporting round had come: the frozen report as the report endpoint now gives
    it, and its lines' JSON."""
    if published_row(session, period) is not None:
        raise ConflictError(f"{period.key} {period.year} has already been published; it does not change.")
    report, lines = default_report(session, period, timezone=timezone, keep=Keep.PUBLISHED)
    progress = round_progress(session, period=period, today=today, timezone=timezone)
    published = PublishedReport(
        year=period.year,
        period=period.key,
        published_at=utcnow(),
        published_by=actor.name,
        snapshot=report.model_dump(mode="json", exclude={"assignments"}),
        units_reporting=progress.units,
        units_approved=progress.approved,
    )
    session.add(published)
    session.flush()
    _store_lines(session, published, lines)
    _record_publication(session, published)
    return report_response(report, published, NO_DIFF), lines.bodies()
