"""Uploading a document: its text read from the file, the draft assignments the engine proposes,
stored with the document; and reading the drafts.

Synchronous by design: the engine reads a 100-page PDF in about a second (docs/ingest.md), so the
request that uploads a document answers with its drafts. The same file (by SHA-256) uploaded again
gives the document made the first time and writes nothing.
"""

import hashlib
import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session, undefer

from app.access import Principal
from app.assignments.deadline_text import PlanPeriod
from app.assignments.service import deadline_context, reading_context
from app.assignments.values import deadline_of, money_columns, money_of, target_columns, target_of
from app.db import get_or_404
from app.documents.models import SourceDocument
from app.documents.schemas import DocumentCreate
from app.documents.service import get_document, register_document
from app.documents.source_text import collapse_whitespace, normalise_source_text
from app.errors import NotFoundError
from app.ingest.continuity import EarlierAssignments
from app.ingest.engine import DocumentContext, DraftProposal, propose_drafts
from app.ingest.extract import ExtractionLimits, extract_text
from app.ingest.fields import Deadline
from app.ingest.fields import Money as FoundMoney
from app.ingest.fields import Target as FoundTarget
from app.ingest.models import Draft, DraftReview, DraftState
from app.ingest.schemas import (
    DraftCounts,
    DraftDetail,
    DraftFilters,
    DraftRead,
    DraftReviewRead,
    QuoteContext,
)
from app.ingest.units import UnitRef as EngineUnit
from app.org.models import OrgUnit
from app.org.schemas import UnitRef
from app.org.service import list_units, resolve_unit_reference

CONFIDENT_FROM = 0.8  # what the upload's summary counts as a confident draft
TITLE_LENGTH = 120
SECTION_SEPARATOR = " – "
CONTEXT_CHARACTERS = 400
MAX_TARGET_VALUE = Decimal(10) ** 14  # Numeric(18, 4)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Upload:
    """A file to ingest with the document's metadata (`metadata.full_text` is not used)."""

    data: bytes
    file_name: str | None
    metadata: DocumentCreate


class IngestOutcome(NamedTuple):
    document: SourceDocument
    created: bool  # False: the same file was uploaded before, nothing was written
    counts: DraftCounts


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def find_ingested(session: Session, sha256: str) -> SourceDocument | None:
    return session.scalar(select(SourceDocument).where(SourceDocument.file_sha256 == sha256))


def title_of(quote: str) -> str:
    """A title made from a quote: the quote itself when short, else its beginning, cut at a word."""
    text = collapse_whitespace(quote).rstrip(" .;,:")
    if len(text) <= TITLE_LENGTH:
        return text or "–"
    return text[: TITLE_LENGTH - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


# --- uploading --------------------------------------------------------------------------------


def ingest_document(
    session: Session, *, upload: Upload, actor: Principal, limits: ExtractionLimits
) -> IngestOutcome:
    """Register the document of an uploaded file with its text and store the drafts the engine
    proposes. The same file again: the document made then, and nothing written."""
    digest = file_digest(upload.data)
    existing = find_ingested(session, digest)
    if existing is not None:
        return IngestOutcome(existing, False, draft_counts(session, existing.id))
    extracted = extract_text(upload.data, limits=limits)
    metadata = upload.metadata
    issuer = _unit(session, metadata.issuer, "issuer")
    units = list_units(session)
    context = _engine_context(session, metadata, units, issuer)
    result = propose_drafts(extracted.pages, context)
    document = register_document(
        session, data=metadata.model_copy(update={"full_text": result.text}), actor=actor
    )
    document.file_sha256 = digest
    document.file_name = (upload.file_name or "")[:255] or None
    document.file_format = extracted.format.value
    document.file_size = len(upload.data)
    store_drafts(session, document, proposals=result.drafts, units=units)
    session.flush()
    return IngestOutcome(document, True, draft_counts(session, document.id))


def _unit(session: Session, reference: int | str | None, field: str) -> OrgUnit | None:
    return None if reference is None else resolve_unit_reference(session, reference, field=field)


def _engine_context(
    session: Session, metadata: DocumentCreate, units: Sequence[OrgUnit], issuer: OrgUnit | None
) -> DocumentContext:
    decided_on = metadata.decision_date or metadata.document_date
    assert decided_on is not None  # DocumentCreate requires one of them
    plan = metadata.plan_period
    document_date, plan_period = reading_context(
        session, decided_on=decided_on, plan_years=(plan.start_year, plan.end_year) if plan else None
    )
    return DocumentContext(
        document_date=document_date,
        plan_period=plan_period,
        units=engine_units(units),
        issuer=issuer.key if issuer else None,
    )


def engine_units(units: Sequence[OrgUnit]) -> list[EngineUnit]:
    """The organisation as the engine reads it: names, short names, aliases and the hierarchy."""
    keys = {unit.id: unit.key for unit in units}
    return [
        EngineUnit(
            key=unit.key,
            name=unit.name,
            kind=unit.kind,
            parent=keys.get(unit.parent_id) if unit.parent_id else None,
            short_name=unit.short_name,
            aliases=tuple(unit.aliases or ()),
        )
        for unit in sorted(units, key=lambda unit: unit.id)
    ]


def located_spans(text: str, quotes: Sequence[str]) -> list[tuple[int, int]]:
    """Where each quote lies in the normalised text, the quotes being in the text's order."""
    spans = []
    cursor = 0
    for quote in quotes:
        start = text.find(quote, cursor)
        if start < 0:
            start = max(text.find(quote), 0)
        spans.append((start, start + len(quote)))
        cursor = start + 1
    return spans


def deadline_columns(
    text: str | None, earliest: date | None, latest: date | None, precision: str | None
) -> dict[str, Any]:
    return {
        "deadline_text": text[:200] if text is not None else None,
        "deadline_earliest": earliest,
        "deadline_latest": latest,
        "deadline_precision": precision,
    }


def found_deadline_columns(deadline: Deadline | None) -> dict[str, Any]:
    """A draft's deadline columns from a deadline the engine read."""
    if deadline is None:
        return deadline_columns(None, None, None, None)
    interval = deadline.interval
    return deadline_columns(deadline.text, interval.earliest, interval.latest, interval.precision.value)


def found_value_columns(money: FoundMoney | None, target: FoundTarget | None) -> dict[str, Any]:
    """A draft's money and target columns from what the engine read in its quote."""
    columns = {**money_columns(money), **target_columns(None)}
    if money is not None:
        columns["amount_text"] = money.text[:200]
    if target is not None:
        columns.update(
            target_indicator=target.text[:300],
            target_value=target.value if abs(target.value) < MAX_TARGET_VALUE else None,
            target_unit=target.unit[:60],
            target_year=target.year,
        )
    return columns


def _draft(
    proposal: DraftProposal, span: tuple[int, int], document_id: int, units: dict[str, OrgUnit]
) -> Draft:
    precision = proposal.deadline_precision.value if proposal.deadline_precision is not None else None
    return Draft(
        document_id=document_id,
        state=DraftState.PROPOSED,
        title=title_of(proposal.quote),
        quote=proposal.quote,
        quote_start=span[0],
        quote_end=span[1],
        section=SECTION_SEPARATOR.join(proposal.section)[:300] or None,
        origin=proposal.origin,
        owner=units.get(proposal.owner) if proposal.owner else None,
        executor=units.get(proposal.executor) if proposal.executor else None,
        partners=[units[key] for key in proposal.partners if key in units],
        kind=proposal.kind,
        **deadline_columns(
            proposal.deadline_text, proposal.deadline_earliest, proposal.deadline_latest, precision
        ),
        **found_value_columns(proposal.money, proposal.target),
        confidence=proposal.confidence,
        reasons=list(proposal.reasons),
        version=1,
    )


def store_drafts(
    session: Session,
    document: SourceDocument,
    *,
    proposals: Sequence[DraftProposal],
    units: Sequence[OrgUnit],
) -> list[Draft]:
    """Store the engine's drafts for the document, each with the earlier assignment it continues."""
    text = normalise_source_text(document.full_text)
    spans = located_spans(text, [proposal.quote for proposal in proposals])
    by_key = {unit.key: unit for unit in units}
    earlier = EarlierAssignments.before(session, document.decided_on)
    drafts = []
    for proposal, span in zip(proposals, spans, strict=True):
        draft = _draft(proposal, span, document.id, by_key)
        continued = earlier.best_match(proposal.quote)
        if continued is not None:
            draft.continues_id, draft.continues_score = continued
        drafts.append(draft)
    session.add_all(drafts)
    return drafts


# --- reading ----------------------------------------------------------------------------------


def draft_counts(
    session: Session, document_id: int, *, confident_from: float = CONFIDENT_FROM
) -> DraftCounts:
    """The document's drafts counted (those merged into others or split in two by state only)."""
    rows = session.execute(
        select(Draft.kind, Draft.origin, Draft.state, Draft.confidence, Draft.continues_id).where(
            Draft.document_id == document_id
        )
    ).all()
    drafts = [row for row in rows if row.state not in (DraftState.MERGED, DraftState.SPLIT)]
    return DraftCounts(
        total=len(drafts),
        by_kind=dict(Counter(str(row.kind) for row in drafts)),
        by_origin=dict(Counter(str(row.origin) for row in drafts)),
        by_state=dict(Counter(str(row.state) for row in rows)),
        confident=sum(1 for row in drafts if row.confidence >= confident_from),
        confident_from=confident_from,
        continuing=sum(1 for row in drafts if row.continues_id is not None),
    )


def list_drafts(session: Session, document_id: int, *, filters: DraftFilters) -> tuple[Sequence[Draft], int]:
    """A document's drafts in the order of its text, filtered, one page; and how many match."""
    get_document(session, document_id)
    query = select(Draft).where(Draft.document_id == document_id)
    if filters.state:
        query = query.where(Draft.state.in_([state.value for state in filters.state]))
    if filters.min_confidence is not None:
        query = query.where(Draft.confidence >= filters.min_confidence)
    if filters.kind:
        query = query.where(Draft.kind.in_([kind.value for kind in filters.kind]))
    if filters.origin:
        query = query.where(Draft.origin.in_([origin.value for origin in filters.origin]))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = session.scalars(
        query.order_by(Draft.quote_start, Draft.id).limit(filters.limit).offset(filters.offset)
    ).all()
    return page, total


def get_draft(session: Session, document_id: int, draft_id: int) -> Draft:
    draft = get_or_404(session, Draft, draft_id, "draft")
    if draft.document_id != document_id:
        raise NotFoundError(f"Document {document_id} has no draft {draft_id}.")
    return draft


def document_text(session: Session, document_id: int) -> str:
    """The document's text as quotes are found in it (normalised: hyphenation undone, one space)."""
    document = get_or_404(
        session, SourceDocument, document_id, "document", options=[undefer(SourceDocument.full_text)]
    )
    return normalise_source_text(document.full_text)


def quote_context(text: str, start: int, end: int) -> QuoteContext:
    """The quote's place in the text with about CONTEXT_CHARACTERS on each side, cut at words."""
    before = text[max(0, start - CONTEXT_CHARACTERS) : start]
    after = text[end : end + CONTEXT_CHARACTERS]
    if start > CONTEXT_CHARACTERS and " " in before:
        before = "… " + before.split(" ", 1)[1]
    if end + CONTEXT_CHARACTERS < len(text) and " " in after:
        after = after.rsplit(" ", 1)[0] + " …"
    return QuoteContext(before=before, quote=text[start:end], after=after)


def draft_read(draft: Draft) -> DraftRead:
    return DraftRead(
        id=draft.id,
        document_id=draft.document_id,
        state=draft.state,
        title=draft.title,
        quote=draft.quote,
        quote_start=draft.quote_start,
        quote_end=draft.quote_end,
        section=draft.section,
        origin=draft.origin,
        owner=UnitRef.model_validate(draft.owner) if draft.owner else None,
        executor=UnitRef.model_validate(draft.executor) if draft.executor else None,
        partners=[UnitRef.model_validate(unit) for unit in draft.partners],
        kind=draft.kind,
        **draft_values(draft),
        confidence=draft.confidence,
        reasons=list(draft.reasons),
        continues=_linked(draft.continues),
        continues_score=draft.continues_score,
        assignment=_linked(draft.assignment),
        merged_into_id=draft.merged_into_id,
        split_from_id=draft.split_from_id,
        rejection_reason=draft.rejection_reason,
        created_at=draft.created_at,
        reviewed_at=draft.reviewed_at,
        reviewed_by=draft.reviewed_by,
        version=draft.version,
    )


def draft_values(draft: Draft) -> dict[str, Any]:
    """The draft's deadline, money and target, nested as the assignment API shows them."""
    return {
        "deadline": deadline_of(
            draft.deadline_text, draft.deadline_earliest, draft.deadline_latest, draft.deadline_precision
        ),
        "money": money_of(draft.amount_min_sek, draft.amount_max_sek, draft.amount_year, draft.amount_text),
        "target": target_of(draft.target_indicator, draft.target_value, draft.target_unit, draft.target_year),
    }


def _linked(assignment: Any) -> dict[str, Any] | None:
    if assignment is None:
        return None
    return {"id": assignment.id, "reference": assignment.reference, "title": assignment.title}


def draft_history(session: Session, draft_id: int) -> list[DraftReviewRead]:
    reviews = session.scalars(
        select(DraftReview)
        .where(DraftReview.draft_id == draft_id)
        .order_by(DraftReview.recorded_at, DraftReview.id)
    ).all()
    return [DraftReviewRead.model_validate(review) for review in reviews]


def draft_detail(session: Session, draft: Draft, *, text: str | None = None) -> DraftDetail:
    text = text if text is not None else document_text(session, draft.document_id)
    return DraftDetail(
        **draft_read(draft).model_dump(),
        context=quote_context(text, draft.quote_start, draft.quote_end),
        history=draft_history(session, draft.id),
    )


def reading_context_of(session: Session, document: SourceDocument) -> tuple[date, PlanPeriod]:
    """The date and plan period the document's deadlines are read against."""
    context = deadline_context(session, document)
    assert context is not None  # given a document, there is always one
    return context


def neighbours(session: Session, draft: Draft, *, count: int = 3) -> list[Draft]:
    """The proposed drafts nearest before and after this one in the text (to merge it with)."""
    proposed = select(Draft).where(
        Draft.document_id == draft.document_id, Draft.state == DraftState.PROPOSED, Draft.id != draft.id
    )
    before = session.scalars(
        proposed.where(Draft.quote_start <= draft.quote_start)
        .order_by(Draft.quote_start.desc(), Draft.id.desc())
        .limit(count)
    ).all()
    after = session.scalars(
        proposed.where(Draft.quote_start > draft.quote_start)
        .order_by(Draft.quote_start, Draft.id)
        .limit(count)
    ).all()
    return [*reversed(before), *after]


def draft_states_by_document(session: Session) -> dict[int, dict[str, int]]:
    """How many drafts each document has, by state."""
    rows = session.execute(
        select(Draft.document_id, Draft.state, func.count()).group_by(Draft.document_id, Draft.state)
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for document_id, state, number in rows:
        counts.setdefault(document_id, {})[str(state)] = number
    return counts


class ContextPiece(NamedTuple):
    text: str
    quoted: bool  # part of the draft's quote


def paragraph_starts(raw: str, normalised: str) -> list[int]:
    """Where the paragraphs of the text (separated by blank lines) begin in its normalised form."""
    starts = []
    cursor = 0
    for paragraph in _PARAGRAPH_BREAK.split(raw):
        piece = normalise_source_text(paragraph)[:40]
        found = normalised.find(piece, cursor) if piece else -1
        if found >= 0:
            starts.append(found)
            cursor = found + 1
    return starts


def context_paragraphs(raw: str, start: int, end: int) -> list[list[ContextPiece]]:
    """The quote with the text around it as `quote_context` gives it, in the document's paragraphs
    (so that a heading stands on its own), each paragraph in pieces inside or outside the quote."""
    text = normalise_source_text(raw)
    context = quote_context(text, start, end)
    window = (start - len(context.before.removeprefix("… ")), end + len(context.after.removesuffix(" …")))
    breaks = {place for place in paragraph_starts(raw, text) if window[0] < place < window[1]}
    cuts = sorted({*window, start, end, *breaks})
    paragraphs: list[list[ContextPiece]] = [
        [ContextPiece("… ", False)] if context.before.startswith("… ") else []
    ]
    for left, right in itertools.pairwise(cuts):
        if left in breaks:
            paragraphs.append([])
        paragraphs[-1].append(ContextPiece(text[left:right], start <= left < end))
    if context.after.endswith(" …"):
        paragraphs[-1].append(ContextPiece(" …", False))
    return [paragraph for paragraph in paragraphs if paragraph]
