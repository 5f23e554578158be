"""The assignment vocabulary: API values and their Swedish and English labels."""

from enum import StrEnum


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CLOSED = "closed"  # ended without full delivery; needs a reason
    CANCELLED = "cancelled"  # utgår; needs a reason


STATUSES_NEEDING_REASON = frozenset({Status.CLOSED, Status.CANCELLED})
FINISHED_STATUSES = frozenset({Status.COMPLETED, Status.CLOSED, Status.CANCELLED})


class Assessment(StrEnum):
    FULFILLED = "fulfilled"
    PARTIALLY_FULFILLED = "partially_fulfilled"
    NOT_FULFILLED = "not_fulfilled"
    NOT_ASSESSABLE = "not_assessable"


class TrafficLight(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    GREY = "grey"


class AssignmentKind(StrEnum):
    TASK = "task"  # a concrete task with an end
    TARGET = "target"  # a measurable target
    ONGOING = "ongoing"  # ongoing work with no end


class LinkKind(StrEnum):
    """How an assignment relates to another (`source` → `target`)."""

    CONTINUES = "continues"  # a later document repeats or extends the earlier assignment
    REPLACES = "replaces"  # takes the earlier one's place
    SPLIT_INTO = "split_into"  # the source was split into the target (one link per part)
    MERGED_INTO = "merged_into"  # the source was merged into the target


LABELS: dict[str, dict[str, str]] = {
    "sv": {
        Status.NOT_STARTED: "Ej påbörjad",
        Status.IN_PROGRESS: "Pågår",
        Status.COMPLETED: "Genomförd",
        Status.CLOSED: "Avslutad",
        Status.CANCELLED: "Utgår",
        Assessment.FULFILLED: "Uppfyllt",
        Assessment.PARTIALLY_FULFILLED: "Delvis uppfyllt",
        Assessment.NOT_FULFILLED: "Ej uppfyllt",
        Assessment.NOT_ASSESSABLE: "Kan ej bedömas",
        TrafficLight.GREEN: "Grön",
        TrafficLight.YELLOW: "Gul",
        TrafficLight.RED: "Röd",
        TrafficLight.GREY: "Ej bedömd",
        AssignmentKind.TASK: "Uppdrag",
        AssignmentKind.TARGET: "Mål",
        AssignmentKind.ONGOING: "Löpande",
        LinkKind.CONTINUES: "Fortsätter",
        LinkKind.REPLACES: "Ersätter",
        LinkKind.SPLIT_INTO: "Delat i",
        LinkKind.MERGED_INTO: "Sammanslaget med",
    },
    "en": {
        Status.NOT_STARTED: "Not started",
        Status.IN_PROGRESS: "In progress",
        Status.COMPLETED: "Completed",
        Status.CLOSED: "Closed",
        Status.CANCELLED: "Cancelled",
        Assessment.FULFILLED: "Fulfilled",
        Assessment.PARTIALLY_FULFILLED: "Partially fulfilled",
        Assessment.NOT_FULFILLED: "Not fulfilled",
        Assessment.NOT_ASSESSABLE: "Cannot be assessed",
        TrafficLight.GREEN: "Green",
        TrafficLight.YELLOW: "Yellow",
        TrafficLight.RED: "Red",
        TrafficLight.GREY: "Not assessed",
        AssignmentKind.TASK: "Task",
        AssignmentKind.TARGET: "Target",
        AssignmentKind.ONGOING: "Ongoing",
        LinkKind.CONTINUES: "Continues",
        LinkKind.REPLACES: "Replaces",
        LinkKind.SPLIT_INTO: "Split into",
        LinkKind.MERGED_INTO: "Merged into",
    },
}
