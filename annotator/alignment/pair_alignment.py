"""Aligning a stored pair: its sentences, paragraphs and linked names in, beads with scores out."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.alignment.beads import AlignedBead
from annotator.alignment.embedding_cache import EmbeddingCache
from annotator.alignment.engine import EngineName, align
from annotator.layers import Span, sentence_spans
from annotator.model import DocumentPair, Layer, Link, Mention, Side
from annotator.segmentation import paragraph_spans


def paragraph_numbers(text: str, sentences: Sequence[Span]) -> list[int]:
    """Return for each sentence the index of the paragraph its start falls in."""
    starts = [start for start, _ in paragraph_spans(text)]
    return [max(0, bisect_right(starts, start) - 1) for start, _ in sentences]


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


def align_layer_sentences(
    session: Session,
    layer: Layer,
    *,
    engine: EngineName = "auto",
    cache: EmbeddingCache | None = None,
) -> list[AlignedBead]:
    """Propose beads for a layer's sentences with the pair's languages, paragraphs and names."""
    pair = layer.pair
    texts = {side: pair.document(side).text for side in Side}
    spans = {side: sentence_spans(session, layer, side) for side in Side}
    sentences = {side: [texts[side][s:e] for s, e in spans[side]] for side in Side}
    return align(
        sentences[Side.SOURCE],
        sentences[Side.TARGET],
        pair.source.language,
        pair.target.language,
        engine=engine,
        cache=cache,
        src_paragraphs=paragraph_numbers(texts[Side.SOURCE], spans[Side.SOURCE]),
        tgt_paragraphs=paragraph_numbers(texts[Side.TARGET], spans[Side.TARGET]),
        known_names=linked_names(session, pair),
    )
