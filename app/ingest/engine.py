"""The ingest engine: a document's pages in, proposed draft assignments out.

Pure and in memory: no database, no network. The caller supplies what the document itself cannot
say (its date, plan period, issuer and the organisation's units); later the database will.
"""

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from app.assignments.deadline_text import DeadlinePrecision, PlanPeriod
from app.assignments.vocabulary import AssignmentKind
from app.documents.models import Origin
from app.ingest.commitments import THRESHOLD, Cue, actor_spans, find_cues, refers_back, rejection_reason
from app.ingest.extract import DocumentTooLargeError, ExtractionLimits, extract_text
from app.ingest.fields import Deadline, Money, Target, find_deadline, find_money, find_target
from app.ingest.splitting import split_parts
from app.ingest.text import Paragraph, PreparedText, Sentence, prepare_text, split_sentences
from app.ingest.units import Mention, UnitDirectory, UnitRef

__all__ = ["MAX_DRAFTS", "DocumentContext", "DraftProposal", "IngestResult", "ingest_file", "propose_drafts"]

# More drafts than anyone reviews: the 100-page benchmark (the budget text repeated, one draft per
# 180 characters) gives 1 836, a real plan far fewer a page. Reading and storing drafts is most of an
# upload's time (about 1.5 ms each on this project's machines), so the cap, with the limit on the
# text's length (`ExtractionLimits.max_characters`), keeps the largest upload accepted to seconds.
MAX_DRAFTS = 10_000


@dataclass(frozen=True)
class DocumentContext:
    document_date: date
    plan_period: PlanPeriod
    units: Sequence[UnitRef]
    issuer: str | None = None  # the unit that wrote the document ("kontoret" refers to it)


@dataclass(frozen=True)
class DraftProposal:
    quote: str  # verbatim: a substring of normalise_source_text(IngestResult.text)
    section: tuple[str, ...]
    origin: Origin
    owner: str | None
    executor: str | None
    partners: tuple[str, ...]
    kind: AssignmentKind
    deadline_text: str | None
    deadline_earliest: date | None
    deadline_latest: date | None
    deadline_precision: DeadlinePrecision | None
    money: Money | None
    target: Target | None
    confidence: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class IngestResult:
    text: str
    drafts: list[DraftProposal]


def ingest_file(
    data: bytes, context: DocumentContext, *, limits: ExtractionLimits | None = None
) -> IngestResult:
    return propose_drafts(extract_text(data, limits=limits).pages, context)


def propose_drafts(
    pages: Sequence[str], context: DocumentContext, *, max_drafts: int = MAX_DRAFTS
) -> IngestResult:
    """The document's clean text and its drafts; refused (413, `too_many_drafts`) as soon as it
    gives more than ``max_drafts``."""
    prepared: PreparedText = prepare_text(pages)
    directory = UnitDirectory(context.units, issuer=context.issuer)
    reader = _Reader(directory, context)
    found = (draft for paragraph in prepared.paragraphs for draft in reader.paragraph(paragraph))
    drafts = list(itertools.islice(found, max_drafts + 1))
    if len(drafts) > max_drafts:
        raise DocumentTooLargeError(
            "too_many_drafts",
            f"the text gives more than {max_drafts} draft assignments, more than anyone can review; "
            "upload the document in parts",
        )
    return IngestResult(text=prepared.text, drafts=drafts)


# --------------------------------------------------------------------------- actors

_PREPOSITIONS = frozenset(
    [
        "till",
        "från",
        "med",
        "av",
        "för",
        "hos",
        "i",
        "på",
        "inom",
        "under",
        "över",
        "mot",
        "om",
        "åt",
        "vid",
        "mellan",
        "efter",
        "enligt",
        "genom",
        "kring",
        "än",
        "utan",
        "bland",
        "inklusive",
        "ur",
    ]
)
_PARTNER_PHRASE = re.compile(
    r"(?:i samverkan med|i samråd med|tillsammans med|i samarbete med|gemensamt med|fördelat på)"
    r"\s+(?:berörda\s+)?$",
    re.IGNORECASE,
)
_ASSIGNEE_BEFORE = re.compile(r"(?:\bger|\bge|\bgav|\båt|\buppdrar)\s+$", re.IGNORECASE)
_EXECUTOR_BEFORE = re.compile(r"\bgenom\s+$", re.IGNORECASE)
_AGENT_BEFORE = re.compile(r"\b(?:av|hos|under|vid)\s+$", re.IGNORECASE)
_CONTINUING = re.compile(
    r"\b(?:löpande|kontinuerligt|årligen|varje (?:år|månad)|regelbundet|fortlöpande|ständigt"
    r"|fortsätter|fortsätta"
    r"|fortsatt)\b",
    re.IGNORECASE,
)
_ONGOING_CUES = frozenset({"continues", "in progress", "responsibility", "actor acts", "takes place"})
_ELABORATION = re.compile(r"^(?:Bland annat|Det handlar om att)\b")
_LIST_SEPARATOR = re.compile(r", (?=att )|,? (?:och|samt) (?=att )|, | samt ")


@dataclass(frozen=True)
class _Actor:
    owner: str | None
    executor: str | None
    partners: tuple[str, ...]
    explicit: bool


def _word_before(text: str, start: int) -> str:
    words = text[:start].split()
    return words[-1].lower() if words else ""


def _words_between(text: str, start: int, end: int) -> int:
    return len(text[start:end].split())


def _resolve_actor(
    text: str, mentions: Sequence[Mention], cues: Sequence[Cue], directory: UnitDirectory
) -> _Actor | None:
    """Owner, executor and partners named in one part of a sentence; None when no unit is named.

    The subject is a unit named before the first cue (not after a preposition), or right after it
    when the clause is inverted ("Därför ska Stockholms stad …"). "genom X" and "ger X i uppdrag"
    name the executor, "i samverkan med Y" partners, and a unit joined by "och" to one of these
    shares its role as a partner; a passive's agent ("ligger hos X", "inrättas vid X") acts when
    there is no subject.
    """
    first_cue, cue_end = (cues[0].start, cues[0].end) if cues else (len(text), len(text))
    roles: dict[str, Mention] = {}
    partners: list[str] = []
    previous: tuple[str, Mention] | None = None
    for mention in mentions:
        before = text[: mention.start]
        role = _role(text, mention, before, previous, first_cue, cue_end, roles)
        if role is None:
            continue
        if role == "partner":
            partners.append(mention.key)
        else:
            roles.setdefault(role, mention)
        previous = (role, mention)
    actor_unit = roles.get("subject") or roles.get("agent")
    executor = roles["executor"].key if "executor" in roles else None
    if actor_unit is None and executor is None:
        return _Actor(None, None, tuple(dict.fromkeys(partners)), explicit=False) if partners else None
    owner, own_executor = directory.owner_and_executor((actor_unit or roles["executor"]).key)
    if actor_unit is None:
        executor = own_executor or executor
    chosen = executor or own_executor
    unique = [key for key in dict.fromkeys(partners) if key not in (owner, chosen)]
    return _Actor(owner, chosen, tuple(unique), explicit=True)


def _role(
    text: str,
    mention: Mention,
    before: str,
    previous: tuple[str, Mention] | None,
    first_cue: int,
    cue_end: int,
    roles: dict[str, Mention],
) -> str | None:
    if previous is not None and text[previous[1].end : mention.start].strip() in {"och", ",", "samt"}:
        return "partner"
    if _PARTNER_PHRASE.search(before):
        return "partner"
    if _EXECUTOR_BEFORE.search(before) or _ASSIGNEE_BEFORE.search(before):
        return "executor"
    if mention.possessive:
        following = text[mention.end :].split(maxsplit=1)
        if not following or following[0].lower().strip(",.") not in {
            "verksamheter",
            "förvaltningar",
            "nämnder",
            "bolag",
        }:
            return None
    after_preposition = _word_before(text, mention.start) in _PREPOSITIONS
    inverted = mention.start >= cue_end and _words_between(text, cue_end, mention.start) <= 1
    if "subject" not in roles and not after_preposition and (mention.end <= first_cue or inverted):
        return "subject"
    if _AGENT_BEFORE.search(before) and mention.start > first_cue:
        return "agent"
    return None


# --------------------------------------------------------------------------- reading paragraphs


@dataclass
class _Reader:
    directory: UnitDirectory
    context: DocumentContext
    _previous_actor: _Actor | None = field(default=None, init=False)
    _previous_committed: bool = field(default=False, init=False)

    def paragraph(self, paragraph: Paragraph) -> Iterator[DraftProposal]:
        self._previous_actor = None
        self._previous_committed = False
        previous: Sentence | None = None
        for sentence in split_sentences(paragraph.text):
            drafts = list(self._sentence(sentence, paragraph))
            if drafts and previous is not None and not self._previous_committed:
                drafts[0] = _with_antecedent(
                    drafts[0], sentence, paragraph.text[previous.start : sentence.start]
                )
            self._previous_committed = bool(drafts)
            previous = sentence
            yield from drafts

    def _is_council(self, key: str | None) -> bool:
        """Work of "staden" is not carried over to the next sentence: it names no one in particular."""
        return key is not None and self.directory.get(key).kind == "council"

    def _default_actor(self, origin: Origin) -> _Actor:
        if self._previous_actor is not None:
            return replace(self._previous_actor, explicit=False)
        if origin is Origin.ADOPTED:
            owner, executor = self.directory.default_actor()
        else:  # a party's proposals are for the city as a whole unless they name someone
            owner, executor = self.directory.council or self.directory.issuer_board, None
        return _Actor(owner, executor, (), explicit=False)

    def _sentence(self, sentence: Sentence, paragraph: Paragraph) -> Iterator[DraftProposal]:
        text = sentence.text
        if rejection_reason(text) is not None:
            return
        mentions = _unique(self.directory.mentions(text))
        actors = actor_spans(text, [(m.start, m.end, m.possessive) for m in mentions])
        cues = find_cues(text, actors)
        spans: list[tuple[int, int]]
        if cues:
            spans = [(part.start, part.end) for part in split_parts(text, cues, actors)]
        elif self._previous_committed and _ELABORATION.match(text):
            cues = [Cue("elaboration", 0.55, 0, 0)]
            spans = _list_items(text)
        else:
            return
        parts = [self._part(text, start, end, cues, mentions, paragraph) for start, end in spans]
        for part in parts:
            draft = part.draft()
            if draft is not None:
                yield draft

    def _part(
        self,
        text: str,
        start: int,
        end: int,
        cues: Sequence[Cue],
        mentions: Sequence[Mention],
        paragraph: Paragraph,
    ) -> "_PartReading":
        while end > start and text[end - 1] in " ,;":
            end -= 1
        quote = text[start:end]
        own_cues = [
            replace(cue, start=cue.start - start, end=cue.end - start)
            for cue in cues
            if start <= cue.start < end
        ]
        part_mentions = [
            replace(m, start=m.start - start, end=m.end - start)
            for m in mentions
            if start <= m.start and m.end <= end
        ]
        actor = _resolve_actor(quote, part_mentions, own_cues, self.directory)
        if actor is not None and actor.explicit:
            self._previous_actor = actor if not self._is_council(actor.owner) else None
        else:
            partners = actor.partners if actor is not None else ()
            actor = replace(self._default_actor(paragraph.origin), partners=partners)
        deadline = find_deadline(
            quote, document_date=self.context.document_date, plan_period=self.context.plan_period
        )
        return _PartReading(
            quote, own_cues or [replace(cues[0], weight=cues[0].weight * 0.95)], actor, deadline, paragraph
        )


@dataclass(frozen=True)
class _PartReading:
    quote: str
    cues: Sequence[Cue]
    actor: _Actor
    deadline: Deadline | None
    paragraph: Paragraph

    def draft(self) -> DraftProposal | None:
        deadline = self.deadline
        money = find_money(self.quote)
        target = find_target(self.quote, deadline)
        reasons = [f"cue: {name}" for name in dict.fromkeys(cue.name for cue in self.cues)]
        score = max(cue.weight for cue in self.cues)
        if deadline is not None:
            score += 0.1
            reasons.append("deadline")
        if self.actor.explicit:
            score += 0.1
            reasons.append("named actor")
        if money is not None:
            score += 0.05
            reasons.append("money")
        if self.paragraph.origin is Origin.STATEMENT:
            score -= 0.35
            reasons.append("statement block")
        if score < THRESHOLD or len(self.quote.split()) < 2:
            return None
        interval = deadline.interval if deadline is not None else None
        return DraftProposal(
            quote=self.quote,
            section=self.paragraph.section,
            origin=self.paragraph.origin,
            owner=self.actor.owner,
            executor=self.actor.executor,
            partners=self.actor.partners,
            kind=self._kind(deadline, target),
            deadline_text=deadline.text if deadline is not None else None,
            deadline_earliest=interval.earliest if interval is not None else None,
            deadline_latest=interval.latest if interval is not None else None,
            deadline_precision=interval.precision if interval is not None else None,
            money=money,
            target=target,
            confidence=round(min(score, 1.0), 2),
            reasons=tuple(reasons),
        )

    def _kind(self, deadline: Deadline | None, target: Target | None) -> AssignmentKind:
        if target is not None:
            return AssignmentKind.TARGET
        names = {cue.name for cue in self.cues}
        if _CONTINUING.search(self.quote) or (names & _ONGOING_CUES and deadline is None):
            return AssignmentKind.ONGOING
        return AssignmentKind.TASK


def _with_antecedent(draft: DraftProposal, sentence: Sentence, before: str) -> DraftProposal:
    """A draft whose sentence points back ("Denna utveckling fortsätter.") quotes, from the
    sentence before it (which proposed nothing of its own), what it points to."""
    if not refers_back(sentence.text) or not sentence.text.startswith(draft.quote):
        return draft
    return replace(draft, quote=before + draft.quote)


def _unique(mentions: Sequence[Mention]) -> list[Mention]:
    """One mention per place in the text (an elided compound may also match its last part)."""
    result: list[Mention] = []
    for mention in mentions:
        if result and mention.start < result[-1].end:
            continue
        result.append(mention)
    return result


def _list_items(text: str) -> list[tuple[int, int]]:
    """Items of an elaboration list ("Bland annat A, B samt C", "Det handlar om att A, att B")."""
    spans = []
    start = 0
    for match in _LIST_SEPARATOR.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if len(text[s:e].split()) >= 2]
