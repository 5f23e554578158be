"""Swedish clause structure, as much as the commitment cues need: words, where a clause begins,
whether a verb is the verb of a main clause or of a subordinate one ("för att fler ska kunna
delta", "föreningar som ska ha verksamhet"), whether it belongs to a modal before it ("ska
utformas"), and whether its clause recommends ("bör") or only makes possible ("kan").
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.ingest.lexicon import FINITE_NON_ACTION, INFINITIVES, PASSIVES, PRESENTS

__all__ = [
    "FINITE",
    "SUBORDINATORS",
    "Token",
    "in_verb_chain",
    "is_subordinate",
    "looks_finite",
    "only_possible",
    "recommended",
    "tokenize",
]

_TOKEN = re.compile(r"\w+(?:[-:.]\w+)*", re.UNICODE)
SUBORDINATORS = frozenset(
    [
        "att",
        "som",
        "vilka",
        "vilken",
        "vilket",
        "hur",
        "när",
        "om",
        "där",
        "innan",
        "eftersom",
        "då",
        "medan",
        "ifall",
        "trots",
    ]
)
_CLAUSE_WORDS = frozenset({"och", "samt", "men", "liksom"})
FINITE = FINITE_NON_ACTION | PRESENTS | PASSIVES
_RECOMMENDATION = frozenset({"bör", "borde"})
_POSSIBILITY = frozenset({"kan", "kunde", "skulle", "kunna", "torde"})
_MODALS = frozenset(
    {"ska", "skall", "kan", "kunde", "måste", "bör", "borde", "kommer", "behöver", "får", "skulle"}
)
_ADVERBS = frozenset(
    [
        "inte",
        "också",
        "även",
        "därför",
        "sedan",
        "särskilt",
        "aktivt",
        "kontinuerligt",
        "successivt",
        "gemensamt",
        "dessutom",
        "vidare",
        "bland",
        "annat",
    ]
)
_NOT_INFINITIVES = frozenset(
    [
        "alla",
        "flera",
        "dessa",
        "denna",
        "sina",
        "våra",
        "andra",
        "många",
        "några",
        "vissa",
        "båda",
        "samma",
        "deras",
        "hela",
        "nya",
        "stora",
        "egna",
        "gamla",
        "unga",
        "svenska",
        "olika",
        "fler",
        "enskilda",
        "samtliga",
    ]
)


@dataclass(frozen=True)
class Token:
    text: str
    lower: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(0), m.group(0).lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _clause_start(tokens: Sequence[Token], index: int, text: str) -> int:
    """Index of the first token of the clause that token ``index`` is in: after , ; : or after an
    "och"/"samt" that joins a new predicate ("… och ska sänkas", "… och maten ska hålla")."""
    for position in range(index - 1, -1, -1):
        between = text[tokens[position].end : tokens[position + 1].start]
        if any(mark in between for mark in ",;:–"):
            return position + 1
        if (
            tokens[position].lower in _CLAUSE_WORDS
            and _joins_predicate(tokens, position)
            and not _open_subordinate(tokens, position, text)
        ):
            return position + 1
    return 0


def _open_subordinate(tokens: Sequence[Token], position: int, text: str) -> bool:
    """A subordinate clause without its verb yet stands before ``position`` ("under vilka former
    ansökningar och återföring ska göras"): an "och" there joins nouns, not clauses."""
    for before in range(position - 1, -1, -1):
        between = text[tokens[before].end : tokens[before + 1].start]
        if any(mark in between for mark in ",;:"):
            return False
        word = tokens[before].lower
        if word in SUBORDINATORS and not (word == "att" and _is_infinitive_marker(tokens, before)):
            return True
        if looks_finite(word):
            return False
    return False


def _joins_predicate(tokens: Sequence[Token], position: int) -> bool:
    following = [token.lower for token in tokens[position + 1 : position + 3]]
    return bool(following) and (following[0] in FINITE or (len(following) > 1 and following[1] in _MODALS))


def _is_infinitive_marker(tokens: Sequence[Token], position: int) -> bool:
    """ "att"/"för att" before an infinitive ("med att skapa", "för att minska") opens no clause."""
    for token in tokens[position + 1 : position + 3]:
        if token.lower in _ADVERBS or token.lower.endswith("ligt"):
            continue
        return token.lower in INFINITIVES or (
            token.lower.endswith("a") and token.lower not in _NOT_INFINITIVES
        )
    return False


def is_subordinate(tokens: Sequence[Token], index: int, text: str) -> bool:
    """True when a subordinator ("att", "som", "för att", "hur" …) opens the clause part before the
    cue with no finite verb between them: the cue is then that subordinate clause's verb."""
    start = _clause_start(tokens, index, text)
    for position in range(index - 1, start - 1, -1):
        word = tokens[position].lower
        if word == "att" and (_is_infinitive_marker(tokens, position) or _after_evaluation(tokens, position)):
            continue
        if word in SUBORDINATORS:
            return not _only_verb_of_sentence(tokens, position, index)
        if looks_finite(word):
            return False
    return False


def looks_finite(word: str) -> bool:
    """A finite verb of the lexicon, or an s-passive of the first conjugation it lacks ("serveras")."""
    return word in FINITE or (len(word) > 6 and word.endswith("eras"))


def _only_verb_of_sentence(tokens: Sequence[Token], subordinator: int, index: int) -> bool:
    """The cue after "som"/"att" is the sentence's main verb after all when no finite verb stands
    before the subordinator or after the cue's own verb chain ("Ytterstadens potential som
    utvecklingsområden … ska tas till vara")."""
    if any(looks_finite(token.lower) for token in tokens[:subordinator]):
        return False
    position = index + 1
    while position < len(tokens) and (
        tokens[position].lower in INFINITIVES
        or tokens[position].lower in PASSIVES
        or tokens[position].lower in _ADVERBS
        or tokens[position].lower in {"kunna", "behöva"}
    ):
        position += 1
    return not any(looks_finite(token.lower) for token in tokens[position:])


def _after_evaluation(tokens: Sequence[Token], position: int) -> bool:
    """ "Det är av särskild vikt att kontoret säkerställer …": the office's work is the point."""
    return position > 0 and tokens[position - 1].lower in {"vikt", "angeläget", "nödvändigt"}


def in_verb_chain(tokens: Sequence[Token], index: int) -> bool:
    """ "ska utformas", "kan förbättras", "får prövas": the verb belongs to the modal before it."""
    for position in range(index - 1, max(index - 3, -1), -1):
        word = tokens[position].lower
        if word in _MODALS or word in {"kunna", "behöva"}:
            return True
        if word not in _ADVERBS:
            return False
    return False


def recommended(tokens: Sequence[Token], index: int, text: str) -> bool:
    start = _clause_start(tokens, index, text)
    return any(token.lower in _RECOMMENDATION for token in tokens[start:index])


def only_possible(tokens: Sequence[Token], index: int, text: str) -> bool:
    """ "kan servicen förbättras": a possibility, not a commitment."""
    start = _clause_start(tokens, index, text)
    for position in range(index - 1, start - 1, -1):
        word = tokens[position].lower
        if word in _POSSIBILITY - {"kunna"}:
            return True
        if looks_finite(word):
            return False
    return False
