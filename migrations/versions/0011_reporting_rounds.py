"""Reporting rounds: each unit's part of a period's round and its transitions (submitted, returned,
approved), the round's due date, reminders raised, the locks on a submitted part's reporting; the
reporting unit of an assignment; status updates that confirm a state unchanged; how many units'
parts were approved when a report was published.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _actor_columns(prefix: str) -> list[sa.Column[object]]:
    """Who did it and when: name (as history records it), token, person."""
    return [
        sa.Column(f"{prefix}_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(f"{prefix}_by", sa.String(length=200), nullable=False),
        sa.Column(f"{prefix}_token_id", sa.Integer(), nullable=True),
        sa.Column(f"{prefix}_person_id", sa.Integer(), nullable=True),
    ]


def _actor_keys(table: str, prefix: str) -> list[sa.ForeignKeyConstraint]:
    return [
        sa.ForeignKeyConstraint(
            [f"{prefix}_token_id"], ["api_tokens.id"], name=op.f(f"fk_{table}_{prefix}_token_id_api_tokens")
        ),
        sa.ForeignKeyConstraint(
            [f"{prefix}_person_id"], ["people.id"], name=op.f(f"fk_{table}_{prefix}_person_id_people")
        ),
    ]


def upgrade() -> None:
    with op.batch_alter_table("assignments") as batch:
        batch.add_column(sa.Column("reporting_unit_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_assignments_reporting_unit_id_org_units"), "org_units", ["reporting_unit_id"], ["id"]
        )
        batch.create_index(op.f("ix_assignments_reporting_unit_id"), ["reporting_unit_id"], unique=False)
    with op.batch_alter_table("status_updates") as batch:
        batch.add_column(sa.Column("confirmation", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index(
        "ix_status_updates_effective_date",
        "status_updates",
        ["effective_date", "assignment_id"],
        unique=False,
    )
    with op.batch_alter_table("published_reports") as batch:
        batch.add_column(sa.Column("units_reporting", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("units_approved", sa.Integer(), nullable=True))
    op.create_table(
        "reporting_locks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("first_day <= last_day", name=op.f("ck_reporting_locks_days")),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_reporting_locks_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_locks")),
    )
    op.create_index(op.f("ix_reporting_locks_unit_id"), "reporting_locks", ["unit_id"], unique=False)
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rounds")),
        sa.UniqueConstraint("year", "period", name=op.f("uq_rounds_year")),
    )
    op.create_table(
        "round_due_dates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        *_actor_columns("recorded"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_round_due_dates_round_id_rounds")),
        *_actor_keys("round_due_dates", "recorded"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_due_dates")),
    )
    op.create_index(op.f("ix_round_due_dates_round_id"), "round_due_dates", ["round_id"], unique=False)
    op.create_table(
        "round_parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("lock_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_round_parts_round_id_rounds")),
        sa.ForeignKeyConstraint(["unit_id"], ["org_units.id"], name=op.f("fk_round_parts_unit_id_org_units")),
        sa.ForeignKeyConstraint(
            ["lock_id"], ["reporting_locks.id"], name=op.f("fk_round_parts_lock_id_reporting_locks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_parts")),
        sa.UniqueConstraint("round_id", "unit_id", name=op.f("uq_round_parts_round_id")),
    )
    op.create_table(
        "round_transitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("part_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=False),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        *_actor_columns("recorded"),
        sa.ForeignKeyConstraint(
            ["part_id"], ["round_parts.id"], name=op.f("fk_round_transitions_part_id_round_parts")
        ),
        *_actor_keys("round_transitions", "recorded"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_transitions")),
    )
    op.create_index(op.f("ix_round_transitions_part_id"), "round_transitions", ["part_id"], unique=False)
    op.create_table(
        "round_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(length=40), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_round_notices_round_id_rounds")),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_round_notices_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_notices")),
        sa.UniqueConstraint(
            "round_id", "unit_id", "event_type", "due_on", name=op.f("uq_round_notices_round_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("round_notices")
    op.drop_index(op.f("ix_round_transitions_part_id"), table_name="round_transitions")
    op.drop_table("round_transitions")
    op.drop_table("round_parts")
    op.drop_index(op.f("ix_round_due_dates_round_id"), table_name="round_due_dates")
    op.drop_table("round_due_dates")
    op.drop_table("rounds")
    op.drop_index(op.f("ix_reporting_locks_unit_id"), table_name="reporting_locks")
    op.drop_table("reporting_locks")
    with op.batch_alter_table("published_reports") as batch:
        batch.drop_column("units_approved")
        batch.drop_column("units_reporting")
    op.drop_index("ix_status_updates_effective_date", table_name="status_updates")
    with op.batch_alter_table("status_updates") as batch:
        batch.drop_column("confirmation")
    with op.batch_alter_table("assignments") as batch:
        batch.drop_index(op.f("ix_assignments_reporting_unit_id"))
        batch.drop_constraint(op.f("fk_assignments_reporting_unit_id_org_units"), type_="foreignkey")
        batch.drop_column("reporting_unit_id")
