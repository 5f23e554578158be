"""The trend over a plan's periods (the data of `GET /api/v1/reports/plan`): a stacked bar per
period — completed, overdue, the rest, in the colours of the other charts — drawn as inline SVG,
and the same figures as a table for those who do not see the chart.

Text is drawn at 12 units and grows to 22 on a phone (the layout's stylesheet), where the 640-unit
wide chart is shrunk to the screen: at 390 px that is about 12 px. Each period is labelled by its
short name (T1, T2, År) with the year once under each year's periods, so that labels fit a phone.
"""

from dataclasses import dataclass

from app.reports.renderers.charts import WIDTH, category_legend
from app.reports.renderers.labels import Labels
from app.reports.renderers.tables import Section, SectionRow
from app.reports.schemas import PeriodRef, PlanTrajectory, TrajectoryPoint

TREND_HEIGHT = 220
TREND_TOP = 34  # room above the tallest bar for its total
TREND_BASELINE = 150
TREND_MARGIN = 8
KEY_BASELINE = TREND_BASELINE + 26
YEAR_BASELINE = TREND_BASELINE + 54


@dataclass(frozen=True)
class TrendBlock:
    y: float
    height: float
    colour: str
    label: str


@dataclass(frozen=True)
class TrendColumn:
    """One period: its stacked bar (no blocks before its cut-off has passed) and its labels."""

    x: float
    centre: float
    key: str
    total: int | None
    total_y: float
    blocks: list[TrendBlock]
    current: bool  # the period the page shows


@dataclass(frozen=True)
class TrendChart:
    title: str
    width: int
    height: int
    baseline: int
    key_baseline: int
    year_baseline: int
    bar_width: float
    columns: list[TrendColumn]
    years: list[tuple[float, int]]  # each year under the middle of its periods
    legend: list[tuple[str, str]]


def _parts(point: TrajectoryPoint) -> list[int]:
    """Completed, overdue and the rest, in the order of the legend."""
    completed, overdue = point.completed or 0, point.overdue or 0
    return [completed, overdue, (point.assignments or 0) - completed - overdue]


def trend_chart(trend: PlanTrajectory, t: Labels, shown: PeriodRef | None) -> TrendChart:
    """A bar per period of the plan, on one scale; periods still to come are left empty."""
    slot = (WIDTH - 2 * TREND_MARGIN) / max(len(trend.points), 1)
    bar_width = min(slot * 0.6, 48.0)
    largest = max((point.assignments or 0 for point in trend.points), default=0) or 1
    scale = (TREND_BASELINE - TREND_TOP) / largest
    legend = category_legend(t)
    columns = []
    for index, point in enumerate(trend.points):
        period, centre = point.period, TREND_MARGIN + slot * (index + 0.5)
        stacked, blocks = 0.0, []
        if point.assignments is not None:
            for (label, colour), value in zip(legend, _parts(point), strict=True):
                if value:
                    stacked += value * scale
                    name = t.period_name(period)
                    blocks.append(
                        TrendBlock(
                            TREND_BASELINE - stacked, value * scale, colour, f"{name}: {label} {value}"
                        )
                    )
        columns.append(
            TrendColumn(
                x=centre - bar_width / 2,
                centre=centre,
                key=t.period_short(period),
                total=point.assignments,
                total_y=TREND_BASELINE - stacked - 6,
                blocks=blocks,
                current=shown is not None and (period.year, period.period) == (shown.year, shown.period),
            )
        )
    title = t("trend_chart", start=trend.plan_start_year, end=trend.plan_end_year)
    if shown and not trend.plan_start_year <= shown.year <= trend.plan_end_year:
        title = f"{title}. {t('trend_outside_plans', year=shown.year)}"
    return TrendChart(
        title=title,
        width=WIDTH,
        height=TREND_HEIGHT,
        baseline=TREND_BASELINE,
        key_baseline=KEY_BASELINE,
        year_baseline=YEAR_BASELINE,
        bar_width=bar_width,
        columns=columns,
        years=_year_labels(trend, columns),
        legend=legend,
    )


def _year_labels(trend: PlanTrajectory, columns: list[TrendColumn]) -> list[tuple[float, int]]:
    centres: dict[int, list[float]] = {}
    for point, column in zip(trend.points, columns, strict=True):
        centres.setdefault(point.period.year, []).append(column.centre)
    return [(sum(xs) / len(xs), year) for year, xs in centres.items()]


def trend_section(trend: PlanTrajectory, t: Labels) -> Section:
    """The trend's figures as a table: per period its cut-off and counts, or that it is still to come."""
    rows = []
    for point in trend.points:
        counts: list[str | int | None] = (
            [point.assignments, point.completed, point.overdue, t(f"source_{point.source}")]
            if point.assignments is not None
            else [None, None, None, t("to_come")]
        )
        rows.append(SectionRow([t.period_name(point.period), point.period.cutoff, *counts]))
    headings = [t("period"), t("cutoff"), t("total"), t("completed"), t("overdue_count"), t("source")]
    return Section(t("trend_table"), headings, rows)
