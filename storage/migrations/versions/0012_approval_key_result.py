"""approval_request.key_result_id: the KR an adjustment changes, as a real column

Until now the KR of an adjustment lived only inside the `proposal` JSON, and finding a KR's
pending adjustments meant loading every pending request of its objective and filtering after
json.loads. The column is filled in from the proposals already stored (any other request
keeps NULL); the JSON keeps its copy for the history.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-05 01:00:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_requests = sa.table(
    "approval_request",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("proposal", sa.Text),
    sa.column("key_result_id", sa.Integer),
)
_key_results = sa.table("key_result", sa.column("id", sa.Integer))


def _key_result_of(proposal: str | None) -> int | None:
    try:
        loaded = json.loads(proposal or "{}")
    except ValueError:
        return None
    found = loaded.get("key_result_id") if isinstance(loaded, dict) else None
    return found if isinstance(found, int) and not isinstance(found, bool) else None


def upgrade() -> None:
    with op.batch_alter_table("approval_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_result_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_approval_request_key_result_id"), ["key_result_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_approval_request_key_result_id_key_result"),
            "key_result",
            ["key_result_id"],
            ["id"],
        )
    connection = op.get_bind()
    existing = {row.id for row in connection.execute(sa.select(_key_results.c.id))}
    rows = connection.execute(
        sa.select(_requests.c.id, _requests.c.proposal).where(_requests.c.kind == "adjustment")
    ).all()
    for request_id, proposal in rows:
        key_result_id = _key_result_of(proposal)
        if key_result_id is not None and key_result_id in existing:
            connection.execute(
                _requests.update()
                .where(_requests.c.id == request_id)
                .values(key_result_id=key_result_id)
            )


def downgrade() -> None:
    with op.batch_alter_table("approval_request", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_approval_request_key_result_id_key_result"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_approval_request_key_result_id"))
        batch_op.drop_column("key_result_id")
