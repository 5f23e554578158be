"""Seed tracking: the seed entry as last loaded, so that reloads never revert API edits.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 15:01:46.635224
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seeded_values", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_column("seeded_values")
