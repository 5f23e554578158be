"""Source documents: registering and editing them (with history), their goals and plan periods.

Documents are never deleted; every change is a `DocumentRevision` with the names of the units
involved, not their ids.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import Select, extract, func, select
from sqlalchemy.orm import Session, undefer

from app.access import Principal
from app.db import get_or_404, lock_rows
from app.documents.models import DocumentKind, DocumentRevision, Goal, Origin, SourceDocument
from app.documents.schemas import DocumentCreate, DocumentFilters, DocumentHistoryEntry, DocumentUpdate
from app.errors import InvalidInputError, NotFoundError, PreconditionFailedError, PreconditionRequiredError
from app.org.models import OrgUnit
from app.org.service import resolve_unit_reference

TRACKED_FIELDS = (
    "title", "kind", "issuer", "decided_by", "decision_date", "document_date", "diarienummer",
    "paragraph", "plan_period", "adopted", "full_text",
)  # fmt: skip
DEFAULT_PREFIX = "UPP"

# --- reading --------------------------------------------------------------------------------


def list_documents(session: Session, *, filters: DocumentFilters | None = None) -> Sequence[SourceDocument]:
    """Documents, the most recently decided first."""
    query = select(SourceDocument)
    if filters is not None:
        if filters.kind:
            query = query.where(SourceDocument.kind.in_([kind.value for kind in filters.kind]))
        if filters.decided_by is not None:
            body = resolve_unit_reference(session, filters.decided_by, field="decided_by")
            query = query.where(SourceDocument.decided_by_id == body.id)
        if filters.year is not None:
            decided_on = func.coalesce(SourceDocument.decision_date, SourceDocument.document_date)
            query = query.where(extract("year", decided_on) == filters.year)
    decided_on = func.coalesce(SourceDocument.decision_date, SourceDocument.document_date)
    return session.scalars(query.order_by(decided_on.desc(), SourceDocument.id.desc())).all()


def get_document(session: Session, document_id: int, *, with_text: bool = False) -> SourceDocument:
    options = [undefer(SourceDocument.full_text)] if with_text else []
    return get_or_404(session, SourceDocument, document_id, "document", options=options)


def _city_plans() -> Select[SourceDocument]:
    """Documents that set the city's plan: adopted budgets with plan years. A committee's own
    verksamhetsplan, a decision or a document not adopted never changes the plan the reports show."""
    return select(SourceDocument).where(
        SourceDocument.kind == DocumentKind.BUDGET,
        SourceDocument.adopted.is_(True),
        SourceDocument.plan_start_year.is_not(None),
    )


def latest_document(session: Session) -> SourceDocument | None:
    """The most recent of the city's plans (its plan years give relative deadlines a context)."""
    return session.scalars(
        _city_plans().order_by(SourceDocument.document_date.desc(), SourceDocument.id.desc()).limit(1)
    ).first()


def current_plan_document(session: Session) -> SourceDocument:
    """The most recent document with a plan period; a 404 problem when there is none."""
    document = latest_document(session)
    if document is None:
        raise NotFoundError("No document with a plan period has been registered.")
    return document


def plan_document_for_year(
    session: Session, year: int, *, known_on: date | None = None
) -> SourceDocument | None:
    """The city's plan in force in `year`: the latest adopted budget whose plan period covers it,
    among those dated on or before `known_on` when given (a report as of a cut-off reads the plan
    known then, so a budget registered later does not rewrite it)."""
    query = _city_plans().where(SourceDocument.plan_start_year <= year, SourceDocument.plan_end_year >= year)
    if known_on is not None:
        query = query.where(SourceDocument.document_date <= known_on)
    return session.scalars(
        query.order_by(SourceDocument.document_date.desc(), SourceDocument.id.desc()).limit(1)
    ).first()


def year_span(session: Session) -> tuple[int, int] | None:
    """The first and the last year the documents speak of: their plan years where they have one,
    else the year of their date. None when there is no document."""
    row = session.execute(
        select(
            func.min(
                func.coalesce(SourceDocument.plan_start_year, extract("year", SourceDocument.document_date))
            ),
            func.max(
                func.coalesce(SourceDocument.plan_end_year, extract("year", SourceDocument.document_date))
            ),
        )
    ).one()
    first, last = row
    return None if first is None else (int(first), int(last))


def list_goals(
    session: Session, *, document_id: int | None = None, origin: Origin | None = None
) -> Sequence[Goal]:
    query = select(Goal).order_by(Goal.document_id, Goal.origin, Goal.number)
    if document_id is not None:
        query = query.where(Goal.document_id == document_id)
    if origin is not None:
        query = query.where(Goal.origin == origin)
    return session.scalars(query).all()


def get_goal(session: Session, goal_id: int) -> Goal:
    return get_or_404(session, Goal, goal_id, "goal")


def document_history(session: Session, document_id: int) -> list[DocumentHistoryEntry]:
    get_document(session, document_id)
    revisions = session.scalars(
        select(DocumentRevision)
        .where(DocumentRevision.document_id == document_id)
        .order_by(DocumentRevision.recorded_at, DocumentRevision.id)
    ).all()
    return [
        DocumentHistoryEntry(
            type=revision.action,
            recorded_at=revision.recorded_at,
            recorded_by=revision.recorded_by,
            token_id=revision.token_id,
            version=revision.version,
            changed_fields=list(revision.changes),
            changes=revision.changes,
        )
        for revision in revisions
    ]


# --- writing --------------------------------------------------------------------------------


def _unit_label(unit: OrgUnit | None) -> dict[str, Any] | None:
    return {"id": unit.id, "key": unit.key, "name": unit.name} if unit else None


def _snapshot(document: SourceDocument) -> dict[str, Any]:
    """The tracked fields as people read them (names, not ids; JSON values), for change records.
    The full text is recorded by its length, not copied into every revision."""
    snapshot: dict[str, Any] = to_jsonable_python(
        {
            "title": document.title,
            "kind": document.kind,
            "issuer": _unit_label(document.issuer),
            "decided_by": _unit_label(document.decided_by),
            "decision_date": document.decision_date,
            "document_date": document.document_date,
            "diarienummer": document.diarienummer,
            "paragraph": document.paragraph,
            "plan_period": document.plan_period,
            "adopted": document.adopted,
            "full_text": f"{len(document.full_text or '')} characters",
        }
    )
    return snapshot


def _record_revision(
    session: Session, document: SourceDocument, *, action: str, changes: dict[str, Any], actor: Principal
) -> None:
    session.add(
        DocumentRevision(
            document_id=document.id,
            recorded_by=actor.name,
            token_id=actor.token_id,
            action=action,
            changes=changes,
            version=document.version,
        )
    )


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: {"old": before.get(name), "new": after[name]}
        for name in TRACKED_FIELDS
        if before.get(name) != after[name]
    }


def _unit(session: Session, reference: int | str | None, field: str) -> OrgUnit | None:
    return None if reference is None else resolve_unit_reference(session, reference, field=field)


def _default_prefix(decided_by: OrgUnit | None, issuer: OrgUnit | None, decided_on: date) -> str:
    """E.g. KS-2016: the deciding body's (or the issuer's) key and the year; UPP-2016 without one."""
    body = decided_by or issuer
    key = (
        body.key.split("_")[0][:10] if body and body.key.isascii() and body.key.isalpha() else DEFAULT_PREFIX
    )
    return f"{key}-{decided_on.year}"


def register_document(session: Session, *, data: DocumentCreate, actor: Principal) -> SourceDocument:
    """Register a document (a budget, a plan or a decision) with its text."""
    issuer = _unit(session, data.issuer, "issuer")
    decided_by = _unit(session, data.decided_by, "decided_by")
    decided_on = data.decision_date or data.document_date
    assert decided_on is not None  # DocumentCreate requires one of them
    document = SourceDocument(
        kind=data.kind,
        title=data.title,
        issuer=issuer,
        decided_by=decided_by,
        decision_date=data.decision_date,
        document_date=data.document_date or decided_on,
        diarienummer=data.diarienummer,
        paragraph=data.paragraph,
        adopted=data.adopted,
        plan_start_year=data.plan_period.start_year if data.plan_period else None,
        plan_end_year=data.plan_period.end_year if data.plan_period else None,
        reference_prefix=data.reference_prefix or _default_prefix(decided_by, issuer, decided_on),
        full_text=data.full_text,
        version=1,
    )
    document.update_follow_up_start()
    session.add(document)
    session.flush()
    _record_revision(
        session, document, action="registered", changes=_diff({}, _snapshot(document)), actor=actor
    )
    session.flush()
    return document


def _check_version(document: SourceDocument, expected_version: int | None) -> None:
    if expected_version is None:
        raise PreconditionRequiredError(
            "Send the version you last read: an If-Match header with the ETag, or `version` in the body.",
            current_version=document.version,
        )
    if expected_version != document.version:
        raise PreconditionFailedError(
            f"The document is at version {document.version}, not {expected_version}; read it again.",
            current_version=document.version,
        )


def _apply_update(session: Session, document: SourceDocument, data: DocumentUpdate) -> None:
    fields = data.model_fields_set
    for name in ("title", "kind", "decision_date", "document_date", "diarienummer", "paragraph", "adopted"):
        if name in fields:
            setattr(document, name, getattr(data, name))
    if "full_text" in fields:
        document.full_text = data.full_text or ""
    if "issuer" in fields:
        document.issuer = _unit(session, data.issuer, "issuer")
    if "decided_by" in fields:
        document.decided_by = _unit(session, data.decided_by, "decided_by")
    if "plan_period" in fields:
        document.plan_start_year = data.plan_period.start_year if data.plan_period else None
        document.plan_end_year = data.plan_period.end_year if data.plan_period else None


def update_document(
    session: Session,
    document_id: int,
    *,
    data: DocumentUpdate,
    actor: Principal,
    expected_version: int | None,
) -> SourceDocument:
    """Change some of a document's fields, with a revision naming what changed (old → new)."""
    lock_rows(session, SourceDocument, [document_id])
    document = get_or_404(
        session,
        SourceDocument,
        document_id,
        "document",
        options=[undefer(SourceDocument.full_text)],
        populate_existing=True,
    )
    _check_version(document, expected_version)
    before = _snapshot(document)
    _apply_update(session, document, data)
    document.update_follow_up_start()
    session.flush()
    changes = _diff(before, _snapshot(document))
    if changes:
        document.version += 1
        _record_revision(session, document, action="edited", changes=changes, actor=actor)
        session.flush()
    return document


def documents_by_id(session: Session, document_ids: set[int]) -> dict[int, SourceDocument]:
    """The documents with these ids (for naming the decisions behind many assignments at once)."""
    if not document_ids:
        return {}
    rows = session.scalars(select(SourceDocument).where(SourceDocument.id.in_(sorted(document_ids))))
    return {document.id: document for document in rows}


def decision_at(session: Session, document_id: int | None, *, field: str) -> SourceDocument | None:
    """The document a write names as the decision behind it; an unknown one is a 422 naming the field."""
    if document_id is None:
        return None
    document = session.get(SourceDocument, document_id)
    if document is None:
        raise InvalidInputError(field, f"no such document: {document_id}")
    return document
