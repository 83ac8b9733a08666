"""platform_miss: people a platform could not find by email

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLATFORMS = ("console", "slack", "feishu", "api", "cli")


def upgrade() -> None:
    op.create_table(
        "platform_miss",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "platform",
            sa.Enum(*PLATFORMS, name="platform", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("misses", sa.Integer(), nullable=False),
        sa.Column("first_missed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_platform_miss_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_platform_miss_workspace_id_workspace"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_miss")),
        sa.UniqueConstraint(
            "person_id", "platform", name=op.f("uq_platform_miss_person_id_platform")
        ),
    )
    op.create_index(
        op.f("ix_platform_miss_person_id"), "platform_miss", ["person_id"], unique=False
    )
    op.create_index(
        op.f("ix_platform_miss_workspace_id"), "platform_miss", ["workspace_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_platform_miss_workspace_id"), table_name="platform_miss")
    op.drop_index(op.f("ix_platform_miss_person_id"), table_name="platform_miss")
    op.drop_table("platform_miss")
