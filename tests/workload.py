"""Real clients writing to a real server, and checks of the database against what they were told.

Every write carries an Idempotency-Key and a unique marker (in a status update's comment, in a new
assignment's title), so that it can be found in the database whatever happened to its response. A
client's journal holds the writes the server acknowledged (2xx) and the requests left in doubt (no
answer: the server died). Used by the crash test (kill -9 mid-burst) and the load test.
"""

import random
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.assignments.models import Assignment, AssignmentRevision, StatusUpdate
from app.db import make_engine, make_session_factory
from app.idempotency.service import KEY_HEADER, REPLAYED_HEADER
from app.webhooks.models import OutboxEvent
from app.webhooks.vocabulary import EventType

WriteKind = Literal["create", "update"]
EVENT_OF = {"create": EventType.ASSIGNMENT_CREATED, "update": EventType.ASSIGNMENT_STATUS_CHANGED}


@dataclass(frozen=True)
class Write:
    """One write request, as sent (and as sent again when it is retried)."""

    kind: WriteKind
    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    marker: str


@dataclass(frozen=True)
class Acknowledged:
    write: Write
    assignment_id: int
    version: int  # the assignment's version after the write (its ETag)
    status_update_id: int | None = None


@dataclass
class Journal:
    """What the clients were told, shared by their threads."""

    acknowledged: list[Acknowledged] = field(default_factory=list)
    in_doubt: list[Write] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)  # "GET 200", "POST 412", …
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, method: str, status: int) -> None:
        with self.lock:
            self.statuses[f"{method} {status}"] += 1

    def failed(self, error: Exception) -> None:
        """A request that got no usable answer."""
        with self.lock:
            self.statuses[f"ERROR {type(error).__name__}"] += 1

    def acknowledge(self, acknowledged: Acknowledged) -> None:
        with self.lock:
            self.acknowledged.append(acknowledged)

    def doubt(self, write: Write) -> None:
        with self.lock:
            self.in_doubt.append(write)

    def unexpected(self, expected: set[int]) -> dict[str, int]:
        """Errors, and responses whose status is not in `expected` (e.g. {200, 201, 412})."""
        return {
            key: n
            for key, n in self.statuses.items()
            if not key.split()[1].isdigit() or int(key.split()[1]) not in expected
        }


def new_status_update(assignment_id: int, etag: str, rng: random.Random) -> Write:
    key = uuid.uuid4().hex
    marker = f"workload {key}"
    return Write(
        kind="update",
        path=f"/api/v1/assignments/{assignment_id}/updates",
        body={"status": "in_progress", "progress": rng.randint(0, 99), "comment": marker},  # 100 is completed
        headers={KEY_HEADER: key, "If-Match": etag},
        marker=marker,
    )


def new_assignment(owner_id: int) -> Write:
    """A create whose reference the server draws (concurrent creates never draw the same one)."""
    key = uuid.uuid4().hex
    marker = f"workload {key}"
    return Write(
        kind="create",
        path="/api/v1/assignments",
        body={"title": marker, "owner_id": owner_id},
        headers={KEY_HEADER: key},
        marker=marker,
    )


def send(client: httpx.Client, write: Write, journal: Journal) -> httpx.Response | None:
    """POST the write; journal an acknowledgement, or the doubt when no answer came."""
    try:
        response = client.post(write.path, json=write.body, headers=write.headers)
    except httpx.TransportError:
        journal.doubt(write)
        return None
    journal.count("POST", response.status_code)
    if response.status_code == 201:
        body = response.json()
        journal.acknowledge(
            Acknowledged(
                write,
                assignment_id=body["id"] if write.kind == "create" else body["assignment_id"],
                version=int(response.headers["etag"].strip('"')),
                status_update_id=body["id"] if write.kind == "update" else None,
            )
        )
    return response


def current_etag(client: httpx.Client, assignment_id: int, journal: Journal) -> str:
    response = client.get(f"/api/v1/assignments/{assignment_id}")
    journal.count("GET", response.status_code)
    response.raise_for_status()
    return response.headers["etag"]


# --- checks of the database against the journal --------------------------------------------------


def _ids_with_marker(session: Session, write: Write) -> list[int]:
    """The rows this write stored: the assignment it created or the status update it made."""
    if write.kind == "create":
        query = select(Assignment.id).where(Assignment.title == write.marker)
    else:
        query = select(StatusUpdate.id).where(StatusUpdate.comment == write.marker)
    return list(session.scalars(query))


def _missing_write(session: Session, ack: Acknowledged) -> str | None:
    if ack.write.kind == "create":
        row = session.get(Assignment, ack.assignment_id)
        found = row is not None and row.title == ack.write.marker
    else:
        update = session.get(StatusUpdate, ack.status_update_id)
        found = update is not None and update.comment == ack.write.marker
    return None if found else f"acknowledged {ack.write.kind} {ack.write.marker} is not in the database"


def _missing_event(events: list[OutboxEvent], ack: Acknowledged) -> str | None:
    for event in events:
        if (
            event.type == EVENT_OF[ack.write.kind]
            and event.assignment_id == ack.assignment_id
            and event.payload["assignment"]["version"] == ack.version
        ):
            return None
    return f"no {EVENT_OF[ack.write.kind]} event for {ack.write.marker} (version {ack.version})"


def _count_by_assignment(
    session: Session, model: type[AssignmentRevision] | type[StatusUpdate]
) -> Counter[int]:
    query = select(model.assignment_id, func.count().label("rows")).group_by(model.assignment_id)
    return Counter({row.assignment_id: row.rows for row in session.execute(query)})


def _version_mismatches(session: Session) -> list[str]:
    """Each assignment's version counts its history: one per revision (created, edited, …) and per
    status update."""
    revisions = _count_by_assignment(session, AssignmentRevision)
    updates = _count_by_assignment(session, StatusUpdate)
    return [
        f"assignment {row.id} is at version {row.version}, its history has {revisions[row.id]} revisions "
        f"and {updates[row.id]} status updates"
        for row in session.execute(select(Assignment.id, Assignment.version))
        if row.version != revisions[row.id] + updates[row.id]
    ]


def _unaccounted_writes(session: Session, journal: Journal) -> list[str]:
    """Workload writes in the database that the clients neither were acknowledged nor left in doubt."""
    known = {ack.write.marker for ack in journal.acknowledged} | {write.marker for write in journal.in_doubt}
    stored = session.scalars(
        select(StatusUpdate.comment).where(StatusUpdate.comment.like("workload %"))
    ).all()
    created = session.scalars(select(Assignment.title).where(Assignment.title.like("workload %"))).all()
    return [f"{marker} was written but never sent" for marker in [*stored, *created] if marker not in known]


def _duplicates(session: Session, journal: Journal) -> list[str]:
    writes = [ack.write for ack in journal.acknowledged] + journal.in_doubt
    return [
        f"{write.marker} is stored {n} times"
        for write in writes
        if (n := len(_ids_with_marker(session, write))) > 1
    ]


def database_problems(database_url: str, journal: Journal) -> list[str]:
    """Everything in the database that contradicts what the clients were told."""
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            events = list(session.scalars(select(OutboxEvent)))
            problems = [problem for ack in journal.acknowledged if (problem := _missing_write(session, ack))]
            problems += [problem for ack in journal.acknowledged if (problem := _missing_event(events, ack))]
            problems += _version_mismatches(session)
            problems += _unaccounted_writes(session, journal)
            problems += _duplicates(session, journal)
            return problems
    finally:
        engine.dispose()


# --- retrying what was left in doubt --------------------------------------------------------------


@dataclass(frozen=True)
class RetryOutcome:
    """What a retry of an in-doubt request with its Idempotency-Key got, and which rows its write
    stored, as the database holds them afterwards."""

    write: Write
    status: int
    replayed: bool
    answered_id: int | None  # the id of the row the response names (a 2xx response's `id`)
    stored_ids: list[int]

    @property
    def exactly_once(self) -> bool:
        """The retry was answered with the first result or ran: a success naming the one row the
        write stored."""
        return 200 <= self.status < 300 and self.stored_ids == [self.answered_id]


def _answered_id(response: httpx.Response) -> int | None:
    if not 200 <= response.status_code < 300:
        return None
    answered = response.json().get("id")
    return answered if isinstance(answered, int) else None


def retry_in_doubt(base_url: str, token: str, database_url: str, journal: Journal) -> list[RetryOutcome]:
    outcomes = []
    engine = make_engine(database_url)
    try:
        with httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as client:
            for write in journal.in_doubt:
                response = client.post(write.path, json=write.body, headers=write.headers)
                with make_session_factory(engine)() as session:
                    stored_ids = _ids_with_marker(session, write)
                outcomes.append(
                    RetryOutcome(
                        write,
                        response.status_code,
                        response.headers.get(REPLAYED_HEADER) == "true",
                        _answered_id(response),
                        stored_ids,
                    )
                )
    finally:
        engine.dispose()
    return outcomes


def summary(outcomes: list[RetryOutcome]) -> Counter[str]:
    def line(outcome: RetryOutcome) -> str:
        replayed = " replayed" if outcome.replayed else ""
        elsewhere = " (names another row)" if outcome.answered_id not in [None, *outcome.stored_ids] else ""
        stored = len(outcome.stored_ids)
        return f"{outcome.write.kind}: {outcome.status}{replayed}{elsewhere}, stored {stored}"

    return Counter(line(outcome) for outcome in outcomes)
