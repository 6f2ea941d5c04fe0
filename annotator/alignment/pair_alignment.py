"""Aligning a stored pair: its sentences, paragraphs and linked names in, beads with scores out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from annotator.alignment.beads import AlignedBead
from annotator.alignment.embedding_cache import EmbeddingCache
from annotator.alignment.engine import EngineName, align
from annotator.layers import sentence_spans
from annotator.model import DocumentPair, Layer, LayerKind, LayerStatus, Link, Mention, Side
from annotator.text.segmentation import paragraph_numbers


@dataclass(frozen=True)
class LayerSentences:
    """What the aligner reads of a layer: both sides' sentences, paragraphs and languages."""

    source: list[str]
    target: list[str]
    source_lang: str
    target_lang: str
    source_paragraphs: list[int] | None
    target_paragraphs: list[int] | None
    known_names: Sequence[tuple[str, str]]


def visible_layers(layer: Layer | None) -> ColumnElement[bool]:
    """Return the condition on Layer rows whose links may inform work in `layer`.

    An annotator sees their own layers, the automatic layers and adjudicated gold: never
    another annotator's links, which would break the independence agreement figures rest on.
    None (a pair being imported, an automatic layer) sees only those shared ones.
    """
    shared = or_(
        Layer.kind == LayerKind.AUTOMATIC.value,
        and_(Layer.kind == LayerKind.GOLD.value, Layer.status == LayerStatus.ADJUDICATED.value),
    )
    if layer is None:
        return shared
    if layer.kind == LayerKind.ANNOTATOR.value and layer.annotator_id is not None:
        return or_(shared, Layer.annotator_id == layer.annotator_id)
    if layer.kind == LayerKind.GOLD.value:
        return or_(shared, Layer.kind == LayerKind.GOLD.value)
    return shared


def linked_names(session: Session, layer: Layer) -> list[tuple[str, str]]:
    """Return the (source, target) surfaces linked in the project's layers `layer` may see."""
    return _linked_names(session, layer.pair.project_id, visible_layers(layer))


def shared_linked_names(session: Session, project_id: int) -> list[tuple[str, str]]:
    """Return the linked surfaces every layer may see: automatic layers and adjudicated gold."""
    return _linked_names(session, project_id, visible_layers(None))


def _linked_names(
    session: Session, project_id: int, visible: ColumnElement[bool]
) -> list[tuple[str, str]]:
    source, target = Mention.__table__.alias("s"), Mention.__table__.alias("t")
    rows = session.execute(
        select(source.c.surface, target.c.surface)
        .select_from(Link)
        .join(source, source.c.id == Link.source_mention_id)
        .join(target, target.c.id == Link.target_mention_id)
        .join(Layer, Layer.id == Link.layer_id)
        .join(DocumentPair, DocumentPair.id == Layer.pair_id)
        .where(DocumentPair.project_id == project_id, visible)
        .distinct()
    ).all()
    return [(a, b) for a, b in rows]


def layer_sentences(session: Session, layer: Layer) -> LayerSentences:
    """Read a layer's sentences with the pair's languages, real paragraphs and linked names."""
    pair = layer.pair
    texts = {side: pair.document(side).text for side in Side}
    spans = {side: sentence_spans(session, layer, side) for side in Side}
    return LayerSentences(
        [texts[Side.SOURCE][s:e] for s, e in spans[Side.SOURCE]],
        [texts[Side.TARGET][s:e] for s, e in spans[Side.TARGET]],
        pair.source.language,
        pair.target.language,
        paragraph_numbers(texts[Side.SOURCE], spans[Side.SOURCE]),
        paragraph_numbers(texts[Side.TARGET], spans[Side.TARGET]),
        linked_names(session, layer),
    )


def align_layer_sentences(
    session: Session,
    layer: Layer,
    *,
    engine: EngineName = "auto",
    cache: EmbeddingCache | None = None,
) -> list[AlignedBead]:
    """Propose beads for a layer's sentences with the pair's languages, paragraphs and names."""
    found = layer_sentences(session, layer)
    return align(
        found.source,
        found.target,
        found.source_lang,
        found.target_lang,
        engine=engine,
        cache=cache,
        src_paragraphs=found.source_paragraphs,
        tgt_paragraphs=found.target_paragraphs,
        known_names=found.known_names,
    )
