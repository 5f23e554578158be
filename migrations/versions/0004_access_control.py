"""Access control and safe writes: API tokens, the token behind each history row, idempotency keys.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 14:29:57.146444
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "idempotency_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("caller", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response_headers", sa.JSON(), nullable=True),
        sa.Column("response_body", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_records")),
        sa.UniqueConstraint("caller", "key", name=op.f("uq_idempotency_records_caller")),
    )
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idempotency_records_created_at"), ["created_at"], unique=False)

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("token_prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_token_id", sa.Integer(), nullable=True),
        sa.Column("revoked_by_token_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_token_id"],
            ["api_tokens.id"],
            name=op.f("fk_api_tokens_created_by_token_id_api_tokens"),
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_token_id"],
            ["api_tokens.id"],
            name=op.f("fk_api_tokens_revoked_by_token_id_api_tokens"),
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["org_units.id"], name=op.f("fk_api_tokens_unit_id_org_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("webhook_subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_by_token_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_webhook_subscriptions_created_by_token_id_api_tokens"),
            "api_tokens",
            ["created_by_token_id"],
            ["id"],
        )

    with op.batch_alter_table("assignment_revisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_assignment_revisions_token_id_api_tokens"), "api_tokens", ["token_id"], ["id"]
        )

    with op.batch_alter_table("status_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_status_updates_token_id_api_tokens"), "api_tokens", ["token_id"], ["id"]
        )


def downgrade() -> None:

    with op.batch_alter_table("status_updates", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_status_updates_token_id_api_tokens"), type_="foreignkey")
        batch_op.drop_column("token_id")

    with op.batch_alter_table("assignment_revisions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_assignment_revisions_token_id_api_tokens"), type_="foreignkey"
        )
        batch_op.drop_column("token_id")

    with op.batch_alter_table("webhook_subscriptions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_webhook_subscriptions_created_by_token_id_api_tokens"), type_="foreignkey"
        )
        batch_op.drop_column("created_by_token_id")

    op.drop_table("api_tokens")
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_records_created_at"))

    op.drop_table("idempotency_records")
