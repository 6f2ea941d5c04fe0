"""Reviewers' decisions on the places where annotators disagree, kept with the gold layer.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "layer_id", sa.Integer(), sa.ForeignKey("layers.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("choice", sa.String(200), nullable=False),
        sa.Column("annotator_id", sa.Integer(), sa.ForeignKey("annotators.id")),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("layer_id", "kind", "place", name="uq_decisions_place"),
    )


def downgrade() -> None:
    op.drop_table("decisions")
