"""kpi_period_close: KPI periods HR has closed (their readings change only by HR)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 06:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kpi_period_close",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.ForeignKeyConstraint(["closed_by_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "period"),
    )
    op.create_index("ix_kpi_period_close_workspace_id", "kpi_period_close", ["workspace_id"])


def downgrade() -> None:
    op.drop_index("ix_kpi_period_close_workspace_id", table_name="kpi_period_close")
    op.drop_table("kpi_period_close")
