"""Reference counters: the last number drawn for each reference prefix, so that a new assignment's
reference is drawn in constant time and concurrent creates never draw the same one. Each counter
starts at the highest number of the references its prefix has today (KS-2015-174 → KS-2015: 174).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 10:00:00.000000
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# PREFIX-NNN; a longer number than an integer column holds is no number the counter could draw.
REFERENCE_PARTS = re.compile(r"^(?P<prefix>.+)-(?P<number>\d{1,9})$")


def _highest_numbers() -> dict[str, int]:
    assignments = sa.table("assignments", sa.column("reference", sa.String()))
    highest: dict[str, int] = {}
    for reference in op.get_bind().scalars(sa.select(assignments.c.reference)):
        parts = REFERENCE_PARTS.match(reference)
        if parts is not None:
            prefix, number = parts["prefix"], int(parts["number"])
            highest[prefix] = max(highest.get(prefix, 0), number)
    return highest


def upgrade() -> None:
    counters = op.create_table(
        "reference_counters",
        sa.Column("prefix", sa.String(length=40), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", name=op.f("pk_reference_counters")),
    )
    rows = [{"prefix": prefix, "last_number": number} for prefix, number in _highest_numbers().items()]
    if rows:
        op.bulk_insert(counters, rows)


def downgrade() -> None:
    op.drop_table("reference_counters")
