"""Documents uploaded as files (their SHA-256, name, format and size) and the draft assignments the
ingest engine proposes from them, with their partners and review steps.

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-30 14:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _foreign_key(table: str, column: str, target: str, **options: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), **options
    )


def _create_drafts() -> None:
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("quote_start", sa.Integer(), nullable=False),
        sa.Column("quote_end", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=300), nullable=True),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("executor_id", sa.Integer(), nullable=True),
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
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("continues_id", sa.Integer(), nullable=True),
        sa.Column("continues_score", sa.Float(), nullable=True),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("split_from_id", sa.Integer(), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("confidence BETWEEN 0 AND 1", name=op.f("ck_drafts_confidence_range")),
        _foreign_key("drafts", "assignment_id", "assignments"),
        _foreign_key("drafts", "continues_id", "assignments"),
        _foreign_key("drafts", "document_id", "source_documents"),
        _foreign_key("drafts", "executor_id", "org_units"),
        _foreign_key("drafts", "merged_into_id", "drafts"),
        _foreign_key("drafts", "owner_id", "org_units"),
        _foreign_key("drafts", "split_from_id", "drafts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
        sa.UniqueConstraint("assignment_id", name=op.f("uq_drafts_assignment_id")),
    )
    op.create_index("ix_drafts_document_order", "drafts", ["document_id", "quote_start", "id"], unique=False)


def upgrade() -> None:
    with op.batch_alter_table("source_documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("file_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("file_name", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("file_format", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("file_size", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_source_documents_file_sha256"), ["file_sha256"])
    _create_drafts()
    op.create_table(
        "draft_partners",
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        _foreign_key("draft_partners", "draft_id", "drafts", ondelete="CASCADE"),
        _foreign_key("draft_partners", "unit_id", "org_units"),
        sa.PrimaryKeyConstraint("draft_id", "unit_id", name=op.f("pk_draft_partners")),
    )
    op.create_index(op.f("ix_draft_partners_unit_id"), "draft_partners", ["unit_id"], unique=False)
    op.create_table(
        "draft_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _foreign_key("draft_reviews", "draft_id", "drafts"),
        _foreign_key("draft_reviews", "person_id", "people"),
        _foreign_key("draft_reviews", "token_id", "api_tokens"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_reviews")),
    )
    op.create_index("ix_draft_reviews_timeline", "draft_reviews", ["draft_id", "recorded_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_draft_reviews_timeline", table_name="draft_reviews")
    op.drop_table("draft_reviews")
    op.drop_index(op.f("ix_draft_partners_unit_id"), table_name="draft_partners")
    op.drop_table("draft_partners")
    op.drop_index("ix_drafts_document_order", table_name="drafts")
    op.drop_table("drafts")
    with op.batch_alter_table("source_documents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_source_documents_file_sha256"), type_="unique")
        batch_op.drop_column("file_size")
        batch_op.drop_column("file_format")
        batch_op.drop_column("file_name")
        batch_op.drop_column("file_sha256")
