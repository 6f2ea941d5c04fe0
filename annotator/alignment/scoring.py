"""Strict and lax precision, recall and F1 of predicted beads against gold (benchmark rules)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from annotator.alignment.beads import AlignedBead

_Pair = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class PRF:
    """Precision, recall and their harmonic mean F1 (0.0 where a denominator is zero)."""

    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class AlignmentScore:
    """Strict (exact bead) and lax (bead shares a source and a target sentence) figures."""

    strict: PRF
    lax: PRF


@dataclass
class _Counts:
    """Beads judged, and how many of them were right strictly and laxly."""

    total: int = 0
    strict: int = 0
    lax: int = 0


def _judge(reference: Sequence[_Pair], judged: Sequence[_Pair], counts: _Counts) -> None:
    """Add to counts how many judged beads are exactly, or laxly, a reference bead."""
    exact = set(reference)
    # Lax match: the judged bead shares a source and a target id with one reference bead.
    src_owner: dict[int, set[int]] = {}
    tgt_owner: dict[int, set[int]] = {}
    for index, (src, tgt) in enumerate(reference):
        for i in src:
            src_owner.setdefault(i, set()).add(index)
        for j in tgt:
            tgt_owner.setdefault(j, set()).add(index)
    for src, tgt in judged:
        counts.total += 1
        if (src, tgt) in exact:
            counts.strict += 1
            counts.lax += 1
            continue
        by_src: set[int] = set()
        for i in src:
            by_src |= src_owner.get(i, set())
        if any(not by_src.isdisjoint(tgt_owner.get(j, ())) for j in tgt):
            counts.lax += 1


def _ratio(part: int, whole: int) -> float:
    """Return part / whole, or 0.0 when whole is zero."""
    return part / whole if whole else 0.0


def _prf(precision: float, recall: float) -> PRF:
    """Return a PRF with F1 = 2PR / (P + R), 0.0 when both are zero."""
    total = precision + recall
    return PRF(precision, recall, 2 * precision * recall / total if total else 0.0)


def score_documents(
    pairs: Iterable[tuple[Sequence[AlignedBead], Sequence[AlignedBead]]],
) -> AlignmentScore:
    """Score (gold, predicted) bead lists per document; counts are summed before dividing.

    Precision is over every predicted bead (1:0 and 0:1 included, which can only be right
    strictly); recall swaps gold and prediction after dropping every bead with an empty side.
    """
    precision = _Counts()
    recall = _Counts()
    for gold, predicted in pairs:
        gold_pairs = [(b.src, b.tgt) for b in gold]
        predicted_pairs = [(b.src, b.tgt) for b in predicted]
        _judge(gold_pairs, predicted_pairs, precision)
        _judge(
            [p for p in predicted_pairs if p[0] and p[1]],
            [p for p in gold_pairs if p[0] and p[1]],
            recall,
        )
    return AlignmentScore(
        strict=_prf(_ratio(precision.strict, precision.total), _ratio(recall.strict, recall.total)),
        lax=_prf(_ratio(precision.lax, precision.total), _ratio(recall.lax, recall.total)),
    )
