"""Reporting periods: the document's reporting calendar repeated for every year of its plan period.

The calendar is data (SourceDocument.reporting_calendar, e.g. T1 on 04-30, T2 on 08-31, the annual
report on 12-31), never code. A period covers the days after the previous cut-off up to and including
its own; the first period of a year follows the last cut-off of the year before.
"""

from dataclasses import dataclass
from datetime import date

from app.documents.models import SourceDocument
from app.errors import NotFoundError


@dataclass(frozen=True)
class ReportWindow:
    """What a report covers: the state on `cutoff`, what changed since `previous_cutoff`, and what
    falls due before `next_cutoff`."""

    previous_cutoff: date
    cutoff: date
    next_cutoff: date


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
class _CalendarEntry:
    key: str
    month: int
    day: int
    name_sv: str
    name_en: str

    def cutoff_in(self, year: int) -> date:
        return date(year, self.month, self.day)


def _calendar(document: SourceDocument) -> list[_CalendarEntry]:
    """The document's reporting calendar in cut-off order."""
    if not document.reporting_calendar:
        raise NotFoundError(f"The document {document.key} has no reporting calendar, so it has no reports.")
    entries = []
    for entry in document.reporting_calendar:
        month, day = (int(part) for part in entry["cutoff"].split("-"))
        entries.append(_CalendarEntry(entry["period"], month, day, entry["name_sv"], entry["name_en"]))
    return sorted(entries, key=lambda entry: (entry.month, entry.day))


def _cutoffs(calendar: list[_CalendarEntry], first_year: int, last_year: int) -> list[date]:
    return [entry.cutoff_in(year) for year in range(first_year, last_year + 1) for entry in calendar]


def plan_periods(document: SourceDocument) -> list[ReportingPeriod]:
    """Every reporting period of the document's plan period, in cut-off order."""
    calendar = _calendar(document)
    # One year either side, so that the first period has a previous cut-off and the last a next one.
    cutoffs = _cutoffs(calendar, document.plan_start_year - 1, document.plan_end_year + 1)
    periods = []
    for position, cutoff in enumerate(cutoffs[len(calendar) : -len(calendar)], start=len(calendar)):
        entry = calendar[position % len(calendar)]
        window = ReportWindow(cutoffs[position - 1], cutoff, cutoffs[position + 1])
        periods.append(ReportingPeriod(cutoff.year, entry.key, entry.name_sv, entry.name_en, window))
    return periods


def find_period(document: SourceDocument, year: int, key: str) -> ReportingPeriod:
    for period in plan_periods(document):
        if (period.year, period.key) == (year, key):
            return period
    known = ", ".join(entry.key for entry in _calendar(document))
    raise NotFoundError(
        f"No report {key} {year}: the plan period is {document.plan_start_year}–{document.plan_end_year} "
        f"and the reporting calendar has {known}."
    )


def previous_period(document: SourceDocument, period: ReportingPeriod) -> ReportingPeriod:
    periods = plan_periods(document)
    position = periods.index(period)
    if position == 0:
        raise NotFoundError(f"{period.key} {period.year} is the first report of the plan period.")
    return periods[position - 1]


def window_around(document: SourceDocument, day: date) -> ReportWindow:
    """A window ending on `day`: since the last cut-off before it, up to the next cut-off after it."""
    cutoffs = _cutoffs(_calendar(document), day.year - 1, day.year + 1)
    return ReportWindow(
        previous_cutoff=max(cutoff for cutoff in cutoffs if cutoff < day),
        cutoff=day,
        next_cutoff=min(cutoff for cutoff in cutoffs if cutoff > day),
    )
