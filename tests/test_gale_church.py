from __future__ import annotations

import math
import os
import random
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import annotator.alignment.gale_church as gc
from annotator.alignment.beads import AlignedBead, check_partition, parse_beads
from annotator.alignment.gale_church import align_lengths, align_texts, match_cost, text_length
from annotator.alignment.scoring import score_documents


def _shared() -> Path:
    override = os.environ.get("ANNOTATOR_SHARED")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[1].parent / "shared"


def pairs(beads: Sequence[AlignedBead]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.src, b.tgt) for b in beads]


def path_cost(beads: Sequence[AlignedBead], src: Sequence[int], tgt: Sequence[int]) -> float:
    return sum(
        -math.log(gc.PRIORS[len(b.src), len(b.tgt)])
        + match_cost(sum(src[i] for i in b.src), sum(tgt[j] for j in b.tgt))
        for b in beads
    )


def exhaustive_min_cost(src: Sequence[int], tgt: Sequence[int]) -> float:
    """Least cost over every alignment, by plain recursion over all bead sequences."""

    @cache
    def rest(i: int, j: int) -> float:
        if i == len(src) and j == len(tgt):
            return 0.0
        options = [
            -math.log(prior)
            + match_cost(sum(src[i : i + a]), sum(tgt[j : j + b]))
            + rest(i + a, j + b)
            for (a, b), prior in gc.PRIORS.items()
            if i + a <= len(src) and j + b <= len(tgt)
        ]
        return min(options)

    return rest(0, 0)


# --- each bead type where the lengths make it clearly best --------------------------------


@pytest.mark.parametrize(
    ("src", "tgt", "expected"),
    [
        ([10, 20, 30], [10, 20, 30], [([0], [0]), ([1], [1]), ([2], [2])]),
        ([80, 50, 50, 60], [80, 100, 60], [([0], [0]), ([1, 2], [1]), ([3], [2])]),
        ([80, 100, 60], [80, 50, 50, 60], [([0], [0]), ([1], [1, 2]), ([2], [3])]),
        ([80, 30, 170, 60], [80, 170, 30, 60], [([0], [0]), ([1, 2], [1, 2]), ([3], [3])]),
        # A short sentence between two pairs that are already 2:1 can only be left out (1:0) ...
        (
            [200, 100, 100, 20, 100, 100, 150],
            [200, 200, 200, 150],
            [([0], [0]), ([1, 2], [1]), ([3], []), ([4, 5], [2]), ([6], [3])],
        ),
        # ... and mirrored, added (0:1).
        (
            [200, 200, 200, 150],
            [200, 100, 100, 20, 100, 100, 150],
            [([0], [0]), ([1], [1, 2]), ([], [3]), ([2], [4, 5]), ([3], [6])],
        ),
    ],
    ids=["1:1", "2:1", "1:2", "2:2", "1:0", "0:1"],
)
def test_each_bead_type_is_found(
    src: list[int], tgt: list[int], expected: list[tuple[list[int], list[int]]]
) -> None:
    beads = align_lengths(src, tgt)
    assert pairs(beads) == [(tuple(s), tuple(t)) for s, t in expected]
    check_partition(beads, len(src), len(tgt))


def test_a_short_sentence_next_to_a_1_1_pair_is_merged_not_dropped() -> None:
    # Gale–Church's priors make 2:1 (0.089) far cheaper than 1:0 (0.0099) + 1:1.
    assert pairs(align_lengths([120, 5, 80], [120, 80])) == [((0, 1), (0,)), ((2,), (1,))]


def test_empty_sides() -> None:
    assert align_lengths([], []) == []
    assert align_lengths([5, 0], []) == [AlignedBead((0,), (), 1.0), AlignedBead((1,), (), 1.0)]
    assert align_lengths([], [7]) == [AlignedBead((), (0,), 1.0)]
    assert align_texts([], ["a", "b"]) == [AlignedBead((), (0,), 1.0), AlignedBead((), (1,), 1.0)]


def test_empty_sentences_are_aligned_without_error() -> None:
    beads = align_lengths([0, 0, 30], [0, 30])
    check_partition(beads, 3, 2)
    assert beads[-1].tgt == (1,) and 2 in beads[-1].src


# --- scores ---------------------------------------------------------------------------------


def test_scores_are_probabilities_that_follow_the_ambiguity() -> None:
    clear = align_lengths([80, 50, 50, 60], [80, 100, 60])
    assert all(b.score is not None and 0.99 < b.score <= 1.0 for b in clear)
    # 70 → 50 + 20 or 20 + 30 → 30: both 2:1 readings are plausible
    ambiguous = align_lengths([50, 20, 30], [50, 30])
    first = ambiguous[0].score
    assert first is not None and 0.4 < first < 0.7
    # the last bead is the only way to finish, so it is certain
    assert ambiguous[-1].score == pytest.approx(1.0)


# --- long documents and the band ------------------------------------------------------------


def test_ten_thousand_equal_sentences_are_1_1_within_one_narrow_band(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    widths: list[int] = []
    real = gc._band_limits

    def counting(*args: object, **kwargs: object) -> object:
        lows, highs = real(*args, **kwargs)  # type: ignore[arg-type]
        widths.append(max(h - lo + 1 for lo, h in zip(lows, highs, strict=True)))
        return lows, highs

    monkeypatch.setattr(gc, "_band_limits", counting)
    beads = align_lengths([40] * 10_000, [40] * 10_000)
    assert len(beads) == 10_000
    assert all(b.src == (k,) and b.tgt == (k,) for k, b in enumerate(beads))
    assert all(b.score is not None and b.score > 0.9 for b in beads)
    # one pass, memory O(n · band): no row wider than the default band
    assert widths == [2 * gc.DEFAULT_BAND + 1]


def test_band_widens_until_the_path_keeps_clear_of_its_edge(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(7)
    src = [rng.randint(20, 160) for _ in range(80)]
    tgt = [max(1, round(length * rng.gauss(1, 0.08))) for length in src]
    del tgt[30:45]  # a passage missing from the translation pulls the path off the diagonal
    full = align_lengths(src, tgt, band=1000)
    passes: list[int] = []
    real = gc._cost_to_go

    def counting(*args: object, **kwargs: object) -> object:
        passes.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(gc, "_cost_to_go", counting)
    narrow = align_lengths(src, tgt, band=2)
    assert len(passes) > 1
    assert pairs(narrow) == pairs(full)
    assert path_cost(full, src, tgt) == pytest.approx(exhaustive_min_cost(src, tgt))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 150), max_size=7),
    st.lists(st.integers(0, 150), max_size=7),
)
def test_the_path_is_an_optimal_partition(src: list[int], tgt: list[int]) -> None:
    # The default band covers these short documents whole, so the path must be optimal.
    beads = align_lengths(src, tgt)
    check_partition(beads, len(src), len(tgt))
    assert all(b.score is not None and 0.0 <= b.score <= 1.0 for b in beads)
    if src and tgt:
        assert path_cost(beads, src, tgt) == pytest.approx(exhaustive_min_cost(src, tgt))
    # The narrowest band is a heuristic (it may miss the optimum), but still yields a partition.
    narrow = align_lengths(src, tgt, band=1)
    check_partition(narrow, len(src), len(tgt))
    assert all(b.score is not None and 0.0 <= b.score <= 1.0 for b in narrow)


def test_match_cost_is_finite_far_in_the_tail() -> None:
    near = match_cost(100, 100)
    assert near == pytest.approx(-math.log(math.erfc(0.0)))
    # erfc underflows to 0 here; the asymptotic tail keeps the cost finite and increasing
    costs = [match_cost(length, 0) for length in (4_000, 5_000, 100_000)]
    assert all(math.isfinite(c) for c in costs)
    assert costs == sorted(costs)
    assert match_cost(0, 0) == 0.0


def test_invalid_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        align_lengths([10, -1], [10])
    with pytest.raises(ValueError, match="band"):
        align_lengths([10], [10], band=0)
    with pytest.raises(ValueError, match="char_ratio"):
        align_lengths([10], [10], char_ratio=0.0)


# --- texts ----------------------------------------------------------------------------------


def test_text_length_counts_code_points_with_whitespace_collapsed() -> None:
    assert text_length("  a \t\n b  ") == 3
    assert text_length("مرحبا  بك") == 8
    assert text_length("") == 0


def test_align_texts_uses_collapsed_lengths() -> None:
    src = ["x" * 40, "y  " * 10, "z" * 30]
    tgt = ["x" * 40, "y " * 10, "z" * 30]
    assert align_texts(src, tgt) == align_lengths([40, 19, 30], [40, 19, 30])


# --- the benchmark's published figure -------------------------------------------------------


def test_text_berg_reproduces_the_published_gale_church_figures() -> None:
    folder = _shared() / "benchmarks" / "alignment" / "textberg-de-fr"
    documents = []
    for k in range(7):
        src, tgt = (
            (folder / f"test{k}.{ext}").read_text(encoding="utf-8").split("\n")[:-1]
            for ext in ("de", "fr")
        )
        gold = parse_beads((folder / f"test{k}.defr").read_text(encoding="utf-8"))
        documents.append((gold, align_texts(src, tgt)))
    score = score_documents(documents)
    assert score.strict.f1 == pytest.approx(0.678, abs=0.002)
    assert score.lax.f1 == pytest.approx(0.796, abs=0.002)


def test_long_documents_get_the_same_alignment_from_the_numpy_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(3)
    src = [rng.randint(5, 200) for _ in range(600)]
    tgt: list[int] = []
    for length in src:  # deletions, splits and noisy 1:1s
        draw = rng.random()
        if draw < 0.05:
            continue
        tgt += (
            [length // 2, length // 2 + 3] if draw < 0.1 else [int(length * rng.uniform(0.8, 1.2))]
        )
    exact = align_lengths(src, tgt)
    monkeypatch.setattr(gc, "VECTOR_NODES", 0)  # every table through gale_church_rows
    monkeypatch.setattr("annotator.alignment.gale_church_rows.BLOCK_ROWS", 7)  # many blocks
    fast = align_lengths(src, tgt)
    assert [(b.src, b.tgt) for b in fast] == [(b.src, b.tgt) for b in exact]
    assert all(
        abs((f.score or 0) - (e.score or 0)) < 1e-4 for f, e in zip(fast, exact, strict=True)
    )
