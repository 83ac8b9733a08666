"""rate_pace: one send schedule per platform shared by all replicas (replaces rate_budget's
per-second and per-minute windows, which let a second's worth go at the end of one window and
another at the start of the next)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 12:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_pace",
        sa.Column("platform", sa.String(length=24), nullable=False),
        sa.Column("last_slot", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("platform"),
    )
    op.drop_table("rate_budget")


def downgrade() -> None:
    op.create_table(
        "rate_budget",
        sa.Column("platform", sa.String(length=24), nullable=False),
        sa.Column("window_seconds", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "window_seconds", "window_start"),
    )
    op.drop_table("rate_pace")
