"""The default sentence aligner (embeddings + DP) on Text+Berg, NTREX split_drop and the seed pair.

Rows, all scored with the benchmark's strict and lax precision/recall/F1 (counts summed over the
documents of a set):
- the aligner as shipped (`engine.align`, engine "auto") on Text+Berg de–fr test (source de),
  Text+Berg dev (the tuning set, for reference), NTREX en–ar split_drop (source en) and the seed
  pair (segmented with `split_sentences`, paragraphs passed). Seconds are wall time per set with
  an empty embedding cache, so they include embedding every sentence (and, for the first set,
  loading the model);
- the DP on 5,000 × 5,000 sentences with every embedding cached (Text+Berg sentences repeated);
- ablations: the same data with one part of the cost or of the search changed, to show what each
  adds; "joined-text runs" embeds every run of sentences as one text (Vecalign's way) instead of
  summing pooled per-sentence vectors.
Published figures and the targets of issue 4 are in the last column.

Embeddings are cached in memory within the run. The data is read from ``<repo>/../shared``
(override with ANNOTATOR_SHARED), never copied.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from annotator.alignment.beads import AlignedBead, check_partition, parse_beads
from annotator.alignment.dp import best_path
from annotator.alignment.embedding_cache import EmbeddingCache, MemoryEmbeddingCache
from annotator.alignment.embeddings import Embedder, FloatArray
from annotator.alignment.engine import align, build_signals, default_embedder
from annotator.alignment.gale_church import align_texts
from annotator.alignment.scoring import AlignmentScore, score_documents
from annotator.alignment.signals import ALL_BEAD_TYPES, BeadCostModel, CostParams
from annotator.segmentation import paragraph_spans, split_sentences
from tests.bench.bench_gale_church import read_lines
from tests.bench.common import REPO, format_table, shared_dir

Document = tuple[list[str], list[str], list[AlignedBead]]
Set = tuple[str, str, str, list[Document]]  # name, source language, target language, documents

TEXTBERG_TEST = "Text+Berg de–fr test"
TEXTBERG_DEV = "Text+Berg de–fr dev (tuning)"
NTREX = "NTREX en–ar split_drop"
SEED = "seed pair en–ar"
REFERENCE = {
    TEXTBERG_TEST: "target ≥ 0.94; Bertalign 0.936 (0.989), Vecalign 0.902 (0.986), "
    "hunalign 0.751, Gale–Church 0.678 (0.796); whole set ≤ 20 s",
    TEXTBERG_DEV: "—",
    NTREX: "target ≥ 0.97; hunalign 0.935–0.940, Gale–Church 0.898",
    SEED: "target: exactly the gold (F1 1.0000)",
}
SEED_GOLD = (
    "[0]:[]\n[1]:[0]\n[2]:[1]\n[3]:[2]\n[4, 5]:[3]\n[6, 7]:[4]\n[8]:[5]\n[9]:[6]\n"
    "[10]:[7]\n[11]:[8]\n[12]:[]"
)
DP_SIZE = 5000
HEADER = [
    "row",
    "set",
    "strict P",
    "strict R",
    "strict F1",
    "lax P",
    "lax R",
    "lax F1",
    "seconds",
    "reference / target",
]


def _document(src: Path, tgt: Path, gold: Path) -> Document:
    return read_lines(src), read_lines(tgt), parse_beads(gold.read_text(encoding="utf-8"))


def _seed() -> tuple[Document, list[int], list[int]]:
    """The seed pair as the app segments it, its gold beads and both sides' paragraph indices."""
    sides: list[tuple[list[str], list[int]]] = []
    for lang in ("en", "ar"):
        text = (REPO / "seeds" / f"austin-gallant-call.{lang}.txt").read_text(encoding="utf-8")
        paragraphs = paragraph_spans(text)
        spans = split_sentences(text, lang)
        index = [
            next(k for k, (p_start, p_end) in enumerate(paragraphs) if p_start <= s < p_end)
            for s, _ in spans
        ]
        sides.append(([text[s:e] for s, e in spans], index))
    (en, en_paragraphs), (ar, ar_paragraphs) = sides
    return (en, ar, parse_beads(SEED_GOLD)), en_paragraphs, ar_paragraphs


def load_sets() -> list[Set]:
    """Text+Berg test and dev, NTREX split_drop: (name, languages, documents)."""
    root = shared_dir() / "benchmarks" / "alignment"
    textberg = root / "textberg-de-fr"
    ntrex = root / "ntrex-en-ar" / "split_drop"
    sets: list[Set] = [
        (
            TEXTBERG_TEST,
            "de",
            "fr",
            [
                _document(*(textberg / f"test{k}.{ext}" for ext in ("de", "fr", "defr")))
                for k in range(7)
            ],
        ),
        (
            TEXTBERG_DEV,
            "de",
            "fr",
            [_document(*(textberg / f"dev.{ext}" for ext in ("de", "fr", "defr")))],
        ),
        (
            NTREX,
            "en",
            "ar",
            [
                _document(gold.with_suffix(".en"), gold.with_suffix(".ar"), gold)
                for gold in sorted(ntrex.glob("*.enar"))
            ],
        ),
    ]
    for name, _, _, documents in sets:
        if not documents:
            raise FileNotFoundError(f"no documents for {name} under {root}")
    return sets


def _row(label: str, name: str, score: AlignmentScore, seconds: float, reference: str) -> list[str]:
    return [
        label,
        name,
        f"{score.strict.precision:.4f}",
        f"{score.strict.recall:.4f}",
        f"{score.strict.f1:.4f}",
        f"{score.lax.precision:.4f}",
        f"{score.lax.recall:.4f}",
        f"{score.lax.f1:.4f}",
        f"{seconds:.2f}",
        reference,
    ]


def _scored(
    documents: Sequence[Document], aligner: Callable[[Document], list[AlignedBead]]
) -> tuple[AlignmentScore, float]:
    """Align every document, check each result is a partition, return the score and seconds."""
    started = time.perf_counter()
    predicted = [aligner(document) for document in documents]
    elapsed = time.perf_counter() - started
    for (src, tgt, _), beads in zip(documents, predicted, strict=True):
        check_partition(beads, len(src), len(tgt))
    gold = [document[2] for document in documents]
    return score_documents(zip(gold, predicted, strict=True)), elapsed


class _JoinedRuns:
    """An embedder without pooled vectors: runs of sentences are embedded as joined text."""

    def __init__(self, inner: Embedder) -> None:
        self.name = inner.name
        self.languages = inner.languages
        self._inner = inner

    def embed(self, sentences: Sequence[str]) -> FloatArray:
        return self._inner.embed(sentences)


def _variant(
    lang: tuple[str, str],
    cache: EmbeddingCache,
    params: CostParams,
    bead_types: Sequence[tuple[int, int]] = ALL_BEAD_TYPES,
    embedder: Embedder | None = None,
) -> Callable[[Document], list[AlignedBead]]:
    """Return an aligner with other cost weights, bead types or embedder (no anchors' names)."""

    def run(document: Document) -> list[AlignedBead]:
        src, tgt, _ = document
        src_signals, tgt_signals = build_signals(
            src, tgt, lang[0], lang[1], embedder or default_embedder(), cache, None, None, None
        )
        steps = best_path(BeadCostModel(src_signals, tgt_signals, params, bead_types))
        return [
            AlignedBead(tuple(range(s.i, s.i + s.a)), tuple(range(s.j, s.j + s.b)), None)
            for s in steps
        ]

    return run


def _ablations(
    embedder: Embedder,
) -> list[tuple[str, CostParams, Sequence[tuple[int, int]], Embedder | None]]:
    base = CostParams()
    up_to_three = tuple(t for t in ALL_BEAD_TYPES if max(t) <= 3 and sum(t) <= 4)
    no_three = tuple(t for t in up_to_three if 3 not in t)
    two_max = tuple(t for t in no_three if t != (2, 2))
    return [
        ("ablation: as shipped (no linked names)", base, ALL_BEAD_TYPES, None),
        (
            "ablation: − anchors (numbers, shared words)",
            replace(base, anchor_weight=0.0),
            ALL_BEAD_TYPES,
            None,
        ),
        (
            "ablation: − length (Gale–Church δ)",
            replace(base, length_weight=0.0),
            ALL_BEAD_TYPES,
            None,
        ),
        (
            "ablation: − length-dependent skip cost",
            replace(base, skip_length_weight=0.0),
            ALL_BEAD_TYPES,
            None,
        ),
        ("ablation: − bead bonus", replace(base, bead_bonus=0.0), ALL_BEAD_TYPES, None),
        (
            "ablation: merge factor a·b (Vecalign-like)",
            replace(base, merge_exponent=1.0),
            ALL_BEAD_TYPES,
            None,
        ),
        ("ablation: merge factor 1", replace(base, merge_exponent=0.0), ALL_BEAD_TYPES, None),
        (
            "ablation: − Vecalign normaliser (raw 1 − cos)",
            replace(base, normalise=False),
            ALL_BEAD_TYPES,
            None,
        ),
        (
            "ablation: − continuation cues (; and lower-case starts)",
            replace(base, continuation_penalty=0.0),
            ALL_BEAD_TYPES,
            None,
        ),
        ("ablation: bead types ≤ 3:1, 2:2 (no 2:3, 4:1, 5:1)", base, up_to_three, None),
        ("ablation: bead types ≤ 2:2 (no 3:1, 1:3)", base, no_three, None),
        ("ablation: bead types ≤ 2:1 (no 2:2, 3:1, 1:3)", base, two_max, None),
        (
            "ablation: plain DP (raw 1 − cos, a·b, no bonus/length/anchors)",
            CostParams(
                skip=0.9,
                skip_length_weight=0.0,
                merge_exponent=1.0,
                bead_bonus=0.0,
                length_weight=0.0,
                anchor_weight=0.0,
                normalise=False,
            ),
            ALL_BEAD_TYPES,
            None,
        ),
        (
            "ablation: joined-text runs (Vecalign-style embedding)",
            base,
            ALL_BEAD_TYPES,
            _JoinedRuns(embedder),
        ),
    ]


def _dp_speed(sets: Sequence[Set], cache: EmbeddingCache) -> list[str]:
    """Time `align` on 5,000 × 5,000 Text+Berg sentences whose embeddings are all cached."""
    src: list[str] = []
    tgt: list[str] = []
    for name, _, _, documents in sets:
        if name in (TEXTBERG_TEST, TEXTBERG_DEV):
            for document_src, document_tgt, _ in documents:
                src += document_src
                tgt += document_tgt
    src = (src * (DP_SIZE // len(src) + 1))[:DP_SIZE]
    tgt = (tgt * (DP_SIZE // len(tgt) + 1))[:DP_SIZE]
    align(src, tgt, "de", "fr", cache=cache)  # fills the cache with these sentences' vectors
    times = []
    for _ in range(3):
        started = time.perf_counter()
        beads = align(src, tgt, "de", "fr", cache=cache)
        times.append(time.perf_counter() - started)
    check_partition(beads, DP_SIZE, DP_SIZE)
    return [
        "DP speed, embeddings cached (median of 3)",
        f"{DP_SIZE:,} × {DP_SIZE:,} sentences",
        "",
        "",
        "",
        "",
        "",
        "",
        f"{statistics.median(times):.2f}",
        "target ≤ 3 s; Vecalign < 8 s (5k × 5k)",
    ]


def run() -> tuple[str, list[str], list[list[str]]]:
    """Align and score every set, time the DP, run the ablations; return (title, header, rows)."""
    sets = load_sets()
    cache = MemoryEmbeddingCache()
    rows: list[list[str]] = []
    for name, src_lang, tgt_lang, documents in sets:
        score, seconds = _scored(
            documents,
            lambda d, s=src_lang, t=tgt_lang: align(d[0], d[1], s, t, cache=cache),
        )
        rows.append(_row("aligner as shipped", name, score, seconds, REFERENCE[name]))
    seed, en_paragraphs, ar_paragraphs = _seed()
    score, seconds = _scored(
        [seed],
        lambda d: align(
            d[0],
            d[1],
            "en",
            "ar",
            cache=cache,
            src_paragraphs=en_paragraphs,
            tgt_paragraphs=ar_paragraphs,
        ),
    )
    rows.append(_row("aligner as shipped", SEED, score, seconds, REFERENCE[SEED]))
    rows.append(_dp_speed(sets, cache))
    for name, _, _, documents in sets:
        score, seconds = _scored(documents, lambda d: align_texts(d[0], d[1]))
        rows.append(_row("Gale–Church (engine length)", name, score, seconds, ""))
    embedder = default_embedder()
    for label, params, bead_types, variant_embedder in _ablations(embedder):
        for name, src_lang, tgt_lang, documents in sets:
            if variant_embedder is not None and name == NTREX:
                continue  # joined-text runs of 4,000 sentences: a minute of embedding
            score, seconds = _scored(
                documents,
                _variant((src_lang, tgt_lang), cache, params, bead_types, variant_embedder),
            )
            rows.append(_row(label, name, score, seconds, ""))
    return "Default sentence aligner: USE v3 embeddings + coarse-to-fine DP", HEADER, rows


if __name__ == "__main__":
    print(format_table(*run()))
