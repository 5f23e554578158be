"""The calendar feed: every open deadline as an all-day event (iCalendar, RFC 5545)."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from app.assignments.models import Assignment
from app.assignments.queries import open_deadlines
from app.assignments.schemas import AssignmentFilters
from app.assignments.vocabulary import LABELS

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


def build_calendar(assignments: Sequence[Assignment], stamp: datetime, timezone: str) -> bytes:
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
    ical: bytes = calendar.to_ical()
    return ical


def deadline_calendar(
    session: Session, *, filters: AssignmentFilters, today: date, timezone: str, stamp: datetime
) -> bytes:
    assignments = open_deadlines(session, filters=filters, today=today, timezone=timezone)
    return build_calendar(assignments, stamp, timezone)
