"""outbox_message.read_at: when the platform reported the recipient read the message

Feishu tells who has read a message the bot sent (im.v1.message read_users); the
read_receipts job fills this in for broadcasts. Slack does not report reads.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 13:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.add_column(sa.Column("read_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.drop_column("read_at")
