"""Gale–Church sentence alignment on Text+Berg de–fr test0..6 and NTREX en–ar split_drop.

Each document is aligned on its own and scored with the benchmark's strict and lax
precision/recall/F1, counts summed over the documents of a set. Sentence lengths are counted in
code points with whitespace collapsed (what `align_texts` does) and, for comparison, in UTF-8 bytes
(what byte-counting implementations measure; an Arabic letter is 2 bytes). The published
Gale–Church figures of benchmarks/alignment/README.md are printed alongside.
Text+Berg: test<k>.de is the source, test<k>.fr the target, test<k>.defr the gold. NTREX
split_drop: one document per stem, <stem>.en the source, <stem>.ar the target, <stem>.enar the gold.

The data is read from ``<repo>/../shared`` (override with ANNOTATOR_SHARED), never copied.
"""

from __future__ import annotations

import time
from pathlib import Path

from annotator.alignment.beads import AlignedBead, check_partition, parse_beads
from annotator.alignment.gale_church import align_lengths, text_length
from annotator.alignment.scoring import score_documents
from tests.bench.common import format_table, shared_dir

PUBLISHED = {"Text+Berg de–fr test": "0.678 (0.796)", "NTREX en–ar split_drop": "0.898"}

Document = tuple[list[str], list[str], list[AlignedBead]]


def read_lines(path: Path) -> list[str]:
    """One sentence per line; only '\\n' ends a line (str.splitlines would also cut at U+2028)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _document(src: Path, tgt: Path, gold: Path) -> Document:
    return read_lines(src), read_lines(tgt), parse_beads(gold.read_text(encoding="utf-8"))


def load_sets() -> dict[str, list[Document]]:
    """Both test sets, by name, each a list of (source lines, target lines, gold beads)."""
    root = shared_dir() / "benchmarks" / "alignment"
    textberg = root / "textberg-de-fr"
    ntrex = root / "ntrex-en-ar" / "split_drop"
    sets = {
        "Text+Berg de–fr test": [
            _document(*(textberg / f"test{k}.{ext}" for ext in ("de", "fr", "defr")))
            for k in range(7)
        ],
        "NTREX en–ar split_drop": [
            _document(gold.with_suffix(".en"), gold.with_suffix(".ar"), gold)
            for gold in sorted(ntrex.glob("*.enar"))
        ],
    }
    for name, documents in sets.items():
        if not documents:
            raise FileNotFoundError(f"no documents for {name} under {root}")
    return sets


def _utf8_length(sentence: str) -> int:
    return len(" ".join(sentence.split()).encode("utf-8"))


LENGTHS = {"code points": text_length, "UTF-8 bytes": _utf8_length}


def run() -> tuple[str, list[str], list[list[str]]]:
    """Align and score both sets with both length units; return (title, header, rows)."""
    header = [
        "set",
        "lengths",
        "docs",
        "gold beads",
        "strict P",
        "strict R",
        "strict F1",
        "lax P",
        "lax R",
        "lax F1",
        "seconds",
        "published F1",
    ]
    rows: list[list[str]] = []
    for (name, documents), (unit, length) in (
        (entry, unit) for entry in load_sets().items() for unit in LENGTHS.items()
    ):
        started = time.perf_counter()
        predicted = [
            align_lengths([length(s) for s in src], [length(t) for t in tgt])
            for src, tgt, _ in documents
        ]
        elapsed = time.perf_counter() - started
        for (src, tgt, _), beads in zip(documents, predicted, strict=True):
            check_partition(beads, len(src), len(tgt))
        score = score_documents(
            (gold, beads) for (_, _, gold), beads in zip(documents, predicted, strict=True)
        )
        rows.append(
            [
                name,
                unit,
                str(len(documents)),
                str(sum(len(gold) for _, _, gold in documents)),
                f"{score.strict.precision:.4f}",
                f"{score.strict.recall:.4f}",
                f"{score.strict.f1:.4f}",
                f"{score.lax.precision:.4f}",
                f"{score.lax.recall:.4f}",
                f"{score.lax.f1:.4f}",
                f"{elapsed:.2f}",
                PUBLISHED[name],
            ]
        )
    return "Gale–Church sentence alignment (strict F1, lax in brackets for published)", header, rows


if __name__ == "__main__":
    print(format_table(*run()))
