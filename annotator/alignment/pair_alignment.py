"""Aligning a stored pair: its sentences, paragraphs and linked names in, beads with scores out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.alignment.beads import AlignedBead
from annotator.alignment.embedding_cache import EmbeddingCache
from annotator.alignment.engine import EngineName, align
from annotator.layers import sentence_spans
from annotator.model import DocumentPair, Layer, Link, Mention, Side
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


def linked_names(session: Session, pair: DocumentPair) -> list[tuple[str, str]]:
    """Return the (source, target) surfaces linked anywhere in the pair's project."""
    source, target = Mention.__table__.alias("s"), Mention.__table__.alias("t")
    rows = session.execute(
        select(source.c.surface, target.c.surface)
        .select_from(Link)
        .join(source, source.c.id == Link.source_mention_id)
        .join(target, target.c.id == Link.target_mention_id)
        .join(Layer, Layer.id == Link.layer_id)
        .join(DocumentPair, DocumentPair.id == Layer.pair_id)
        .where(DocumentPair.project_id == pair.project_id)
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
        linked_names(session, pair),
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
