"""Source documents, their goals and plan periods."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from app.db import get_or_404
from app.documents.models import Goal, Origin, SourceDocument
from app.errors import NotFoundError


def list_documents(session: Session) -> Sequence[SourceDocument]:
    return session.scalars(select(SourceDocument).order_by(SourceDocument.document_date.desc())).all()


def get_document(session: Session, document_id: int, *, with_text: bool = False) -> SourceDocument:
    options = [undefer(SourceDocument.full_text)] if with_text else []
    return get_or_404(session, SourceDocument, document_id, "document", options=options)


def latest_document(session: Session) -> SourceDocument | None:
    return session.scalars(
        select(SourceDocument).order_by(SourceDocument.document_date.desc()).limit(1)
    ).first()


def current_document(session: Session) -> SourceDocument:
    """The most recent document: its plan period is the one the service reports against."""
    document = latest_document(session)
    if document is None:
        raise NotFoundError("No document has been loaded, so there is no plan period.")
    return document


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
