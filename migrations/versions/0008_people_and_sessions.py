"""People who sign in: their grants, browser sessions, one-time sign-in links, sign-ins under way at
the identity provider; the person behind each history row; room for the coordinator role.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HISTORY_TABLES = ("status_updates", "assignment_revisions")


def _person_table(name: str, *columns: sa.Column[object]) -> None:
    """A table of rows that belong to a person (deleted with them)."""
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f(f"fk_{name}_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    op.create_index(op.f(f"ix_{name}_person_id"), name, ["person_id"], unique=False)


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=True),
        sa.Column("subject", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_signed_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("email", name=op.f("uq_people_email")),
        sa.UniqueConstraint("issuer", "subject", name=op.f("uq_people_issuer")),
    )
    _person_table(
        "person_grants",
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_person_grants_unit_id_org_units")
        ),
    )
    _person_table(
        "browser_sessions",
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_browser_sessions_secret_hash")),
    )
    _person_table(
        "sign_in_links",
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_sign_in_links_secret_hash")),
    )
    op.create_table(
        "provider_sign_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=100), nullable=False),
        sa.Column("code_verifier", sa.String(length=128), nullable=False),
        sa.Column("return_to", sa.String(length=500), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_sign_ins")),
        sa.UniqueConstraint("state_hash", name=op.f("uq_provider_sign_ins_state_hash")),
    )
    op.create_index(
        op.f("ix_provider_sign_ins_expires_at"), "provider_sign_ins", ["expires_at"], unique=False
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column(
            "role", existing_type=sa.String(length=10), type_=sa.String(length=20), existing_nullable=False
        )
    for table in HISTORY_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_person_id_people"), "people", ["person_id"], ["id"]
            )


def downgrade() -> None:
    for table in HISTORY_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_person_id_people"), type_="foreignkey")
            batch_op.drop_column("person_id")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column(
            "role", existing_type=sa.String(length=20), type_=sa.String(length=10), existing_nullable=False
        )
    op.drop_index(op.f("ix_provider_sign_ins_expires_at"), table_name="provider_sign_ins")
    op.drop_table("provider_sign_ins")
    for name in ("sign_in_links", "browser_sessions", "person_grants"):
        op.drop_index(op.f(f"ix_{name}_person_id"), table_name=name)
        op.drop_table(name)
    op.drop_table("people")
