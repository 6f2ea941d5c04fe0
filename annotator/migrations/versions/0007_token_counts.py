"""Documents keep how many tokens their text has, counted once at import for agreement's κ/α.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from annotator.text.tokens import count_tokens

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("token_count", sa.Integer(), nullable=True))
    documents = sa.table(
        "documents", sa.column("id", sa.Integer), sa.column("text", sa.Text),
        sa.column("token_count", sa.Integer),
    )  # fmt: skip
    conn = op.get_bind()
    ids = [row[0] for row in conn.execute(sa.select(documents.c.id))]
    for doc_id in ids:  # one text in memory at a time
        text = conn.execute(sa.select(documents.c.text).where(documents.c.id == doc_id)).scalar()
        conn.execute(
            documents.update()
            .where(documents.c.id == doc_id)
            .values(token_count=count_tokens(text or ""))
        )


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("token_count")
