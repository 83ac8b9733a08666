"""schedule preferences, broadcasts, outbox lease

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 10:49:24.384963
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "broadcast",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("audience", sa.String(length=500), nullable=False),
        sa.Column("text", sa.String(length=2000), nullable=False),
        sa.Column("audience_size", sa.Integer(), nullable=False),
        sa.Column("reminders", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["person.id"], name=op.f("fk_broadcast_created_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_broadcast_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcast")),
    )
    with op.batch_alter_table("broadcast", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_broadcast_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "schedule_preference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("paused_until", sa.Date(), nullable=True),
        sa.Column("checkin_day", sa.String(length=3), nullable=True),
        sa.Column("checkin_time", sa.String(length=5), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_schedule_preference_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_schedule_preference_workspace_id_workspace"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_preference")),
        sa.UniqueConstraint(
            "workspace_id", "person_id", name=op.f("uq_schedule_preference_workspace_id_person_id")
        ),
    )
    with op.batch_alter_table("schedule_preference", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_schedule_preference_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_schedule_preference_workspace_id"), ["workspace_id"], unique=False
        )

    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("in_doubt", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("in_doubt")

    with op.batch_alter_table("schedule_preference", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_preference_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_schedule_preference_person_id"))
    op.drop_table("schedule_preference")

    with op.batch_alter_table("broadcast", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_broadcast_workspace_id"))
    op.drop_table("broadcast")
