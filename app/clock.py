"""What 'today' is for the service: the calendar date in the configured time zone."""

from datetime import date, datetime
from zoneinfo import ZoneInfo


def local_today(timezone: str) -> date:
    return datetime.now(ZoneInfo(timezone)).date()
