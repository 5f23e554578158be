"""Periodic reports: published (frozen) report snapshots, and indexes for the state as of a day.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "published_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=200), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_reports")),
        sa.UniqueConstraint("year", "period", name=op.f("uq_published_reports_year")),
    )
    # Reports read each assignment's latest update on or before a day: these indexes hold every
    # assignment's timeline newest first, so the window query reads them in order without sorting
    # (and, on PostgreSQL, without visiting the table for the state).
    newest_first = [
        "assignment_id",
        sa.text("effective_date DESC"),
        sa.text("recorded_at DESC"),
        sa.text("id DESC"),
    ]
    with op.batch_alter_table("status_updates", schema=None) as batch_op:
        batch_op.create_index(
            "ix_status_updates_as_of",
            newest_first,
            unique=False,
            postgresql_include=["status", "progress", "assessment", "traffic_light"],
        )
        batch_op.create_index(
            "ix_status_updates_comments",
            newest_first,
            unique=False,
            sqlite_where=sa.text("comment IS NOT NULL"),
            postgresql_where=sa.text("comment IS NOT NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("status_updates", schema=None) as batch_op:
        batch_op.drop_index("ix_status_updates_comments")
        batch_op.drop_index("ix_status_updates_as_of")
    op.drop_table("published_reports")
