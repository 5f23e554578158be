"""Is a sentence a commitment, and on which cues?

Cues are words and phrases that commit ("ska", "får i uppdrag att", "kommer att", "planerar att",
"Målet är att", "avsätts", "fortsätter", an office as subject of an action verb …), each with a
weight. A cue counts only in a main clause (`clauses.py`): in "för att fler ska kunna delta" or
"föreningar som ska ha verksamhet" the "ska" belongs to a purpose or relative clause and describes
no commitment. Whole sentences are refused for their form: questions, conditions ("Om …"), quoted
rules ("Enligt kommunallagen ska …"), notes ("Det ska noteras att …"), and "bör" recommendations (a
clause whose finite verb is "bör" has no cue). How a committing sentence splits is `splitting.py`.
"""

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from app.ingest.clauses import (
    Token,
    in_verb_chain,
    is_subordinate,
    looks_finite,
    only_possible,
    recommended,
    tokenize,
)
from app.ingest.lexicon import FINITE_NON_ACTION, FORECAST_VERBS, INFINITIVES, PASSIVES, PRESENTS

__all__ = ["THRESHOLD", "Cue", "actor_spans", "find_cues", "refers_back", "rejection_reason"]

THRESHOLD = 0.5
_STRONG_ACTOR_FOLLOWERS = frozenset({"verksamheter", "förvaltningar", "nämnder", "bolag"})


@dataclass(frozen=True)
class Cue:
    name: str
    weight: float
    start: int
    end: int


# --------------------------------------------------------------------------- whole-sentence refusals

_REJECTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\?[\"”»)]*$"), "question"),
    (
        re.compile(r"^(?:Det (?:ska|skall|bör|kan) (?:noteras|nämnas|påpekas|understrykas)|Observera att)"),
        "note",
    ),
    (re.compile(r"^Enligt\b"), "quoted rule"),
    (re.compile(r"^(?:Om|Ifall|Såvida|Vid behov|I de fall|I den mån)\b"), "condition"),
    (
        re.compile(
            r"^(?:I|Av|Under) (?:detta|denna|det här|den här|respektive) (?:ärende|rapport|plan|underlag|"
            r"dokument|tjänsteutlåtande|verksamhetsplan|inriktningsmål|avsnitt)"
        ),
        "describes the document",
    ),
)


def rejection_reason(sentence: str) -> str | None:
    for pattern, reason in _REJECTIONS:
        if pattern.search(sentence):
            return reason
    return None


_DEMONSTRATIVES = frozenset({"denna", "detta", "dessa"})
_DEMONSTRATIVES_HERE = frozenset({"den", "det", "de"})  # "den här", "det här", "de här"


def refers_back(sentence: str) -> bool:
    """The sentence's subject is a demonstrative noun phrase ("Denna utveckling fortsätter.",
    "Detta arbete ska …", "De här insatserna …"): what it commits to is said in the sentence
    before. A demonstrative pronoun alone ("Detta kräver …") is not such a subject."""
    words = [token.lower for token in tokenize(sentence)[:4]]
    if words[:1] and words[0] in _DEMONSTRATIVES:
        noun_and_verb = words[1:3]
    elif words[:2] and words[0] in _DEMONSTRATIVES_HERE and words[1:2] == ["här"]:
        noun_and_verb = words[2:4]
    else:
        return False
    if len(noun_and_verb) < 2:
        return False
    noun, verb = noun_and_verb
    return not _is_verb(noun) and _is_verb(verb)


def _is_verb(word: str) -> bool:
    return looks_finite(word) or word in _VERB_CUES


# --------------------------------------------------------------------------- cues

_PHRASE_CUES: tuple[tuple[re.Pattern[str], str, float], ...] = (
    (
        re.compile(
            r"\bi uppdrag(?:et)? att\b|\b(?:får|fått|ges|gavs) (?:därför )?(?:ett |nu ett )?(?:särskilt )?"
            r"uppdrag(?:et)?\b|\buppdras\b|\buppdra(?:r)? åt\b"
            r"|\bfått (?:ett )?(?:särskilt )?uppdrag(?:et)?\b",
            re.IGNORECASE,
        ),
        "uppdrag",
        0.9,
    ),
    (
        re.compile(r"\b(?:målet|målsättningen|ambitionen) är\b|\bett (?:annat )?mål är att\b", re.IGNORECASE),
        "goal",
        0.8,
    ),
    (re.compile(r"\binriktningen är\b", re.IGNORECASE), "plan", 0.7),
    (
        re.compile(
            r"\bfår (?:en|ett) (?:förstärkt|utökad|ökad|höjd|särskild) (?:ram|budget|anslag)\b", re.IGNORECASE
        ),
        "funding",
        0.65,
    ),
    (re.compile(r"\bvill (?:vi )?(?:också |därför |även )?att\b", re.IGNORECASE), "proposal", 0.75),
    (re.compile(r"\b(?:beslutar|beslutade|beslöt) att\b", re.IGNORECASE), "decision", 0.7),
    (re.compile(r"\bhar i uppgift att\b", re.IGNORECASE), "responsibility", 0.6),
    (re.compile(r"\bberäknar (?:vi )?att\b", re.IGNORECASE), "estimate", 0.55),
    (re.compile(r"\bframgår att\b", re.IGNORECASE), "quoted decision", 0.55),
    (re.compile(r"\bligger (?:hos|under)\b", re.IGNORECASE), "assigned", 0.55),
)

# single finite verbs that commit when they are the verb of a main clause
_VERB_CUES: dict[str, tuple[str, float]] = {
    "ska": ("ska", 0.85),
    "skall": ("ska", 0.85),
    "planerar": ("plan", 0.75),
    "avser": ("plan", 0.75),
    "fortsätter": ("continues", 0.7),
    "fortgår": ("continues", 0.7),
    "pågår": ("in progress", 0.65),
    "avsätts": ("funding", 0.75),
    "avsätter": ("funding", 0.75),
    "anvisas": ("funding", 0.75),
    "anslås": ("funding", 0.75),
    "måste": ("must", 0.7),
    "behöver": ("need", 0.55),
    "krävs": ("requires", 0.55),
    "kräver": ("requires", 0.55),
    "ansvarar": ("responsibility", 0.6),
    "sker": ("takes place", 0.5),
}
_ESTIMATE_VERBS = frozenset({"beräknas", "uppskattas", "väntas", "förväntas", "planeras", "bedöms"})
_WEAK_PASSIVES = frozenset({"redovisas", "presenteras", "beskrivs", "ges"})
_ACTORS_PRONOUNS = frozenset({"vi"})


def _verb_after(tokens: Sequence[Token], index: int, window: int = 5) -> Token | None:
    """The verb that "kommer (att)" or "beräknas (att)" governs: the word after "att", else the first
    infinitive or passive of the lexicon within ``window`` words."""
    following = tokens[index + 1 : index + 1 + window]
    for position, token in enumerate(following):
        if token.lower == "att" and position + 1 < len(following):
            return following[position + 1]
        if token.lower in INFINITIVES or token.lower in PASSIVES:
            return token
    return None


def _governed_work(tokens: Sequence[Token], index: int) -> bool:
    verb = _verb_after(tokens, index)
    if verb is None:
        return False
    if verb.lower == "vara":
        position = tokens.index(verb)
        return position + 1 < len(tokens) and tokens[position + 1].lower in {
            "angeläget", "viktigt", "nödvändigt", "aktuellt",
        }  # fmt: skip
    return verb.lower not in FORECAST_VERBS


def _costed(tokens: Sequence[Token], index: int) -> bool:
    """ "uppskattas till cirka 750 000 kronor": an estimate of what the work costs."""
    following = [token.lower for token in tokens[index + 1 : index + 7]]
    return bool(following) and following[0] == "till" and any(word in _MONEY_WORDS for word in following)


_MONEY_WORDS = frozenset({"kronor", "kr", "mnkr", "tkr", "miljoner", "miljard", "miljarder"})


def _main_clause_cues(text: str, tokens: Sequence[Token], actors: Sequence[tuple[int, int]]) -> Iterator[Cue]:
    for index, token in enumerate(tokens):
        cue = _token_cue(tokens, index, actors)
        if cue is None:
            continue
        if is_subordinate(tokens, index, text) or recommended(tokens, index, text):
            continue
        if cue[0] != "ska" and (only_possible(tokens, index, text) or in_verb_chain(tokens, index)):
            continue
        yield Cue(cue[0], cue[1], token.start, token.end)


def _token_cue(
    tokens: Sequence[Token], index: int, actors: Sequence[tuple[int, int]]
) -> tuple[str, float] | None:
    word = tokens[index].lower
    if word in {"planerar", "avser"}:
        following = [token.lower for token in tokens[index + 1 : index + 3]]
        return _VERB_CUES[word] if "att" in following else None
    if word in _VERB_CUES:
        return _VERB_CUES[word]
    if word == "kommer":
        return ("kommer att", 0.7) if _governed_work(tokens, index) else None
    if word in _ESTIMATE_VERBS:
        governs = _governed_work(tokens, index) or _costed(tokens, index)
        return ("estimate", 0.5) if governs else None
    if word in PASSIVES:
        return ("passive", 0.4 if word in _WEAK_PASSIVES else 0.55)
    if word in PRESENTS and word not in FINITE_NON_ACTION and _next_to_actor(tokens, index, actors):
        return ("actor acts", 0.6)
    return None


def _next_to_actor(tokens: Sequence[Token], index: int, actors: Sequence[tuple[int, int]]) -> bool:
    """The verb stands right after its subject ("Kontoret leder") or, inverted, right before it
    ("… utvecklar stadsledningskontoret …", "… stärker vi …")."""
    token = tokens[index]
    before = tokens[index - 1] if index > 0 else None
    after = tokens[index + 1] if index + 1 < len(tokens) else None
    for start, end in actors:
        if before is not None and before.start >= start and before.end <= end:
            return True
        if after is not None and after.start >= start and after.end <= end:
            return True
    return (before is not None and before.lower in _ACTORS_PRONOUNS and token.start > 0) or (
        after is not None and after.lower in _ACTORS_PRONOUNS
    )


def find_cues(text: str, actors: Sequence[tuple[int, int]] = ()) -> list[Cue]:
    """Cues of a sentence; ``actors`` are the spans of unit names acting as subjects."""
    tokens = tokenize(text)
    cues = [
        Cue(name, weight, match.start(), match.end())
        for pattern, name, weight in _PHRASE_CUES
        for match in pattern.finditer(text)
        if not recommended(tokens, _token_index(tokens, match.start()), text)
    ]
    cues.extend(_main_clause_cues(text, tokens, actors))
    return sorted(cues, key=lambda cue: cue.start)


def _token_index(tokens: Sequence[Token], offset: int) -> int:
    for index, token in enumerate(tokens):
        if token.end > offset:
            return index
    return len(tokens)


def actor_spans(text: str, spans: Sequence[tuple[int, int, bool]]) -> list[tuple[int, int]]:
    """Unit names that can be a subject: not possessive, unless a possessive of the kind "stadens
    verksamheter" (the units' own operations)."""
    result = []
    for start, end, possessive in spans:
        if possessive:
            following = text[end:].split(maxsplit=1)
            if not following or following[0].lower().strip(",.") not in _STRONG_ACTOR_FOLLOWERS:
                continue
            end += 1 + len(following[0])
        result.append((start, end))
    return result
