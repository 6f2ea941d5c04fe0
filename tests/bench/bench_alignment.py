"""The sentence aligner as users get it, on Text+Berg, NTREX split_drop and the seed pair.

Main rows go through the path a user takes, in a subprocess, with the options a user gives:
- `annotator align FOLDER -o OUT --src-lang L --tgt-lang L --presegmented` on the benchmark
  folders as they are (Text+Berg: test and dev files side by side, the gold `.defr` files
  skipped; NTREX split_drop); the bead files are scored against the gold. Seconds are the whole
  command: start-up, model loading, reading, embedding, aligning;
- `annotator import FOLDER --presegmented` of NTREX split_drop into a new store, then the stored
  automatic layers are read back and scored;
- `annotator align seed.en.txt seed.ar.txt` on the bundled seed pair (running text with blank-line
  paragraphs, segmented by the app).
Every score is the benchmark's strict and lax precision/recall/F1 (counts summed over the
documents of a set) plus how many gold one-sided (1:0/0:1) beads came out exactly.

Below them, engine-level rows: the DP on 5,000 × 5,000 cached sentences, Gale–Church, and
ablations (one part of the cost or search changed each; the paragraph cost on Text+Berg dev with
paragraphs built from its gold every 2–6 beads, 10 % of the breaks moved by a sentence, and in the
worst case of a break after every sentence). Published figures are in the last column.

The data is read from ``<repo>/../shared`` (override with ANNOTATOR_SHARED), never copied.
"""

from __future__ import annotations

import itertools
import random
import statistics
import subprocess
import sys
import tempfile
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
from annotator.text.segmentation import paragraph_spans, split_sentences
from tests.bench.bench_gale_church import read_lines
from tests.bench.common import REPO, format_table, shared_dir

Document = tuple[list[str], list[str], list[AlignedBead]]
Set = tuple[str, str, str, list[Document]]  # name, source language, target language, documents

TEXTBERG_TEST = "Text+Berg de–fr test"
TEXTBERG_DEV = "Text+Berg de–fr dev (tuning)"
NTREX = "NTREX en–ar split_drop"
SEED = "seed pair en–ar"
REFERENCE = {
    TEXTBERG_TEST: "target ≥ 0.89; Bertalign 0.936 (0.989), Vecalign 0.902 (0.986), "
    "hunalign 0.751, Gale–Church 0.678 (0.796); whole folder ≤ 10 s",
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
    "one-sided right",
    "seconds",
    "reference / target",
]
CLI = [sys.executable, "-m", "annotator"]


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


def one_sided_right(
    gold: Sequence[list[AlignedBead]], predicted: Sequence[list[AlignedBead]]
) -> str:
    """Return 'right/total' for the gold beads with an empty side that were predicted exactly."""
    right = total = 0
    for g, p in zip(gold, predicted, strict=True):
        wanted = {(b.src, b.tgt) for b in g if not (b.src and b.tgt)}
        right += len(wanted & {(b.src, b.tgt) for b in p})
        total += len(wanted)
    return f"{right}/{total}"


def _row(
    label: str,
    name: str,
    score: AlignmentScore,
    seconds: float,
    reference: str,
    one_sided: str = "",
) -> list[str]:
    return [
        label,
        name,
        f"{score.strict.precision:.4f}",
        f"{score.strict.recall:.4f}",
        f"{score.strict.f1:.4f}",
        f"{score.lax.precision:.4f}",
        f"{score.lax.recall:.4f}",
        f"{score.lax.f1:.4f}",
        one_sided,
        f"{seconds:.2f}",
        reference,
    ]


def _scored(
    documents: Sequence[Document], aligner: Callable[[Document], list[AlignedBead]]
) -> tuple[AlignmentScore, float, str]:
    """Align every document, check each result is a partition; score, seconds, one-sided."""
    started = time.perf_counter()
    predicted = [aligner(document) for document in documents]
    elapsed = time.perf_counter() - started
    score, one_sided = _judged(documents, predicted)
    return score, elapsed, one_sided


def _judged(
    documents: Sequence[Document], predicted: Sequence[list[AlignedBead]]
) -> tuple[AlignmentScore, str]:
    for (src, tgt, _), beads in zip(documents, predicted, strict=True):
        check_partition(beads, len(src), len(tgt))
    gold = [document[2] for document in documents]
    return score_documents(zip(gold, predicted, strict=True)), one_sided_right(gold, predicted)


def _command(*args: object) -> float:
    """Run `annotator ARGS` as a user would; return its wall time, fail loudly on an error."""
    started = time.perf_counter()
    result = subprocess.run(
        [*CLI, *map(str, args)], capture_output=True, text=True, cwd=REPO, check=False
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"annotator {' '.join(map(str, args))}: {result.stderr.strip()}")
    return elapsed


def _cli_folder_rows(sets: Sequence[Set], scratch: Path) -> list[list[str]]:
    """Align each benchmark folder with `annotator align FOLDER -o OUT` and score the files."""
    root = shared_dir() / "benchmarks" / "alignment"
    rows = []
    runs = [
        (root / "textberg-de-fr", "de", "fr", {TEXTBERG_TEST: "test", TEXTBERG_DEV: "dev"}),
        (root / "ntrex-en-ar" / "split_drop", "en", "ar", {NTREX: ""}),
    ]
    by_name = {name: documents for name, _, _, documents in sets}
    for folder, src_lang, tgt_lang, names in runs:
        out = scratch / folder.name
        seconds = _command(
            "align", folder, "-o", out, "--src-lang", src_lang, "--tgt-lang", tgt_lang,
            "--presegmented",
        )  # fmt: skip
        for name, prefix in names.items():
            stems = sorted(
                p.stem for p in folder.glob(f"{prefix}*.{src_lang}{tgt_lang}")
            )
            predicted = [parse_beads((out / f"{stem}.beads").read_text("utf-8")) for stem in stems]
            score, one_sided = _judged(by_name[name], predicted)
            label = f"annotator align FOLDER --presegmented ({len(stems)} pairs)"
            time_note = seconds if prefix != "dev" else 0.0
            rows.append(_row(label, name, score, time_note, REFERENCE[name], one_sided))
    return rows


def _cli_import_row(sets: Sequence[Set], scratch: Path) -> list[str]:
    """Import NTREX split_drop with `annotator import`, read back the stored automatic layers."""
    from annotator.layers import alignment, automatic_layer
    from annotator.model import DocumentPair
    from annotator.store import Store

    folder = shared_dir() / "benchmarks" / "alignment" / "ntrex-en-ar" / "split_drop"
    db = scratch / "import.sqlite3"
    _command("--db", db, "init", "ntrex", "-s", "en", "-t", "ar")
    seconds = _command("--db", db, "import", folder, "--presegmented")
    with Store.open(str(db)).read() as session:
        stored = {
            pair.name: alignment(session, automatic_layer(session, pair))
            for pair in session.query(DocumentPair)
        }
    stems = sorted(p.stem for p in folder.glob("*.enar"))
    documents = next(d for name, _, _, d in sets if name == NTREX)
    score, one_sided = _judged(documents, [stored[stem] for stem in stems])
    return _row(
        f"annotator import FOLDER --presegmented ({len(stems)} pairs), stored layer",
        NTREX,
        score,
        seconds,
        REFERENCE[NTREX],
        one_sided,
    )


def _cli_seed_rows() -> list[list[str]]:
    """Align the bundled seed pair with `annotator align`: as shipped, and one line a sentence."""
    seed, _, _ = _seed()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        en, ar = (REPO / "seeds" / f"austin-gallant-call.{lang}.txt" for lang in ("en", "ar"))
        lines_en, lines_ar = folder / "seed.en", folder / "seed.ar"
        lines_en.write_text("\n".join(seed[0]) + "\n", encoding="utf-8")
        lines_ar.write_text("\n".join(seed[1]) + "\n", encoding="utf-8")
        runs = [
            ("annotator align A B (running text, blank-line paragraphs)", en, ar, ()),
            (
                "annotator align A B --presegmented (one line a sentence, no blank lines)",
                lines_en,
                lines_ar,
                ("--presegmented",),
            ),
        ]
        for label, source, target, options in runs:
            out = folder / "seed.beads"
            seconds = _command(
                "align", source, target, "--src-lang", "en", "--tgt-lang", "ar", "-o", out,
                *options,
            )  # fmt: skip
            predicted = parse_beads(out.read_text("utf-8"))
            score, one_sided = _judged([seed], [predicted])
            rows.append(_row(label, SEED, score, seconds, REFERENCE[SEED], one_sided))
    return rows


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
        (
            "ablation: − heading lines as paragraph breaks",
            replace(base, heading_breaks=False),
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
        "",
        f"{statistics.median(times):.2f}",
        "target ≤ 3 s; Vecalign < 8 s (5k × 5k)",
    ]


def _gold_paragraphs(document: Document, seed: int = 0) -> tuple[list[int], list[int]]:
    """Paragraphs built from the gold: a break every 2–6 beads, 10 % of them moved a sentence."""
    src, tgt, gold = document
    rnd = random.Random(seed)
    src_par, tgt_par = [0] * len(src), [0] * len(tgt)
    number, left = 0, rnd.randint(2, 6)
    for bead in gold:
        for i in bead.src:
            src_par[i] = number
        for j in bead.tgt:
            tgt_par[j] = number
        left -= 1
        if left == 0:
            number, left = number + 1, rnd.randint(2, 6)
    for numbers in (src_par, tgt_par):
        for k in range(1, len(numbers)):
            if numbers[k] != numbers[k - 1] and rnd.random() < 0.1:
                numbers[k] = numbers[k - 1]
    return list(itertools.accumulate(src_par, max)), list(itertools.accumulate(tgt_par, max))


def _paragraph_rows(sets: Sequence[Set], cache: EmbeddingCache) -> list[list[str]]:
    """The paragraph cost on Text+Berg dev: gold-like paragraphs, and a break after every line."""
    dev = next(d for name, _, _, d in sets if name == TEXTBERG_DEV)
    seed, en_paragraphs, ar_paragraphs = _seed()
    rows = []
    for penalty in (0.0, 0.1, 0.3, 1.0, 2.0):
        params = CostParams(paragraph_penalty=penalty)
        label = f"paragraph cost {penalty}" + (" (shipped)" if penalty == 0.3 else "")
        cases = [
            ("Text+Berg dev, gold-like paragraphs", dev, _gold_paragraphs),
            (
                "Text+Berg dev, a break after every line",
                dev,
                lambda d: (list(range(len(d[0]))), list(range(len(d[1])))),
            ),
            ("seed pair, its own paragraphs", [seed], lambda d: (en_paragraphs, ar_paragraphs)),
        ]
        for name, documents, paragraphs in cases:
            lang = ("en", "ar") if documents[0] is seed else ("de", "fr")

            def aligner(
                d: Document, make=paragraphs, lang=lang, params=params
            ) -> list[AlignedBead]:
                src_par, tgt_par = make(d)
                return align(
                    d[0], d[1], *lang, cache=cache, src_paragraphs=src_par,
                    tgt_paragraphs=tgt_par, params=params,
                )  # fmt: skip

            score, seconds, one_sided = _scored(documents, aligner)
            rows.append(_row(label, name, score, seconds, "", one_sided))
    return rows


def run() -> tuple[str, list[str], list[list[str]]]:
    """Align every set through the CLI and import, then the engine rows; (title, header, rows)."""
    sets = load_sets()
    cache = MemoryEmbeddingCache()
    with tempfile.TemporaryDirectory() as scratch:
        rows = _cli_folder_rows(sets, Path(scratch))
        rows.append(_cli_import_row(sets, Path(scratch)))
    rows.extend(_cli_seed_rows())
    rows.append(_dp_speed(sets, cache))
    for name, _, _, documents in sets:
        score, seconds, one_sided = _scored(documents, lambda d: align_texts(d[0], d[1]))
        rows.append(_row("Gale–Church (engine length)", name, score, seconds, "", one_sided))
    embedder = default_embedder()
    for label, params, bead_types, variant_embedder in _ablations(embedder):
        for name, src_lang, tgt_lang, documents in sets:
            if variant_embedder is not None and name == NTREX:
                continue  # joined-text runs of 4,000 sentences: a minute of embedding
            score, seconds, one_sided = _scored(
                documents,
                _variant((src_lang, tgt_lang), cache, params, bead_types, variant_embedder),
            )
            rows.append(_row(label, name, score, seconds, "", one_sided))
    rows.extend(_paragraph_rows(sets, cache))
    return "Sentence aligner as users run it (CLI, import), then engine rows", HEADER, rows


if __name__ == "__main__":
    print(format_table(*run()))
