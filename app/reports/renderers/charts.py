"""Chart geometry for the HTML page, computed on the server and drawn as inline SVG by the templates.

No script draws anything in the browser: a chart is rows of bars (status distribution, per-owner
bars) or a time axis with bars per quarter (deadlines across the plan period, with the cut-off's
line and, on the current period's dashboard, today's).
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from app.assignments.vocabulary import Status
from app.reports.renderers.labels import Labels
from app.reports.schemas import Report, ReportLine

WIDTH = 640
BAR_X = 4  # bars start at the left edge, each under its label, so that a phone has room for both
VALUE_WIDTH = 50
# A row is a label line and a bar. Text is 12 units high, 22 on a phone (the layout's stylesheet):
# the label's baseline leaves room above it for the larger text, and the bar starts below the
# label's descenders ("påbörjad"), with a gap before the next row's label.
ROW_HEIGHT = 58
LABEL_BASELINE = 22
BAR_TOP = 33
BAR_HEIGHT = 16
# A unit below another (the owner chart's roll-up) is indented by this much a level, its label and
# its bar, and named "varav …": its assignments are among those of the unit above.
LEVEL_INDENT = 18

# One colour per category in every chart, each with at least 4.5:1 contrast against white, told
# apart also by the tables beside the charts.
STATUS_COLOURS = {
    Status.NOT_STARTED: "#5b6470",
    Status.IN_PROGRESS: "#1d4ed8",
    Status.COMPLETED: "#15803d",
    Status.CLOSED: "#6d28d9",
    Status.CANCELLED: "#9a3412",
}
COMPLETED_COLOUR = STATUS_COLOURS[Status.COMPLETED]
OVERDUE_COLOUR = "#b91c1c"
OTHER_COLOUR = "#0e7490"  # neither completed nor overdue: a colour no status has


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    colour: str
    label: str
    value: int


@dataclass(frozen=True)
class BarRow:
    label: str
    x: float  # where its label and bar begin (indented by its level)
    y: float
    total: int
    segments: list[Segment]


@dataclass(frozen=True)
class BarChart:
    title: str
    width: int
    height: int
    label_baseline: int
    bar_top: int
    bar_height: int
    rows: list[BarRow]
    legend: list[tuple[str, str]]
    empty: str  # said instead of the chart when no row has any assignment ("Inga uppdrag")

    @property
    def is_empty(self) -> bool:
        return not any(row.total for row in self.rows)


def _bar_chart(
    title: str,
    rows: list[tuple[str, int, list[tuple[str, str, int]]]],
    legend: list[tuple[str, str]],
    t: Labels,
) -> BarChart:
    """Horizontal bars, one row per (label, level, [(segment label, colour, value)]), on one scale;
    a row of a deeper level is indented and its label says it is part of the row above ("varav")."""
    largest = max((sum(value for _, _, value in parts) for _, _, parts in rows), default=0) or 1
    deepest = max((level for _, level, _ in rows), default=0)
    scale = (WIDTH - BAR_X - VALUE_WIDTH - deepest * LEVEL_INDENT) / largest
    bar_rows = []
    for index, (label, level, parts) in enumerate(rows):
        start = x = float(BAR_X + level * LEVEL_INDENT)
        segments = []
        for part_label, colour, value in parts:
            if value:
                segments.append(Segment(x, value * scale, colour, f"{label}: {part_label} {value}", value))
                x += value * scale
        total = sum(value for _, _, value in parts)
        shown = t("of_which", name=label) if level else label
        bar_rows.append(BarRow(shown, start, index * ROW_HEIGHT, total, segments))
    height = len(rows) * ROW_HEIGHT + 4
    return BarChart(
        title,
        WIDTH,
        height,
        LABEL_BASELINE,
        BAR_TOP,
        BAR_HEIGHT,
        bar_rows,
        legend,
        t("no_assignments_chart"),
    )


def status_chart(report: Report, t: Labels) -> BarChart:
    rows = [
        (t.value(status), 0, [(t.value(status), STATUS_COLOURS[status], count)])
        for status, count in report.summary.by_status.items()
    ]
    return _bar_chart(t("status_chart"), rows, [], t)


def owner_chart(report: Report, t: Labels) -> BarChart:
    """Per owner (rolled up): completed, overdue and the rest."""
    rows = [
        (
            node.unit.name,
            node.level,
            [
                (t("completed"), COMPLETED_COLOUR, node.completed),
                (t("overdue_count"), OVERDUE_COLOUR, node.overdue),
                (t("other"), OTHER_COLOUR, node.assignments - node.completed - node.overdue),
            ],
        )
        for node in report.summary.by_owner
    ]
    return _bar_chart(t("owner_chart"), rows, category_legend(t), t)


def category_legend(t: Labels) -> list[tuple[str, str]]:
    """The categories of the owner chart and the timeline, in the same colours."""
    return [
        (t("completed"), COMPLETED_COLOUR),
        (t("overdue_count"), OVERDUE_COLOUR),
        (t("other"), OTHER_COLOUR),
    ]


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    minor: bool = False  # left out on a phone, where every label would not fit


@dataclass(frozen=True)
class Marker:
    """A day marked on the time axis with a line and a label: the cut-off (dashed), the day the
    report shows the state of when it is not the cut-off (solid red: today on the dashboard)."""

    x: float
    label: str
    colour: str
    dashed: bool


@dataclass(frozen=True)
class Block:
    """One part of a stacked bar on the time axis."""

    x: float
    y: float
    height: float
    colour: str
    label: str


@dataclass(frozen=True)
class Timeline:
    title: str
    width: int
    height: int
    top: int
    baseline: int
    year_baseline: int
    marker_baseline: int  # the first marker's label; each next one MARKER_LABEL_STEP below
    marker_step: int
    plan_x: float
    plan_width: float
    blocks: list[Block]
    bar_width: float
    ticks: list[Tick]
    markers: list[Marker]
    outside: str  # what the axis leaves out, as a sentence ("" when nothing), or that there is nothing
    legend: list[tuple[str, str]]


# Year labels that fit under the axis side by side at the chart's text size (in print, where no
# stylesheet thins them, too): every year, else every 2nd, 5th or 10th. A phone's larger text shows
# every other one of those when there are more than MOST_TICKS_ON_A_PHONE.
MOST_YEAR_LABELS = 10
YEAR_LABEL_STEPS = (1, 2, 5, 10)
MOST_TICKS_ON_A_PHONE = 6
TIMELINE_TOP = 24
TIMELINE_BASELINE = 150
TIMELINE_MARGIN = 40
# Under the axis: the year labels, then one line per marker's label (the cut-off, today), each far
# enough below the last for a phone's larger text. The markers' lines end at the axis, so that no
# line crosses a year's label.
YEAR_LABEL_DROP = 26
MARKER_LABEL_DROP = 58
MARKER_LABEL_STEP = 30
TIMELINE_BOTTOM_MARGIN = 12


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _deadline_group(line: ReportLine) -> str:
    if line.status == Status.COMPLETED:
        return "completed"
    return "overdue" if line.overdue else "other"


def _outside_text(t: Labels, before: int, after: int, start: date, end: date) -> str:
    """'Visas inte i tidslinjen: 7 med slutdatum före 2014 och 1 med slutdatum efter 2018.'"""
    parts = [
        *([t("before_axis", count=before, year=start.year)] if before else []),
        *([t("after_axis", count=after, year=end.year - 1)] if after else []),
    ]
    return t("outside_axis", parts=f" {t('and')} ".join(parts)) if parts else ""


def _year_ticks(start: date, end: date, x_of: Callable[[date], float]) -> list[Tick]:
    """A tick at every year, labelled every year or every 2nd, 5th or 10th (the round years) so that
    the labels fit side by side; every other label minor (left out on a phone) when many are left."""
    years = range(start.year, end.year)
    step = next(
        (step for step in YEAR_LABEL_STEPS if len(years) / step <= MOST_YEAR_LABELS), YEAR_LABEL_STEPS[-1]
    )
    labelled = [year for year in years if year % step == 0]
    thinned = len(labelled) > MOST_TICKS_ON_A_PHONE
    return [
        Tick(
            x_of(date(year, 1, 1)),
            str(year) if year in labelled else "",
            minor=thinned and year in labelled and labelled.index(year) % 2 == 1,
        )
        for year in years
    ]


def _timeline_years(report: Report) -> tuple[int, int]:
    """The years the timeline spans: those holding the report's deadlines, the day it shows and its
    period's cut-off."""
    years = [line.deadline.latest.year for line in report.assignments if line.deadline.latest]
    shown = [report.as_of.year, *([report.period.cutoff.year] if report.period else [])]
    return min([*years, *shown]), max([*years, *shown])


def _markers(report: Report, t: Labels, today: date, x_of: Callable[[date], float]) -> list[Marker]:
    """The period's cut-off ("Brytdatum 2026-12-31"), and the day the report shows the state of when
    that is not the cut-off: today on the current period's dashboard ("Idag 2026-12-08"), else
    "Läge per …". A report as of its cut-off marks no other day: today has nothing to do with it."""
    cutoff = report.period.cutoff if report.period else None
    markers = [Marker(x_of(cutoff), f"{t('cutoff')} {cutoff}", "#374151", dashed=True)] if cutoff else []
    if report.as_of != cutoff:
        said = t("today") if report.as_of == today else t("as_of")
        markers.append(Marker(x_of(report.as_of), f"{said} {report.as_of}", OVERDUE_COLOUR, dashed=False))
    return markers


def deadline_timeline(report: Report, t: Labels, today: date) -> Timeline:
    """Deadlines per quarter over the years that hold them, stacked by finished, overdue and open;
    the plan period in force shaded, the cut-off and the day shown (when it is not the cut-off)
    marked."""
    first_year, last_year = _timeline_years(report)
    start, end = date(first_year, 1, 1), date(last_year + 1, 1, 1)
    span = (end - start).days
    plot_width = WIDTH - 2 * TIMELINE_MARGIN

    def x_of(day: date) -> float:
        return TIMELINE_MARGIN + plot_width * (day - start).days / span

    deadlines = [line for line in report.assignments if line.deadline.latest is not None]
    inside = [line for line in deadlines if line.deadline.latest and start <= line.deadline.latest < end]
    counts = Counter(
        (_quarter_start(line.deadline.latest), _deadline_group(line))
        for line in inside
        if line.deadline.latest
    )
    per_quarter = Counter(quarter for quarter, _ in counts.elements())
    largest = max(per_quarter.values(), default=0) or 1
    scale = (TIMELINE_BASELINE - TIMELINE_TOP) / largest
    bar_width = plot_width / (span / 91.3) - 1
    groups = list(zip(("completed", "overdue", "other"), category_legend(t), strict=True))
    blocks = []
    for quarter in sorted(per_quarter):
        stacked = 0.0
        for key, (label, colour) in groups:
            if value := counts[(quarter, key)]:
                stacked += value * scale
                blocks.append(
                    Block(
                        x_of(quarter),
                        TIMELINE_BASELINE - stacked,
                        value * scale,
                        colour,
                        f"{quarter:%Y-%m}: {label} {value}",
                    )
                )
    plan_start = date(report.plan_start_year or first_year, 1, 1)
    plan_end = date((report.plan_end_year or first_year - 1) + 1, 1, 1)
    markers = _markers(report, t, today, x_of)
    return Timeline(
        title=t("timeline_chart"),
        width=WIDTH,
        height=TIMELINE_BASELINE
        + MARKER_LABEL_DROP
        + MARKER_LABEL_STEP * (len(markers) - 1)
        + TIMELINE_BOTTOM_MARGIN,
        top=TIMELINE_TOP,
        baseline=TIMELINE_BASELINE,
        year_baseline=TIMELINE_BASELINE + YEAR_LABEL_DROP,
        marker_baseline=TIMELINE_BASELINE + MARKER_LABEL_DROP,
        marker_step=MARKER_LABEL_STEP,
        plan_x=x_of(plan_start),
        plan_width=x_of(plan_end) - x_of(plan_start),
        blocks=blocks,
        bar_width=max(bar_width, 1.0),
        ticks=_year_ticks(start, end, x_of),
        markers=markers,
        outside=_outside_text(
            t,
            before=sum(1 for line in deadlines if line.deadline.latest and line.deadline.latest < start),
            after=sum(1 for line in deadlines if line.deadline.latest and line.deadline.latest >= end),
            start=start,
            end=end,
        )
        if deadlines
        else t("no_deadlines"),
        legend=category_legend(t),
    )
