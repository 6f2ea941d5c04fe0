"""Initial schema: projects, documents, pairs, annotators, layers, segments, beads, mentions, links, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-21 19:45:11.679687
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "annotators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('annotator', 'reviewer')", name=op.f("ck_annotators_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annotators")),
        sa.UniqueConstraint("name", name=op.f("uq_annotators_name")),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("char_count", sa.Integer(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=1000), nullable=False),
        sa.Column("encoding", sa.String(length=32), nullable=False),
        sa.Column("normalization", sa.String(length=8), nullable=False),
        sa.Column("import_notes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("direction IN ('ltr', 'rtl')", name=op.f("ck_documents_direction")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_checksum"), ["checksum"], unique=False)

    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("source_lang", sa.String(length=16), nullable=False),
        sa.Column("target_lang", sa.String(length=16), nullable=False),
        sa.Column("label_schema", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("name", name=op.f("uq_projects_name")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("pair_id", sa.Integer(), nullable=True),
        sa.Column("layer_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["annotator_id"],
            ["annotators.id"],
            name=op.f("fk_audit_events_annotator_id_annotators"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_events_pair_at", ["pair_id", "at"], unique=False)

    op.create_table(
        "pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("source_document_id", sa.Integer(), nullable=False),
        sa.Column("target_document_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_pairs_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_document_id"],
            ["documents.id"],
            name=op.f("fk_pairs_source_document_id_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["target_document_id"],
            ["documents.id"],
            name=op.f("fk_pairs_target_document_id_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairs")),
        sa.UniqueConstraint("project_id", "name", name=op.f("uq_pairs_project_id_name")),
    )
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pairs_project_id"), ["project_id"], unique=False)

    op.create_table(
        "layers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'annotator') = (annotator_id IS NOT NULL)",
            name=op.f("ck_layers_owner_matches_kind"),
        ),
        sa.CheckConstraint(
            "kind IN ('automatic', 'annotator', 'gold')", name=op.f("ck_layers_kind")
        ),
        sa.CheckConstraint(
            "status IN ('new', 'in_progress', 'done', 'adjudicated')", name=op.f("ck_layers_status")
        ),
        sa.ForeignKeyConstraint(
            ["annotator_id"], ["annotators.id"], name=op.f("fk_layers_annotator_id_annotators")
        ),
        sa.ForeignKeyConstraint(
            ["pair_id"], ["pairs.id"], name=op.f("fk_layers_pair_id_pairs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_layers")),
    )
    with op.batch_alter_table("layers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_layers_pair_id"), ["pair_id"], unique=False)
        batch_op.create_index(
            "uq_layers_pair_annotator",
            ["pair_id", "annotator_id"],
            unique=True,
            sqlite_where=sa.text("kind = 'annotator'"),
            postgresql_where=sa.text("kind = 'annotator'"),
        )
        batch_op.create_index(
            "uq_layers_pair_system_kind",
            ["pair_id", "kind"],
            unique=True,
            sqlite_where=sa.text("kind != 'annotator'"),
            postgresql_where=sa.text("kind != 'annotator'"),
        )

    op.create_table(
        "beads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("layer_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.CheckConstraint("status IN ('automatic', 'confirmed')", name=op.f("ck_beads_status")),
        sa.ForeignKeyConstraint(
            ["layer_id"], ["layers.id"], name=op.f("fk_beads_layer_id_layers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beads")),
    )
    with op.batch_alter_table("beads", schema=None) as batch_op:
        batch_op.create_index("ix_beads_layer_position", ["layer_id", "position"], unique=False)

    op.create_table(
        "mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("layer_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("start_char", sa.Integer(), nullable=False),
        sa.Column("end_char", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("surface", sa.Text(), nullable=False),
        sa.Column("no_counterpart", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("side IN ('source', 'target')", name=op.f("ck_mentions_side")),
        sa.CheckConstraint(
            "start_char >= 0 AND end_char > start_char", name=op.f("ck_mentions_range")
        ),
        sa.ForeignKeyConstraint(
            ["layer_id"],
            ["layers.id"],
            name=op.f("fk_mentions_layer_id_layers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentions")),
    )
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mentions_layer_side_start", ["layer_id", "side", "start_char"], unique=False
        )

    op.create_table(
        "links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("layer_id", sa.Integer(), nullable=False),
        sa.Column("source_mention_id", sa.Integer(), nullable=False),
        sa.Column("target_mention_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["layer_id"], ["layers.id"], name=op.f("fk_links_layer_id_layers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_mention_id"],
            ["mentions.id"],
            name=op.f("fk_links_source_mention_id_mentions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_mention_id"],
            ["mentions.id"],
            name=op.f("fk_links_target_mention_id_mentions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_links")),
        sa.UniqueConstraint(
            "source_mention_id",
            "target_mention_id",
            name=op.f("uq_links_source_mention_id_target_mention_id"),
        ),
    )
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_links_layer_id"), ["layer_id"], unique=False)

    op.create_table(
        "segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("layer_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("start_char", sa.Integer(), nullable=False),
        sa.Column("end_char", sa.Integer(), nullable=False),
        sa.Column("bead_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("side IN ('source', 'target')", name=op.f("ck_segments_side")),
        sa.CheckConstraint(
            "start_char >= 0 AND end_char > start_char", name=op.f("ck_segments_range")
        ),
        sa.ForeignKeyConstraint(
            ["bead_id"], ["beads.id"], name=op.f("fk_segments_bead_id_beads"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["layer_id"],
            ["layers.id"],
            name=op.f("fk_segments_layer_id_layers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segments")),
    )
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_segments_bead_id"), ["bead_id"], unique=False)
        batch_op.create_index(
            "ix_segments_layer_side_start", ["layer_id", "side", "start_char"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.drop_index("ix_segments_layer_side_start")
        batch_op.drop_index(batch_op.f("ix_segments_bead_id"))

    op.drop_table("segments")
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_links_layer_id"))

    op.drop_table("links")
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.drop_index("ix_mentions_layer_side_start")

    op.drop_table("mentions")
    with op.batch_alter_table("beads", schema=None) as batch_op:
        batch_op.drop_index("ix_beads_layer_position")

    op.drop_table("beads")
    with op.batch_alter_table("layers", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_layers_pair_system_kind",
            sqlite_where=sa.text("kind != 'annotator'"),
            postgresql_where=sa.text("kind != 'annotator'"),
        )
        batch_op.drop_index(
            "uq_layers_pair_annotator",
            sqlite_where=sa.text("kind = 'annotator'"),
            postgresql_where=sa.text("kind = 'annotator'"),
        )
        batch_op.drop_index(batch_op.f("ix_layers_pair_id"))

    op.drop_table("layers")
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pairs_project_id"))

    op.drop_table("pairs")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_pair_at")

    op.drop_table("audit_events")
    op.drop_table("projects")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_checksum"))

    op.drop_table("documents")
    op.drop_table("annotators")
