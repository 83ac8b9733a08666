"""delegation.until: a delegate decides approvals until this day (none: until called off)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 05:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("delegation") as batch:
        batch.add_column(sa.Column("until", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("delegation") as batch:
        batch.drop_column("until")
