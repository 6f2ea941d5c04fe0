"""On PostgreSQL, every audit event also notifies the channel annotator_changes (the actor).

Windows LISTEN on it to bring their navigator up to date when someone else changes the store.
SQLite has no such channel: windows there look at the audit trail's newest id instead.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE OR REPLACE FUNCTION annotator_notify_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('annotator_changes', NEW.actor);
            RETURN NEW;
        END
        $$;
        """
    )
    op.execute(
        "CREATE TRIGGER annotator_change_notice AFTER INSERT ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION annotator_notify_change()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS annotator_change_notice ON audit_events")
    op.execute("DROP FUNCTION IF EXISTS annotator_notify_change()")
