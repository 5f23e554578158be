"""Published reports keep their lines a row each, as served, so that a frozen report is read back fast.

The snapshot of a published report keeps the rest (document, period, cut-offs, filters, summary).
Each line has a digest of the fields a diff compares, for comparing it with live data cheaply.
Reports published before this revision are moved over: their lines leave the snapshot for rows.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 16:00:00.000000
"""

import json
from collections.abc import Sequence
from hashlib import blake2b
from typing import Any

import sqlalchemy as sa
from alembic import op
from pydantic_core import to_json

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

reports = sa.table("published_reports", sa.column("id", sa.Integer()), sa.column("snapshot", sa.JSON()))
lines = sa.table(
    "published_report_lines",
    sa.column("report_id", sa.Integer()),
    sa.column("position", sa.Integer()),
    sa.column("reference", sa.String()),
    sa.column("digest", sa.LargeBinary()),
    sa.column("body", sa.LargeBinary()),
)
# The compared fields and their digest as app/reports/service.py has them at this revision (a line
# whose digest differs from live data's is compared field by field, so a stale recipe costs only time).
DIFF_FIELDS = (
    "title", "owner", "executor", "goal", "deadline", "status", "progress", "assessment",
    "traffic_light", "comment", "overdue", "updated_in_period",
)  # fmt: skip


def _digest(line: dict[str, Any]) -> bytes:
    return blake2b(to_json([line.get(name) for name in DIFF_FIELDS]), digest_size=16).digest()


def upgrade() -> None:
    op.create_table(
        "published_report_lines",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("digest", sa.LargeBinary(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["published_reports.id"],
            name=op.f("fk_published_report_lines_report_id_published_reports"),
        ),
        sa.PrimaryKeyConstraint("report_id", "position", name=op.f("pk_published_report_lines")),
    )
    connection = op.get_bind()
    for report_id, snapshot in connection.execute(sa.select(reports.c.id, reports.c.snapshot)).all():
        moved = snapshot.pop("assignments", [])
        rows = [
            {
                "report_id": report_id,
                "position": position,
                "reference": line["reference"],
                "digest": _digest(line),
                "body": to_json(line),
            }
            for position, line in enumerate(moved)
        ]
        if rows:
            connection.execute(lines.insert(), rows)
        connection.execute(reports.update().where(reports.c.id == report_id).values(snapshot=snapshot))


def downgrade() -> None:
    connection = op.get_bind()
    for report_id, snapshot in connection.execute(sa.select(reports.c.id, reports.c.snapshot)).all():
        bodies = connection.scalars(
            sa.select(lines.c.body).where(lines.c.report_id == report_id).order_by(lines.c.position)
        )
        snapshot["assignments"] = [json.loads(body) for body in bodies]
        connection.execute(reports.update().where(reports.c.id == report_id).values(snapshot=snapshot))
    op.drop_table("published_report_lines")
