"""Table-driven tests for app.assignments.deadline_text (Swedish deadline text -> interval).

The document context is the source document: stadsledningskontoret's report of 21 March 2014,
plan period 2015-2017.
"""

from __future__ import annotations

from datetime import date

import pytest

from app.assignments.deadline_text import DeadlineInterval, DeadlinePrecision, PlanPeriod, parse_deadline

DOCUMENT_DATE = date(2014, 3, 21)
PLAN = PlanPeriod(2015, 2017)

P = DeadlinePrecision
Expected = tuple[str | None, str | None, DeadlinePrecision]


def _parse(text: str) -> DeadlineInterval | None:
    return parse_deadline(text, document_date=DOCUMENT_DATE, plan_period=PLAN)


def _case(
    text: str, earliest: str | None, latest: str | None, precision: DeadlinePrecision, case_id: str
) -> pytest.ParameterSet:
    return pytest.param(text, (earliest, latest, precision), id=case_id)


READABLE = [
    # --- months
    _case("senast under april 2014", None, "2014-04-30", P.MONTH, "month-senast-under"),
    _case("april 2014", "2014-04-01", "2014-04-30", P.MONTH, "month-bare"),
    _case("under april 2014", "2014-04-01", "2014-04-30", P.MONTH, "month-under"),
    _case("i april 2014", "2014-04-01", "2014-04-30", P.MONTH, "month-i"),
    _case("januari 2015", "2015-01-01", "2015-01-31", P.MONTH, "month-januari"),
    _case("februari 2016", "2016-02-01", "2016-02-29", P.MONTH, "month-februari-leap"),
    _case("februari 2015", "2015-02-01", "2015-02-28", P.MONTH, "month-februari"),
    _case("mars 2015", "2015-03-01", "2015-03-31", P.MONTH, "month-mars"),
    _case("maj 2015", "2015-05-01", "2015-05-31", P.MONTH, "month-maj"),
    _case("juni 2015", "2015-06-01", "2015-06-30", P.MONTH, "month-juni"),
    _case("juli 2015", "2015-07-01", "2015-07-31", P.MONTH, "month-juli"),
    _case("augusti 2015", "2015-08-01", "2015-08-31", P.MONTH, "month-augusti"),
    _case("september 2015", "2015-09-01", "2015-09-30", P.MONTH, "month-september"),
    _case("oktober 2015", "2015-10-01", "2015-10-31", P.MONTH, "month-oktober"),
    _case("november 2015", "2015-11-01", "2015-11-30", P.MONTH, "month-november"),
    _case("december 2015", "2015-12-01", "2015-12-31", P.MONTH, "month-december"),
    _case("okt. 2015", "2015-10-01", "2015-10-31", P.MONTH, "month-abbreviated"),
    _case("april–juni 2015", "2015-04-01", "2015-06-30", P.MONTH, "month-range-dash"),
    _case("från april till juni 2015", "2015-04-01", "2015-06-30", P.MONTH, "month-range-fran-till"),
    # --- approximate parts of a year or month
    _case("i mitten av 2014", "2014-06-01", "2014-07-31", P.APPROXIMATE, "approx-mitten"),
    _case("i början av 2015", "2015-01-01", "2015-04-30", P.APPROXIMATE, "approx-borjan"),
    _case("i slutet av 2015", "2015-09-01", "2015-12-31", P.APPROXIMATE, "approx-slutet"),
    _case("senast i slutet av 2015", None, "2015-12-31", P.APPROXIMATE, "approx-senast-slutet"),
    _case("i början av april 2014", "2014-04-01", "2014-04-10", P.APPROXIMATE, "approx-borjan-month"),
    _case("i mitten av april 2014", "2014-04-11", "2014-04-20", P.APPROXIMATE, "approx-mitten-month"),
    _case("i slutet av februari 2016", "2016-02-21", "2016-02-29", P.APPROXIMATE, "approx-slutet-month"),
    # --- seasons
    _case("under sommaren 2014", "2014-06-01", "2014-08-31", P.SEASON, "season-sommaren"),
    _case("hösten 2016", "2016-09-01", "2016-11-30", P.SEASON, "season-hosten"),
    _case("våren 2015", "2015-03-01", "2015-05-31", P.SEASON, "season-varen"),
    _case("höst 2016", "2016-09-01", "2016-11-30", P.SEASON, "season-indefinite"),
    _case("under hösten 2013", "2013-09-01", "2013-11-30", P.SEASON, "season-past"),
    _case("vintern 2015", "2015-01-01", "2015-02-28", P.SEASON, "season-winter-single-year"),
    _case("vintern 2016", "2016-01-01", "2016-02-29", P.SEASON, "season-winter-single-leap"),
    _case("vintern 2015/2016", "2015-12-01", "2016-02-29", P.SEASON, "season-winter-split"),
    _case("vintern 2016–17", "2016-12-01", "2017-02-28", P.SEASON, "season-winter-split-short"),
    # --- half years
    _case("första halvåret 2015", "2015-01-01", "2015-06-30", P.HALF_YEAR, "half-first"),
    _case("andra halvåret 2015", "2015-07-01", "2015-12-31", P.HALF_YEAR, "half-second"),
    _case("under senare halvåret 2015", "2015-07-01", "2015-12-31", P.HALF_YEAR, "half-senare"),
    _case("andra halvan av 2015", "2015-07-01", "2015-12-31", P.HALF_YEAR, "half-halvan-av"),
    # --- until a year
    _case("till 2016", None, "2016-12-31", P.YEAR, "until-till"),
    _case("senast 2016", None, "2016-12-31", P.YEAR, "until-senast"),
    _case("senast till 2016", None, "2016-12-31", P.YEAR, "until-senast-till"),
    _case("fram till 2016", None, "2016-12-31", P.YEAR, "until-fram-till"),
    _case("till 2030", None, "2030-12-31", P.YEAR, "until-vision-2030"),
    _case("till år 2020", None, "2020-12-31", P.YEAR, "until-till-ar"),
    _case("till och med 2018", None, "2018-12-31", P.YEAR, "until-till-och-med"),
    _case("t.o.m. 2018", None, "2018-12-31", P.YEAR, "until-tom-abbrev"),
    _case("inte senare än 2016", None, "2016-12-31", P.YEAR, "until-inte-senare-an"),
    _case("till utgången av 2018", None, "2018-12-31", P.YEAR, "until-till-utgangen"),
    _case("vid utgången av 2018", None, "2018-12-31", P.YEAR, "until-vid-utgangen"),
    _case("före utgången av 2018", None, "2018-12-31", P.YEAR, "until-fore-utgangen"),
    _case("vid utgången av juni 2016", None, "2016-06-30", P.MONTH, "until-vid-utgangen-month"),
    _case("till utgången av planperioden", None, "2017-12-31", P.PLAN_PERIOD, "until-utgangen-plan"),
    # --- a single year
    _case("under 2014", "2014-01-01", "2014-12-31", P.YEAR, "year-under"),
    _case("För 2015", "2015-01-01", "2015-12-31", P.YEAR, "year-for"),
    _case("för åren 2016-2019", "2016-01-01", "2019-12-31", P.YEARS, "years-for"),
    _case("2014", "2014-01-01", "2014-12-31", P.YEAR, "year-bare"),
    _case("år 2014", "2014-01-01", "2014-12-31", P.YEAR, "year-ar"),
    _case("under år 2014", "2014-01-01", "2014-12-31", P.YEAR, "year-under-ar"),
    _case("inom 2015", "2015-01-01", "2015-12-31", P.YEAR, "year-inom"),
    _case("under loppet av 2015", "2015-01-01", "2015-12-31", P.YEAR, "year-under-loppet-av"),
    # --- from
    _case("från och med 2017", "2017-01-01", None, P.YEAR, "from-year"),
    _case("fr.o.m. 2017", "2017-01-01", None, P.YEAR, "from-abbrev"),
    _case("tidigast 2016", "2016-01-01", None, P.YEAR, "from-tidigast"),
    _case("2015 och framåt", "2015-01-01", None, P.YEAR, "from-och-framat"),
    _case("från 1 januari 2014", "2014-01-01", None, P.DAY, "from-day"),
    _case("från och med den 1 januari 2014", "2014-01-01", None, P.DAY, "from-och-med-den-day"),
    _case("Från och med 1 januari 2014", "2014-01-01", None, P.DAY, "from-capitalised"),
    # --- ranges of years
    _case("2015–2017", "2015-01-01", "2017-12-31", P.YEARS, "years-en-dash"),
    _case("2015-2017", "2015-01-01", "2017-12-31", P.YEARS, "years-hyphen"),
    _case("2015—2017", "2015-01-01", "2017-12-31", P.YEARS, "years-em-dash"),
    _case("2015 − 2017", "2015-01-01", "2017-12-31", P.YEARS, "years-minus-sign-spaced"),
    _case("åren 2015 till 2017", "2015-01-01", "2017-12-31", P.YEARS, "years-aren-till"),
    _case("under åren 2015–2017", "2015-01-01", "2017-12-31", P.YEARS, "years-under-aren"),
    _case("mellan 2015 och 2017", "2015-01-01", "2017-12-31", P.YEARS, "years-mellan"),
    _case("från 2015 till 2017", "2015-01-01", "2017-12-31", P.YEARS, "years-fran-till"),
    _case("perioden 2015-2017", "2015-01-01", "2017-12-31", P.YEARS, "years-perioden"),
    _case("fr.o.m. 2015 t.o.m. 2017", "2015-01-01", "2017-12-31", P.YEARS, "years-abbrev"),
    # --- the plan period
    _case("under perioden", "2015-01-01", "2017-12-31", P.PLAN_PERIOD, "plan-under-perioden"),
    _case("under planperioden", "2015-01-01", "2017-12-31", P.PLAN_PERIOD, "plan-under-planperioden"),
    _case("planperioden", "2015-01-01", "2017-12-31", P.PLAN_PERIOD, "plan-planperioden"),
    _case("treårsperioden", "2015-01-01", "2017-12-31", P.PLAN_PERIOD, "plan-trearsperioden"),
    _case("under treårsperioden", "2015-01-01", "2017-12-31", P.PLAN_PERIOD, "plan-under-trearsperioden"),
    _case("under plan-perioden", "2015-01-01", "2017-12-31", P.PLAN_PERIOD, "plan-hyphenated"),
    _case("under plan- perioden", "2015-01-01", "2017-12-31", P.PLAN_PERIOD, "plan-pdf-line-break"),
    _case("under hela planperioden", "2015-01-01", "2017-12-31", P.PLAN_PERIOD, "plan-hela"),
    _case("inom planperioden", "2015-01-01", "2017-12-31", P.PLAN_PERIOD, "plan-inom"),
    _case("senast under planperioden", None, "2017-12-31", P.PLAN_PERIOD, "plan-senast"),
    # --- turn of the year
    _case("årsskiftet 2014/2015", "2014-12-01", "2015-01-31", P.APPROXIMATE, "turn-of-year"),
    _case("vid årsskiftet 2014/15", "2014-12-01", "2015-01-31", P.APPROXIMATE, "turn-of-year-short"),
    _case("årsskiftet 2014–2015", "2014-12-01", "2015-01-31", P.APPROXIMATE, "turn-of-year-dash"),
    # --- tertials
    _case("T1 2015", "2015-01-01", "2015-04-30", P.TERTIAL, "tertial-t1"),
    _case("T2 2015", "2015-05-01", "2015-08-31", P.TERTIAL, "tertial-t2"),
    _case("T3 2015", "2015-09-01", "2015-12-31", P.TERTIAL, "tertial-t3"),
    _case("tertial 1 2015", "2015-01-01", "2015-04-30", P.TERTIAL, "tertial-word-1"),
    _case("tertial 2 2015", "2015-05-01", "2015-08-31", P.TERTIAL, "tertial-word-2"),
    _case("tertial 2, 2015", "2015-05-01", "2015-08-31", P.TERTIAL, "tertial-comma"),
    _case("andra tertialen 2015", "2015-05-01", "2015-08-31", P.TERTIAL, "tertial-ordinal"),
    _case("senast T2 2015", None, "2015-08-31", P.TERTIAL, "tertial-senast"),
    # --- quarters
    _case("Q1 2015", "2015-01-01", "2015-03-31", P.QUARTER, "quarter-q1"),
    _case("kvartal 3 2015", "2015-07-01", "2015-09-30", P.QUARTER, "quarter-word"),
    _case("fjärde kvartalet 2015", "2015-10-01", "2015-12-31", P.QUARTER, "quarter-ordinal"),
    # --- days
    _case("den 15 maj 2015", "2015-05-15", "2015-05-15", P.DAY, "day-den"),
    _case("15 maj 2015", "2015-05-15", "2015-05-15", P.DAY, "day-bare"),
    _case("2015-05-15", "2015-05-15", "2015-05-15", P.DAY, "day-iso"),
    _case("15/5 2015", "2015-05-15", "2015-05-15", P.DAY, "day-slash"),
    _case("1:a januari 2015", "2015-01-01", "2015-01-01", P.DAY, "day-ordinal"),
    _case("den 29 februari 2016", "2016-02-29", "2016-02-29", P.DAY, "day-leap"),
    _case("senast den 30 juni 2015", None, "2015-06-30", P.DAY, "day-senast-den"),
    _case("senast 2015-06-30", None, "2015-06-30", P.DAY, "day-senast-iso"),
    # --- relative to the document date or plan period
    _case("i år", "2014-01-01", "2014-12-31", P.YEAR, "relative-i-ar"),
    _case("innevarande år", "2014-01-01", "2014-12-31", P.YEAR, "relative-innevarande-ar"),
    _case("redan från innevarande år", "2014-01-01", None, P.YEAR, "relative-redan-fran"),
    _case("nästa år", "2015-01-01", "2015-12-31", P.YEAR, "relative-nasta-ar"),
    _case("under budgetåret", "2015-01-01", "2015-12-31", P.YEAR, "relative-budgetaret"),
    _case("budgetåret 2016", "2016-01-01", "2016-12-31", P.YEAR, "relative-budgetaret-explicit"),
    _case("under kommande år", "2015-01-01", "2017-12-31", P.PLAN_PERIOD, "relative-kommande-ar"),
    _case("de kommande åren", "2015-01-01", "2017-12-31", P.PLAN_PERIOD, "relative-de-kommande-aren"),
    _case("de kommande tre åren", "2015-01-01", "2017-12-31", P.PLAN_PERIOD, "relative-kommande-tre-aren"),
    _case("hösten i år", "2014-09-01", "2014-11-30", P.SEASON, "relative-season-i-ar"),
    _case("senast april nästa år", None, "2015-04-30", P.MONTH, "relative-month-nasta-ar"),
    # --- före / efter are strict
    _case("före 2016", None, "2015-12-31", P.YEAR, "before-year"),
    _case("innan sommaren 2015", None, "2015-05-31", P.SEASON, "before-season"),
    _case("före den 1 juli 2015", None, "2015-06-30", P.DAY, "before-day"),
    _case("efter sommaren 2014", "2014-09-01", None, P.SEASON, "after-season"),
    _case("efter 2016", "2017-01-01", None, P.YEAR, "after-year"),
    # --- normalisation: case, whitespace, punctuation
    _case("SENAST UNDER APRIL 2014", None, "2014-04-30", P.MONTH, "upper-case"),
    _case("Hösten 2016.", "2016-09-01", "2016-11-30", P.SEASON, "capitalised-trailing-period"),
    _case("  senast \t under\napril   2014 ", None, "2014-04-30", P.MONTH, "extra-whitespace"),
    _case("senast\u00a0under april 2014;", None, "2014-04-30", P.MONTH, "nbsp-trailing-semicolon"),
    _case("(till 2016)", None, "2016-12-31", P.YEAR, "parentheses"),
    _case("”senast 2016”", None, "2016-12-31", P.YEAR, "quotes"),
]


@pytest.mark.parametrize(("text", "expected"), READABLE)
def test_readable_phrases(text: str, expected: Expected) -> None:
    earliest, latest, precision = expected
    assert _parse(text) == DeadlineInterval(
        date.fromisoformat(earliest) if earliest else None,
        date.fromisoformat(latest) if latest else None,
        precision,
    )


UNREADABLE = [
    # recurrence is not a deadline
    pytest.param("årligen", id="recurrence-arligen"),
    pytest.param("varje år", id="recurrence-varje-ar"),
    pytest.param("löpande", id="recurrence-lopande"),
    pytest.param("fortlöpande", id="recurrence-fortlopande"),
    pytest.param("kontinuerligt", id="recurrence-kontinuerligt"),
    pytest.param("Kontinuerligt under planperioden", id="recurrence-with-period"),
    pytest.param("årligen från 2015", id="recurrence-with-year"),
    # empty and meaningless
    pytest.param("", id="empty"),
    pytest.param("   ", id="whitespace-only"),
    pytest.param("...", id="punctuation-only"),
    pytest.param("snart", id="vague-word"),
    pytest.param("tills vidare", id="until-further-notice"),
    pytest.param("arbetet fortsätter", id="ongoing-work"),
    pytest.param("Kontoret ska senast 2016 ha infört eDok", id="whole-sentence"),
    # a direction word alone
    pytest.param("senast", id="bare-senast"),
    pytest.param("från och med", id="bare-fran-och-med"),
    # invalid dates and months
    pytest.param("smörjanuari 2015", id="invalid-month-name"),
    pytest.param("13 mojember 2015", id="invalid-month-name-day"),
    pytest.param("31 april 2015", id="invalid-day"),
    pytest.param("den 29 februari 2015", id="invalid-leap-day"),
    pytest.param("2015-13-01", id="invalid-iso-month"),
    pytest.param("T4 2015", id="invalid-tertial"),
    pytest.param("kvartal 5 2015", id="invalid-quarter"),
    pytest.param("juni-april 2015", id="reversed-month-range"),
    pytest.param("2017-2015", id="reversed-year-range"),
    pytest.param("mellan 2017 och 2015", id="reversed-mellan"),
    pytest.param("årsskiftet 2014/2016", id="turn-of-year-not-consecutive"),
    pytest.param("vintern 2015/2017", id="winter-not-consecutive"),
    pytest.param("1899", id="year-out-of-range-low"),
    pytest.param("2100", id="year-out-of-range-high"),
    # no year in the text and none derivable: never guess
    pytest.param("under våren", id="season-without-year"),
    pytest.param("i april", id="month-without-year"),
    pytest.param("den 15 maj", id="day-without-year"),
    pytest.param("under året", id="under-aret"),
    pytest.param("i slutet av året", id="slutet-av-aret"),
    pytest.param("vid årsskiftet", id="turn-of-year-without-years"),
    pytest.param("under delar av planeringsperioden", id="parts-of-plan-period"),
    # ambiguous or contradictory
    pytest.param("2015-17", id="two-digit-range-ambiguous"),
    pytest.param("cirka 2016", id="cirka"),
    pytest.param("till 2016 och framåt", id="contradictory-directions"),
    pytest.param("före slutet av 2015", id="strict-before-approximate"),
    pytest.param("efter årsskiftet 2014/2015", id="strict-after-approximate"),
    pytest.param("2014 års budget", id="genitive-year"),
]


@pytest.mark.parametrize("text", UNREADABLE)
def test_unreadable_phrases_return_none(text: str) -> None:
    assert _parse(text) is None


RELATIVE = [
    pytest.param("i år", (2016, 2016), id="i-ar"),
    pytest.param("nästa år", (2017, 2017), id="nasta-ar"),
    pytest.param("under budgetåret", (2017, 2017), id="budgetaret"),
    pytest.param("under planperioden", (2017, 2019), id="planperioden"),
    pytest.param("de kommande åren", (2017, 2019), id="kommande-aren"),
]


@pytest.mark.parametrize(("text", "years"), RELATIVE)
def test_relative_phrases_follow_context(text: str, years: tuple[int, int]) -> None:
    """Relative phrases come from the arguments, not from a hard-coded 2014 / 2015-2017."""
    result = parse_deadline(text, document_date=date(2016, 10, 1), plan_period=PlanPeriod(2017, 2019))
    assert result is not None
    assert (result.earliest, result.latest) == (date(years[0], 1, 1), date(years[1], 12, 31))


def test_interval_rejects_reversed_dates() -> None:
    with pytest.raises(ValueError, match="after latest"):
        DeadlineInterval(date(2015, 2, 1), date(2015, 1, 1), P.DAY)


def test_plan_period_rejects_reversed_years() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        PlanPeriod(2017, 2015)


def test_precision_values_are_stable_strings() -> None:
    assert {precision.value for precision in DeadlinePrecision} == {
        "day", "month", "quarter", "tertial", "season", "half_year",
        "year", "years", "plan_period", "approximate",
    }  # fmt: skip
