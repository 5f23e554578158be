"""The webhook vocabulary: event types and delivery states."""

from enum import StrEnum


class EventType(StrEnum):
    ASSIGNMENT_CREATED = "assignment.created"
    ASSIGNMENT_UPDATED = "assignment.updated"
    ASSIGNMENT_STATUS_CHANGED = "assignment.status_changed"
    # A unit confirmed the state unchanged in a reporting round (a status update repeating it).
    ASSIGNMENT_STATUS_CONFIRMED = "assignment.status_confirmed"
    ASSIGNMENT_DUE_SOON = "assignment.due_soon"  # raised by the worker before the latest deadline
    ASSIGNMENT_OVERDUE = "assignment.overdue"  # raised by the worker after the latest deadline
    REPORT_PUBLISHED = "report.published"
    ROUND_UNIT_SUBMITTED = "round.unit_submitted"  # a unit marked its part of a round ready
    ROUND_UNIT_RETURNED = "round.unit_returned"  # the office sent a unit's part back
    ROUND_UNIT_APPROVED = "round.unit_approved"  # the office approved a unit's part
    ROUND_DUE_SOON = "round.due_soon"  # raised by the worker before a unit's part is due
    ROUND_OVERDUE = "round.overdue"  # raised by the worker when a unit's part is late


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # gave up: out of attempts, or the subscription was deactivated


SUBSCRIPTION_DEACTIVATED = "subscription deactivated"  # the last_error of deliveries it cancelled
