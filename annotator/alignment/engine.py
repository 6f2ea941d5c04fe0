"""The aligner's entry points: `align` two sentence lists, `realign` around confirmed beads.

Two engines. "embedding" (the default wherever the embedder covers both languages): USE
multilingual v3 embeddings of runs of up to `MAX_RUN` sentences, the costs of
:mod:`annotator.alignment.signals` and the coarse-to-fine search of :mod:`annotator.alignment.dp`.
"length": Gale–Church on character counts (:mod:`annotator.alignment.gale_church`), for languages
the embedder does not cover. "auto" picks the first that applies.

Every bead gets a score in [0, 1]. For the embedding engine it is the softmax weight, at the
node where the bead starts, of the best complete path through this bead against the best paths
through every other bead type possible there (Gale–Church scores its beads the same way), at a
temperature fitted on Text+Berg dev so that it reads as the chance the bead is exactly right.
Beads below `LOW_CONFIDENCE` are to be flagged. A bead forced by an empty side scores 1.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from annotator.alignment.beads import AlignedBead, check_partition
from annotator.alignment.dp import DEFAULT_RADIUS, PathStep, best_path
from annotator.alignment.embedding_cache import EmbeddingCache, cached_vectors
from annotator.alignment.embeddings import (
    Embedder,
    FloatArray,
    PooledEmbedder,
    Usem3Embedder,
    primary_language,
)
from annotator.alignment.gale_church import align_texts, text_length
from annotator.alignment.signals import (
    ALL_BEAD_TYPES,
    BeadCostModel,
    CostParams,
    SideSignals,
    anchor_matrices,
    continuation_cues,
    heading_cues,
)
from annotator.errors import InputError

IntArray = npt.NDArray[np.int64]
EngineName = Literal["auto", "embedding", "length"]
ENGINES: Final = ("auto", "embedding", "length")
MAX_RUN: Final = 5  # longest run of sentences on one side of a bead
# Bead scores: softmax temperature fitted on Text+Berg dev (least log-loss of "bead exactly
# right"); below LOW_CONFIDENCE a bead is flagged. On dev that flags 10 % of the beads, 29 % of
# them wrong, against 8 % wrong among the others.
SCORE_TEMPERATURE: Final = 0.16
LOW_CONFIDENCE: Final = 0.7

_default_embedder: Usem3Embedder | None = None


def default_embedder() -> Usem3Embedder:
    """Return the process-wide USE embedder (its weights load once, on first use)."""
    global _default_embedder
    if _default_embedder is None:
        _default_embedder = Usem3Embedder()
    return _default_embedder


def choose_engine(
    src_lang: str,
    tgt_lang: str,
    engine: EngineName = "auto",
    embedder: Embedder | None = None,
) -> Literal["embedding", "length"]:
    """Return the engine that will run: "auto" means embedding when the model covers both."""
    if engine not in ENGINES:
        raise InputError(f"unknown alignment engine {engine!r} (one of {', '.join(ENGINES)})")
    if engine == "length":
        return "length"
    languages = (embedder or default_embedder()).languages
    missing = [lang for lang in (src_lang, tgt_lang) if primary_language(lang) not in languages]
    if not missing:
        return "embedding"
    if engine == "embedding":
        raise InputError(
            f"the embedding model does not cover {', '.join(missing)}: use the length engine"
        )
    return "length"


def _run_embeddings(
    sentences: Sequence[str], embedder: Embedder, cache: EmbeddingCache | None
) -> tuple[FloatArray, ...]:
    """Return the unit embeddings of every run of 1..MAX_RUN sentences."""
    n = len(sentences)
    sizes = range(1, min(MAX_RUN, n) + 1)
    if isinstance(embedder, PooledEmbedder):
        pooled = cached_vectors(sentences, embedder.pooled_name, embedder.pool, cache)
        return tuple(embedder.embed_runs(pooled, k) for k in sizes)
    runs = []
    for k in sizes:
        joined = [" ".join(sentences[i : i + k]) for i in range(n - k + 1)]
        runs.append(cached_vectors(joined, embedder.name, embedder.embed, cache))
    return tuple(runs)


def _paragraph_array(paragraphs: Sequence[int] | None, n: int, side: str) -> IntArray | None:
    """Check paragraph indices (one per sentence, non-decreasing) and return them as an array."""
    if paragraphs is None:
        return None
    array = np.asarray(list(paragraphs), dtype=np.int64)
    if array.shape != (n,):
        raise InputError(f"{side}: {len(array)} paragraph indices for {n} sentences")
    if n and np.any(np.diff(array) < 0):
        raise InputError(f"{side}: paragraph indices must not decrease")
    return array


def _name_pairs(
    known_names: Mapping[str, str] | Iterable[tuple[str, str]] | None,
) -> list[tuple[str, str]]:
    """Return linked names as (source surface, target surface) pairs."""
    if known_names is None:
        return []
    if isinstance(known_names, Mapping):
        return list(known_names.items())
    return list(known_names)


def build_signals(
    src: Sequence[str],
    tgt: Sequence[str],
    src_lang: str,
    tgt_lang: str,
    embedder: Embedder,
    cache: EmbeddingCache | None,
    src_paragraphs: Sequence[int] | None,
    tgt_paragraphs: Sequence[int] | None,
    known_names: Mapping[str, str] | Iterable[tuple[str, str]] | None,
) -> tuple[SideSignals, SideSignals]:
    """Return both documents' signals: embeddings of runs, lengths, anchors, paragraphs.

    Embeddings come from `cache` where it has them; computed ones are added to it.
    """
    src_anchors, tgt_anchors = anchor_matrices(
        src, tgt, src_lang, tgt_lang, _name_pairs(known_names)
    )
    sides = []
    for texts, anchors, paragraphs, label in (
        (src, src_anchors, src_paragraphs, "source"),
        (tgt, tgt_anchors, tgt_paragraphs, "target"),
    ):
        sides.append(
            SideSignals(
                _run_embeddings(texts, embedder, cache),
                np.array([text_length(t) for t in texts], dtype=np.float64),
                anchors,
                _paragraph_array(paragraphs, len(texts), label),
                continuation_cues(texts),
                heading_cues(texts),
            )
        )
    return sides[0], sides[1]


def _score(step: PathStep, temperature: float = SCORE_TEMPERATURE) -> float:
    """Return the softmax weight of the step's bead among the bead types possible at its start."""
    return 1.0 / (1.0 + sum(math.exp(-gap / temperature) for gap in step.gaps))


def _forced(n: int, m: int, src_from: int = 0, tgt_from: int = 0) -> list[AlignedBead]:
    """Return the only alignment when a side is empty: every sentence alone, score 1."""
    return [AlignedBead((src_from + i,), (), 1.0) for i in range(n)] + [
        AlignedBead((), (tgt_from + j,), 1.0) for j in range(m)
    ]


def _align_window(
    src: SideSignals,
    tgt: SideSignals,
    src_from: int,
    src_to: int,
    tgt_from: int,
    tgt_to: int,
    params: CostParams,
) -> list[AlignedBead]:
    """Align sentences src_from..src_to - 1 with tgt_from..tgt_to - 1 of the whole documents."""
    n, m = src_to - src_from, tgt_to - tgt_from
    if n == 0 or m == 0:
        return _forced(n, m, src_from, tgt_from)
    model = BeadCostModel(
        src.window(src_from, src_to),
        tgt.window(tgt_from, tgt_to),
        params,
        ALL_BEAD_TYPES,
        reference=(src, tgt),
    )
    steps = best_path(model, DEFAULT_RADIUS, gaps=True)
    return [
        AlignedBead(
            tuple(range(src_from + s.i, src_from + s.i + s.a)),
            tuple(range(tgt_from + s.j, tgt_from + s.j + s.b)),
            score,
        )
        for s, score in ((s, _score(s)) for s in steps)
    ]


def align(
    src_sentences: Sequence[str],
    tgt_sentences: Sequence[str],
    src_lang: str,
    tgt_lang: str,
    *,
    engine: EngineName = "auto",
    cache: EmbeddingCache | None = None,
    src_paragraphs: Sequence[int] | None = None,
    tgt_paragraphs: Sequence[int] | None = None,
    known_names: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
    embedder: Embedder | None = None,
    params: CostParams | None = None,
) -> list[AlignedBead]:
    """Align two documents' sentences; the scored beads partition both sides in order.

    For the embedding engine, paragraph indices (one per sentence, non-decreasing) make a bead
    that crosses a paragraph break on either side cost more (CostParams.paragraph_penalty per
    break), known_names are linked (source surface, target surface) pairs used as anchors, and
    `cache` is read and filled. Gale–Church (engine "length", or "auto" for a language the
    embedder does not cover) uses lengths only. embedder defaults to USE v3, params to the
    tuned CostParams().
    """
    return _align_parts(
        src_sentences,
        tgt_sentences,
        [],
        [(0, len(src_sentences), 0, len(tgt_sentences))],
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        engine=engine,
        cache=cache,
        src_paragraphs=src_paragraphs,
        tgt_paragraphs=tgt_paragraphs,
        known_names=known_names,
        embedder=embedder,
        params=params,
    )


def _gaps(
    beads: Sequence[AlignedBead], confirmed: Sequence[bool], start_bead: int, n: int, m: int
) -> list[tuple[int, int, int, int] | AlignedBead]:
    """Return, from start_bead on, confirmed beads and the sentence ranges between them."""
    src_at = sum(len(b.src) for b in beads[:start_bead])
    tgt_at = sum(len(b.tgt) for b in beads[:start_bead])
    parts: list[tuple[int, int, int, int] | AlignedBead] = []
    gap_src, gap_tgt = src_at, tgt_at
    for bead, fixed in zip(beads[start_bead:], confirmed[start_bead:], strict=True):
        if fixed:
            parts.append((gap_src, src_at, gap_tgt, tgt_at))
            parts.append(bead)
        src_at += len(bead.src)
        tgt_at += len(bead.tgt)
        if fixed:
            gap_src, gap_tgt = src_at, tgt_at
    parts.append((gap_src, n, gap_tgt, m))
    return parts


def realign(
    src_sentences: Sequence[str],
    tgt_sentences: Sequence[str],
    current_beads: Sequence[AlignedBead],
    confirmed: Sequence[bool],
    start_bead: int = 0,
    *,
    src_lang: str,
    tgt_lang: str,
    engine: EngineName = "auto",
    cache: EmbeddingCache | None = None,
    src_paragraphs: Sequence[int] | None = None,
    tgt_paragraphs: Sequence[int] | None = None,
    known_names: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
    embedder: Embedder | None = None,
    params: CostParams | None = None,
) -> list[AlignedBead]:
    """Re-align from bead `start_bead` to the end, keeping every confirmed bead as it is.

    Beads before start_bead are kept whatever their status; after it, each stretch between two
    confirmed beads (and after the last) is aligned on its own. current_beads must partition
    both documents; confirmed has one flag per bead. The other arguments are `align`'s.
    """
    n, m = len(src_sentences), len(tgt_sentences)
    check_partition(current_beads, n, m)
    if len(confirmed) != len(current_beads):
        raise InputError(f"{len(confirmed)} confirmation flags for {len(current_beads)} beads")
    if not 0 <= start_bead <= len(current_beads):
        raise InputError(f"start bead {start_bead} is not in 0..{len(current_beads)}")
    return _align_parts(
        src_sentences,
        tgt_sentences,
        current_beads[:start_bead],
        _gaps(current_beads, confirmed, start_bead, n, m),
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        engine=engine,
        cache=cache,
        src_paragraphs=src_paragraphs,
        tgt_paragraphs=tgt_paragraphs,
        known_names=known_names,
        embedder=embedder,
        params=params,
    )


def _align_parts(
    src_sentences: Sequence[str],
    tgt_sentences: Sequence[str],
    kept: Sequence[AlignedBead],
    parts: Sequence[tuple[int, int, int, int] | AlignedBead],
    *,
    src_lang: str,
    tgt_lang: str,
    engine: EngineName,
    cache: EmbeddingCache | None,
    src_paragraphs: Sequence[int] | None,
    tgt_paragraphs: Sequence[int] | None,
    known_names: Mapping[str, str] | Iterable[tuple[str, str]] | None,
    embedder: Embedder | None,
    params: CostParams | None,
) -> list[AlignedBead]:
    """Return `kept`, then each part: a bead as it is, or a sentence range pair aligned anew."""
    n, m = len(src_sentences), len(tgt_sentences)
    chosen = choose_engine(src_lang, tgt_lang, engine, embedder)
    _paragraph_array(src_paragraphs, n, "source")  # refuse bad indices whatever the engine
    _paragraph_array(tgt_paragraphs, m, "target")
    signals: tuple[SideSignals, SideSignals] | None = None
    cost_params = params or CostParams()
    result = list(kept)
    for part in parts:
        if isinstance(part, AlignedBead):
            result.append(part)
            continue
        src_from, src_to, tgt_from, tgt_to = part
        if src_from == src_to and tgt_from == tgt_to:
            continue
        if src_from == src_to or tgt_from == tgt_to:
            result.extend(_forced(src_to - src_from, tgt_to - tgt_from, src_from, tgt_from))
        elif chosen == "length" and src_from == tgt_from == 0:  # the whole pair: ids as they are
            result.extend(align_texts(src_sentences[:src_to], tgt_sentences[:tgt_to]))
        elif chosen == "length":
            result.extend(
                replace(
                    bead,
                    src=tuple(src_from + i for i in bead.src),
                    tgt=tuple(tgt_from + j for j in bead.tgt),
                )
                for bead in align_texts(
                    src_sentences[src_from:src_to], tgt_sentences[tgt_from:tgt_to]
                )
            )
        else:
            if signals is None:
                signals = build_signals(
                    src_sentences,
                    tgt_sentences,
                    src_lang,
                    tgt_lang,
                    embedder or default_embedder(),
                    cache,
                    src_paragraphs,
                    tgt_paragraphs,
                    known_names,
                )
            result.extend(_align_window(*signals, src_from, src_to, tgt_from, tgt_to, cost_params))
    check_partition(result, n, m)
    return result
