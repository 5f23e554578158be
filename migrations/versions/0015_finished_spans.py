"""Finished spans: the days on which each assignment's reported state was finished (completed,
closed or cancelled), derived from its status history, so that a reporting round reads which
assignments were finished before its period began from an index instead of probing every
assignment's history (app/assignments/finished_spans.py). Made here from the history as it stands.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each effective day whose last update (by recorded_at, id) is finished, until the next effective day.
SPANS_FROM_HISTORY = """
INSERT INTO finished_spans (assignment_id, finished_from, finished_until)
SELECT assignment_id, effective_date, next_day
FROM (
    SELECT assignment_id, effective_date, status,
        lead(effective_date) OVER (PARTITION BY assignment_id ORDER BY effective_date) AS next_day
    FROM (
        SELECT assignment_id, effective_date, status,
            row_number() OVER (
                PARTITION BY assignment_id, effective_date ORDER BY recorded_at DESC, id DESC
            ) AS position
        FROM status_updates
    ) AS updates
    WHERE position = 1
) AS days
WHERE status IN ('completed', 'closed', 'cancelled')
"""


def upgrade() -> None:
    op.create_table(
        "finished_spans",
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("finished_from", sa.Date(), nullable=False),
        sa.Column("finished_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignments.id"], name=op.f("fk_finished_spans_assignment_id_assignments")
        ),
        sa.PrimaryKeyConstraint("assignment_id", "finished_from", name=op.f("pk_finished_spans")),
    )
    op.create_index(
        "ix_finished_spans_from",
        "finished_spans",
        ["finished_from", "finished_until", "assignment_id"],
        unique=False,
    )
    op.create_index(
        "ix_finished_spans_until",
        "finished_spans",
        ["finished_until", "finished_from", "assignment_id"],
        unique=False,
    )
    op.execute(SPANS_FROM_HISTORY)


def downgrade() -> None:
    op.drop_index("ix_finished_spans_until", table_name="finished_spans")
    op.drop_index("ix_finished_spans_from", table_name="finished_spans")
    op.drop_table("finished_spans")
