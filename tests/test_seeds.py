"""The seed data: every commitment of the budget document, verbatim, and an idempotent loader."""

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import Principal, Role
from app.assignments.models import Assignment, AssignmentRevision, StatusUpdate
from app.assignments.schemas import AssignmentUpdate, StatusUpdateCreate
from app.assignments.service import update_assignment
from app.assignments.status_updates import add_status_update
from app.documents.source_text import collapse_whitespace, normalise_source_text
from app.errors import InvalidInputError
from app.seeding.service import load_seeds
from tests.conftest import SEEDS
from tests.helpers import database_state

DOCUMENT_FILE = SEEDS / "budget_2015_ks.yaml"
UNITS_FILE = SEEDS / "org_units.yaml"
SEED = yaml.safe_load(DOCUMENT_FILE.read_text(encoding="utf-8"))
SOURCE = normalise_source_text((SEEDS / SEED["document"]["source_file"]).read_text(encoding="utf-8"))
ENTRIES = SEED["assignments"]
CONTEXT_CHARS = 400


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("organisa-\ntionsutveckling", "organisationsutveckling"),
        ("organisa- \n\n  tionsutveckling", "organisationsutveckling"),
        ("bygg- och\ninfrastruktur", "bygg- och infrastruktur"),
        ("gemensam it-service. Gemensam it-\n\nservice", "gemensam it-service. Gemensam it-service"),
        ("Velo-\nCity", "Velo- City"),
        ("  a\n\n b  ", "a b"),
    ],
)
def test_source_normalisation(raw: str, expected: str) -> None:
    assert normalise_source_text(raw) == expected


def test_there_are_well_over_a_hundred_commitments() -> None:
    assert len(ENTRIES) > 150
    assert {entry["origin"] for entry in ENTRIES} >= {"adopted", "reservation"}


def test_references_are_unique_and_sequential() -> None:
    references = [entry["reference"] for entry in ENTRIES]
    assert references == [f"KS-2015-{number:03d}" for number in range(1, len(ENTRIES) + 1)]


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry["reference"] for entry in ENTRIES])
def test_quote_is_verbatim_and_deadline_is_quoted(entry: dict[str, Any]) -> None:
    quote = collapse_whitespace(str(entry["quote"]))
    assert quote in SOURCE
    deadline_text = entry["deadline_text"]
    if deadline_text and deadline_text not in quote:
        start = SOURCE.index(quote)
        context = SOURCE[max(0, start - CONTEXT_CHARS) : start + len(quote) + CONTEXT_CHARS]
        assert deadline_text in context, "a deadline taken from context must stand next to the quote"


NAMED_EXAMPLES = {
    "Velo-City": "velo-city",
    "eDok": "edok",
    "koncerngemensamt ekonomisystem": "ekonomisystem",
    "toppdomänen .stockholm": ".stockholm",
}


@pytest.mark.parametrize("needle", NAMED_EXAMPLES)
def test_named_examples_are_tracked_with_owner_and_deadline(full_register: Session, needle: str) -> None:
    matches = full_register.scalars(
        select(Assignment).where(Assignment.search_text.contains(NAMED_EXAMPLES[needle]))
    ).all()
    assert matches, needle
    dated = [item for item in matches if item.deadline_latest or item.deadline_earliest]
    assert dated, f"no {needle} assignment has an interpreted deadline"
    assert all(item.owner is not None for item in matches)


def test_mp_reservation_is_kept_but_not_adopted(full_register: Session) -> None:
    origins = set(full_register.scalars(select(Assignment.origin)).all())
    assert origins >= {"adopted", "reservation"}
    reserved = full_register.scalars(select(Assignment).where(Assignment.origin == "reservation")).all()
    assert all(item.goal is None or item.goal.key.startswith("MP-") for item in reserved)


def test_every_body_named_is_in_the_hierarchy(full_register: Session) -> None:
    from app.org.models import OrgUnit

    units = {unit.key: unit for unit in full_register.scalars(select(OrgUnit))}
    assert units["SLK"].parent_id == units["KS"].id
    assert units["KS"].parent_id == units["KF"].id
    used = {entry["owner"] for entry in ENTRIES} | {
        entry["executor"] for entry in ENTRIES if entry["executor"]
    }
    assert used <= set(units)


def test_second_load_changes_nothing(full_register: Session) -> None:
    def snapshot() -> list[tuple[object, ...]]:
        full_register.expire_all()
        rows = full_register.scalars(select(Assignment).order_by(Assignment.id)).all()
        return [(row.reference, row.version, row.updated_at, row.title, row.deadline_latest) for row in rows]

    before, counts = snapshot(), database_state(full_register)
    report = load_seeds(full_register, units_file=UNITS_FILE, document_file=DOCUMENT_FILE)
    full_register.commit()
    assert dict(report.assignments) == {"unchanged": len(ENTRIES)}
    assert snapshot() == before
    assert database_state(full_register) == counts


def _changed_copy(tmp_path: Path, reference: str, **changes: object) -> Path:
    data = yaml.safe_load(DOCUMENT_FILE.read_text(encoding="utf-8"))
    entry = next(entry for entry in data["assignments"] if entry["reference"] == reference)
    entry.update(changes)
    shutil.copytree(SEEDS / "source", tmp_path / "source")
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return changed


def test_changed_entry_updates_its_row_but_never_its_status_history(
    full_register: Session, tmp_path: Path
) -> None:
    assignment = full_register.scalars(select(Assignment).where(Assignment.reference == "KS-2015-001")).one()
    add_status_update(
        full_register,
        assignment.id,
        data=StatusUpdateCreate(
            status="in_progress", progress=20, comment="Pågår", effective_date=date(2015, 3, 1)
        ),
        actor=Principal(name="test", role=Role.ADMIN),
        today=date(2026, 1, 1),
        expected_version=assignment.version,
    )
    full_register.commit()
    version = assignment.version
    changed = _changed_copy(tmp_path, "KS-2015-001", title="Ny titel", deadline_text="hösten 2016")

    report = load_seeds(full_register, units_file=UNITS_FILE, document_file=changed)
    full_register.commit()

    assert dict(report.assignments) == {"updated": 1, "unchanged": len(ENTRIES) - 1}
    full_register.expire_all()
    assignment = full_register.get_one(Assignment, assignment.id)
    assert assignment.title == "Ny titel"
    assert assignment.deadline_latest == date(2016, 11, 30)
    assert (assignment.status, assignment.progress, assignment.version) == ("in_progress", 20, version + 1)
    updates = full_register.scalars(
        select(StatusUpdate).where(StatusUpdate.assignment_id == assignment.id)
    ).all()
    assert [(update.status, update.comment) for update in updates] == [("in_progress", "Pågår")]
    revision = full_register.scalars(
        select(AssignmentRevision).where(AssignmentRevision.action == "seed_updated")
    ).one()
    assert set(revision.changes) == {"title", "deadline"}


def test_a_quote_not_in_the_source_is_refused_and_nothing_is_written(
    session: Session, tmp_path: Path
) -> None:
    changed = _changed_copy(tmp_path, "KS-2015-002", quote="Kommunstyrelsen ska bygga en månbas.")
    before = database_state(session)
    with pytest.raises(InvalidInputError, match="KS-2015-002"):
        load_seeds(session, units_file=UNITS_FILE, document_file=changed)
    session.rollback()  # as the command's unit of work does when loading raises
    assert database_state(session) == before


def test_reload_never_reverts_what_users_changed(full_register: Session, tmp_path: Path) -> None:
    assignment = full_register.scalars(select(Assignment).where(Assignment.reference == "KS-2015-002")).one()
    update_assignment(
        full_register,
        assignment.id,
        data=AssignmentUpdate(title="Titel ändrad i API:t", contact_person="Eva Ek"),
        actor=Principal(name="test", role=Role.ADMIN),
        expected_version=assignment.version,
    )
    full_register.commit()
    assert dict(
        load_seeds(full_register, units_file=UNITS_FILE, document_file=DOCUMENT_FILE).assignments
    ) == {"unchanged": len(ENTRIES)}

    changed = _changed_copy(tmp_path, "KS-2015-002", deadline_text="hösten 2016")
    report = load_seeds(full_register, units_file=UNITS_FILE, document_file=changed)
    full_register.commit()

    assert report.assignments["updated"] == 1
    full_register.expire_all()
    reloaded = full_register.get_one(Assignment, assignment.id)
    assert (reloaded.title, reloaded.contact_person) == ("Titel ändrad i API:t", "Eva Ek")
    assert reloaded.deadline_text == "hösten 2016"
