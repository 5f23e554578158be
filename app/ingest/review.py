"""Reviewing drafts: edit, accept (an assignment under the document), reject, merge, split.

Every step takes a row lock on the drafts it changes, checks the version the client read where one
is given (`PATCH` requires it), moves the version on and records a `DraftReview` naming who and when.
Only proposed drafts are reviewed; accepting an accepted draft again gives the same assignment.
"""

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy.orm import Session

from app.access import Principal
from app.assignments.links import add_link
from app.assignments.models import Assignment
from app.assignments.schemas import AssignmentCreate, AssignmentLinkCreate, DeadlineInput, Money, Target
from app.assignments.service import create_assignment, interpret_deadline
from app.assignments.values import money_columns, target_columns, write_columns
from app.assignments.vocabulary import LinkKind
from app.db import get_or_404, lock_rows, utcnow
from app.documents.models import SourceDocument
from app.documents.service import get_document
from app.documents.source_text import collapse_whitespace
from app.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PreconditionFailedError,
    PreconditionRequiredError,
)
from app.ingest.continuity import EarlierAssignments
from app.ingest.fields import find_deadline, find_money, find_target
from app.ingest.models import Draft, DraftReview, DraftState, ReviewAction
from app.ingest.schemas import DraftAccept, DraftMerge, DraftReject, DraftSplit, DraftUpdate
from app.ingest.service import (
    document_text,
    draft_values,
    found_deadline_columns,
    found_value_columns,
    reading_context_of,
    title_of,
)
from app.org.models import OrgUnit
from app.org.service import resolve_unit_reference

ADJACENT_GAP_WORDS = 3  # drafts with at most this many words between them are adjacent
GAP_MARK = " […] "  # joins the quotes of a merge of drafts that are not adjacent
NEARBY_CHARACTERS = 5000  # a quote is looked for near the draft's place first
_WORD = re.compile(r"\w+")
# The refusals a page may say in other words.
NOT_IN_TEXT = "is not in the document's text (the quote must be verbatim)"
NO_OWNER = "the draft has no owner; set one before accepting it"
MERGE_ITSELF = "a draft cannot be merged with itself"
SPLIT_WORDS = "both parts of the quote must hold words"
MID_WORD = "falls inside the word {word!r}; give the offset of a space or of a word's first letter"

# --- shared checks ----------------------------------------------------------------------------


def _check_version(draft: Draft, expected_version: int | None, *, required: bool) -> None:
    if expected_version is None:
        if required:
            raise PreconditionRequiredError(
                "Send the version you last read: an If-Match header with the ETag, or `version` in the body.",
                current_version=draft.version,
            )
        return
    if expected_version != draft.version:
        raise PreconditionFailedError(
            f"The draft is at version {draft.version}, not {expected_version}; read it again.",
            current_version=draft.version,
        )


def _locked(session: Session, document_id: int, draft_ids: Sequence[int]) -> list[Draft]:
    """The drafts, locked and read afresh, in the order asked for; a draft of another document is
    not found."""
    lock_rows(session, Draft, draft_ids)
    drafts = [get_or_404(session, Draft, draft_id, "draft", populate_existing=True) for draft_id in draft_ids]
    for draft in drafts:
        if draft.document_id != document_id:
            raise NotFoundError(f"Document {document_id} has no draft {draft.id}.")
    return drafts


def _require_proposed(draft: Draft) -> None:
    if draft.state != DraftState.PROPOSED:
        raise ConflictError(f"Draft {draft.id} is {draft.state}; only proposed drafts are reviewed.")


def _record(
    session: Session, draft: Draft, action: ReviewAction, changes: dict[str, Any], actor: Principal
) -> None:
    draft.version += 1
    draft.reviewed_at = utcnow()
    draft.reviewed_by = actor.name
    session.add(
        DraftReview(
            draft_id=draft.id,
            action=action,
            recorded_at=draft.reviewed_at,
            recorded_by=actor.name,
            token_id=actor.token_id,
            person_id=actor.person_id,
            changes=changes,
            version=draft.version,
        )
    )


def _unit_label(unit: OrgUnit | None) -> dict[str, Any] | None:
    return {"id": unit.id, "key": unit.key, "name": unit.name} if unit else None


def _snapshot(draft: Draft) -> dict[str, Any]:
    """The editable fields as people read them (names, not ids), for review records."""
    continues = draft.continues
    snapshot: dict[str, Any] = to_jsonable_python(
        {
            "title": draft.title,
            "quote": draft.quote,
            "section": draft.section,
            "origin": draft.origin,
            "owner": _unit_label(draft.owner),
            "executor": _unit_label(draft.executor),
            "partners": sorted((_unit_label(unit) or {} for unit in draft.partners), key=lambda u: u["id"]),
            "kind": draft.kind,
            **draft_values(draft),
            "continues": {"id": continues.id, "reference": continues.reference} if continues else None,
        }
    )
    return snapshot


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: {"old": before.get(name), "new": value}
        for name, value in after.items()
        if before.get(name) != value
    }


def locate(text: str, quote: str, near: int) -> int | None:
    """Where the quote lies in the text: the first place near `near`, else anywhere; None if absent."""
    start = text.find(quote, max(0, near - NEARBY_CHARACTERS))
    if start < 0:
        start = text.find(quote)
    return start if start >= 0 else None


# --- edit -------------------------------------------------------------------------------------


def _write_quote(draft: Draft, quote: str, text: str) -> None:
    quote = collapse_whitespace(quote)
    start = locate(text, quote, draft.quote_start)
    if start is None:
        raise InvalidInputError("quote", NOT_IN_TEXT)
    if draft.title == title_of(draft.quote):
        draft.title = title_of(quote)
    draft.quote, draft.quote_start, draft.quote_end = quote, start, start + len(quote)


def _write_deadline(
    session: Session, draft: Draft, deadline: DeadlineInput | None, document: SourceDocument
) -> None:
    deadline = deadline or DeadlineInput()
    earliest, latest, precision = interpret_deadline(session, deadline=deadline, document=document)
    draft.deadline_text = deadline.text
    draft.deadline_earliest, draft.deadline_latest, draft.deadline_precision = earliest, latest, precision


def _continued(session: Session, assignment_id: int | None) -> Assignment | None:
    if assignment_id is None:
        return None
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise InvalidInputError("continues_id", f"no such assignment: {assignment_id}")
    return assignment


_SIMPLE_FIELDS = ("title", "section", "origin", "kind")


def _apply_update(session: Session, draft: Draft, data: DraftUpdate, document: SourceDocument) -> None:
    fields = data.model_fields_set
    for name in _SIMPLE_FIELDS:
        if name in fields:
            setattr(draft, name, getattr(data, name))
    if "quote" in fields and data.quote is not None and data.quote != draft.quote:
        _write_quote(draft, data.quote, document_text(session, draft.document_id))
    if "owner_id" in fields:
        draft.owner = _unit(session, data.owner_id, "owner_id")
    if "executor_id" in fields:
        draft.executor = _unit(session, data.executor_id, "executor_id")
    if "partner_ids" in fields:
        draft.partners = [
            resolve_unit_reference(session, unit, field="partner_ids") for unit in data.partner_ids or []
        ]
    if "deadline" in fields:
        _write_deadline(session, draft, data.deadline, document)
    if "money" in fields:
        write_columns(draft, money_columns(data.money))
    if "target" in fields:
        write_columns(draft, target_columns(data.target))
    if "continues_id" in fields:
        draft.continues = _continued(session, data.continues_id)
        draft.continues_score = None


def _unit(session: Session, unit_id: int | None, field: str) -> OrgUnit | None:
    return None if unit_id is None else resolve_unit_reference(session, unit_id, field=field)


def edit_draft(
    session: Session,
    document_id: int,
    draft_id: int,
    *,
    data: DraftUpdate,
    actor: Principal,
    expected_version: int | None,
) -> Draft:
    """Change some of a proposed draft's fields (needs the version last read)."""
    [draft] = _locked(session, document_id, [draft_id])
    _check_version(draft, expected_version, required=True)
    _require_proposed(draft)
    before = _snapshot(draft)
    _apply_update(session, draft, data, get_document(session, document_id))
    session.flush()
    changes = _diff(before, _snapshot(draft))
    if changes:
        _record(session, draft, ReviewAction.EDITED, changes, actor)
        session.flush()
    return draft


# --- accept and reject ------------------------------------------------------------------------


def _deadline_input(session: Session, draft: Draft, document: SourceDocument) -> DeadlineInput | None:
    """The deadline as written, with its dates only where they are not what the text reads as (a
    reviewer set them), so that the assignment keeps the precision the text gives."""
    if draft.deadline_text is None and draft.deadline_latest is None and draft.deadline_earliest is None:
        return None
    as_written = DeadlineInput(text=draft.deadline_text)
    read = interpret_deadline(session, deadline=as_written, document=document)[:2]
    if read == (draft.deadline_earliest, draft.deadline_latest):
        return as_written
    return DeadlineInput(
        text=draft.deadline_text, earliest=draft.deadline_earliest, latest=draft.deadline_latest
    )


def _assignment_input(session: Session, draft: Draft, document: SourceDocument) -> AssignmentCreate:
    if draft.owner_id is None:
        raise InvalidInputError("owner_id", NO_OWNER)
    values = draft_values(draft)
    return AssignmentCreate(
        title=draft.title,
        quote=draft.quote,
        document_id=document.id,
        section=draft.section,
        origin=draft.origin,
        owner_id=draft.owner_id,
        executor_id=draft.executor_id,
        partner_ids=[unit.id for unit in draft.partners],
        kind=draft.kind,
        deadline=_deadline_input(session, draft, document),
        money=Money.model_validate(values["money"]) if values["money"] else None,
        target=Target.model_validate(values["target"]) if values["target"] else None,
    )


def accept_draft(
    session: Session, document_id: int, draft_id: int, *, data: DraftAccept, actor: Principal, today: date
) -> tuple[Draft, Assignment, bool]:
    """Make the draft an assignment of the document (linked as `continues` the assignment it repeats,
    unless `link_continues` is false). Returns the draft, the assignment and whether it was made now:
    accepting an accepted draft again gives its assignment."""
    [draft] = _locked(session, document_id, [draft_id])
    if draft.state == DraftState.ACCEPTED and draft.assignment is not None:
        return draft, draft.assignment, False
    _check_version(draft, data.version, required=False)
    _require_proposed(draft)
    document = get_document(session, document_id)
    assignment = create_assignment(
        session, data=_assignment_input(session, draft, document), actor=actor, today=today
    )
    changes: dict[str, Any] = {"assignment": {"id": assignment.id, "reference": assignment.reference}}
    if data.link_continues and draft.continues_id is not None:
        link = add_link(
            session,
            assignment.id,
            data=AssignmentLinkCreate(
                kind=LinkKind.CONTINUES, target=draft.continues_id, decision_document_id=document.id
            ),
            actor=actor,
        )
        changes["link"] = {"id": link.id, "kind": link.kind, "target": draft.continues_id}
    draft.state = DraftState.ACCEPTED
    draft.assignment = assignment
    _record(session, draft, ReviewAction.ACCEPTED, changes, actor)
    session.flush()
    return draft, assignment, True


def reject_draft(
    session: Session, document_id: int, draft_id: int, *, data: DraftReject, actor: Principal
) -> Draft:
    [draft] = _locked(session, document_id, [draft_id])
    _check_version(draft, data.version, required=False)
    _require_proposed(draft)
    draft.state = DraftState.REJECTED
    draft.rejection_reason = data.reason
    _record(session, draft, ReviewAction.REJECTED, {"reason": data.reason}, actor)
    session.flush()
    return draft


# --- merge and split --------------------------------------------------------------------------


def _adjacent(text: str, first: Draft, second: Draft) -> bool:
    """Overlapping, or with at most a few words between them (", och", "samt att")."""
    if second.quote_start <= first.quote_end:
        return True
    return len(_WORD.findall(text[first.quote_end : second.quote_start])) <= ADJACENT_GAP_WORDS


DEADLINE_COLUMNS = ("deadline_text", "deadline_earliest", "deadline_latest", "deadline_precision")
MONEY_COLUMNS = tuple(money_columns(None))
TARGET_COLUMNS = tuple(target_columns(None))


def _copy_columns(draft: Draft, other: Draft, names: Sequence[str]) -> None:
    for name in names:
        setattr(draft, name, getattr(other, name))


def _take_missing(draft: Draft, other: Draft) -> None:
    """What the other draft has and this one lacks: executor, section, deadline, money, target, the
    assignment it continues; partners of both; the higher confidence and every reason."""
    if draft.executor_id is None:
        draft.executor = other.executor
    draft.section = draft.section or other.section
    if draft.deadline_text is None and draft.deadline_latest is None:
        _copy_columns(draft, other, DEADLINE_COLUMNS)
    if draft.amount_min_sek is None:
        _copy_columns(draft, other, MONEY_COLUMNS)
    if draft.target_indicator is None:
        _copy_columns(draft, other, TARGET_COLUMNS)
    if draft.continues_id is None:
        draft.continues, draft.continues_score = other.continues, other.continues_score
    draft.partners = list({unit.id: unit for unit in [*draft.partners, *other.partners]}.values())
    draft.confidence = max(draft.confidence, other.confidence)
    draft.reasons = list(dict.fromkeys([*draft.reasons, *other.reasons, "merged"]))


def merge_drafts(
    session: Session, document_id: int, draft_id: int, *, data: DraftMerge, actor: Principal
) -> Draft:
    """Take another proposed draft of the same document into this one: their quotes joined (one
    stretch of the text when they are adjacent, else both with " […] " between), the other marked
    `merged` into this one."""
    if data.other == draft_id:
        raise InvalidInputError("other", MERGE_ITSELF)
    other = session.get(Draft, data.other)
    if other is None or other.document_id != document_id:
        raise InvalidInputError("other", f"document {document_id} has no draft {data.other}")
    draft, other = _locked(session, document_id, [draft_id, data.other])
    _check_version(draft, data.version, required=False)
    _require_proposed(draft)
    _require_proposed(other)
    text = document_text(session, document_id)
    first, second = sorted((draft, other), key=lambda item: (item.quote_start, item.id))
    before = _snapshot(draft)
    old_quote = draft.quote
    end = max(first.quote_end, second.quote_end)
    if _adjacent(text, first, second):
        quote = text[first.quote_start : end]
    else:
        quote = f"{first.quote}{GAP_MARK}{second.quote}"
    draft.quote, draft.quote_start, draft.quote_end = quote, first.quote_start, end
    if draft.title == title_of(old_quote):
        draft.title = title_of(quote)
    _take_missing(draft, other)
    other.state = DraftState.MERGED
    other.merged_into_id = draft.id
    session.flush()
    _record(
        session, draft, ReviewAction.MERGED, {"other": other.id, **_diff(before, _snapshot(draft))}, actor
    )
    _record(session, other, ReviewAction.MERGED_INTO, {"into": draft.id}, actor)
    session.flush()
    return draft


def _split_parts(draft: Draft, data: DraftSplit) -> list[tuple[str, str]]:
    """The two quotes, each with the input field it came from."""
    if data.quotes is not None:
        return [(collapse_whitespace(quote), f"quotes.{index}") for index, quote in enumerate(data.quotes)]
    assert data.at is not None  # DraftSplit requires one of them
    if data.at >= len(draft.quote):
        raise InvalidInputError("at", f"must be less than the quote's length, {len(draft.quote)}")
    word = _word_around(draft.quote, data.at)
    if word is not None:
        raise InvalidInputError("at", MID_WORD.format(word=word))
    parts = [draft.quote[: data.at].strip(" ,;"), draft.quote[data.at :].strip(" ,;")]
    if not all(_WORD.search(part) for part in parts):
        raise InvalidInputError("at", SPLIT_WORDS)
    return [(part, "at") for part in parts]


def _word_around(text: str, offset: int) -> str | None:
    """The word that ``offset`` falls inside (a split there would cut it: "Res" / "or"), or None."""
    for match in _WORD.finditer(text):
        if match.start() < offset < match.end():
            return match.group(0)
    return None


def _part(session: Session, draft: Draft, quote: str, start: int, document: SourceDocument) -> Draft:
    """A part of a split draft: its owner, kind, origin and section; its deadline, money and target
    read from its own text again (a part without a deadline of its own keeps the draft's)."""
    document_date, plan_period = reading_context_of(session, document)
    deadline = find_deadline(quote, document_date=document_date, plan_period=plan_period)
    part = Draft(
        document_id=draft.document_id,
        state=DraftState.PROPOSED,
        title=title_of(quote),
        quote=quote,
        quote_start=start,
        quote_end=start + len(quote),
        section=draft.section,
        origin=draft.origin,
        owner=draft.owner,
        executor=draft.executor,
        partners=list(draft.partners),
        kind=draft.kind,
        **found_value_columns(find_money(quote), find_target(quote, deadline)),
        confidence=draft.confidence,
        reasons=list(dict.fromkeys([*draft.reasons, "split"])),
        split_from_id=draft.id,
        version=0,
    )
    if deadline is not None:
        write_columns(part, found_deadline_columns(deadline))
    else:
        _copy_columns(part, draft, DEADLINE_COLUMNS)
    return part


def split_draft(
    session: Session, document_id: int, draft_id: int, *, data: DraftSplit, actor: Principal
) -> tuple[Draft, list[Draft]]:
    """Split a proposed draft in two: at a place in its quote, or into two quotes found in the text.
    The draft is marked `split`; the two parts are new proposed drafts, each with the assignment of
    an earlier document it repeats."""
    [draft] = _locked(session, document_id, [draft_id])
    _check_version(draft, data.version, required=False)
    _require_proposed(draft)
    text = document_text(session, document_id)
    document = get_document(session, document_id)
    located = []
    for quote, field in _split_parts(draft, data):
        start = locate(text, quote, draft.quote_start)
        if start is None:
            raise InvalidInputError(field, NOT_IN_TEXT)
        located.append((quote, start))
    earlier = EarlierAssignments.before(session, document.decided_on)
    parts = []
    for quote, start in located:
        part = _part(session, draft, quote, start, document)
        continued = earlier.best_match(quote)
        if continued is not None:
            part.continues_id, part.continues_score = continued
        parts.append(part)
    session.add_all(parts)
    draft.state = DraftState.SPLIT
    session.flush()
    _record(session, draft, ReviewAction.SPLIT, {"into": [part.id for part in parts]}, actor)
    for part in parts:
        _record(session, part, ReviewAction.SPLIT_FROM, {"from": draft.id, "quote": part.quote}, actor)
    session.flush()
    return draft, parts
