"""Loading the seed files: organisational units, the source document, its goals and assignments.

Loading is idempotent: a second load changes nothing, and a changed entry updates its row (with
a revision in the assignment's history) without ever touching status updates.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import Principal, Role
from app.assignments.schemas import AssignmentCreate, DeadlineInput
from app.assignments.service import apply_seed_entry
from app.documents.models import Goal, SourceDocument
from app.documents.source_text import collapse_whitespace, normalise_source_text
from app.errors import InvalidInputError, ProblemError
from app.org.models import OrgUnit
from app.seeding.seed_files import AssignmentSeed, DocumentFile, DocumentSeed, GoalSeed, UnitSeed, UnitsFile

SEED_ACTOR = Principal(name="seed", role=Role.ADMIN)


@dataclass
class SeedReport:
    units: Counter[str] = field(default_factory=Counter)
    assignments: Counter[str] = field(default_factory=Counter)


class SeedFileError(ProblemError):
    """A seed file that cannot be read or holds an invalid entry; the detail names the file and the entry."""

    status = 422
    problem_type = "invalid-seed-file"


MAX_LISTED_ERRORS = 3
ModelT = TypeVar("ModelT", bound=BaseModel)


def describe_errors(error: ValidationError) -> str:
    """Pydantic's errors as one line: 'units.3.kind: Input should be …; … (and 2 more)'."""
    described = [
        f"{'.'.join(str(part) for part in item['loc']) or 'file'}: {item['msg']}"
        for item in error.errors()[:MAX_LISTED_ERRORS]
    ]
    more = error.error_count() - MAX_LISTED_ERRORS
    return "; ".join(described) + (f" (and {more} more)" if more > 0 else "")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise SeedFileError(f"{path}: cannot be read ({error.strerror or error})") from error
    except UnicodeDecodeError as error:
        raise SeedFileError(f"{path}: is not UTF-8 text") from error


def _yaml_problem(error: yaml.YAMLError | ValueError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}" if mark else problem


def read_seed_file(path: Path, model: type[ModelT]) -> ModelT:
    """Read and check a seed file before anything is written."""
    text = _read_text(path)
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as error:  # ValueError: a date such as 2015-02-30
        raise SeedFileError(f"{path}: is not valid YAML ({_yaml_problem(error)})") from error
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise SeedFileError(f"{path}: {describe_errors(error)}") from error


def _set_changed(row: Any, values: dict[str, Any]) -> bool:
    """Set only the attributes whose value differs; returns whether anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _upsert_units(session: Session, seeds: list[UnitSeed], report: SeedReport) -> dict[str, OrgUnit]:
    units = {unit.key: unit for unit in session.scalars(select(OrgUnit))}
    for seed in seeds:
        values = seed.model_dump(exclude={"key", "parent", "successors"})
        unit = units.get(seed.key)
        if unit is None:
            unit = units[seed.key] = OrgUnit(key=seed.key, **values)
            session.add(unit)
            report.units["created"] += 1
        else:
            report.units["updated" if _set_changed(unit, values) else "unchanged"] += 1
    session.flush()
    for seed in seeds:
        unit = units[seed.key]
        parent_id = _unit_by_key(units, seed.parent, "parent").id if seed.parent else None
        if unit.parent_id != parent_id:
            unit.parent_id = parent_id
        successors = [_unit_by_key(units, key, "successors") for key in seed.successors]
        if {item.id for item in successors} != {item.id for item in unit.successors}:
            unit.successors = successors
    session.flush()
    return units


def _unit_by_key(units: dict[str, OrgUnit], key: str, field_name: str) -> OrgUnit:
    if key not in units:
        raise InvalidInputError(field_name, f"unknown organisational unit key {key!r} in seed data")
    return units[key]


def _upsert_document(
    session: Session, seed: DocumentSeed, full_text: str, units: dict[str, OrgUnit]
) -> SourceDocument:
    values: dict[str, Any] = {
        "kind": seed.kind,
        "title": seed.title,
        "issuer_id": _unit_by_key(units, seed.issuer, "issuer").id if seed.issuer else None,
        "decided_by_id": _unit_by_key(units, seed.decided_by, "decided_by").id if seed.decided_by else None,
        "document_date": seed.date,
        "decision_date": seed.decision_date,
        "diarienummer": seed.diarienummer,
        "paragraph": seed.paragraph,
        "plan_start_year": seed.plan_period.start_year if seed.plan_period else None,
        "plan_end_year": seed.plan_period.end_year if seed.plan_period else None,
        "reference_prefix": seed.reference_prefix,
        "full_text": full_text,
    }
    document = session.scalar(select(SourceDocument).where(SourceDocument.key == seed.key))
    if document is None:
        document = SourceDocument(key=seed.key, version=1, **values)
        session.add(document)
    else:
        _set_changed(document, values)
    document.update_follow_up_start()
    session.flush()
    return document


def _upsert_goals(session: Session, seeds: list[GoalSeed], document: SourceDocument) -> dict[str, Goal]:
    goals = {goal.key: goal for goal in session.scalars(select(Goal))}
    for seed in seeds:
        values = {
            "document_id": document.id,
            "number": seed.number,
            "title": seed.title,
            "origin": seed.origin,
        }
        if seed.key in goals:
            _set_changed(goals[seed.key], values)
        else:
            goals[seed.key] = Goal(key=seed.key, **values)
            session.add(goals[seed.key])
    session.flush()
    return goals


def _assignment_input(
    seed: AssignmentSeed, document: SourceDocument, units: dict[str, OrgUnit], goals: dict[str, Goal]
) -> AssignmentCreate:
    if seed.goal and seed.goal not in goals:
        raise InvalidInputError("goal", f"unknown goal key {seed.goal!r} in seed {seed.reference}")
    return AssignmentCreate(
        reference=seed.reference,
        title=seed.title,
        description=seed.description,
        quote=seed.quote,
        document_id=document.id,
        section=seed.section,
        origin=seed.origin,
        goal_id=goals[seed.goal].id if seed.goal else None,
        owner_id=_unit_by_key(units, seed.owner, "owner").id,
        executor_id=_unit_by_key(units, seed.executor, "executor").id if seed.executor else None,
        partner_ids=[_unit_by_key(units, key, "partners").id for key in seed.partners],
        contact_person=seed.contact_person,
        kind=seed.kind,
        deadline=DeadlineInput(text=seed.deadline_text) if seed.deadline_text else None,
        money=seed.amount,
        target=seed.target,
        tags=seed.tags,
    )


def _checked_assignment_input(
    document_file: Path,
    seed: AssignmentSeed,
    document: SourceDocument,
    units: dict[str, OrgUnit],
    goals: dict[str, Goal],
) -> AssignmentCreate:
    try:
        return _assignment_input(seed, document, units, goals)
    except ValidationError as error:
        raise SeedFileError(f"{document_file}: {seed.reference}: {describe_errors(error)}") from error
    except InvalidInputError as error:
        raise SeedFileError(f"{document_file}: {seed.reference}: {error.detail}") from error


def check_quotes_are_verbatim(seeds: list[AssignmentSeed], full_text: str) -> None:
    """Refuse seed data whose quotes do not stand in the source document."""
    source = normalise_source_text(full_text)
    for seed in seeds:
        if collapse_whitespace(seed.quote) not in source:
            raise InvalidInputError("quote", f"{seed.reference}: the quote is not verbatim in the source")


def load_seeds(session: Session, *, units_file: Path, document_file: Path) -> SeedReport:
    """Load both seed files in the caller's transaction; any invalid entry raises, so that the caller
    rolls back and nothing is written."""
    units_data = read_seed_file(units_file, UnitsFile)
    document_data = read_seed_file(document_file, DocumentFile)
    full_text = _read_text(document_file.parent / document_data.document.source_file)
    check_quotes_are_verbatim(document_data.assignments, full_text)
    report = SeedReport()
    units = _upsert_units(session, units_data.units, report)
    document = _upsert_document(session, document_data.document, full_text, units)
    goals = _upsert_goals(session, document_data.goals, document)
    for seed in document_data.assignments:
        data = _checked_assignment_input(document_file, seed, document, units, goals)
        report.assignments[
            apply_seed_entry(session, reference=seed.reference, data=data, actor=SEED_ACTOR)
        ] += 1
    session.flush()
    return report
