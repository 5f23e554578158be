"""The words of a reporting round: the states of a unit's part and what moves it between them."""

from enum import StrEnum


class PartState(StrEnum):
    """Where a unit's part of a round stands. The first two are read from the reporting itself
    (nothing reported in the period yet, or something); the others from the unit's and the office's
    transitions."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"  # the unit marked its report ready (klarmarkerad)
    RETURNED = "returned"  # the office sent it back with a comment
    APPROVED = "approved"  # the office accepted it


class PartAction(StrEnum):
    SUBMIT = "submit"
    RETURN = "return"
    APPROVE = "approve"


# The parts counted as ready ("klara"): marked ready by the unit, whether approved yet or not.
READY_STATES = frozenset({PartState.SUBMITTED, PartState.APPROVED})
# The parts whose reporting is locked: status updates in the period are refused until returned.
LOCKED_STATES = READY_STATES
# What each action may start from, and where it leads.
TRANSITIONS: dict[PartAction, tuple[frozenset[PartState], PartState]] = {
    PartAction.SUBMIT: (
        frozenset({PartState.NOT_STARTED, PartState.IN_PROGRESS, PartState.RETURNED}),
        PartState.SUBMITTED,
    ),
    PartAction.RETURN: (frozenset({PartState.SUBMITTED, PartState.APPROVED}), PartState.RETURNED),
    PartAction.APPROVE: (frozenset({PartState.SUBMITTED}), PartState.APPROVED),
}
