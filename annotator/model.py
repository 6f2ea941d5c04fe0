"""The data model: projects, document pairs, annotators, layers and their stand-off annotations.

Every offset is a Python code-point index into a document's stored text (NFC, logical order,
written once at import and never edited). Annotations live in layers: one per (pair, annotator),
plus one automatic and one gold layer per pair.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base whose metadata carries the constraint naming convention Alembic needs."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Side(enum.StrEnum):
    """Which document of a pair an annotation is on."""

    SOURCE = "source"
    TARGET = "target"


class Direction(enum.StrEnum):
    """Base paragraph direction of a document."""

    LTR = "ltr"
    RTL = "rtl"


class Role(enum.StrEnum):
    """What a person may do: annotate their own layer, or also review and build the gold."""

    ANNOTATOR = "annotator"
    REVIEWER = "reviewer"


class LayerKind(enum.StrEnum):
    """Whose annotations a layer holds."""

    AUTOMATIC = "automatic"
    ANNOTATOR = "annotator"
    GOLD = "gold"


class LayerStatus(enum.StrEnum):
    """Progress of a layer; `adjudicated` is for the gold layer only."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    ADJUDICATED = "adjudicated"


class BeadStatus(enum.StrEnum):
    """Whether a bead is the aligner's proposal or was confirmed by a person."""

    AUTOMATIC = "automatic"
    CONFIRMED = "confirmed"


def _values(e: type[enum.StrEnum]) -> str:
    return ", ".join(f"'{m.value}'" for m in e)


# Undo re-inserts deleted rows under their old ids; SQLite must never hand such an id to
# another row meanwhile (its default reuses the largest freed id). Revision 0003.
_NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


class Project(Base):
    """A corpus of document pairs sharing a language pair and an entity label schema."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    source_lang: Mapped[str] = mapped_column(String(16))
    target_lang: Mapped[str] = mapped_column(String(16))
    label_schema: Mapped[dict[str, Any]] = mapped_column(JSON)
    # blind annotation: an annotator sees only their own layer of a pair (reviewers see all)
    blind: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    pairs: Mapped[list[DocumentPair]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="DocumentPair.id",
    )


class Document(Base):
    """One text of a pair, stored once, NFC-normalised and in logical order; never edited."""

    __tablename__ = "documents"
    __table_args__ = (CheckConstraint(f"direction IN ({_values(Direction)})", name="direction"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(16))
    direction: Mapped[str] = mapped_column(String(3))
    text: Mapped[str] = mapped_column(Text, deferred=True)
    char_count: Mapped[int] = mapped_column(Integer)
    token_count: Mapped[int | None] = mapped_column(Integer, default=None)  # text.tokens' count
    checksum: Mapped[str] = mapped_column(String(64), index=True)
    original_name: Mapped[str] = mapped_column(String(1000))
    encoding: Mapped[str] = mapped_column(String(32))
    normalization: Mapped[str] = mapped_column(String(8), default="NFC")
    import_notes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class DocumentPair(Base):
    """A source document and its translation: the unit of annotation work."""

    __tablename__ = "pairs"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(500))
    source_document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    target_document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    project: Mapped[Project] = relationship(back_populates="pairs")
    source: Mapped[Document] = relationship(foreign_keys=[source_document_id])
    target: Mapped[Document] = relationship(foreign_keys=[target_document_id])
    layers: Mapped[list[Layer]] = relationship(
        back_populates="pair",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Layer.id",
    )

    def document(self, side: Side | str) -> Document:
        """Return the document on the given side."""
        return self.source if Side(side) is Side.SOURCE else self.target


class Annotator(Base):
    """A person who annotates (or reviews); every change in the audit trail names one."""

    __tablename__ = "annotators"
    __table_args__ = (CheckConstraint(f"role IN ({_values(Role)})", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(16), default=Role.ANNOTATOR.value)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class Layer(Base):
    """One set of annotations of a pair: an annotator's own, the automatic proposal, or the gold."""

    __tablename__ = "layers"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_values(LayerKind)})", name="kind"),
        CheckConstraint(f"status IN ({_values(LayerStatus)})", name="status"),
        CheckConstraint(
            "(kind = 'annotator') = (annotator_id IS NOT NULL)", name="owner_matches_kind"
        ),
        Index(
            "uq_layers_pair_annotator",
            "pair_id",
            "annotator_id",
            unique=True,
            sqlite_where=text("kind = 'annotator'"),
            postgresql_where=text("kind = 'annotator'"),
        ),
        Index(
            "uq_layers_pair_system_kind",
            "pair_id",
            "kind",
            unique=True,
            sqlite_where=text("kind != 'annotator'"),
            postgresql_where=text("kind != 'annotator'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pairs.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    annotator_id: Mapped[int | None] = mapped_column(ForeignKey("annotators.id"))
    status: Mapped[str] = mapped_column(String(16), default=LayerStatus.NEW.value)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    # True only for a layer imported with crossing beads (a bead holding sentences 72 and 74 while
    # another holds 73): the store then checks a cover, not an order, and order-based edits refuse.
    crossing: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utc_now, onupdate=utc_now
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (read once by the mapper)

    pair: Mapped[DocumentPair] = relationship(back_populates="layers")
    annotator: Mapped[Annotator | None] = relationship()
    segments: Mapped[list[Segment]] = relationship(
        back_populates="layer",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Segment.side, Segment.start)",
    )
    beads: Mapped[list[Bead]] = relationship(
        back_populates="layer",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Bead.position",
    )
    mentions: Mapped[list[Mention]] = relationship(
        back_populates="layer",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Mention.side, Mention.start, Mention.end)",
    )
    links: Mapped[list[Link]] = relationship(
        back_populates="layer",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Link.id",
    )

    @property
    def owner_label(self) -> str:
        """Return a short name for whose layer this is."""
        if self.kind == LayerKind.ANNOTATOR and self.annotator is not None:
            return self.annotator.name
        return self.kind


class Bead(Base):
    """One row of an alignment: contiguous sentences of each side (either side may be empty)."""

    __tablename__ = "beads"
    __table_args__ = (
        CheckConstraint(f"status IN ({_values(BeadStatus)})", name="status"),
        Index("ix_beads_layer_position", "layer_id", "position"),
        _NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    layer_id: Mapped[int] = mapped_column(ForeignKey("layers.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=BeadStatus.AUTOMATIC.value)
    score: Mapped[float | None] = mapped_column(Float)

    layer: Mapped[Layer] = relationship(back_populates="beads")
    segments: Mapped[list[Segment]] = relationship(
        back_populates="bead", order_by="(Segment.side, Segment.start)"
    )


class _SideRange:
    """Columns of a stand-off range on one side of a layer's pair: layer, side, start, end."""

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[Any, ...]:
        table = cls.__tablename__  # type: ignore[attr-defined]
        return (
            CheckConstraint(f"side IN ({_values(Side)})", name="side"),
            CheckConstraint("start_char >= 0 AND end_char > start_char", name="range"),
            Index(f"ix_{table}_layer_side_start", "layer_id", "side", "start_char"),
            _NEVER_REUSE_IDS,
        )

    id: Mapped[int] = mapped_column(primary_key=True)
    layer_id: Mapped[int] = mapped_column(ForeignKey("layers.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(String(8))
    start: Mapped[int] = mapped_column("start_char", Integer)
    end: Mapped[int] = mapped_column("end_char", Integer)


class Segment(_SideRange, Base):
    """A sentence of one side, as a stand-off character range; belongs to one bead once aligned."""

    __tablename__ = "segments"

    bead_id: Mapped[int | None] = mapped_column(
        ForeignKey("beads.id", ondelete="SET NULL"), index=True
    )

    layer: Mapped[Layer] = relationship(back_populates="segments")
    bead: Mapped[Bead | None] = relationship(back_populates="segments")


class Mention(_SideRange, Base):
    """An entity mention: a labelled character range on one side, with its surface text."""

    __tablename__ = "mentions"

    label: Mapped[str] = mapped_column(String(64))
    surface: Mapped[str] = mapped_column(Text)
    no_counterpart: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    layer: Mapped[Layer] = relationship(back_populates="mentions")


class Link(Base):
    """A cross-lingual link between a source-side mention and its target-side counterpart."""

    __tablename__ = "links"
    __table_args__ = (UniqueConstraint("source_mention_id", "target_mention_id"), _NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    layer_id: Mapped[int] = mapped_column(ForeignKey("layers.id", ondelete="CASCADE"), index=True)
    source_mention_id: Mapped[int] = mapped_column(ForeignKey("mentions.id", ondelete="CASCADE"))
    target_mention_id: Mapped[int] = mapped_column(ForeignKey("mentions.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    layer: Mapped[Layer] = relationship(back_populates="links")
    source_mention: Mapped[Mention] = relationship(foreign_keys=[source_mention_id])
    target_mention: Mapped[Mention] = relationship(foreign_keys=[target_mention_id])


class Decision(Base):
    """A reviewer's decision on one place where annotators disagree, kept with the gold layer.

    `kind` is bead, mention or link; `place` names the place (its text ranges or its link
    ends); `choice` is an annotator's name, `none` (nothing belongs here) or `manual`.
    """

    __tablename__ = "decisions"
    __table_args__ = (UniqueConstraint("layer_id", "kind", "place", name="uq_decisions_place"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    layer_id: Mapped[int] = mapped_column(ForeignKey("layers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    place: Mapped[str] = mapped_column(String(200))
    choice: Mapped[str] = mapped_column(String(200))
    annotator_id: Mapped[int | None] = mapped_column(ForeignKey("annotators.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class Assignment(Base):
    """A pair a reviewer gave an annotator to work on: listed first, as "my pairs", for them."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("pair_id", "annotator_id", name="uq_assignments_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pairs.id", ondelete="CASCADE"), index=True)
    annotator_id: Mapped[int] = mapped_column(
        ForeignKey("annotators.id", ondelete="CASCADE"), index=True
    )
    assigned_by: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class AuditEvent(Base):
    """One recorded change: who, when and what; kept when its subject is deleted."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_pair_at", "pair_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    annotator_id: Mapped[int | None] = mapped_column(ForeignKey("annotators.id"))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    project_id: Mapped[int | None] = mapped_column(Integer)
    pair_id: Mapped[int | None] = mapped_column(Integer)
    layer_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class EmbeddingCacheEntry(Base):
    """A cached sentence embedding keyed by model and the text's SHA-256 (revision 0002)."""

    __tablename__ = "embedding_cache"

    model: Mapped[str] = mapped_column(String(200), primary_key=True)
    text_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    dimension: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
