"""What 'today' is for the service: the calendar date in the configured time zone."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def local_today(timezone: str) -> date:
    return datetime.now(ZoneInfo(timezone)).date()


def day_end(day: date, timezone: str) -> datetime:
    """The first instant after `day` in the time zone: what happened before it happened on or before `day`."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=ZoneInfo(timezone))
