"""The calendar feed (iCalendar, RFC 5545): every open deadline as an all-day event, and the day
each unit's part of a reporting round is due, for the rounds due from a month ago to a year ahead."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from app.assignments.models import Assignment
from app.assignments.queries import open_deadlines
from app.assignments.schemas import AssignmentFilters
from app.assignments.vocabulary import LABELS
from app.org.service import covering_unit_ids, resolve_unit_reference
from app.rounds.labels import STATE_LABELS
from app.rounds.service import PartDue, parts_due_between

PRODUCT_ID = "-//Uppdrag//Uppdragsuppföljning//SV"
UID_DOMAIN = "uppdrag.stockholm.se"


def _event(assignment: Assignment, stamp: datetime) -> Event:
    deadline = assignment.deadline_latest
    assert deadline is not None  # open_deadlines only returns dated assignments
    event = Event()
    event.add("uid", f"assignment-{assignment.id}-deadline@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("last-modified", assignment.updated_at)
    event.add("dtstart", deadline)
    event.add("dtend", deadline + timedelta(days=1))
    event.add("summary", f"{assignment.reference} {assignment.title}")
    event.add("transp", "TRANSPARENT")
    lines = [
        f"Ansvarig: {assignment.owner.name}",
        f"Utförare: {assignment.executor.name}" if assignment.executor else None,
        f"Deadline: {assignment.deadline_text}" if assignment.deadline_text else None,
        f"Status: {LABELS['sv'][assignment.status]} ({assignment.progress} %)",
        assignment.quote,
    ]
    event.add("description", "\n".join(line for line in lines if line))
    event.add("categories", [assignment.owner.name])
    return event


def _round_event(part: PartDue, stamp: datetime) -> Event:
    period, unit = part.context.period, part.unit
    event = Event()
    event.add("uid", f"round-{period.year}-{period.key}-unit-{unit.id}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", part.context.due)
    event.add("dtend", part.context.due + timedelta(days=1))
    event.add("summary", f"Rapportering {period.name_sv} {period.year}: {unit.name}")
    event.add("transp", "TRANSPARENT")
    lines = [
        f"{unit.name} lämnar in sin rapportering för {period.name_sv} {period.year} senast denna dag.",
        f"Läge: {STATE_LABELS['sv'][part.state]}",
        f"Rapporterade uppdrag: {part.count.updated} av {part.count.expected}",
    ]
    event.add("description", "\n".join(lines))
    event.add("categories", ["Rapportering"])
    return event


def build_calendar(
    assignments: Sequence[Assignment], parts: Sequence[PartDue], stamp: datetime, timezone: str
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Uppdrag – slutdatum")
    calendar.add("x-wr-timezone", timezone)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for assignment in assignments:
        calendar.add_component(_event(assignment, stamp))
    for part in parts:
        calendar.add_component(_round_event(part, stamp))
    ical: bytes = calendar.to_ical()
    return ical


ROUNDS_SHOWN_BEFORE = timedelta(days=31)
ROUNDS_SHOWN_AHEAD = timedelta(days=366)


def _round_parts(session: Session, *, owner: str | None, today: date, timezone: str) -> list[PartDue]:
    """The parts of the rounds due from a month ago to a year ahead; with `owner`, of that unit and
    the units below it."""
    parts = parts_due_between(
        session,
        first=today - ROUNDS_SHOWN_BEFORE,
        last=today + ROUNDS_SHOWN_AHEAD,
        today=today,
        timezone=timezone,
    )
    if owner is None:
        return parts
    covered = covering_unit_ids(session, resolve_unit_reference(session, owner, field="owner").id)
    return [part for part in parts if part.unit.id in covered]


def deadline_calendar(
    session: Session,
    *,
    filters: AssignmentFilters,
    rounds: bool,
    today: date,
    timezone: str,
    stamp: datetime,
) -> bytes:
    """Open deadlines, and (with `rounds`) the days units' parts of the reporting rounds are due."""
    assignments = open_deadlines(session, filters=filters, today=today, timezone=timezone)
    parts = _round_parts(session, owner=filters.owner, today=today, timezone=timezone) if rounds else []
    return build_calendar(assignments, parts, stamp, timezone)
