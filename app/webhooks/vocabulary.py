"""The webhook vocabulary: event types and delivery states."""

from enum import StrEnum


class EventType(StrEnum):
    ASSIGNMENT_CREATED = "assignment.created"
    ASSIGNMENT_UPDATED = "assignment.updated"
    ASSIGNMENT_STATUS_CHANGED = "assignment.status_changed"
    ASSIGNMENT_DUE_SOON = "assignment.due_soon"  # raised by the worker before the latest deadline
    ASSIGNMENT_OVERDUE = "assignment.overdue"  # raised by the worker after the latest deadline
    REPORT_PUBLISHED = "report.published"


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # gave up: out of attempts, or the subscription was deactivated


SUBSCRIPTION_DEACTIVATED = "subscription deactivated"  # the last_error of deliveries it cancelled
