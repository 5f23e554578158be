"""Alembic is the only way the schema is made: migrations run up and down on both databases and
leave exactly the schema the models describe."""

from datetime import UTC, date, datetime
from typing import Any

import yaml
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import JSON, TableClause, bindparam, column, inspect, select, table, text

from app.assignments.models import Assignment, ReferenceCounter
from app.assignments.references import draw_reference
from app.db import make_engine, make_session_factory, unit_of_work
from app.documents.models import Origin, SourceDocument
from app.models_registry import Base
from app.periods.service import load_calendar
from app.reports.schemas import ReportFilters
from app.reports.service import period_report
from app.schema_migrations import alembic_config
from app.settings import Settings
from tests.conftest import SEEDS


def test_migrations_go_up_and_down_and_match_the_models(empty_database: str) -> None:
    config = alembic_config(Settings(database_url=empty_database))
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    command.upgrade(config, "head")
    engine = make_engine(empty_database)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def _table(name: str, *columns: str) -> TableClause:
    return table(name, *(column(name) for name in columns))


def _load_the_seeds_as_at_0006(url: str) -> dict[str, int]:
    """The real seeds written as the schema of revision 0006 held them: units, the one document with
    its reporting calendar, its assignments, and a status update. Returns row counts."""
    units_file = yaml.safe_load((SEEDS / "org_units.yaml").read_text(encoding="utf-8"))
    document_file = yaml.safe_load((SEEDS / "budget_2015_ks.yaml").read_text(encoding="utf-8"))
    now = datetime.now(UTC)
    units = _table("org_units", "id", "key", "name", "short_name", "aliases", "kind", "parent_id", "valid_to")
    documents = _table(
        "source_documents", "id", "key", "title", "issuer_id", "document_date", "plan_start_year",
        "plan_end_year", "reference_prefix", "reporting_calendar", "full_text",
    )  # fmt: skip
    assignments = _table(
        "assignments", "id", "reference", "title", "document_id", "origin", "owner_id", "kind", "status",
        "progress", "traffic_light", "search_text", "created_at", "updated_at", "version",
    )  # fmt: skip
    updates = _table(
        "status_updates", "assignment_id", "effective_date", "recorded_at", "recorded_by", "status",
        "progress", "traffic_light",
    )  # fmt: skip
    engine = make_engine(url)
    with engine.begin() as connection:
        ids = {seed["key"]: number for number, seed in enumerate(units_file["units"], start=1)}
        for seed in units_file["units"]:
            connection.execute(
                units.insert().values(
                    id=ids[seed["key"]],
                    key=seed["key"],
                    name=seed["name"],
                    short_name=seed.get("short_name"),
                    aliases=json_type_value(seed.get("aliases", [])),
                    kind=seed["kind"],
                    parent_id=ids.get(seed.get("parent") or ""),
                    valid_to=date.fromisoformat(seed["valid_to"]) if seed.get("valid_to") else None,
                )
            )
        seed = document_file["document"]
        connection.execute(
            documents.insert().values(
                id=1,
                key=seed["key"],
                title=seed["title"],
                issuer_id=ids[seed["issuer"]],
                document_date=date.fromisoformat(seed["date"]),
                plan_start_year=seed["plan_period"]["start_year"],
                plan_end_year=seed["plan_period"]["end_year"],
                reference_prefix=seed["reference_prefix"],
                reporting_calendar=json_type_value(CALENDAR_AT_0006),
                full_text="…",
            )
        )
        for number, entry in enumerate(document_file["assignments"], start=1):
            connection.execute(
                assignments.insert().values(
                    id=number,
                    reference=entry["reference"],
                    title=entry["title"],
                    document_id=1,
                    origin=entry["origin"],
                    owner_id=ids[entry["owner"]],
                    kind=entry["kind"],
                    status="in_progress" if number == 1 else "not_started",
                    progress=30 if number == 1 else 0,
                    traffic_light="grey",
                    search_text=entry["title"].casefold(),
                    created_at=now,
                    updated_at=now,
                    version=2 if number == 1 else 1,
                )
            )
        connection.execute(
            updates.insert().values(
                assignment_id=1,
                effective_date=date(2015, 3, 1),
                recorded_at=now,
                recorded_by="test",
                status="in_progress",
                progress=30,
                traffic_light="grey",
            )
        )
    engine.dispose()
    return {"org_units": len(ids), "assignments": len(document_file["assignments"]), "status_updates": 1}


CALENDAR_AT_0006 = [
    {"period": "T1", "cutoff": "04-30", "name_sv": "Tertialrapport 1", "name_en": "First tertial report"},
    {"period": "T2", "cutoff": "08-31", "name_sv": "Tertialrapport 2", "name_en": "Second tertial report"},
    {"period": "annual", "cutoff": "12-31", "name_sv": "Verksamhetsberättelse", "name_en": "Annual report"},
]


def json_type_value(value: Any) -> Any:
    """A JSON column's value as the insert takes it (the untyped table() needs it as text)."""
    return bindparam(None, value, type_=JSON)


def test_the_single_document_of_0006_becomes_one_of_many(empty_database: str) -> None:
    """The upgrade from the head before documents and years, with the seeds loaded: nothing lost."""
    settings = Settings(database_url=empty_database)
    config = alembic_config(settings)
    command.upgrade(config, "0006")
    counts = _load_the_seeds_as_at_0006(empty_database)
    command.upgrade(config, "head")
    engine = make_engine(empty_database)
    try:
        with make_session_factory(engine)() as session:
            for name, count in counts.items():
                assert session.scalar(text(f"SELECT count(*) FROM {name}")) == count, name
            document = session.scalars(select(SourceDocument)).one()
            assert (document.key, document.kind, document.adopted, document.version) == (
                "ks-budget-2015", "budget", True, 1,
            )  # fmt: skip
            assert (document.plan_start_year, document.plan_end_year) == (2015, 2017)
            assert document.starts_on == date(2015, 1, 1)  # the plan's first day, after its date
            calendar = load_calendar(session, today=date(2026, 11, 30))
            assert [(entry.key, entry.cutoff_month, entry.cutoff_day) for entry in calendar.entries] == [
                ("T1", 4, 30), ("T2", 8, 31), ("annual", 12, 31),
            ]  # fmt: skip
            report = period_report(
                session,
                2015,
                "T1",
                filters=ReportFilters(),
                timezone="Europe/Stockholm",
                today=date(2026, 11, 30),
            )
            adopted = sum(entry.origin == "adopted" for entry in session.scalars(select(Assignment)))
            assert len(report.assignments) == adopted
            reservations = period_report(
                session,
                2015,
                "T1",
                filters=ReportFilters(origin=[Origin.RESERVATION]),
                timezone="Europe/Stockholm",
                today=date(2026, 11, 30),
            )
            states = {line.reference: (line.status, line.progress) for line in reservations.assignments}
            assert states["KS-2015-001"] == ("in_progress", 30)  # its status history carried over
    finally:
        engine.dispose()


def test_the_reference_counters_of_0014_start_at_the_highest_reference_of_each_prefix(
    empty_database: str,
) -> None:
    """The upgrade from 0013 with the seeds loaded (KS-2015-001 … KS-2015-174), one of them renamed
    into another prefix: each prefix's counter starts at its highest number, and the next reference
    drawn follows it (its own create is tested through the API: test_assignments_api.py)."""
    config = alembic_config(Settings(database_url=empty_database))
    command.upgrade(config, "0006")
    _load_the_seeds_as_at_0006(empty_database)
    command.upgrade(config, "0013")
    engine = make_engine(empty_database)
    try:
        with engine.begin() as connection:
            assert "reference_counters" not in inspect(connection).get_table_names()
            connection.execute(
                text("UPDATE assignments SET reference = 'UPP-2026-007' WHERE reference = 'KS-2015-174'")
            )
        command.upgrade(config, "head")
        with unit_of_work(make_session_factory(engine)) as session:
            counters = {row.prefix: row.last_number for row in session.scalars(select(ReferenceCounter))}
            assert counters == {"KS-2015": 173, "UPP-2026": 7}
            drawn = [draw_reference(session, prefix) for prefix in ("KS-2015", "UPP-2026", "KF-2016")]
            assert drawn == ["KS-2015-174", "UPP-2026-008", "KF-2016-001"]
    finally:
        engine.dispose()
