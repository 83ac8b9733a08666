"""slack token columns wide enough for encrypted tokens

Bot and user tokens of OAuth installs are stored encrypted (`enc:v1:` + Fernet, see
bot/token_crypto.py): about 2.3 times the plain length, more than String(200) holds for
rotating tokens. Widen them to 1000.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {
    "slack_installations": ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token"),
    "slack_bots": ("bot_token", "bot_refresh_token"),
}


def _alter(old: int, new: int) -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch_op:
            for column in columns:
                batch_op.alter_column(
                    column,
                    existing_type=sa.String(old),
                    type_=sa.String(new),
                    existing_nullable=True,
                )


def upgrade() -> None:
    _alter(200, 1000)


def downgrade() -> None:
    _alter(1000, 200)
