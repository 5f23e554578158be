"""Organisational units as the engine sees them, and finding their names in a sentence.

The engine is given the units (from the database later, from seeds/org_units.yaml in the
evaluation). A name is found by its name, short name or aliases, in lower case, also in the genitive
("kommunstyrelsens") and in an elided compound ("stadsbyggnads- och exploateringsnämnden"). Short
upper-case names ("KS", "SLK") are only matched in upper case. "Kontoret", "förvaltningen",
"nämnden" … name the document's issuer: its office or its board.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

__all__ = ["Mention", "UnitDirectory", "UnitRef"]

OWNING_KINDS = frozenset({"council", "board", "company"})
_OFFICE_WORDS = ("kontoret", "kontorets", "förvaltningen", "förvaltningens")
_BOARD_WORDS = ("nämnden", "nämndens", "styrelsen", "styrelsens")
_ELIDED = re.compile(
    r"\b(\w+)- (?:och|eller|samt) (\w+?)(nämnden|nämnd|förvaltningen|kontoret)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class UnitRef:
    key: str
    name: str
    kind: str = "board"
    parent: str | None = None
    short_name: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    key: str
    start: int
    end: int
    possessive: bool


@dataclass
class UnitDirectory:
    """The units, the issuer of the document being read, and the name matcher built from them."""

    units: Sequence[UnitRef]
    issuer: str | None = None
    _by_key: dict[str, UnitRef] = field(init=False)

    def __post_init__(self) -> None:
        self._by_key = {unit.key: unit for unit in self.units}
        if self.issuer is not None and self.issuer not in self._by_key:
            raise ValueError(f"unknown issuer unit {self.issuer!r}")

    def get(self, key: str) -> UnitRef:
        return self._by_key[key]

    # ------------------------------------------------------------------ owner and executor

    def owning_unit(self, key: str) -> str:
        """The unit that owns work done by ``key``: itself if a board, council or company, else the
        nearest such ancestor (an office's board)."""
        unit = self._by_key[key]
        seen = {key}
        while unit.kind not in OWNING_KINDS and unit.parent and unit.parent not in seen:
            seen.add(unit.parent)
            unit = self._by_key[unit.parent]
        return unit.key

    def owner_and_executor(self, key: str) -> tuple[str, str | None]:
        owner = self.owning_unit(key)
        return owner, (None if owner == key else key)

    @cached_property
    def issuer_board(self) -> str | None:
        return None if self.issuer is None else self.owning_unit(self.issuer)

    @cached_property
    def issuer_office(self) -> str | None:
        """The issuer if it is an office; for a board, its only office among the units."""
        if self.issuer is None:
            return None
        if self._by_key[self.issuer].kind not in OWNING_KINDS:
            return self.issuer
        offices = [unit.key for unit in self.units if unit.parent == self.issuer and unit.kind == "office"]
        return offices[0] if len(offices) == 1 else None

    @cached_property
    def council(self) -> str | None:
        """The top body (kommunfullmäktige): owner of what "staden" is to do."""
        councils = [unit.key for unit in self.units if unit.kind == "council" and unit.parent is None]
        return councils[0] if len(councils) == 1 else None

    def default_actor(self) -> tuple[str | None, str | None]:
        """Owner and executor of work the text gives no actor for: the issuer's board and office."""
        board, office = self.issuer_board, self.issuer_office
        return board, (office if office != board else None)

    # ------------------------------------------------------------------ matching names

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        names = sorted(self._names, key=len, reverse=True)
        alternation = "|".join(re.escape(name) for name in names)
        return re.compile(rf"(?<![\w-])(?:{alternation})(?:s|:s)?(?![\w-])", re.IGNORECASE)

    @cached_property
    def _names(self) -> dict[str, str]:
        """Lower-cased name -> unit key; the issuer's generic words ("kontoret") included."""
        names: dict[str, str] = {}
        for unit in self.units:
            for name in (unit.name, unit.short_name, *unit.aliases):
                if name and (len(name) > 3 or not name.isupper()):
                    names.setdefault(name.lower(), unit.key)
        names.update(self._generic_names())
        return names

    @cached_property
    def _upper_case_names(self) -> dict[str, str]:
        return {
            name: unit.key
            for unit in self.units
            for name in (unit.short_name, *unit.aliases)
            if name and len(name) <= 3 and name.isupper()
        }

    def _generic_names(self) -> dict[str, str]:
        generic: dict[str, str] = {}
        office, board = self.issuer_office, self.issuer_board
        if office is not None:
            generic.update(dict.fromkeys(_OFFICE_WORDS, office))
            generic.update(dict.fromkeys(_definite_forms(self._by_key[office].name), office))
        if board is not None:
            generic.update(dict.fromkeys(_BOARD_WORDS, board))
            generic.update(dict.fromkeys(_definite_forms(self._by_key[board].name), board))
        return generic

    def mentions(self, text: str) -> list[Mention]:
        """Units named in ``text``, in order of appearance."""
        found = [self._mention(match) for match in self._pattern.finditer(text)]
        found.extend(self._elided_mentions(text))
        found.extend(
            Mention(key, match.start(), match.end(), possessive=False)
            for name, key in self._upper_case_names.items()
            for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)
        )
        return sorted(
            (mention for mention in found if mention is not None), key=lambda mention: mention.start
        )

    def _mention(self, match: re.Match[str]) -> Mention | None:
        word = match.group(0).lower()
        key = self._names.get(word)
        possessive = key is not None and word.endswith("s") and self._names.get(word[:-1]) == key
        if key is None:
            base = word[:-2] if word.endswith(":s") else word[:-1]
            key = self._names.get(base)
            possessive = key is not None
        if key is None:
            return None
        return Mention(key, match.start(), match.end(), possessive)

    def _elided_mentions(self, text: str) -> Iterable[Mention]:
        """ "stadsbyggnads- och exploateringsnämnden": the first part is "stadsbyggnadsnämnden"."""
        for match in _ELIDED.finditer(text):
            if match.group(0).lower() in self._names:
                continue
            suffix = match.group(3).lower()
            first = self._names.get(match.group(1).lower() + suffix)
            second = self._names.get((match.group(2) + match.group(3)).lower())
            if first is not None:
                yield Mention(first, match.start(1), match.end(1) + 1, possessive=False)
            if second is not None:
                yield Mention(second, match.start(2), match.end(3), possessive=False)


def _definite_forms(name: str) -> tuple[str, ...]:
    """ "Skarpnäcks stadsdelsnämnd" is also "stadsdelsnämnden"; "… stadsdelsförvaltning" likewise."""
    last = name.split()[-1].lower()
    if len(name.split()) < 2:
        return ()
    if last.endswith("nämnd"):
        return (last + "en", last + "ens")
    if last.endswith("förvaltning"):
        return (last + "en", last + "ens")
    return ()
