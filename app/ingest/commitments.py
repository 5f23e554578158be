"""Is a sentence a commitment, on which cues, and into which parts does it split?

Cues are words and phrases that commit ("ska", "får i uppdrag att", "kommer att", "planerar att",
"Målet är att", "avsätts", "fortsätter", an office as subject of an action verb …), each with a
weight. A cue counts only in a main clause: in "för att fler ska kunna delta" or "föreningar som
ska ha verksamhet" the "ska" belongs to a purpose or relative clause and describes no commitment.
Whole sentences are refused for their form: questions, conditions ("Om …"), quoted rules
("Enligt kommunallagen ska …"), notes ("Det ska noteras att …"), and "bör" recommendations (a
clause whose finite verb is "bör" has no cue).

A sentence that commits to two separate things is split where a second predicate is coordinated
("… ska följa upp X, och ta fram Y", "… leder X och samordnar Y", "… liksom Y", a list of
"att"-clauses).
"""

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from app.ingest.lexicon import FINITE_NON_ACTION, FORECAST_VERBS, INFINITIVES, PASSIVES, PRESENTS

__all__ = ["Cue", "Part", "find_cues", "refers_back", "rejection_reason", "split_parts"]

THRESHOLD = 0.5

_TOKEN = re.compile(r"\w+(?:[-:.]\w+)*", re.UNICODE)
_SUBORDINATORS = frozenset(
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
_FINITE = FINITE_NON_ACTION | PRESENTS | PASSIVES
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
_STRONG_ACTOR_FOLLOWERS = frozenset({"verksamheter", "förvaltningar", "nämnder", "bolag"})


@dataclass(frozen=True)
class Cue:
    name: str
    weight: float
    start: int
    end: int


@dataclass(frozen=True)
class Part:
    start: int
    end: int


@dataclass(frozen=True)
class _Token:
    text: str
    lower: str
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.group(0), m.group(0).lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


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
    words = [token.lower for token in _tokens(sentence)[:4]]
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
    return _looks_finite(word) or word in _VERB_CUES


# --------------------------------------------------------------------------- clauses


def _clause_start(tokens: Sequence[_Token], index: int, text: str) -> int:
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


def _open_subordinate(tokens: Sequence[_Token], position: int, text: str) -> bool:
    """A subordinate clause without its verb yet stands before ``position`` ("under vilka former
    ansökningar och återföring ska göras"): an "och" there joins nouns, not clauses."""
    for before in range(position - 1, -1, -1):
        between = text[tokens[before].end : tokens[before + 1].start]
        if any(mark in between for mark in ",;:"):
            return False
        word = tokens[before].lower
        if word in _SUBORDINATORS and not (word == "att" and _is_infinitive_marker(tokens, before)):
            return True
        if _looks_finite(word):
            return False
    return False


def _joins_predicate(tokens: Sequence[_Token], position: int) -> bool:
    following = [token.lower for token in tokens[position + 1 : position + 3]]
    return bool(following) and (following[0] in _FINITE or (len(following) > 1 and following[1] in _MODALS))


def _is_infinitive_marker(tokens: Sequence[_Token], position: int) -> bool:
    """ "att"/"för att" before an infinitive ("med att skapa", "för att minska") opens no clause."""
    for token in tokens[position + 1 : position + 3]:
        if token.lower in _ADVERBS or token.lower.endswith("ligt"):
            continue
        return token.lower in INFINITIVES or (
            token.lower.endswith("a") and token.lower not in _NOT_INFINITIVES
        )
    return False


def _is_subordinate(tokens: Sequence[_Token], index: int, text: str) -> bool:
    """True when a subordinator ("att", "som", "för att", "hur" …) opens the clause part before the
    cue with no finite verb between them: the cue is then that subordinate clause's verb."""
    start = _clause_start(tokens, index, text)
    for position in range(index - 1, start - 1, -1):
        word = tokens[position].lower
        if word == "att" and (_is_infinitive_marker(tokens, position) or _after_evaluation(tokens, position)):
            continue
        if word in _SUBORDINATORS:
            return not _only_verb_of_sentence(tokens, position, index)
        if _looks_finite(word):
            return False
    return False


def _looks_finite(word: str) -> bool:
    """A finite verb of the lexicon, or an s-passive of the first conjugation it lacks ("serveras")."""
    return word in _FINITE or (len(word) > 6 and word.endswith("eras"))


def _only_verb_of_sentence(tokens: Sequence[_Token], subordinator: int, index: int) -> bool:
    """The cue after "som"/"att" is the sentence's main verb after all when no finite verb stands
    before the subordinator or after the cue's own verb chain ("Ytterstadens potential som
    utvecklingsområden … ska tas till vara")."""
    if any(_looks_finite(token.lower) for token in tokens[:subordinator]):
        return False
    position = index + 1
    while position < len(tokens) and (
        tokens[position].lower in INFINITIVES
        or tokens[position].lower in PASSIVES
        or tokens[position].lower in _ADVERBS
        or tokens[position].lower in {"kunna", "behöva"}
    ):
        position += 1
    return not any(_looks_finite(token.lower) for token in tokens[position:])


def _after_evaluation(tokens: Sequence[_Token], position: int) -> bool:
    """ "Det är av särskild vikt att kontoret säkerställer …": the office's work is the point."""
    return position > 0 and tokens[position - 1].lower in {"vikt", "angeläget", "nödvändigt"}


def _in_verb_chain(tokens: Sequence[_Token], index: int) -> bool:
    """ "ska utformas", "kan förbättras", "får prövas": the verb belongs to the modal before it."""
    for position in range(index - 1, max(index - 3, -1), -1):
        word = tokens[position].lower
        if word in _MODALS or word in {"kunna", "behöva"}:
            return True
        if word not in _ADVERBS:
            return False
    return False


def _recommended(tokens: Sequence[_Token], index: int, text: str) -> bool:
    start = _clause_start(tokens, index, text)
    return any(token.lower in _RECOMMENDATION for token in tokens[start:index])


def _only_possible(tokens: Sequence[_Token], index: int, text: str) -> bool:
    """ "kan servicen förbättras": a possibility, not a commitment."""
    start = _clause_start(tokens, index, text)
    for position in range(index - 1, start - 1, -1):
        word = tokens[position].lower
        if word in _POSSIBILITY - {"kunna"}:
            return True
        if _looks_finite(word):
            return False
    return False


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


def _verb_after(tokens: Sequence[_Token], index: int, window: int = 5) -> _Token | None:
    """The verb that "kommer (att)" or "beräknas (att)" governs: the word after "att", else the first
    infinitive or passive of the lexicon within ``window`` words."""
    following = tokens[index + 1 : index + 1 + window]
    for position, token in enumerate(following):
        if token.lower == "att" and position + 1 < len(following):
            return following[position + 1]
        if token.lower in INFINITIVES or token.lower in PASSIVES:
            return token
    return None


def _governed_work(tokens: Sequence[_Token], index: int) -> bool:
    verb = _verb_after(tokens, index)
    if verb is None:
        return False
    if verb.lower == "vara":
        position = tokens.index(verb)
        return position + 1 < len(tokens) and tokens[position + 1].lower in {
            "angeläget", "viktigt", "nödvändigt", "aktuellt",
        }  # fmt: skip
    return verb.lower not in FORECAST_VERBS


def _costed(tokens: Sequence[_Token], index: int) -> bool:
    """ "uppskattas till cirka 750 000 kronor": an estimate of what the work costs."""
    following = [token.lower for token in tokens[index + 1 : index + 7]]
    return bool(following) and following[0] == "till" and any(word in _MONEY_WORDS for word in following)


_MONEY_WORDS = frozenset({"kronor", "kr", "mnkr", "tkr", "miljoner", "miljard", "miljarder"})


def _main_clause_cues(
    text: str, tokens: Sequence[_Token], actors: Sequence[tuple[int, int]]
) -> Iterator[Cue]:
    for index, token in enumerate(tokens):
        cue = _token_cue(tokens, index, actors)
        if cue is None:
            continue
        if _is_subordinate(tokens, index, text) or _recommended(tokens, index, text):
            continue
        if cue[0] != "ska" and (_only_possible(tokens, index, text) or _in_verb_chain(tokens, index)):
            continue
        yield Cue(cue[0], cue[1], token.start, token.end)


def _token_cue(
    tokens: Sequence[_Token], index: int, actors: Sequence[tuple[int, int]]
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


def _next_to_actor(tokens: Sequence[_Token], index: int, actors: Sequence[tuple[int, int]]) -> bool:
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
    tokens = _tokens(text)
    cues = [
        Cue(name, weight, match.start(), match.end())
        for pattern, name, weight in _PHRASE_CUES
        for match in pattern.finditer(text)
        if not _recommended(tokens, _token_index(tokens, match.start()), text)
    ]
    cues.extend(_main_clause_cues(text, tokens, actors))
    return sorted(cues, key=lambda cue: cue.start)


def _token_index(tokens: Sequence[_Token], offset: int) -> int:
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


# --------------------------------------------------------------------------- splitting

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
    tokens = _tokens(right)
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
    tokens = _tokens(left)
    markers = [index for index, token in enumerate(tokens) if token.lower in {"att", "som"}]
    return bool(markers) and not any(_looks_finite(token.lower) for token in tokens[markers[-1] + 1 :])


def _starts_description(right: str) -> bool:
    """A new clause that only describes: its verb is "är", "har", "blir" within a few words."""
    for token in _tokens(right)[:6]:
        if token.lower in {"är", "har", "blir", "var", "hade"}:
            return True
        if token.lower in _FINITE or token.lower in _SUBORDINATORS:
            return False
    return False
