"""From extracted pages to clean paragraphs and sentences with their section and origin.

What a PDF extraction leaves behind, and what is done about it:

* page numbers alone on a line (" 11 ", "Sida 3 av 12", "- 4 -", "3 (12)") are dropped;
* running headers and footers (the same line at the top or bottom of many printed pages, digits
  ignored, beside different text on each) are dropped; a plain text's page breaks are its page
  number lines, and a text without page breaks has no running lines;
* table rows (mostly figures) are dropped;
* lines wrapped inside a paragraph are joined, and words hyphenated at a line end are rejoined with
  the register's own rule (`normalise_source_text`: a hyphen is kept when the compound is written
  with a hyphen elsewhere in the document);
* headings are recognised (numbered "2.1 Title", "1. Title", and short unpunctuated lines between
  sentences) and give each paragraph its section path;
* reservation and statement blocks ("Reservation anfördes av …", "Särskilt uttalande …",
  "Protokollsanteckning …") give the paragraphs inside them their origin until a structural heading
  ("Ärendet", "Beslut", "§ 5", a body's name alone) ends the block.

`PreparedText.text` is the clean text (paragraphs separated by blank lines); every paragraph, and so
every sentence and quote, is a substring of `normalise_source_text(PreparedText.text)`.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from app.documents.models import Origin
from app.documents.source_text import collapse_whitespace, normalise_source_text

__all__ = ["Paragraph", "PreparedText", "Sentence", "prepare_text", "split_sentences"]

_PAGE_NUMBER = re.compile(
    r"(?:\d{1,3}|-\s*\d{1,3}\s*-|\d{1,3}\s*\(\d{1,3}\)|(?:sida|sid\.|s\.|page)\s*\d{1,3}(?:\s*(?:av|/|\()\s*\d{1,3}\)?)?)",
    re.IGNORECASE,
)
_TABLE_ROW_NUMBER = re.compile(r"\d+(?:,\d+)?")
_FUNCTION_WORDS = frozenset(
    [
        "och",
        "samt",
        "eller",
        "att",
        "i",
        "av",
        "för",
        "med",
        "till",
        "som",
        "på",
        "om",
        "de",
        "den",
        "det",
        "en",
        "ett",
        "från",
        "vid",
        "under",
        "inom",
        "där",
        "när",
    ]
)
_NUMBERED_HEADING = re.compile(r"(?P<number>\d{1,2}(?:\.\d{1,2}){0,3})(?P<dot>\.?)\s+(?P<title>\S.*)")
_PARAGRAPH_MARK = re.compile(r"§\s*\d+")
_SENTENCE_END = (".", "!", "?")
_RESERVATION_START = re.compile(r"(?:Reservationer?\b|Reservation anfördes)", re.IGNORECASE)
_STATEMENT_START = re.compile(
    r"(?:Särskil(?:t|da) (?:uttalande|yttrande)n?|Protokollsanteckning(?:ar)?|Ersättaryttrande)\b",
    re.IGNORECASE,
)
_BLOCK_END_HEADINGS = re.compile(
    r"(?:Ärendet|Beslut|Beslutsgång|Beredning|Bakgrund|Förslag till beslut|Förvaltningens förslag.*"
    r"|Sammanfattning|Yrkanden|Propositionsordning|Kommunstyrelsen|Kommunfullmäktige|Borgarrådsberedningen"
    r"|Stadsledningskontoret|§\s*\d+.*)",
    re.IGNORECASE,
)
_PARAGRAPH_SEPARATOR = "\ue000"  # not whitespace: survives normalisation, never joined across


@dataclass(frozen=True)
class Paragraph:
    text: str  # normalised: hyphenation undone, whitespace collapsed
    section: tuple[str, ...]
    origin: Origin


@dataclass(frozen=True)
class PreparedText:
    text: str
    paragraphs: list[Paragraph]


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # offsets in the paragraph's text
    end: int


# --------------------------------------------------------------------------- line cleaning


def _is_page_number(line: str) -> bool:
    return _PAGE_NUMBER.fullmatch(line) is not None


def _is_table_row(line: str) -> bool:
    """Mostly figures: at least three numbers and no more than three words (the row's label)."""
    numbers = _TABLE_ROW_NUMBER.findall(line)
    words = [word for word in line.split() if any(character.isalpha() for character in word)]
    return len(numbers) >= 3 and len(words) <= 3


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", collapse_whitespace(line).lower())


def _sheets(pages: Sequence[list[str]]) -> list[list[str]]:
    """The pages as they were printed: a plain text from an earlier extraction is one page with
    its page numbers left on lines of their own, each of which ended a printed page (where it has
    no form feeds)."""
    sheets: list[list[str]] = []
    for lines in pages:
        sheets.append([])
        for line in lines:
            if _is_page_number(line.strip()):
                sheets.append([])
            else:
                sheets[-1].append(line)
    return [sheet for sheet in sheets if any(line.strip() for line in sheet)]


def _running_lines(sheets: Sequence[list[str]]) -> set[str]:
    """Shapes (digits ignored) of running headers and footers: a line among the first or last two
    of at least half the printed pages (and of two or more), not ending a sentence, beside other
    text on different pages. A text without page breaks has none. Text repeated whole (a document
    pasted three times) repeats lines at the page breaks too, but beside the same text each time:
    that is content, and is kept."""
    beside: dict[str, list[str]] = defaultdict(list)  # shape -> the text inside the edge, per sheet
    for sheet in sheets:
        filled = [collapse_whitespace(line) for line in sheet if line.strip()]
        edges = {
            **{_shape(line): " ".join(filled[-3:-2] or filled) for line in filled[-2:]},
            **{_shape(line): " ".join(filled[2:3] or filled) for line in filled[:2]},
        }
        for shape, inside in edges.items():
            beside[shape].append(inside)
    return {
        shape
        for shape, insides in beside.items()
        if len(insides) >= max(2, len(sheets) // 2)
        and len(set(insides)) > 1
        and not shape.endswith(_SENTENCE_END)
    }


def _clean_lines(pages: Sequence[str]) -> list[str]:
    """Lines of all pages without page numbers, running headers/footers and table rows.

    Blank lines are kept (a page break becomes one) since they can separate paragraphs.
    """
    printed = [part for page in pages for part in page.split("\f")]  # a form feed ends a page
    split_pages = [[line.rstrip() for line in page.split("\n")] for page in printed]
    running = _running_lines(_sheets(split_pages))
    split_pages = [[line for line in lines if not _is_page_number(line.strip())] for lines in split_pages]
    cleaned: list[str] = []
    for lines in split_pages:
        for line in lines:
            stripped = line.strip()
            if stripped and (_shape(stripped) in running or _is_table_row(stripped)):
                continue
            cleaned.append(stripped)
        cleaned.append("")
    return cleaned


# --------------------------------------------------------------------------- headings and paragraphs


@dataclass
class _Unit:
    """A heading or a paragraph while it is being built from lines."""

    lines: list[str]
    heading: bool


def _ends_sentence(line: str) -> bool:
    return line.rstrip("”\"')»").endswith((*_SENTENCE_END, ":"))


def _looks_like_heading(line: str, previous: str | None, following: str | None) -> bool:
    """A short line that stands between two sentences: it does not continue the previous line's
    sentence, starts with a capital (or is one or two words) and is followed by a new sentence."""
    if _PARAGRAPH_MARK.match(line) and len(line) <= 120 and not line.endswith("."):
        return True
    numbered = _NUMBERED_HEADING.fullmatch(line)
    if numbered is not None and not numbered["dot"]:
        title = numbered["title"]
        return title[:1].isupper() and not _ends_sentence(title) and len(title) <= 160
    words = line.split()
    if len(line) > 80 or len(words) > 12 or line.endswith((*_SENTENCE_END, ",", ";")):
        return False
    if ". " in line or ", " in line or words[-1].lower() in _FUNCTION_WORDS:
        return False
    if previous is not None and not _ends_sentence(previous):
        return False
    if following is not None and not following[:1].isupper() and not following[:1].isdigit():
        return False
    return line[:1].isupper() or line[:1].isdigit() or len(line.split()) <= 2


def _numbered_item_is_heading(lines: Sequence[str], index: int) -> bool:
    """ "1. Stockholm ska ha …" is a heading when its sentence is short and a heading or a new
    sentence follows; "1. Kommunstyrelsen ger … i uppdrag att …" over several lines is a list item."""
    text = lines[index]
    following = index + 1
    while following < len(lines) and lines[following] and lines[following][:1].islower():
        text += " " + lines[following]
        following += 1
    title = _NUMBERED_HEADING.sub(r"\g<title>", text)
    if len(title) > 130 or ". " in title:
        return False
    return not _ends_sentence(title) or len(title) <= 110


def _next_nonblank(lines: Sequence[str], index: int) -> str | None:
    for line in lines[index + 1 :]:
        if line:
            return line
    return None


def _typical_line_length(lines: Iterable[str]) -> int:
    lengths = sorted(len(line) for line in lines if line)
    return lengths[int(len(lengths) * 0.9)] if lengths else 80


def _units(lines: list[str]) -> list[_Unit]:
    """Group lines into headings and paragraphs.

    A paragraph ends at a heading, or after a line that ends a sentence and is clearly shorter than
    a full line (blank lines alone are not trusted: some extractions put one after every line).
    """
    full = _typical_line_length(lines)
    units: list[_Unit] = []
    current: _Unit | None = None
    previous: str | None = None
    for index, line in enumerate(lines):
        if not line:
            continue
        numbered = _NUMBERED_HEADING.fullmatch(line)
        heading = (
            _numbered_item_is_heading(lines, index)
            if numbered is not None and numbered["dot"]
            else _looks_like_heading(line, previous, _next_nonblank(lines, index))
        )
        continues_heading = (
            current is not None
            and current.heading
            and line[:1].islower()
            and not _ends_sentence(current.lines[-1])
            and len(current.lines) < 3
        )
        if continues_heading and current is not None:
            current.lines.append(line)
        elif heading:
            current = _Unit([line], heading=True)
            units.append(current)
        elif current is None or current.heading:
            current = _Unit([line], heading=False)
            units.append(current)
        else:
            current.lines.append(line)
        previous = line if not current.heading else line + "."
        if not current.heading and _ends_sentence(line) and len(line) < 0.8 * full:
            current = None
    return units


def _normalised_units(units: list[_Unit]) -> list[str]:
    """Each unit's text with hyphenation undone document-wide, whitespace collapsed."""
    if not units:
        return []
    joined = f"\n{_PARAGRAPH_SEPARATOR}\n".join("\n".join(unit.lines) for unit in units)
    return [part.strip() for part in normalise_source_text(joined).split(_PARAGRAPH_SEPARATOR)]


# --------------------------------------------------------------------------- sections and origin


def _heading_level(title: str) -> int | None:
    numbered = _NUMBERED_HEADING.fullmatch(title)
    return None if numbered is None else numbered["number"].count(".") + 1


@dataclass
class _Context:
    numbered: list[tuple[int, str]]
    plain: str | None = None
    origin: Origin = Origin.ADOPTED
    block: str | None = None

    def path(self) -> tuple[str, ...]:
        titles = [title for _level, title in self.numbered]
        if self.block:
            titles.insert(0, self.block)
        if self.plain:
            titles.append(self.plain)
        return tuple(titles)

    def enter_heading(self, title: str) -> None:
        level = _heading_level(title)
        if level is None:
            self.plain = title
            return
        self.numbered = [(lvl, text) for lvl, text in self.numbered if lvl < level]
        self.numbered.append((level, title))
        self.plain = None

    def update_origin(self, text: str, heading: bool) -> None:
        title = _NUMBERED_HEADING.sub(r"\g<title>", text) if heading else text
        if _RESERVATION_START.match(title):
            self.origin, self.block = Origin.RESERVATION, _block_name(title, "Reservation")
            self.numbered, self.plain = [], None
        elif _STATEMENT_START.match(title):
            self.origin, self.block = Origin.STATEMENT, _block_name(title, "Särskilt uttalande")
            self.numbered, self.plain = [], None
        elif heading and self.origin is not Origin.ADOPTED and _BLOCK_END_HEADINGS.fullmatch(title):
            self.origin, self.block = Origin.ADOPTED, None
            self.numbered, self.plain = [], None


def _block_name(text: str, default: str) -> str:
    party = re.search(r"\((?:alla |båda )?([A-ZÅÄÖ]{1,3})\)", text)
    return f"{default} ({party.group(1)})" if party else default


def prepare_text(pages: Sequence[str]) -> PreparedText:
    units = _units(_clean_lines(pages))
    texts = _normalised_units(units)
    context = _Context(numbered=[])
    paragraphs: list[Paragraph] = []
    for unit, text in zip(units, texts, strict=True):
        if not text:
            continue
        context.update_origin(text, unit.heading)
        if unit.heading:
            context.enter_heading(text)
            continue
        paragraphs.append(Paragraph(text=text, section=context.path(), origin=context.origin))
    return PreparedText(text="\n\n".join(texts), paragraphs=paragraphs)


# --------------------------------------------------------------------------- sentences

# Lower-cased tokens that end with a period without ending a sentence.
ABBREVIATIONS = frozenset(
    [
        "bl.a.",
        "t.ex.",
        "m.m.",
        "s.k.",
        "dvs.",
        "d.v.s.",
        "ca.",
        "resp.",
        "osv.",
        "o.s.v.",
        "m.fl.",
        "mfl.",
        "fr.o.m.",
        "t.o.m.",
        "jfr.",
        "inkl.",
        "exkl.",
        "enl.",
        "kr.",
        "mnkr.",
        "tkr.",
        "mdkr.",
        "milj.",
        "st.",
        "nr.",
        "dnr.",
        "kap.",
        "prop.",
        "s.",
        "f.d.",
        "p.g.a.",
        "pga.",
        "mm.",
        "etc.",
        "bl.",
        "a.",
        "t.",
        "ex.",
        "o.",
        "dyl.",
        "ev.",
        "evt.",
        "gm.",
        "ang.",
        "avd.",
        "forts.",
        "tel.",
        "fig.",
        "tab.",
        "bil.",
        "jan.",
        "feb.",
        "febr.",
        "aug.",
        "sept.",
        "okt.",
        "nov.",
        "dec.",
        "kl.",
        "proc.",
        "ung.",
        "tf.",
        "vs.",
        "ff.",
        "sek.",
    ]
)
_BOUNDARY = re.compile(r"[.!?][\"”'»)]*(?=\s+[\"”'«(]?[A-ZÅÄÖÉ0-9])")
_LIST_NUMBER = re.compile(r"(?:\d{1,2}|[a-z])[.)]\s+")


def _ends_with_abbreviation(text: str) -> bool:
    token = text.rsplit(None, 1)[-1].lower().lstrip("(\"'«")
    if token in ABBREVIATIONS:
        return True
    return re.fullmatch(r"(?:[a-zåäö]\.){2,}|[a-zåäö]\.", token) is not None


def split_sentences(text: str) -> Iterator[Sentence]:
    """Sentences of a normalised paragraph; abbreviations ("bl.a.", "t.ex.") do not end one, and a
    leading list number ("1. ", "a) ") is not part of the sentence."""
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        candidate = text[start:end]
        if _ends_with_abbreviation(candidate) or _LIST_NUMBER.fullmatch(candidate.strip() + " "):
            continue
        yield from _trimmed(text, start, end)
        start = end
    yield from _trimmed(text, start, len(text))


def _trimmed(text: str, start: int, end: int) -> Iterator[Sentence]:
    while start < end and text[start].isspace():
        start += 1
    number = _LIST_NUMBER.match(text, start)
    if number is not None and number.end() < end:
        start = number.end()
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield Sentence(text[start:end], start, end)
