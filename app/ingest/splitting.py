"""Splitting a sentence that commits to two separate things: where a second predicate is
coordinated ("… ska följa upp X, och ta fram Y", "… leder X och samordnar Y", "… liksom Y", a list
of "att"-clauses, "vilket gör att …"), and cutting off a trailing clause that only describes
("… fortsätter och visionen är basen …").
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.ingest.clauses import FINITE, SUBORDINATORS, looks_finite, tokenize
from app.ingest.commitments import Cue
from app.ingest.lexicon import INFINITIVES, PASSIVES, PRESENTS

__all__ = ["Part", "split_parts"]


@dataclass(frozen=True)
class Part:
    start: int
    end: int


_SPLIT = re.compile(
    r"(?P<sep>,? (?:och|samt) (?:att |för att |för |med )?|, att |,? liksom "
    r"|,? vilket (?:i sin tur leder till|gör) att )",
)
_SKIPPABLE = frozenset(
    ["särskilt", "sedan", "även", "också", "därefter", "dessutom", "aktivt", "gemensamt", "därför"]
)


def _starts_predicate(right: str, actors_right: bool, cue_offsets: Sequence[int]) -> bool:
    """The text after a coordinator starts a new predicate: a verb (after adverbs and "genom X"),
    or a subject followed closely by its own main-clause cue ("… och maten ska hålla …")."""
    tokens = tokenize(right)
    position = 0
    while position < len(tokens) and tokens[position].lower in _SKIPPABLE:
        position += 1
    if position < len(tokens) and tokens[position].lower == "genom" and actors_right:
        position += 2
    if position < len(tokens):
        word = tokens[position].lower
        if word in INFINITIVES or word in PRESENTS or word in PASSIVES:
            return True
    for token in tokens[: position + 6]:
        if token.lower in {"och", "samt"}:
            return False
        if token.start in cue_offsets:
            return True
    return False


def split_parts(text: str, cues: Sequence[Cue], actors: Sequence[tuple[int, int]] = ()) -> list[Part]:
    """Parts of a committing sentence that commit to separate things (the whole sentence if none)."""
    if not cues:
        return []
    first_cue = cues[0].start
    parts: list[Part] = []
    start = 0
    for match in _SPLIT.finditer(text):
        if match.start() <= first_cue or match.start() - start < 20:
            continue
        if re.search(r"\b(?:från|till)$", text[: match.start()]):  # "från och med", "till och med"
            continue
        sep = match.group("sep")
        right = text[match.end() :]
        left = text[start : match.start()]
        parallel = re.search(r"(?:och|samt) (?P<prep>för|med) ", sep)
        if "att" in sep or "liksom" in sep or "vilket" in sep:
            accepted = len(right.split()) >= 3 and ("vilket" not in sep or bool(left))
            if sep.strip(", ") in {"att", "och att", "samt att"}:
                accepted = accepted and " att " in f" {left}"
        elif parallel is not None:
            accepted = f" {parallel['prep']} " in left
        else:
            actors_right = any(match.end() <= a_start for a_start, _end in actors)
            offsets = [cue.start - match.end() for cue in cues if cue.start >= match.end()]
            accepted = _starts_predicate(right, actors_right, offsets)
            if not accepted and not offsets and _starts_description(right) and not _open_clause(left):
                parts.append(Part(start, match.start()))  # "… fortsätter och visionen är basen …"
                return _nonempty(text, parts)
        if accepted:
            parts.append(Part(start, match.start()))
            start = match.end() - (len("att ") if sep.endswith(" att ") and "vilket" not in sep else 0)
    parts.append(Part(start, len(text)))
    return _nonempty(text, parts)


def _nonempty(text: str, parts: list[Part]) -> list[Part]:
    return [part for part in parts if text[part.start : part.end].strip(" ,")]


def _open_clause(left: str) -> bool:
    """ "Ett mål är att X och Y är positiv": the "att"-clause has no verb yet, so "är" is its verb."""
    tokens = tokenize(left)
    markers = [index for index, token in enumerate(tokens) if token.lower in {"att", "som"}]
    return bool(markers) and not any(looks_finite(token.lower) for token in tokens[markers[-1] + 1 :])


def _starts_description(right: str) -> bool:
    """A new clause that only describes: its verb is "är", "har", "blir" within a few words."""
    for token in tokenize(right)[:6]:
        if token.lower in {"är", "har", "blir", "var", "hade"}:
            return True
        if token.lower in FINITE or token.lower in SUBORDINATORS:
            return False
    return False
