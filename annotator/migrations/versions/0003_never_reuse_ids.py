"""Never reuse ids of beads, segments, mentions and links (undo restores rows under their ids).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ("beads", "segments", "mentions", "links")


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # other databases draw ids from sequences, which never go back
    for table in TABLES:
        # The rebuild copies every row; annotator.store.migrate runs it with foreign keys off, so
        # dropping the old table cascades nothing, and checks the references afterwards.
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass


def upgrade() -> None:
    _rebuild(True)


def downgrade() -> None:
    _rebuild(False)
