"""Reporting periods: the city's reporting calendar repeated every year, for every year the register
speaks of.

The calendar is data of the city (`reporting_calendar`: T1 on 04-30, T2 on 08-31, the annual report
on 12-31), not of a document. A period covers the days after the previous cut-off up to and including
its own; the first period of a year follows the last cut-off of the year before. Periods exist for
every year from the earliest document's (its plan start, or its date's year) to the year after the
latest plan end or deadline, and for the current year; registering a later document never takes a
period away.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from app.assignments.models import Assignment
from app.documents.service import year_span
from app.errors import NotFoundError
from app.periods.models import CalendarEntry


@dataclass(frozen=True)
class ReportWindow:
    """What a report covers: the state on `cutoff`, what changed since `previous_cutoff`, and what
    falls due before `next_cutoff`."""

    previous_cutoff: date
    cutoff: date
    next_cutoff: date

    @property
    def year_start(self) -> date:
        """The last day of the year before the cut-off's: an assignment finished by then is not in
        this year's reports."""
        return date(self.cutoff.year - 1, 12, 31)


@dataclass(frozen=True)
class ReportingPeriod:
    year: int
    key: str
    name_sv: str
    name_en: str
    window: ReportWindow

    @property
    def cutoff(self) -> date:
        return self.window.cutoff


@dataclass(frozen=True)
class Calendar:
    """The city's reporting calendar, in cut-off order, and the years it has reports for."""

    entries: tuple[CalendarEntry, ...]
    first_year: int
    last_year: int

    def _cutoffs(self, first_year: int, last_year: int) -> list[tuple[date, CalendarEntry]]:
        return [
            (date(year, entry.cutoff_month, entry.cutoff_day), entry)
            for year in range(first_year, last_year + 1)
            for entry in self.entries
        ]

    def periods(self) -> list[ReportingPeriod]:
        """Every reporting period of every year, in cut-off order."""
        # One year either side, so that the first period has a previous cut-off and the last a next one.
        cutoffs = self._cutoffs(self.first_year - 1, self.last_year + 1)
        size = len(self.entries)
        periods = []
        for position in range(size, len(cutoffs) - size):
            cutoff, entry = cutoffs[position]
            window = ReportWindow(cutoffs[position - 1][0], cutoff, cutoffs[position + 1][0])
            periods.append(ReportingPeriod(cutoff.year, entry.key, entry.name_sv, entry.name_en, window))
        return periods

    def find(self, year: int, key: str, *, subject: str = "report") -> ReportingPeriod:
        """The period of `key` in `year`; a 404 naming the `subject` asked for (a report, a round)."""
        for period in self.periods():
            if (period.year, period.key) == (year, key):
                return period
        known = ", ".join(entry.key for entry in self.entries)
        raise NotFoundError(
            f"No {subject} {key} {year}: {subject}s exist for {self.first_year}–{self.last_year}, "
            f"and the reporting calendar has {known}."
        )

    def previous(self, period: ReportingPeriod) -> ReportingPeriod:
        periods = self.periods()
        position = periods.index(period)
        if position == 0:
            raise NotFoundError(f"{period.key} {period.year} is the first report there is.")
        return periods[position - 1]

    def period_of(self, day: date) -> ReportingPeriod:
        """The period a day falls in: the first whose cut-off is on or after it (clamped to the range)."""
        periods = self.periods()
        return next((period for period in periods if period.cutoff >= day), periods[-1])

    def window_around(self, day: date) -> ReportWindow:
        """A window ending on `day`: since the last cut-off before it, up to the next cut-off after it."""
        cutoffs = [cutoff for cutoff, _entry in self._cutoffs(day.year - 1, day.year + 1)]
        return ReportWindow(
            previous_cutoff=max(cutoff for cutoff in cutoffs if cutoff < day),
            cutoff=day,
            next_cutoff=min(cutoff for cutoff in cutoffs if cutoff > day),
        )


def _latest_deadline_year(session: Session) -> int | None:
    latest = session.scalar(select(func.max(extract("year", Assignment.deadline_latest))))
    return None if latest is None else int(latest)


def load_calendar(session: Session, *, today: date) -> Calendar:
    """The city's calendar and the years with reports: from the earliest document's year to the year
    after the latest plan end or deadline, and the current year."""
    entries = tuple(
        session.scalars(select(CalendarEntry).order_by(CalendarEntry.cutoff_month, CalendarEntry.cutoff_day))
    )
    if not entries:
        raise NotFoundError("The city's reporting calendar is empty, so there are no reports.")
    span = year_span(session)
    first, last = span if span else (today.year, today.year)
    deadline_year = _latest_deadline_year(session)
    last = max(last, deadline_year or last) + 1
    return Calendar(entries, min(first, today.year), max(last, today.year))
