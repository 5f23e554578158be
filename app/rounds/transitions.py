"""A unit's part moving through its round: the unit confirms unchanged assignments and submits;
the office returns it or approves it.

Each move is checked (who may, from which state), recorded as an append-only transition with its
comment, and announced as a webhook event in the same transaction. Submitting locks the unit's
reporting for the period (app/assignments/reporting.py): status updates effective in it are refused
until the office returns the part.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import Principal
from app.assignments.reporting import lift_lock, lock_reporting
from app.assignments.schemas import StatusUpdateCreate
from app.assignments.status_updates import add_status_update
from app.db import insert_if_absent, lock_rows, utcnow
from app.errors import ConflictError, ForbiddenError, InvalidInputError
from app.org.schemas import UnitRef
from app.rounds.models import RoundPart, RoundTransition
from app.rounds.schemas import ConfirmResponse, ConfirmResult, PartRead
from app.rounds.service import (
    PartAddress,
    RoundContext,
    UnitPart,
    addressed_part,
    part_read,
    stored_round,
    transition_read,
)
from app.rounds.vocabulary import LOCKED_STATES, TRANSITIONS, PartAction, PartState
from app.webhooks.outbox import record_event
from app.webhooks.vocabulary import EventType

EVENTS = {
    PartAction.SUBMIT: EventType.ROUND_UNIT_SUBMITTED,
    PartAction.RETURN: EventType.ROUND_UNIT_RETURNED,
    PartAction.APPROVE: EventType.ROUND_UNIT_APPROVED,
}
CONFIRMATION_COMMENT = "Oförändrat sedan föregående rapport: bekräftat i rapporteringen {round}."


def check_may_report(actor: Principal, part: UnitPart) -> None:
    """The actor may report the part now (confirm, import, submit): an editor of its unit (or an
    admin, else 403), in a round whose period has begun (else 409: what it wrote would take effect
    in an earlier period)."""
    if not actor.may_write_for(part.unit.id):
        raise ForbiddenError(
            f"Only an editor of {part.unit.name} (or an admin) reports its part of the round."
        )
    if not part.context.open:
        raise ConflictError(
            f"The round {part.context.name} has not begun: its period starts {part.context.days.first_day}."
        )


def _check_coordinator(actor: Principal, part: UnitPart) -> None:
    if not actor.may_coordinate(part.unit.id):
        raise ForbiddenError(
            f"Only a coordinator of {part.unit.name} (or of a unit above it) or an admin returns or approves "
            "its part of the round."
        )


def _locked_part(session: Session, part: UnitPart) -> UnitPart:
    """The part with its row made if missing and locked until the transaction ends, read afresh."""
    round_row = stored_round(session, part.context)
    keys = {"round_id": round_row.id, "unit_id": part.unit.id}
    insert_if_absent(session, RoundPart, {**keys, "state": str(part.state), "version": 0}, key=list(keys))
    row = session.scalars(select(RoundPart).filter_by(**keys)).one()
    lock_rows(session, RoundPart, [row.id])
    session.refresh(row)
    context = RoundContext(part.context.period, round_row, part.context.today)
    return UnitPart(context, part.unit, part.assignments, row)


def _check_move(part: UnitPart, action: PartAction) -> PartState:
    """Where the action takes the part; a 409 when its state does not allow it."""
    allowed, target = TRANSITIONS[action]
    if part.state not in allowed:
        raise ConflictError(
            f"{part.unit.name}'s part of {part.context.name} is {part.state}; "
            f"it cannot become {target} from there.",
            state=part.state,
        )
    return target


def _move(
    session: Session, part: UnitPart, action: PartAction, *, comment: str | None, actor: Principal
) -> RoundPart:
    """Record the move of a locked part and its event; refuse one its state does not allow."""
    row = part.row
    assert row is not None  # a part is locked (and stored) before it moves
    before = PartState(row.state)
    target = _check_move(part, action)
    transition = RoundTransition(
        part_id=row.id,
        action=action,
        from_state=before,
        to_state=target,
        comment=comment,
        recorded_at=utcnow(),
        recorded_by=actor.name,
        recorded_token_id=actor.token_id,
        recorded_person_id=actor.person_id,
    )
    session.add(transition)
    row.state = target
    row.version += 1
    session.flush()
    session.refresh(row, ["transitions"])
    payload = {
        "round": {"year": part.context.period.year, "period": part.context.period.key},
        "unit": UnitRef.model_validate(part.unit).model_dump(),
        "transition": transition_read(transition).model_dump(),
        "expected": len(part.assignments),
        "due": part.context.due,
    }
    record_event(session, EVENTS[action], payload=payload, owner_unit_id=part.unit.id)
    return row


def submit_part(session: Session, address: PartAddress, *, comment: str | None, actor: Principal) -> PartRead:
    """Mark a unit's part ready. Refused (422) while an assignment has no status update in the
    period: report it, or confirm it unchanged."""
    part = addressed_part(session, address)
    check_may_report(actor, part)
    part = _locked_part(session, part)
    _check_move(part, PartAction.SUBMIT)
    if part.missing:
        raise InvalidInputError(
            "references",
            f"{len(part.missing)} assignments have no status update in {part.context.name}: "
            + ", ".join(part.missing)
            + ". Report them, or confirm them unchanged.",
            missing=part.missing,
        )
    row = _move(session, part, PartAction.SUBMIT, comment=comment, actor=actor)
    days = part.context.days
    lock = lock_reporting(
        session,
        unit_id=part.unit.id,
        first_day=days.first_day,
        last_day=days.cutoff,
        reason=f"{part.unit.name} has submitted its report for {part.context.name}",
    )
    row.lock_id = lock.id
    session.flush()
    return part_read(UnitPart(part.context, part.unit, part.assignments, row))


def _office_move(
    session: Session, address: PartAddress, action: PartAction, *, comment: str | None, actor: Principal
) -> PartRead:
    part = addressed_part(session, address)
    _check_coordinator(actor, part)
    part = _locked_part(session, part)
    row = _move(session, part, action, comment=comment, actor=actor)
    if row.state not in LOCKED_STATES and row.lock_id is not None:
        lift_lock(session, row.lock_id)
        row.lock_id = None
    session.flush()
    return part_read(UnitPart(part.context, part.unit, part.assignments, row))


def return_part(session: Session, address: PartAddress, *, comment: str, actor: Principal) -> PartRead:
    """Send a submitted (or approved) part back to the unit with a comment; its reporting opens."""
    return _office_move(session, address, PartAction.RETURN, comment=comment, actor=actor)


def approve_part(
    session: Session, address: PartAddress, *, comment: str | None, actor: Principal
) -> PartRead:
    """Approve a submitted part; its reporting stays locked."""
    return _office_move(session, address, PartAction.APPROVE, comment=comment, actor=actor)


def confirm_unchanged(
    session: Session, address: PartAddress, *, references: list[str], actor: Principal
) -> ConfirmResponse:
    """For each assignment named, a status update effective on the round's reporting day that
    repeats its state, with a standard comment, marked as a confirmation. One already updated in the
    period is left as it is. A reference not in the part is a 422 and nothing is written."""
    part = addressed_part(session, address)
    check_may_report(actor, part)
    by_reference = {assignment.reference: assignment for assignment in part.assignments}
    unknown = [reference for reference in references if reference not in by_reference]
    if unknown:
        raise InvalidInputError(
            "references", f"not in {part.unit.name}'s part of {part.context.name}: {', '.join(unknown)}"
        )
    day = part.context.days.reporting_day(address.today)
    comment = CONFIRMATION_COMMENT.format(round=part.context.name)
    results = []
    for reference in dict.fromkeys(references):
        assignment = by_reference[reference]
        if assignment.updated:
            results.append(
                ConfirmResult(reference=reference, result="already_updated", status_update_id=None)
            )
            continue
        update, _ = add_status_update(
            session,
            assignment.id,
            data=StatusUpdateCreate(effective_date=day, comment=comment),
            actor=actor,
            today=address.today,
            expected_version=assignment.version,
            confirmation=True,
        )
        results.append(ConfirmResult(reference=reference, result="confirmed", status_update_id=update.id))
    confirmed = sum(result.result == "confirmed" for result in results)
    return ConfirmResponse(confirmed=confirmed, results=results)
