"""Many documents and years: decisions behind documents, the city's reporting calendar, unit
successions, links between assignments, and the decision behind a status update or an edit.

The single document's reporting calendar becomes the city's (`reporting_calendar`), so that reports
exist for every year whatever documents come later; a database without a document gets ILS's
calendar (T1 04-30, T2 08-31, the annual report 12-31). Existing documents become budgets, adopted,
at version 1, with their plan periods kept.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 14:00:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_CALENDAR = [
    {"period": "T1", "cutoff": "04-30", "name_sv": "Tertialrapport 1", "name_en": "First tertial report"},
    {"period": "T2", "cutoff": "08-31", "name_sv": "Tertialrapport 2", "name_en": "Second tertial report"},
    {"period": "annual", "cutoff": "12-31", "name_sv": "Verksamhetsberättelse", "name_en": "Annual report"},
]

calendar = sa.table(
    "reporting_calendar",
    sa.column("key", sa.String()),
    sa.column("cutoff_month", sa.Integer()),
    sa.column("cutoff_day", sa.Integer()),
    sa.column("name_sv", sa.String()),
    sa.column("name_en", sa.String()),
)
documents = sa.table(
    "source_documents",
    sa.column("id", sa.Integer()),
    sa.column("document_date", sa.Date()),
    sa.column("plan_start_year", sa.Integer()),
    sa.column("starts_on", sa.Date()),
    sa.column("reporting_calendar", sa.JSON()),
    sa.column("kind", sa.String()),
    sa.column("adopted", sa.Boolean()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("version", sa.Integer()),
)


def _calendar_of_latest_document() -> list[dict[str, str]]:
    latest = (
        op.get_bind()
        .execute(
            sa.select(documents.c.reporting_calendar).order_by(documents.c.document_date.desc()).limit(1)
        )
        .scalar()
    )
    return latest or DEFAULT_CALENDAR


def _create_calendar() -> None:
    op.create_table(
        "reporting_calendar",
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.Column("cutoff_month", sa.Integer(), nullable=False),
        sa.Column("cutoff_day", sa.Integer(), nullable=False),
        sa.Column("name_sv", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.CheckConstraint(
            "cutoff_month BETWEEN 1 AND 12 AND cutoff_day BETWEEN 1 AND 31",
            name=op.f("ck_reporting_calendar_cutoff"),
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_reporting_calendar")),
    )
    rows = []
    for entry in _calendar_of_latest_document():
        month, day = (int(part) for part in entry["cutoff"].split("-"))
        rows.append(
            {
                "key": entry["period"],
                "cutoff_month": month,
                "cutoff_day": day,
                "name_sv": entry["name_sv"],
                "name_en": entry["name_en"],
            }
        )
    op.bulk_insert(calendar, rows)


def _fill_starts_on() -> None:
    """Assignments are followed up from the later of their document's date and its plan's first day."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(documents.c.id, documents.c.document_date, documents.c.plan_start_year)
    )
    for row in rows.mappings().all():
        plan_start = date(row["plan_start_year"], 1, 1) if row["plan_start_year"] else row["document_date"]
        connection.execute(
            documents.update()
            .where(documents.c.id == row["id"])
            .values(starts_on=max(row["document_date"], plan_start))
        )


def _extend_documents() -> None:
    with op.batch_alter_table("source_documents") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=30), nullable=True))
        batch.add_column(sa.Column("decided_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("decision_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("paragraph", sa.String(length=30), nullable=True))
        batch.add_column(sa.Column("adopted", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("version", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("starts_on", sa.Date(), nullable=True))
    op.execute(
        documents.update().values(kind="budget", adopted=True, created_at=datetime.now(UTC), version=1)
    )
    _fill_starts_on()
    with op.batch_alter_table("source_documents") as batch:
        for name in ("kind", "adopted", "created_at", "version", "starts_on"):
            batch.alter_column(name, nullable=False)
        batch.create_index(op.f("ix_source_documents_starts_on"), ["starts_on"])
        batch.alter_column("key", existing_type=sa.String(length=60), nullable=True)
        batch.alter_column("plan_start_year", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("plan_end_year", existing_type=sa.Integer(), nullable=True)
        batch.drop_column("reporting_calendar")
        batch.create_foreign_key(
            op.f("fk_source_documents_decided_by_id_org_units"), "org_units", ["decided_by_id"], ["id"]
        )
        batch.create_index(op.f("ix_source_documents_decided_by_id"), ["decided_by_id"])
        batch.create_check_constraint(
            op.f("ck_source_documents_plan_period"),
            "(plan_start_year IS NULL) = (plan_end_year IS NULL) AND plan_start_year <= plan_end_year",
        )


def _create_document_revisions() -> None:
    op.create_table(
        "document_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["source_documents.id"],
            name=op.f("fk_document_revisions_document_id_source_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["token_id"], ["api_tokens.id"], name=op.f("fk_document_revisions_token_id_api_tokens")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_revisions")),
    )
    op.create_index("ix_document_revisions_timeline", "document_revisions", ["document_id", "recorded_at"])


def _create_unit_successions() -> None:
    op.create_table(
        "unit_successions",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("successor_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_unit_successions_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["successor_id"], ["org_units.id"], name=op.f("fk_unit_successions_successor_id_org_units")
        ),
        sa.PrimaryKeyConstraint("unit_id", "successor_id", name=op.f("pk_unit_successions")),
    )
    op.create_index(op.f("ix_unit_successions_successor_id"), "unit_successions", ["successor_id"])


def _add_decisions_to_history() -> None:
    for table in ("status_updates", "assignment_revisions"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("decision_document_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(
                op.f(f"fk_{table}_decision_document_id_source_documents"),
                "source_documents",
                ["decision_document_id"],
                ["id"],
            )


def _create_assignment_links() -> None:
    op.create_table(
        "assignment_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("decision_document_id", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_token_id", sa.Integer(), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_by", sa.String(length=200), nullable=True),
        sa.Column("removed_token_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("source_id <> target_id", name=op.f("ck_assignment_links_not_to_itself")),
        sa.ForeignKeyConstraint(
            ["source_id"], ["assignments.id"], name=op.f("fk_assignment_links_source_id_assignments")
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["assignments.id"], name=op.f("fk_assignment_links_target_id_assignments")
        ),
        sa.ForeignKeyConstraint(
            ["decision_document_id"],
            ["source_documents.id"],
            name=op.f("fk_assignment_links_decision_document_id_source_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["created_token_id"],
            ["api_tokens.id"],
            name=op.f("fk_assignment_links_created_token_id_api_tokens"),
        ),
        sa.ForeignKeyConstraint(
            ["removed_token_id"],
            ["api_tokens.id"],
            name=op.f("fk_assignment_links_removed_token_id_api_tokens"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_links")),
    )
    op.create_index("ix_assignment_links_source", "assignment_links", ["source_id"])
    op.create_index("ix_assignment_links_target", "assignment_links", ["target_id"])


def upgrade() -> None:
    _create_calendar()
    _extend_documents()
    _create_document_revisions()
    _create_unit_successions()
    _add_decisions_to_history()
    _create_assignment_links()


def downgrade() -> None:
    op.drop_table("assignment_links")
    for table in ("assignment_revisions", "status_updates"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(
                op.f(f"fk_{table}_decision_document_id_source_documents"), type_="foreignkey"
            )
            batch.drop_column("decision_document_id")
    op.drop_table("unit_successions")
    op.drop_table("document_revisions")
    rows = op.get_bind().execute(sa.select(calendar)).mappings().all()
    kept = [
        {
            "period": row["key"],
            "cutoff": f"{row['cutoff_month']:02d}-{row['cutoff_day']:02d}",
            "name_sv": row["name_sv"],
            "name_en": row["name_en"],
        }
        for row in sorted(rows, key=lambda row: (row["cutoff_month"], row["cutoff_day"]))
    ]
    with op.batch_alter_table("source_documents") as batch:
        batch.drop_constraint(op.f("ck_source_documents_plan_period"), type_="check")
        batch.drop_index(op.f("ix_source_documents_decided_by_id"))
        batch.drop_index(op.f("ix_source_documents_starts_on"))
        batch.drop_constraint(op.f("fk_source_documents_decided_by_id_org_units"), type_="foreignkey")
        batch.add_column(sa.Column("reporting_calendar", sa.JSON(), nullable=True))
        for name in (
            "version",
            "created_at",
            "adopted",
            "paragraph",
            "decision_date",
            "decided_by_id",
            "kind",
        ):
            batch.drop_column(name)
    # Documents without a plan period or a key cannot go back: the old schema requires both.
    op.execute(documents.update().values(reporting_calendar=kept))
    with op.batch_alter_table("source_documents") as batch:
        batch.alter_column("reporting_calendar", nullable=False)
        batch.alter_column("key", existing_type=sa.String(length=60), nullable=False)
        batch.alter_column("plan_start_year", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("plan_end_year", existing_type=sa.Integer(), nullable=False)
    op.drop_table("reporting_calendar")
