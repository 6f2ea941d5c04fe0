"""The coarse-to-fine DP and the bead costs on constructed documents with known alignments.

Sentences are built from "concepts": each concept is a random unit vector, a sentence's embedding
the normalised sum of its concepts' vectors and its length 40 characters per concept, so a bead
whose two sides hold the same concepts has cosine 1 and matching lengths.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest

from annotator.alignment.dp import WHOLE_SEARCH_CELLS, Band, CostModel, PathStep, _search, best_path
from annotator.alignment.signals import (
    ALL_BEAD_TYPES,
    BeadCostModel,
    CostParams,
    SideSignals,
    continuation_cues,
    neg_log_erfc,
)

DIM = 64


def concept_vectors(count: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((count, DIM))
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def side(sentences: Sequence[Sequence[int]], concepts: np.ndarray, max_run: int = 5) -> SideSignals:
    """Signals of sentences given as concept lists (runs of up to max_run sentences)."""
    n = len(sentences)
    runs = []
    for k in range(1, min(max_run, n) + 1):
        rows = []
        for i in range(n - k + 1):
            ids = [c for sentence in sentences[i : i + k] for c in sentence]
            vector = concepts[ids].sum(axis=0)
            rows.append(vector / np.linalg.norm(vector))
        runs.append(np.array(rows, dtype=np.float32))
    lengths = np.array([40.0 * len(s) for s in sentences])
    return SideSignals(tuple(runs), lengths)


def beads_of(steps: Sequence[PathStep]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(tuple(range(s.i, s.i + s.a)), tuple(range(s.j, s.j + s.b))) for s in steps]


def document_from_beads(
    kinds: Sequence[tuple[int, int]], seed: int = 0
) -> tuple[list[list[int]], list[list[int]], list[tuple[tuple[int, ...], tuple[int, ...]]]]:
    """Build two concept documents whose true alignment is the given bead types in order.

    An a:b bead holds a + b - 1 concepts of its own in a row; each of the a + b - 2 gaps between
    them is a sentence boundary on exactly one side (the source's a - 1 evenly spread, the
    target's the rest), so that no smaller bead inside it pairs equal content; a 1:0 or 0:1
    sentence holds one concept.
    """
    src: list[list[int]] = []
    tgt: list[list[int]] = []
    truth = []
    next_concept = 0
    for a, b in kinds:
        width = max(1, a + b - 1)
        ids = np.arange(next_concept, next_concept + width)
        next_concept += width
        src_ids = tuple(range(len(src), len(src) + a))
        tgt_ids = tuple(range(len(tgt), len(tgt) + b))
        src_cuts = sorted({round(k * width / a) for k in range(1, a)}) if a else []
        tgt_cuts = [g for g in range(1, width) if g not in src_cuts] if b else []
        for part in np.split(ids, src_cuts) if a else []:
            src.append([int(c) for c in part])
        for part in np.split(ids, tgt_cuts) if b else []:
            tgt.append([int(c) for c in part])
        truth.append((src_ids, tgt_ids))
    return src, tgt, truth


# A 1:0, a 1:1 and a 0:1 in a row tie with one 2:2 bead sharing half its content: keep the
# left-out sentences two beads apart.
EVERY_TYPE = [
    (1, 1),
    (2, 1),
    (1, 1),
    (1, 2),
    (1, 1),
    (1, 0),
    (1, 1),
    (1, 1),
    (0, 1),
    (1, 1),
    (2, 2),
    (1, 1),
    (3, 1),
    (1, 1),
    (1, 3),
    (1, 1),
    (2, 3),
    (1, 1),
    (3, 2),
    (1, 1),
    (4, 1),
    (1, 1),
    (1, 4),
    (1, 1),
    (5, 1),
    (1, 1),
    (1, 5),
    (1, 1),
]


def test_every_bead_type_is_recovered() -> None:
    src, tgt, truth = document_from_beads(EVERY_TYPE * 3)
    concepts = concept_vectors(1000)
    model = BeadCostModel(side(src, concepts), side(tgt, concepts), CostParams())
    assert beads_of(best_path(model)) == truth


def test_a_two_two_crossing_is_not_split_into_one_to_ones() -> None:
    # Source [A+B], [C]; target [A], [B+C]: only the 2:2 bead pairs equal content.
    concepts = concept_vectors(10, seed=3)
    src = [[0], [1, 2], [3, 4], [5], [6]]
    tgt = [[0], [1], [2, 3, 4], [5], [6]]
    model = BeadCostModel(side(src, concepts), side(tgt, concepts), CostParams())
    assert beads_of(best_path(model)) == [
        ((0,), (0,)),
        ((1, 2), (1, 2)),
        ((3,), (3,)),
        ((4,), (4,)),
    ]


def test_one_sentence_each_and_single_skips() -> None:
    concepts = concept_vectors(4)
    model = BeadCostModel(side([[0]], concepts), side([[0]], concepts), CostParams())
    assert beads_of(best_path(model)) == [((0,), (0,))]
    model = BeadCostModel(side([[0], [1]], concepts), side([[1]], concepts), CostParams())
    assert beads_of(best_path(model)) == [((0,), ()), ((1,), (0,))]


def test_coarse_to_fine_finds_the_whole_search_optimum() -> None:
    kinds = (EVERY_TYPE * 30)[:420]
    src, tgt, truth = document_from_beads(kinds, seed=1)
    concepts = concept_vectors(4000, seed=2)
    model = BeadCostModel(side(src, concepts), side(tgt, concepts), CostParams())
    n, m = model.shape
    assert (n + 1) * (m + 1) > WHOLE_SEARCH_CELLS  # so best_path goes coarse to fine
    whole = _search(model, Band.whole(n, m)).steps
    banded = best_path(model)
    assert beads_of(banded) == beads_of(whole) == truth
    assert sum(s.cost for s in banded) == pytest.approx(sum(s.cost for s in whole))


class MisleadingCoarse:
    """A cost model whose coarse level describes other documents: the band starts off wrong."""

    def __init__(self, fine: BeadCostModel, decoy: BeadCostModel) -> None:
        self.fine = fine
        self.decoy = decoy

    @property
    def shape(self) -> tuple[int, int]:
        return self.fine.shape

    @property
    def bead_types(self) -> Sequence[tuple[int, int]]:
        return self.fine.bead_types

    def band_costs(self, bead: tuple[int, int], lows: np.ndarray, widths: np.ndarray) -> np.ndarray:
        return self.fine.band_costs(bead, lows, widths)

    def coarser(self) -> CostModel | None:
        return self.decoy.coarser()


def test_a_wrong_coarse_path_widens_the_band_until_the_optimum_fits() -> None:
    concepts = concept_vectors(6000, seed=4)
    src, tgt, truth = document_from_beads([(1, 1)] * 200 + [(0, 1)] * 60 + [(1, 1)] * 200)
    fine = BeadCostModel(side(src, concepts), side(tgt, concepts), CostParams())
    # The decoy puts all target insertions at the start instead of the middle.
    decoy_src, decoy_tgt, _ = document_from_beads([(0, 1)] * 60 + [(1, 1)] * 400)
    decoy = BeadCostModel(side(decoy_src, concepts), side(decoy_tgt, concepts), CostParams())
    assert beads_of(best_path(MisleadingCoarse(fine, decoy), radius=2)) == truth


def test_ten_thousand_identical_sentences_align_one_to_one() -> None:
    vector = concept_vectors(1)
    n = 10_000
    runs = tuple(np.repeat(vector.astype(np.float32), n - k, axis=0) for k in range(3))
    signals = SideSignals(runs, np.full(n, 30.0))
    steps = best_path(BeadCostModel(signals, signals, CostParams()))
    assert beads_of(steps) == [((i,), (i,)) for i in range(n)]


def all_paths(model: BeadCostModel) -> list[tuple[float, list[tuple[int, int, int, int]]]]:
    """Every bead path of a small model with its total cost (exhaustive)."""
    n, m = model.shape
    whole = Band.whole(n, m)
    costs = {t: model.band_costs(t, whole.lows, whole.widths) for t in model.bead_types}
    paths: list[tuple[float, list[tuple[int, int, int, int]]]] = []

    def extend(i: int, j: int, total: float, steps: list[tuple[int, int, int, int]]) -> None:
        if (i, j) == (n, m):
            paths.append((total, steps))
            return
        for a, b in model.bead_types:
            if i + a <= n and j + b <= m:
                extend(i + a, j + b, total + costs[a, b][i + a, j + b], [*steps, (i, j, a, b)])

    extend(0, 0, 0.0, [])
    return paths


def test_best_path_and_gaps_agree_with_exhaustive_search() -> None:
    concepts = concept_vectors(40, seed=5)
    src = [[0], [1], [2, 3], [4], [5]]
    tgt = [[0, 1], [2], [3], [9], [5]]
    model = BeadCostModel(side(src, concepts), side(tgt, concepts), CostParams())
    paths = all_paths(model)
    best_total, best_steps = min(paths, key=lambda p: p[0])
    steps = best_path(model, gaps=True)
    assert [(s.i, s.j, s.a, s.b) for s in steps] == best_steps
    assert sum(s.cost for s in steps) == pytest.approx(best_total)
    others = [t for t in model.bead_types if t != (steps[0].a, steps[0].b)]
    for kind, gap in zip(others, steps[0].gaps, strict=True):
        through = [total for total, p in paths if (p[0][2], p[0][3]) == kind]
        assert gap == pytest.approx(min(through) - best_total)
    for step in steps:
        assert all(gap >= -1e-9 for gap in step.gaps)


def _with_paragraphs(signals: SideSignals, paragraphs: list[int]) -> SideSignals:
    return SideSignals(signals.runs, signals.lengths, None, np.array(paragraphs, dtype=np.int64))


def test_a_paragraph_break_costs_its_penalty_and_never_forbids_a_bead() -> None:
    concepts = concept_vectors(10, seed=7)
    src = [[0], [1], [2], [3]]
    tgt = [[0], [1, 2], [3]]
    plain = BeadCostModel(side(src, concepts), side(tgt, concepts), CostParams())
    assert beads_of(best_path(plain))[1] == ((1, 2), (1,))
    split = _with_paragraphs(side(src, concepts), [0, 0, 1, 1])
    tgt_split = _with_paragraphs(side(tgt, concepts), [0, 0, 1])
    params = CostParams()
    model = BeadCostModel(split, tgt_split, params)
    # The 2:1 bead crosses one source break (between sentences 1 and 2): it costs the penalty
    # more than without paragraphs, and the content still wins: translators move sentences.
    lows, widths = np.zeros(5, dtype=np.int64), np.full(5, 4, dtype=np.int64)
    crossing = model.band_costs((2, 1), lows, widths)[3, 2]
    expected = plain.band_costs((2, 1), lows, widths)[3, 2] + params.paragraph_penalty
    assert params.paragraph_penalty > 0 and crossing == pytest.approx(expected)
    assert ((1, 2), (1,)) in beads_of(best_path(model))
    # A penalty that forbade crossings (the old 2.0) would split the bead: the test can fail.
    strict = BeadCostModel(split, tgt_split, CostParams(paragraph_penalty=2.0))
    assert ((1, 2), (1,)) not in beads_of(best_path(strict))


def test_anchors_decide_which_equal_sentences_merge() -> None:
    vector = concept_vectors(1).astype(np.float32)

    def flat(anchors: list[list[int]]) -> SideSignals:
        n = len(anchors)
        runs = tuple(np.repeat(vector, n - k, axis=0) for k in range(min(3, n)))
        matrix = np.zeros((n, 4), dtype=np.float32)
        for row, ids in enumerate(anchors):
            matrix[row, ids] = 1.0
        return SideSignals(runs, np.full(n, 100.0), matrix)

    src = flat([[0], [1], [2], [3]])
    blind = []
    for merged in range(3):
        groups = [[k] for k in range(4)]
        groups[merged : merged + 2] = [[merged, merged + 1]]
        beads = beads_of(best_path(BeadCostModel(src, flat(groups), CostParams())))
        assert ((merged, merged + 1), (merged,)) in beads
        without = replace(CostParams(), anchor_weight=0.0)
        blind.append(beads_of(best_path(BeadCostModel(src, flat(groups), without))))
    assert blind[0] == blind[1] == blind[2]  # without anchors nothing tells the cases apart


def test_continuation_cues_mark_sentences_cut_in_two() -> None:
    sentences = ["One .", "two goes on", "Three ;", "Four", "وهذا ما حدث؛", "تابع", "(a) x"]
    # lower-case start; none; after ";"; none (no case in Arabic); after "؛"; lower-case start
    assert continuation_cues(sentences).tolist() == [0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]
    assert continuation_cues(["a ;", "b"]).tolist() == [0.0, 2.0]
    assert continuation_cues([]).tolist() == []


def test_a_continuation_cue_decides_which_equal_pieces_join() -> None:
    vector = concept_vectors(1).astype(np.float32)

    def flat(n: int, cued: int | None = None) -> SideSignals:
        runs = tuple(np.repeat(vector, n - k, axis=0) for k in range(min(5, n)))
        continues = np.zeros(n)
        if cued is not None:
            continues[cued] = 1.0
        return SideSignals(runs, np.full(n, 100.0), continues=continues)

    src = flat(3)
    blind = []
    for joined in range(3):
        # Target sentence joined + 1 continues sentence joined: they belong to one bead.
        beads = beads_of(best_path(BeadCostModel(src, flat(4, joined + 1), CostParams())))
        assert ((joined,), (joined, joined + 1)) in beads
        without = replace(CostParams(), continuation_penalty=0.0)
        blind.append(beads_of(best_path(BeadCostModel(src, flat(4, joined + 1), without))))
    assert blind[0] == blind[1] == blind[2]  # without the penalty nothing tells them apart


def test_neg_log_erfc_matches_math() -> None:
    import math

    xs = np.array([0.0, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0])
    expected = np.array([-math.log(math.erfc(x)) for x in xs])
    assert np.allclose(neg_log_erfc(xs), expected, rtol=1e-6, atol=1e-7)
    assert np.isfinite(neg_log_erfc(np.array([40.0])))[0]  # erfc underflows here


def test_bead_types_are_limited_by_document_size() -> None:
    concepts = concept_vectors(4)
    model = BeadCostModel(side([[0]], concepts), side([[0], [1]], concepts), CostParams())
    assert set(model.bead_types) == {(1, 1), (1, 0), (0, 1), (1, 2)}
    assert set(ALL_BEAD_TYPES) >= set(model.bead_types)
