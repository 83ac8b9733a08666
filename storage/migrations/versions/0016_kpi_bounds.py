"""kpi_definition.min_value, max_value: the readings a KPI can have (a percent: 0 to 100)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table copy): other tables' foreign keys point at kpi_definition.
    op.add_column("kpi_definition", sa.Column("min_value", sa.Float(), nullable=True))
    op.add_column("kpi_definition", sa.Column("max_value", sa.Float(), nullable=True))


def downgrade() -> None:
    op.drop_column("kpi_definition", "max_value")
    op.drop_column("kpi_definition", "min_value")
