"""Reviewers assign pairs to annotators; each annotator sees "my pairs" first.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "pair_id", sa.Integer(), sa.ForeignKey("pairs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "annotator_id",
            sa.Integer(),
            sa.ForeignKey("annotators.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("assigned_by", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("pair_id", "annotator_id", name="uq_assignments_pair"),
    )
    op.create_index("ix_assignments_pair_id", "assignments", ["pair_id"])
    op.create_index("ix_assignments_annotator_id", "assignments", ["annotator_id"])


def downgrade() -> None:
    op.drop_table("assignments")
