"""Fields of a commitment read from its quote: deadline, money and a measurable target.

Deadlines are read by the register's own parser (`app.assignments.deadline_text.parse_deadline`):
phrases around a time word ("2016", "hösten", "planperioden", "april") are tried against it, the
longest phrase that parses wins, and of several, the one that ends latest (the commitment's end,
not the year the text compares with).
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.assignments.deadline_text import DeadlineInterval, PlanPeriod, parse_deadline

__all__ = ["Deadline", "Money", "Target", "find_deadline", "find_money", "find_target"]


@dataclass(frozen=True)
class Deadline:
    text: str
    interval: DeadlineInterval


@dataclass(frozen=True)
class Money:
    text: str
    min_sek: int
    max_sek: int
    year: int | None


@dataclass(frozen=True)
class Target:
    text: str
    value: Decimal
    unit: str
    year: int | None


# --------------------------------------------------------------------------- deadline

_TIME_WORD = re.compile(
    r"\b(?:(?:19|20)\d{2}|januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november"
    r"|december|våren|sommaren|hösten|vintern|årsskiftet|halvåret|tertial(?:et|en)?|kvartalet"
    r"|(?:plan|planerings|treårs)?perioden|innevarande|nästa|kommande|närmaste)\b",
    re.IGNORECASE,
)
_BARE_YEAR = re.compile(r"(?:19|20)\d{2}")
_TEMPORAL_BEFORE = frozenset(
    [
        "under",
        "till",
        "senast",
        "från",
        "före",
        "efter",
        "inför",
        "år",
        "åren",
        "i",
        "för",
        "perioden",
        "mellan",
        "med",
        "tidigast",
        "t.o.m.",
        "fr.o.m.",
        "och",
    ]
)
_NOT_A_DEADLINE_BEFORE = frozenset({"vision", "sedan", "jämfört", "budget", "budgeten"})
_WORD = re.compile(r"\S+")
_MAX_WORDS_BEFORE = 5
_MAX_WORDS_AFTER = 3


def _allowed_bare_year(words: list[re.Match[str]], index: int, document_date: date) -> bool:
    """A year alone is a deadline after a temporal word ("under 2016", "till 2018") or, when it is
    not already past, at the end of the sentence ("… biogas 2017."); never as a name ("Vision 2030")."""
    before = words[index - 1].group(0).lower() if index > 0 else ""
    if before in _NOT_A_DEADLINE_BEFORE or (index > 1 and words[index - 2].group(0).lower() == "jämfört"):
        return False
    if before in _TEMPORAL_BEFORE or before.endswith("-"):
        return True
    year = int(_BARE_YEAR.search(words[index].group(0)).group(0))  # type: ignore[union-attr]
    return words[index].group(0).endswith(".") and index == len(words) - 1 and year >= document_date.year


def find_deadline(text: str, *, document_date: date, plan_period: PlanPeriod) -> Deadline | None:
    words = list(_WORD.finditer(text))
    candidates: list[Deadline] = []
    for index, word in enumerate(words):
        anchor = _TIME_WORD.search(word.group(0))
        if anchor is None:
            continue
        if _BARE_YEAR.fullmatch(anchor.group(0)) and not _allowed_bare_year(words, index, document_date):
            continue
        best = _longest_parse(text, words, index, document_date=document_date, plan_period=plan_period)
        if best is not None:
            candidates.append(best)
    if not candidates:
        return None
    return max(candidates, key=_interval_end)


def _longest_parse(
    text: str, words: list[re.Match[str]], index: int, *, document_date: date, plan_period: PlanPeriod
) -> Deadline | None:
    best: Deadline | None = None
    for first in range(max(0, index - _MAX_WORDS_BEFORE), index + 1):
        for last in range(index, min(len(words), index + _MAX_WORDS_AFTER + 1)):
            phrase = text[words[first].start() : words[last].end()].rstrip(".,;:)")
            if best is not None and len(phrase) <= len(best.text):
                continue
            interval = parse_deadline(phrase, document_date=document_date, plan_period=plan_period)
            if interval is not None:
                best = Deadline(phrase, interval)
    return best


def _interval_end(deadline: Deadline) -> date:
    interval = deadline.interval
    return interval.latest or interval.earliest or date.min


# --------------------------------------------------------------------------- money

_NUMBER_WORDS = {
    "en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8, "nio": 9,
    "tio": 10, "elva": 11, "tolv": 12, "femton": 15, "tjugo": 20, "trettio": 30, "fyrtio": 40, "femtio": 50,
    "hundra": 100,
}  # fmt: skip
_SCALES = {
    "kronor": 1, "kr": 1, "tkr": 1_000, "tusen": 1_000, "miljon": 1_000_000, "miljoner": 1_000_000,
    "mnkr": 1_000_000, "mkr": 1_000_000, "miljard": 1_000_000_000, "miljarder": 1_000_000_000,
    "mdkr": 1_000_000_000,
}  # fmt: skip
_NUMBER = rf"(?:\d{{1,3}}(?:[ \u00a0]\d{{3}})+|\d+)(?:,\d+)?|{'|'.join(_NUMBER_WORDS)}"
_MONEY = re.compile(
    rf"(?<![\w,])(?P<low>{_NUMBER})(?:(?:\s*[-–]\s*|\s+till\s+)(?P<high>{_NUMBER}))?\s+"
    rf"(?P<scale>miljarder|miljard|miljoner|miljon|mnkr|mkr|mdkr|tkr|tusen|kronor|kr)(?P<kronor>\s+kronor)?\b",
    re.IGNORECASE,
)
_MONEY_YEAR = re.compile(r"\b(?:för|under)\s+(?:år\s+)?((?:19|20)\d{2})\b(?![-–/]\d)", re.IGNORECASE)
_BARE_SCALE_FOLLOWERS = frozenset(
    [
        "avsätts",
        "avsätter",
        "anvisas",
        "till",
        "för",
        "under",
        "i",
        "per",
        "och",
        "av",
        "som",
        "kronor",
        ",",
        ".",
        ";",
    ]
)


def _number(token: str) -> Decimal:
    token = token.lower()
    if token in _NUMBER_WORDS:
        return Decimal(_NUMBER_WORDS[token])
    return Decimal(token.replace(" ", "").replace("\u00a0", "").replace(",", "."))


def _is_money(match: re.Match[str], text: str) -> bool:
    """ "N miljoner" without "kronor" is money only when no other noun follows ("6,5 miljoner besök")."""
    scale = match["scale"].lower()
    if scale in ("kronor", "kr", "tkr", "mnkr", "mkr", "mdkr") or match["kronor"]:
        return True
    rest = text[match.end() :].lstrip()
    following = rest.split(maxsplit=1)[0].lower() if rest else "."
    return following in _BARE_SCALE_FOLLOWERS or following[:1] in ",.;"


def find_money(text: str) -> Money | None:
    for match in _MONEY.finditer(text):
        if not _is_money(match, text):
            continue
        scale = Decimal(_SCALES[match["scale"].lower()])
        low = _number(match["low"]) * scale
        high = _number(match["high"]) * scale if match["high"] else low
        years = {int(year) for year in _MONEY_YEAR.findall(text)}
        return Money(
            text=match.group(0),
            min_sek=int(min(low, high)),
            max_sek=int(max(low, high)),
            year=years.pop() if len(years) == 1 else None,
        )
    return None


# --------------------------------------------------------------------------- measurable target

_TARGET = re.compile(
    r"(?P<value>\d{1,3}(?:[ \u00a0]\d{3})+|\d+(?:,\d+)?)\s+(?P<unit>procent|%|procentenheter|platser|bostäder"
    r"|elever|lägenheter|deltagare|besökare|personer|hushåll)\b",
    re.IGNORECASE,
)
_TARGET_CUE = re.compile(
    r"\b(?:mål(?:et|sättningen)? är|ska (?:öka|minska|sänkas|höjas|vara|uppgå|nå|samlas)|öka(?:s)? till"
    r"|minska(?:s)? till|sänkas till|minst|högst)\b",
    re.IGNORECASE,
)


def find_target(text: str, deadline: Deadline | None) -> Target | None:
    """A number with a unit in a sentence that sets a level ("ska öka till 50 procent", "Målet är att
    70 procent … 2017"); the year is the deadline's."""
    if _TARGET_CUE.search(text) is None:
        return None
    matches = list(_TARGET.finditer(text))
    if not matches:
        return None
    match = matches[-1]
    year = None
    if deadline is not None and deadline.interval.latest is not None:
        year = deadline.interval.latest.year
    unit = "procent" if match["unit"] == "%" else match["unit"].lower()
    return Target(text=match.group(0), value=_number(match["value"]), unit=unit, year=year)
