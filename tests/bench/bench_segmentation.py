"""Sentence-boundary precision, recall and F1 on NTREX en–ar, for our splitter, pysbd and sentencex.

Counting: each document's lines (one gold sentence per line) are stripped and joined with a single
space into one paragraph, which each splitter segments. Boundaries are the ends of all sentences
but the last (the end of the document decides nothing). A line end is a gold boundary when its line
ends with sentence-final punctuation (. ! ? ؟ …), optionally followed by closing quotes or
brackets; the other line ends (headlines without punctuation) cannot be found in joined text and
are left out: a predicted boundary exactly at one is neutral. Every other predicted boundary that
is not gold is a false positive; every gold boundary not predicted is a false negative. Counts are
summed over all documents before dividing. The "seed" column gives how many pieces each splitter
returns for the seed article of that language (ours: 13 en, 9 ar), blank separators included.

The data is read from ``<repo>/../shared`` (override with ANNOTATOR_SHARED), never copied.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pysbd
import sentencex

from annotator.text.segmentation import split_sentences
from tests.bench.common import format_table, shared_dir

LANGUAGES = ("en", "ar")
SEED_FILES = {"en": "austin-gallant-call.en.txt", "ar": "austin-gallant-call.ar.txt"}
_SENTENCE_FINAL = re.compile(r"[.!?؟…][\"'”’»)\]]*$")

Splitter = Callable[[str, str], list[str]]


def _ours(text: str, lang: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text, lang)]


def _pysbd(text: str, lang: str) -> list[str]:
    return [str(piece) for piece in pysbd.Segmenter(language=lang, clean=False).segment(text)]


def _sentencex(text: str, lang: str) -> list[str]:
    return [str(piece) for piece in sentencex.segment(lang, text)]


SPLITTERS: dict[str, Splitter] = {"ours": _ours, "pysbd": _pysbd, "sentencex": _sentencex}


@dataclass
class Counts:
    """Boundary counts summed over documents."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def scores(self) -> tuple[float, float, float]:
        """Precision, recall and F1."""
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        total = precision + recall
        return precision, recall, (2 * precision * recall / total if total else 0.0)


def _documents(lang: str) -> list[list[str]]:
    folder = shared_dir() / "benchmarks" / "alignment" / "ntrex-en-ar" / "per_doc"
    documents = []
    for path in sorted(folder.glob(f"*.{lang}")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").split("\n")]
        documents.append([line for line in lines if line])
    if not documents:
        raise FileNotFoundError(f"no *.{lang} documents in {folder}")
    return documents


def _offsets(text: str, pieces: Iterable[str]) -> list[int]:
    """End offsets of the non-blank pieces, found in order in the text they were cut from."""
    ends = []
    cursor = 0
    for piece in pieces:
        stripped = piece.strip()
        if not stripped:
            continue
        found = text.find(stripped, cursor)
        if found < 0:
            raise ValueError(f"splitter output not found in its input: {stripped[:40]!r}")
        cursor = found + len(stripped)
        ends.append(cursor)
    return ends


def _gold(lines: list[str]) -> tuple[str, set[int], set[int]]:
    """Joined text, gold boundaries, left-out line ends."""
    gold: set[int] = set()
    left_out: set[int] = set()
    offset = 0
    for line in lines[:-1]:
        offset += len(line)
        (gold if _SENTENCE_FINAL.search(line) else left_out).add(offset)
        offset += 1
    return " ".join(lines), gold, left_out


def _score(splitter: Splitter, lang: str, documents: list[list[str]]) -> Counts:
    counts = Counts()
    for lines in documents:
        text, gold, left_out = _gold(lines)
        predicted = set(_offsets(text, splitter(text, lang))[:-1])
        counts.tp += len(predicted & gold)
        counts.fp += len(predicted - gold - left_out)
        counts.fn += len(gold - predicted)
    return counts


def _seed_pieces(splitter: Splitter, lang: str) -> int:
    text = (Path(__file__).resolve().parents[2] / "seeds" / SEED_FILES[lang]).read_text(
        encoding="utf-8"
    )
    return len(splitter(text, lang))


def run() -> tuple[str, list[str], list[list[str]]]:
    """Measure every splitter on both languages; return (title, header, rows)."""
    header = ["splitter", "lang", "precision", "recall", "F1", "tp", "fp", "fn", "seed", "seconds"]
    rows: list[list[str]] = []
    notes = []
    for lang in LANGUAGES:
        documents = _documents(lang)
        left_out = sum(len(_gold(lines)[2]) for lines in documents)
        gold = sum(len(_gold(lines)[1]) for lines in documents)
        notes.append(f"{lang}: {len(documents)} docs, {gold} gold boundaries, {left_out} left out")
        for name, splitter in SPLITTERS.items():
            started = time.perf_counter()
            counts = _score(splitter, lang, documents)
            elapsed = time.perf_counter() - started
            precision, recall, f1 = counts.scores()
            rows.append(
                [
                    name,
                    lang,
                    f"{precision:.4f}",
                    f"{recall:.4f}",
                    f"{f1:.4f}",
                    str(counts.tp),
                    str(counts.fp),
                    str(counts.fn),
                    str(_seed_pieces(splitter, lang)),
                    f"{elapsed:.2f}",
                ]
            )
    title = "Sentence boundaries, NTREX en–ar per_doc (" + "; ".join(notes) + ")"
    return title, header, rows


if __name__ == "__main__":
    print(format_table(*run()))
