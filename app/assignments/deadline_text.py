"""Turn Swedish deadline text ("senast under april 2014", "hösten 2016", ...) into a date interval.

The module is pure: standard library only, no I/O, no application imports.  The caller keeps the text
as written and stores the returned interval next to it.

How a phrase is read
--------------------
1. The text is normalised: lower case, whitespace collapsed, every dash variant turned into "-",
   abbreviations such as "fr.o.m." / "t.o.m." spelled out, commas and surrounding punctuation dropped.
2. The whole phrase is tried against a table of *core* patterns (a year, a month, a season, a range
   of years, the plan period, ...).  Each pattern maps to a small function that builds the interval.
3. If nothing matched, one *direction* word is split off ("senast", "till", "från och med", "före",
   "efter", ...) or a trailing "och framåt", optionally followed by one *neutral* word ("under", "i",
   "inom"), and the rest is tried against the core table again.  The direction then opens one end:

   ========================  ===============================================  ==================
   direction                 words                                            result
   ========================  ===============================================  ==================
   until                     senast, till (och med), vid utgången av, ...     (None, end)
   before (strict)           före, innan                                      (None, start - 1 day)
   from                      från, från och med, tidigast, ... och framåt     (start, None)
   after (strict)            efter                                            (end + 1 day, None)
   ========================  ===============================================  ==================

   "Före"/"efter" an approximate expression ("före slutet av 2015") has no reliable edge and gives None.
   "Före utgången av 2018" is until its end too: the year runs out (utgår) at its last day.

Choices (documented here because they are conventions, not facts)
-----------------------------------------------------------------
* Seasons: spring = March-May, summer = June-August, autumn = September-November.
* Winter with a single year ("vintern 2015") is read as 1 January - end of February of *that* year,
  so the interval never reaches into a year the author did not write.  Winter spanning two years must
  be written out ("vintern 2015/2016", "vintern 2015-2016") and gives 1 December - end of February.
* "i början av" / "i mitten av" / "i slutet av" a year: January-April / June-July / September-December.
  The same words before a month: days 1-10 / 11-20 / 21-end of month.  Precision is APPROXIMATE.
* "årsskiftet 2014/2015" is 1 December 2014 - 31 January 2015, APPROXIMATE.
* Tertials follow the city's reporting calendar: T1 = Jan-Apr, T2 = May-Aug, T3 = Sep-Dec.
* Relative years: "i år" / "innevarande år" = the document date's year, "nästa år" = that year + 1,
  "budgetåret" = the plan period's first year.  "perioden", "planperioden", "treårsperioden",
  "kommande år", "de kommande åren" = the plan period.
* Recurrence is not a deadline: any text containing "årligen", "varje", "löpande", "fortlöpande",
  "kontinuerligt", ... returns None, even when a year is also present ("årligen från 2015").
* Nothing is guessed: a month or season without a year ("under våren"), "under året", "cirka 2016",
  two-digit year ranges ("2015-17", ambiguous with an ISO year-month) and whole sentences return None.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum, StrEnum

__all__ = ["DeadlineInterval", "DeadlinePrecision", "PlanPeriod", "parse_deadline"]


class DeadlinePrecision(StrEnum):
    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    TERTIAL = "tertial"
    SEASON = "season"
    HALF_YEAR = "half_year"
    YEAR = "year"
    YEARS = "years"
    PLAN_PERIOD = "plan_period"
    APPROXIMATE = "approximate"


@dataclass(frozen=True)
class PlanPeriod:
    start_year: int
    end_year: int

    def __post_init__(self) -> None:
        if self.end_year < self.start_year:
            raise ValueError(f"plan period ends ({self.end_year}) before it starts ({self.start_year})")


@dataclass(frozen=True)
class DeadlineInterval:
    """Earliest and latest date (inclusive); None means the interval is open at that end."""

    earliest: date | None
    latest: date | None
    precision: DeadlinePrecision

    def __post_init__(self) -> None:
        if self.earliest is not None and self.latest is not None and self.earliest > self.latest:
            raise ValueError(f"earliest {self.earliest} is after latest {self.latest}")


def parse_deadline(text: str, *, document_date: date, plan_period: PlanPeriod) -> DeadlineInterval | None:
    """None when the text cannot be read: never guess."""
    normalised = _normalise(text)
    if not normalised or _RECURRENCE.search(normalised):
        return None
    context = _Context(document_date=document_date, plan_period=plan_period)

    whole = _parse_core(normalised, context)
    if whole is not None:
        return whole

    split = _split_direction(normalised)
    if split is None:
        return None
    direction, rest = split
    base = _parse_core(rest, context)
    if base is None:
        return None
    return _apply_direction(base, direction)


# --------------------------------------------------------------------------- context and date helpers


@dataclass(frozen=True)
class _Context:
    document_date: date
    plan_period: PlanPeriod


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _months(year: int, first: int, last: int, precision: DeadlinePrecision) -> DeadlineInterval:
    """Whole months ``first``..``last`` of ``year``."""
    return DeadlineInterval(date(year, first, 1), _month_end(year, last), precision)


def _years(first: int, last: int, precision: DeadlinePrecision) -> DeadlineInterval:
    return DeadlineInterval(date(first, 1, 1), date(last, 12, 31), precision)


# --------------------------------------------------------------------------- normalisation

_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))
_ABBREVIATIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bfr?\.\s?o\.\s?m\.?"), "från och med "),
    (re.compile(r"\bt\.\s?o\.\s?m\.?"), "till och med "),
)
_SURROUNDING_PUNCTUATION = " .;:!?()[]{}\"'«»“”„"


def _normalise(text: str) -> str:
    """Lower-case, one space between words, "-" for every dash, no spaces around "-" and "/"."""
    result = text.lower().translate(_DASHES).replace("\u00ad", "")
    for pattern, replacement in _ABBREVIATIONS:
        result = pattern.sub(replacement, result)
    result = " ".join(result.replace(",", " ").split())
    result = result.strip(_SURROUNDING_PUNCTUATION)
    return re.sub(r"\s*([-/])\s*", r"\1", result)


_RECURRENCE = re.compile(
    r"\b(?:årligen|årlig|årliga|årligt|årsvis|varje|varannan|löpande|fortlöpande|kontinuerligt"
    r"|kontinuerlig|kontinuerliga|ständigt|återkommande|månadsvis|kvartalsvis|tertialvis)\b"
)

# --------------------------------------------------------------------------- building blocks for patterns

_MONTHS: dict[str, int] = {
    "januari": 1, "februari": 2, "mars": 3, "april": 4, "maj": 5, "juni": 6,
    "juli": 7, "augusti": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "febr": 2, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "okt": 10, "nov": 11, "dec": 12,
}  # fmt: skip

_RELATIVE_YEARS: dict[str, Callable[[_Context], int]] = {
    "i år": lambda ctx: ctx.document_date.year,
    "innevarande år": lambda ctx: ctx.document_date.year,
    "nästa år": lambda ctx: ctx.document_date.year + 1,
    "budgetåret": lambda ctx: ctx.plan_period.start_year,
}

_NUMERIC_YEAR = r"(?:19|20)\d{2}"


def _alternation(words: Iterable[str]) -> str:
    """Regex alternation of ``words``, longest first so that "sept" is tried before "sep"."""
    escaped = (re.escape(word).replace(r"\ ", r"\s") for word in sorted(words, key=len, reverse=True))
    return "|".join(escaped)


def _year(name: str) -> str:
    """A year token: "2015", "år 2015", "budgetåret 2015" or a relative year such as "nästa år"."""
    return rf"(?P<{name}>(?:år\s|budgetåret\s)?{_NUMERIC_YEAR}|{_alternation(_RELATIVE_YEARS)})"


def _month(name: str) -> str:
    return rf"(?P<{name}>{_alternation(_MONTHS)})\.?"


def _resolve_year(token: str, context: _Context) -> int:
    digits = re.search(r"\d{4}", token)
    if digits is not None:
        return int(digits.group())
    return _RELATIVE_YEARS[token](context)


def _second_year(first: int, token: str) -> int:
    """The second year of "2014/2015" or "2014/15"."""
    if len(token) == 4:
        return int(token)
    second = first - first % 100 + int(token)
    return second if second > first else second + 100  # "1999/00"


_ORDINALS: dict[str, int] = {
    "första": 1, "1:a": 1, "andra": 2, "2:a": 2, "tredje": 3, "3:e": 3, "fjärde": 4, "4:e": 4,
}  # fmt: skip

# --------------------------------------------------------------------------- core handlers

_Handler = Callable[[re.Match[str], _Context], DeadlineInterval | None]


def _on_day(match: re.Match[str], context: _Context) -> DeadlineInterval | None:
    month_token = match["month"]
    month = _MONTHS[month_token] if month_token in _MONTHS else int(month_token)
    try:
        day = date(_resolve_year(match["year"], context), month, int(match["day"]))
    except ValueError:  # 31 april, month 13, ...
        return None
    return DeadlineInterval(day, day, DeadlinePrecision.DAY)


def _on_month(match: re.Match[str], context: _Context) -> DeadlineInterval:
    month = _MONTHS[match["month"]]
    return _months(_resolve_year(match["year"], context), month, month, DeadlinePrecision.MONTH)


def _on_month_range(match: re.Match[str], context: _Context) -> DeadlineInterval | None:
    first, last = _MONTHS[match["first"]], _MONTHS[match["last"]]
    if first >= last:
        return None
    return _months(_resolve_year(match["year"], context), first, last, DeadlinePrecision.MONTH)


_PART_OF_MONTH_DAYS = {"början": (1, 10), "mitten": (11, 20), "slutet": (21, 31)}


def _on_part_of_month(match: re.Match[str], context: _Context) -> DeadlineInterval:
    """ "i början/mitten/slutet av april 2014": days 1-10 / 11-20 / 21-end."""
    year, month = _resolve_year(match["year"], context), _MONTHS[match["month"]]
    first_day, last_day = _PART_OF_MONTH_DAYS[match["part"]]
    last = min(last_day, _month_end(year, month).day)
    return DeadlineInterval(
        date(year, month, first_day), date(year, month, last), DeadlinePrecision.APPROXIMATE
    )


_PART_OF_YEAR_MONTHS = {"början": (1, 4), "mitten": (6, 7), "slutet": (9, 12)}


def _on_part_of_year(match: re.Match[str], context: _Context) -> DeadlineInterval:
    first, last = _PART_OF_YEAR_MONTHS[match["part"]]
    return _months(_resolve_year(match["year"], context), first, last, DeadlinePrecision.APPROXIMATE)


_SEASON_MONTHS = {"vår": (3, 5), "sommar": (6, 8), "höst": (9, 11), "vinter": (1, 2)}


def _on_season(match: re.Match[str], context: _Context) -> DeadlineInterval:
    """Spring/summer/autumn; a single-year winter is Jan-Feb of that year (see module docstring)."""
    first, last = _SEASON_MONTHS[match["season"]]
    return _months(_resolve_year(match["year"], context), first, last, DeadlinePrecision.SEASON)


def _on_split_winter(match: re.Match[str], _context: _Context) -> DeadlineInterval | None:
    """ "vintern 2015/2016": 1 December of the first year to the end of February of the second."""
    first = int(match["first"])
    if _second_year(first, match["second"]) != first + 1:
        return None
    return DeadlineInterval(date(first, 12, 1), _month_end(first + 1, 2), DeadlinePrecision.SEASON)


def _on_turn_of_year(match: re.Match[str], _context: _Context) -> DeadlineInterval | None:
    first = int(match["first"])
    if _second_year(first, match["second"]) != first + 1:
        return None
    return DeadlineInterval(date(first, 12, 1), date(first + 1, 1, 31), DeadlinePrecision.APPROXIMATE)


def _on_half_year(match: re.Match[str], context: _Context) -> DeadlineInterval:
    first_half = match["ordinal"] in ("första", "1:a")
    first, last = (1, 6) if first_half else (7, 12)
    return _months(_resolve_year(match["year"], context), first, last, DeadlinePrecision.HALF_YEAR)


def _numbered(match: re.Match[str]) -> int:
    """The 1-based number of a tertial or quarter, written as a digit ("T2") or a word ("andra")."""
    number: str | None = match["number"]
    return int(number) if number is not None else _ORDINALS[match["ordinal"]]


def _on_tertial(match: re.Match[str], context: _Context) -> DeadlineInterval | None:
    number = _numbered(match)
    if not 1 <= number <= 3:
        return None
    first = 4 * (number - 1) + 1
    return _months(_resolve_year(match["year"], context), first, first + 3, DeadlinePrecision.TERTIAL)


def _on_quarter(match: re.Match[str], context: _Context) -> DeadlineInterval | None:
    number = _numbered(match)
    if not 1 <= number <= 4:
        return None
    first = 3 * (number - 1) + 1
    return _months(_resolve_year(match["year"], context), first, first + 2, DeadlinePrecision.QUARTER)


def _on_year_range(match: re.Match[str], context: _Context) -> DeadlineInterval | None:
    first, last = _resolve_year(match["first"], context), _resolve_year(match["last"], context)
    if first >= last:
        return None
    return _years(first, last, DeadlinePrecision.YEARS)


def _on_year(match: re.Match[str], context: _Context) -> DeadlineInterval:
    year = _resolve_year(match["year"], context)
    return _years(year, year, DeadlinePrecision.YEAR)


def _on_plan_period(_match: re.Match[str], context: _Context) -> DeadlineInterval:
    period = context.plan_period
    return _years(period.start_year, period.end_year, DeadlinePrecision.PLAN_PERIOD)


# --------------------------------------------------------------------------- core pattern table

_SEASON_ARTICLE = r"(?:en|n)?"  # "våren"/"vår", "sommaren"/"sommar", "hösten"/"höst", "vintern"/"vinter"
_RANGE_SEPARATOR = r"(?:-|\still\soch\smed\s|\still\s)"
_ORDINAL = rf"(?P<ordinal>{_alternation(_ORDINALS)})"


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_CORE_RULES: tuple[tuple[re.Pattern[str], _Handler], ...] = (
    # 2015-05-15
    (_compile(rf"(?P<year>{_NUMERIC_YEAR})-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}})"), _on_day),
    # 15/5 2015
    (_compile(rf"(?:den\s)?(?P<day>\d{{1,2}})/(?P<month>\d{{1,2}})\s(?P<year>{_NUMERIC_YEAR})"), _on_day),
    # (den) 15 maj 2015, 1:a januari 2014
    (_compile(rf"(?:den\s)?(?P<day>\d{{1,2}})(?::[ae])?\s{_month('month')}\s{_year('year')}"), _on_day),
    # april 2014
    (_compile(rf"{_month('month')}\s{_year('year')}"), _on_month),
    # (från) april-juni 2015, april till juni 2015
    (
        _compile(rf"(?:från\s)?{_month('first')}{_RANGE_SEPARATOR}{_month('last')}\s{_year('year')}"),
        _on_month_range,
    ),
    # i slutet av april 2014
    (
        _compile(rf"(?:i\s)?(?P<part>början|mitten|slutet)\sav\s{_month('month')}\s{_year('year')}"),
        _on_part_of_month,
    ),
    # i mitten av 2014
    (_compile(rf"(?:i\s)?(?P<part>början|mitten|slutet)\sav\s{_year('year')}"), _on_part_of_year),
    # sommaren 2014, höst 2016, vintern 2015
    (_compile(rf"(?P<season>vår|sommar|höst|vinter){_SEASON_ARTICLE}\s{_year('year')}"), _on_season),
    # vintern 2015/2016
    (_compile(rf"vinter(?:n)?\s(?P<first>{_NUMERIC_YEAR})[/-](?P<second>\d{{4}}|\d{{2}})"), _on_split_winter),
    # (vid) årsskiftet 2014/2015
    (
        _compile(
            rf"(?:vid\s|kring\s|runt\s|över\s)?årsskiftet\s(?P<first>{_NUMERIC_YEAR})[/-]"
            r"(?P<second>\d{4}|\d{2})"
        ),
        _on_turn_of_year,
    ),
    # första halvåret 2015, andra halvan av 2015
    (
        _compile(rf"(?P<ordinal>första|1:a|andra|2:a|senare)\s(?:halvåret|halvan\sav)\s{_year('year')}"),
        _on_half_year,
    ),
    # T2 2015, tertial 2 2015, andra tertialen 2015
    (
        _compile(rf"(?:(?:t|tertial\s?)(?P<number>\d)[\s/-]|{_ORDINAL}\stertial(?:en|et)\s){_year('year')}"),
        _on_tertial,
    ),
    # Q1 2015, kv 1 2015, kvartal 1 2015, första kvartalet 2015
    (
        _compile(
            rf"(?:(?:q|kv\.?\s?|kvartal\s?)(?P<number>\d)[\s/-]|{_ORDINAL}\skvartalet\s){_year('year')}"
        ),
        _on_quarter,
    ),
    # 2015-2017, åren 2015 till 2017, perioden 2015-2017, från 2015 till och med 2017
    (
        _compile(
            rf"(?:(?:åren|perioden|planperioden|planeringsperioden|treårsperioden)\s)?"
            rf"(?:från(?:\soch\smed)?\s)?{_year('first')}{_RANGE_SEPARATOR}{_year('last')}"
        ),
        _on_year_range,
    ),
    # mellan 2015 och 2017
    (_compile(rf"mellan\s(?:åren\s)?{_year('first')}\soch\s{_year('last')}"), _on_year_range),
    # 2014, år 2014, i år, nästa år, budgetåret
    (_compile(_year("year")), _on_year),
    # perioden, planperioden, treårsperioden, plan-perioden, hela planperioden
    (
        _compile(r"(?:hela\s)?(?:den\s)?(?:kommande\s)?(?:(?:plan|planerings|treårs|budget)-?)?perioden"),
        _on_plan_period,
    ),
    # kommande år, de kommande åren, de närmaste åren, de kommande tre åren (the plan period's length)
    (_compile(r"(?:de\s)?(?:kommande|närmaste)\s(?:tre\s)?år(?:en)?"), _on_plan_period),
)

_NEUTRAL_PREFIX = re.compile(r"(?:under\sloppet\sav|någon\sgång\s(?:under|i)|under|inom|för|i)\s(?P<rest>.+)")


def _parse_core(text: str, context: _Context) -> DeadlineInterval | None:
    """Match ``text`` as a whole, first as is, then without one neutral leading word ("under", "i", "för")."""
    candidates = [text]
    neutral = _NEUTRAL_PREFIX.fullmatch(text)
    if neutral is not None:
        candidates.append(neutral["rest"])
    for candidate in candidates:
        for pattern, handler in _CORE_RULES:
            match = pattern.fullmatch(candidate)
            if match is not None:
                return handler(match, context)
    return None


# --------------------------------------------------------------------------- direction words


class _Direction(Enum):
    UNTIL = "until"
    BEFORE = "before"
    FROM = "from"
    AFTER = "after"


_DIRECTION_WORDS: dict[str, _Direction] = {
    "senast": _Direction.UNTIL,
    "senast till": _Direction.UNTIL,
    "senast till och med": _Direction.UNTIL,
    "till": _Direction.UNTIL,
    "till och med": _Direction.UNTIL,
    "fram till": _Direction.UNTIL,
    "fram till och med": _Direction.UNTIL,
    "inte senare än": _Direction.UNTIL,
    **dict.fromkeys(("till utgången av", "vid utgången av", "före utgången av"), _Direction.UNTIL),
    "före": _Direction.BEFORE,
    "innan": _Direction.BEFORE,
    "senast före": _Direction.BEFORE,
    "från": _Direction.FROM,
    "från och med": _Direction.FROM,
    "redan från": _Direction.FROM,
    "redan från och med": _Direction.FROM,
    "tidigast": _Direction.FROM,
    "med start": _Direction.FROM,
    "efter": _Direction.AFTER,
    "tidigast efter": _Direction.AFTER,
}

_DIRECTION_PREFIX = re.compile(rf"(?P<word>{_alternation(_DIRECTION_WORDS)})\s(?P<rest>.+)")
_ONWARDS_SUFFIX = re.compile(r"(?P<rest>.+)\soch\s(?:framåt|framöver|därefter|senare)")


def _split_direction(text: str) -> tuple[_Direction, str] | None:
    """Split off a leading direction word and/or a trailing "och framåt"; None if there is neither
    or they contradict each other ("till 2016 och framåt")."""
    direction: _Direction | None = None
    onwards = _ONWARDS_SUFFIX.fullmatch(text)
    if onwards is not None:
        direction, text = _Direction.FROM, onwards["rest"]
    prefix = _DIRECTION_PREFIX.fullmatch(text)
    if prefix is not None:
        word_direction = _DIRECTION_WORDS[prefix["word"]]
        if direction is not None and direction is not word_direction:
            return None
        direction, text = word_direction, prefix["rest"]
    if direction is None:
        return None
    return direction, text


def _apply_direction(base: DeadlineInterval, direction: _Direction) -> DeadlineInterval | None:
    """Open one end of ``base``.  "Före"/"efter" are strict; around a fuzzy interval they give None."""
    assert base.earliest is not None and base.latest is not None  # core intervals are closed
    strict = direction in (_Direction.BEFORE, _Direction.AFTER)
    if strict and base.precision is DeadlinePrecision.APPROXIMATE:
        return None
    if direction is _Direction.UNTIL:
        return DeadlineInterval(None, base.latest, base.precision)
    if direction is _Direction.BEFORE:
        return DeadlineInterval(None, base.earliest - timedelta(days=1), base.precision)
    if direction is _Direction.FROM:
        return DeadlineInterval(base.earliest, None, base.precision)
    return DeadlineInterval(base.latest + timedelta(days=1), None, base.precision)
