"""Round reminders: `round.due_soon` before a unit's part is due and `round.overdue` after, each
raised once per unit, round and due date (the worker calls this every round).

A round reminds from the day its period begins until the next round is due, so that an old round
nobody submitted does not remind for ever; parts submitted or approved are not reminded of.
"""

from datetime import date, timedelta
from itertools import pairwise

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import insert_if_absent, utcnow
from app.org.models import OrgUnit
from app.org.schemas import UnitRef
from app.org.service import list_units
from app.periods.service import ReportingPeriod, load_calendar
from app.rounds.models import Round, RoundNotice
from app.rounds.parts import PartCount, part_counts
from app.rounds.service import RoundContext, part_state, stored_parts, stored_round
from app.rounds.vocabulary import READY_STATES, PartState
from app.webhooks.outbox import record_event
from app.webhooks.vocabulary import EventType


def _reminding(session: Session, *, today: date) -> list[RoundContext]:
    """The rounds that remind today: begun, and the next round not yet due."""
    rows = {(row.year, row.period): row for row in session.scalars(select(Round))}

    def context(period: ReportingPeriod) -> RoundContext:
        return RoundContext(period, rows.get((period.year, period.key)), today)

    periods = load_calendar(session, today=today).periods()
    return [
        context(period)
        for period, following in pairwise(periods)
        if period.window.previous_cutoff < today <= context(following).due
    ]


def _event_due(context: RoundContext, *, today: date, due_soon_days: int) -> EventType | None:
    if today > context.due:
        return EventType.ROUND_OVERDUE
    if today >= context.due - timedelta(days=due_soon_days):
        return EventType.ROUND_DUE_SOON
    return None


def _remind(
    session: Session,
    context: RoundContext,
    event_type: EventType,
    unit: OrgUnit,
    *,
    state: PartState,
    count: PartCount,
) -> bool:
    """Raise the reminder for a unit's part unless it was raised before for this due date."""
    round_row = stored_round(session, context)
    notice = {"round_id": round_row.id, "unit_id": unit.id, "event_type": event_type, "due_on": context.due}
    if not insert_if_absent(session, RoundNotice, {**notice, "raised_at": utcnow()}, key=list(notice)):
        return False
    payload = {
        "round": {"year": context.period.year, "period": context.period.key},
        "unit": UnitRef.model_validate(unit).model_dump(),
        "due": context.due,
        "state": state,
        "expected": count.expected,
        "updated": count.updated,
    }
    record_event(session, event_type, payload=payload, owner_unit_id=unit.id)
    return True


def raise_round_reminders(session: Session, *, today: date, due_soon_days: int, timezone: str) -> int:
    """Raise the reminders due today, each once; returns how many were raised."""
    raised = 0
    units = {unit.id: unit for unit in list_units(session)}
    for context in _reminding(session, today=today):
        event_type = _event_due(context, today=today, due_soon_days=due_soon_days)
        if event_type is None:
            continue
        stored = stored_parts(session, context)
        for unit_id, count in sorted(part_counts(session, context.days, timezone=timezone).items()):
            state = part_state(stored.get(unit_id), count)
            if state not in READY_STATES:
                raised += _remind(session, context, event_type, units[unit_id], state=state, count=count)
    session.flush()
    return raised
