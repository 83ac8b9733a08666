"""kr_kpi_link: explicit links between a key result and a KPI (insights relations)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 13:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kr_kpi_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("key_result_id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["person.id"], name=op.f("fk_kr_kpi_link_created_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["key_result_id"],
            ["key_result.id"],
            name=op.f("fk_kr_kpi_link_key_result_id_key_result"),
        ),
        sa.ForeignKeyConstraint(
            ["kpi_id"], ["kpi_definition.id"], name=op.f("fk_kr_kpi_link_kpi_id_kpi_definition")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_kr_kpi_link_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kr_kpi_link")),
        sa.UniqueConstraint(
            "key_result_id", "kpi_id", name=op.f("uq_kr_kpi_link_key_result_id_kpi_id")
        ),
    )
    with op.batch_alter_table("kr_kpi_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kr_kpi_link_key_result_id"), ["key_result_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_kr_kpi_link_kpi_id"), ["kpi_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_kr_kpi_link_workspace_id"), ["workspace_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("kr_kpi_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kr_kpi_link_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_kr_kpi_link_kpi_id"))
        batch_op.drop_index(batch_op.f("ix_kr_kpi_link_key_result_id"))
    op.drop_table("kr_kpi_link")
