"""Idempotency keys are claimed, used and completed in the request's own transaction: forget the
unfinished claims that earlier versions (which claimed and completed in two transactions) left behind
when a process died, so that every stored key holds its response.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    records = sa.table("idempotency_records", sa.column("status_code", sa.Integer()))
    op.execute(sa.delete(records).where(records.c.status_code.is_(None)))


def downgrade() -> None:
    pass  # the claims removed were abandoned; nothing to restore
