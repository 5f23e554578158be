"""The assignment register: units, documents, goals, assignments and their append-only history.

Revision ID: 0001
Revises:
Create Date: 2026-11-26 14:19:02.277857
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "org_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("short_name", sa.String(length=60), nullable=True),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["org_units.id"], name=op.f("fk_org_units_parent_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_units")),
        sa.UniqueConstraint("key", name=op.f("uq_org_units_key")),
    )
    with op.batch_alter_table("org_units", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_units_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "source_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("issuer_id", sa.Integer(), nullable=True),
        sa.Column("document_date", sa.Date(), nullable=False),
        sa.Column("diarienummer", sa.String(length=60), nullable=True),
        sa.Column("plan_start_year", sa.Integer(), nullable=False),
        sa.Column("plan_end_year", sa.Integer(), nullable=False),
        sa.Column("reference_prefix", sa.String(length=20), nullable=False),
        sa.Column("reporting_calendar", sa.JSON(), nullable=False),
        sa.Column("full_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["org_units.id"], name=op.f("fk_source_documents_issuer_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_documents")),
        sa.UniqueConstraint("key", name=op.f("uq_source_documents_key")),
    )
    op.create_table(
        "goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["source_documents.id"], name=op.f("fk_goals_document_id_source_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goals")),
        sa.UniqueConstraint("key", name=op.f("uq_goals_key")),
    )
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goals_document_id"), ["document_id"], unique=False)

    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("section", sa.String(length=300), nullable=True),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("executor_id", sa.Integer(), nullable=True),
        sa.Column("contact_person", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("deadline_text", sa.String(length=200), nullable=True),
        sa.Column("deadline_earliest", sa.Date(), nullable=True),
        sa.Column("deadline_latest", sa.Date(), nullable=True),
        sa.Column("deadline_precision", sa.String(length=20), nullable=True),
        sa.Column("amount_min_sek", sa.BigInteger(), nullable=True),
        sa.Column("amount_max_sek", sa.BigInteger(), nullable=True),
        sa.Column("amount_year", sa.Integer(), nullable=True),
        sa.Column("amount_text", sa.String(length=200), nullable=True),
        sa.Column("target_indicator", sa.String(length=300), nullable=True),
        sa.Column("target_value", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("target_unit", sa.String(length=60), nullable=True),
        sa.Column("target_year", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("assessment", sa.String(length=30), nullable=True),
        sa.Column("traffic_light", sa.String(length=10), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name=op.f("ck_assignments_progress_range")),
        sa.ForeignKeyConstraint(
            ["document_id"], ["source_documents.id"], name=op.f("fk_assignments_document_id_source_documents")
        ),
        sa.ForeignKeyConstraint(
            ["executor_id"], ["org_units.id"], name=op.f("fk_assignments_executor_id_org_units")
        ),
        sa.ForeignKeyConstraint(["goal_id"], ["goals.id"], name=op.f("fk_assignments_goal_id_goals")),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["org_units.id"], name=op.f("fk_assignments_owner_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
        sa.UniqueConstraint("reference", name=op.f("uq_assignments_reference")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignments_archived_at"), ["archived_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_assessment"), ["assessment"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_deadline_latest"), ["deadline_latest"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_executor_id"), ["executor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_origin"), ["origin"], unique=False)
        batch_op.create_index("ix_assignments_owner_deadline", ["owner_id", "deadline_latest"], unique=False)
        batch_op.create_index("ix_assignments_status_deadline", ["status", "deadline_latest"], unique=False)

    op.create_table(
        "assignment_partners",
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_assignment_partners_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_assignment_partners_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("assignment_id", "unit_id", name=op.f("pk_assignment_partners")),
    )
    with op.batch_alter_table("assignment_partners", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignment_partners_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "assignment_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_assignment_revisions_assignment_id_assignments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_revisions")),
    )
    with op.batch_alter_table("assignment_revisions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assignment_revisions_timeline", ["assignment_id", "recorded_at"], unique=False
        )

    op.create_table(
        "assignment_tags",
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_assignment_tags_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assignment_id", "tag", name=op.f("pk_assignment_tags")),
    )
    with op.batch_alter_table("assignment_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignment_tags_tag"), ["tag"], unique=False)

    op.create_table(
        "status_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("assessment", sa.String(length=30), nullable=True),
        sa.Column("traffic_light", sa.String(length=10), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name=op.f("ck_status_updates_progress_range")),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignments.id"], name=op.f("fk_status_updates_assignment_id_assignments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_updates")),
    )
    with op.batch_alter_table("status_updates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_updates_recorded_at"), ["recorded_at"], unique=False)
        batch_op.create_index(
            "ix_status_updates_timeline",
            ["assignment_id", "effective_date", "recorded_at", "id"],
            unique=False,
        )


def downgrade() -> None:

    with op.batch_alter_table("status_updates", schema=None) as batch_op:
        batch_op.drop_index("ix_status_updates_timeline")
        batch_op.drop_index(batch_op.f("ix_status_updates_recorded_at"))

    op.drop_table("status_updates")
    with op.batch_alter_table("assignment_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_tags_tag"))

    op.drop_table("assignment_tags")
    with op.batch_alter_table("assignment_revisions", schema=None) as batch_op:
        batch_op.drop_index("ix_assignment_revisions_timeline")

    op.drop_table("assignment_revisions")
    with op.batch_alter_table("assignment_partners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_partners_unit_id"))

    op.drop_table("assignment_partners")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_assignments_status_deadline")
        batch_op.drop_index("ix_assignments_owner_deadline")
        batch_op.drop_index(batch_op.f("ix_assignments_origin"))
        batch_op.drop_index(batch_op.f("ix_assignments_kind"))
        batch_op.drop_index(batch_op.f("ix_assignments_goal_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_executor_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_document_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_deadline_latest"))
        batch_op.drop_index(batch_op.f("ix_assignments_assessment"))
        batch_op.drop_index(batch_op.f("ix_assignments_archived_at"))

    op.drop_table("assignments")
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goals_document_id"))

    op.drop_table("goals")
    op.drop_table("source_documents")
    with op.batch_alter_table("org_units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_units_parent_id"))

    op.drop_table("org_units")
