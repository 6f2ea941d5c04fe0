"""Least-cost bead path through two documents: a banded, coarse-to-fine dynamic programme.

Nodes are pairs (i, j) of sentence boundaries, 0 ≤ i ≤ n, 0 ≤ j ≤ m; a bead of type (a, b) goes
from (i - a, j - b) to (i, j) and its cost comes from a `CostModel`. The search keeps, for each
source boundary i, a window lows[i] ≤ j < lows[i] + widths[i] of target boundaries (the band), so
time and memory are O((n + 1) · band width).

Coarse to fine (Vecalign's idea): the cost model offers a coarser copy of itself, each side's
sentences paired up (half the length); its path, recursively found, doubled and widened by a
`radius`, is the band at this level; a level of at most WHOLE_SEARCH_CELLS nodes is searched
whole. Should the path come within one node of a band edge that is not a document edge, the
radius doubles and the level is searched again: a coarse path that put the band in the wrong
place shows as a fine path pressed against the band's edge, and costs time rather than accuracy.

Each row is one vectorised step: every bead type with a ≥ 1 reads a shifted slice of an earlier
row; 0:1 beads stay in the row, and their chain D[o] = min(best[o], D[o-1] + c[o]) is a prefix
minimum, `S[o] + minimum.accumulate(best - S)` with S the running sum of c.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final, Protocol

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BeadType = tuple[int, int]

DEFAULT_RADIUS: Final = 8  # half-width, in sentences, of the band around a projected coarse path
WHOLE_SEARCH_CELLS: Final = 160_000  # at most this many nodes: search the whole matrix
_INF: Final = np.inf


class CostModel(Protocol):
    """Bead costs for one pair of documents at one resolution."""

    @property
    def shape(self) -> tuple[int, int]:
        """Return (n, m): source and target sentence (or block) counts."""
        ...

    @property
    def bead_types(self) -> Sequence[BeadType]:
        """Return the bead types (a, b) the path may use; (0, 0) is never one of them."""
        ...

    def band_costs(self, bead: BeadType, lows: IntArray, widths: IntArray) -> FloatArray:
        """Return (n + 1, max width) costs of the bead ending at (i, lows[i] + o); inf if none."""
        ...

    def coarser(self) -> CostModel | None:
        """Return this model with both sides' items paired up, or None to search it whole."""
        ...


@dataclass(frozen=True)
class PathStep:
    """One bead of the best path: it starts at node (i, j), has type (a, b) and this cost.

    gaps (filled on request, see `best_path`): for every other bead type that could start at
    (i, j), how much more the best path through it would cost (inf where none fits the band).
    """

    i: int
    j: int
    a: int
    b: int
    cost: float
    gaps: tuple[float, ...] = ()


@dataclass(frozen=True)
class Band:
    """Per source boundary i, the target boundaries lows[i] .. lows[i] + widths[i] - 1."""

    lows: IntArray
    widths: IntArray

    @classmethod
    def whole(cls, n: int, m: int) -> Band:
        """Return the band holding every node."""
        return cls(np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m + 1, dtype=np.int64))

    @classmethod
    def around(cls, centre_lows: IntArray, centre_highs: IntArray, m: int, radius: int) -> Band:
        """Return the monotone, connected band covering [low - radius, high + radius] per row."""
        lows = np.clip(centre_lows - radius, 0, m)
        highs = np.clip(centre_highs + radius, 0, m)
        # Monotone edges keep every node reachable: lows may only grow, highs too.
        lows = np.minimum.accumulate(lows[::-1])[::-1]
        highs = np.maximum.accumulate(highs)
        lows[0] = 0
        highs[-1] = m
        lows[1:] = np.minimum(lows[1:], highs[:-1])
        return cls(lows.astype(np.int64), (highs - lows + 1).astype(np.int64))

    def edge_touched(self, steps: Sequence[PathStep], m: int) -> bool:
        """Return True if a node of the path lies within one of an inner band edge."""
        i = np.array([s.i for s in steps], dtype=np.int64)
        j = np.array([s.j for s in steps], dtype=np.int64)
        lows = self.lows[i]
        highs = lows + self.widths[i] - 1
        near_low = (lows > 0) & (j - lows <= 1)
        near_high = (highs < m) & (highs - j <= 1)
        return bool(np.any(near_low | near_high))


@dataclass
class _Level:
    """One searched level: its band, bead types, their band costs and the best path."""

    band: Band
    types: list[BeadType]
    costs: list[FloatArray]
    steps: list[PathStep]


def _search(model: CostModel, band: Band) -> _Level:
    """Return the least-cost path from (0, 0) to (n, m) through the band."""
    n, m = model.shape
    types = list(model.bead_types)
    lows, widths = band.lows, band.widths
    width = int(widths.max())
    costs = [model.band_costs(bead, lows, widths) for bead in types]
    best_cost = np.full((n + 1, width), _INF)
    back = np.full((n + 1, width), -1, dtype=np.int8)
    skip = types.index((0, 1)) if (0, 1) in types else -1
    vertical = [(t, a, b) for t, (a, b) in enumerate(types) if a > 0]
    for i in range(n + 1):
        low = int(lows[i])
        row_width = int(widths[i])
        best = np.full(row_width, _INF)
        choice = np.full(row_width, -1, dtype=np.int8)
        if i == 0 and low == 0:
            best[0] = 0.0
        for t, a, b in vertical:
            if i < a:
                continue
            prev = i - a
            # Row i, column o is node j = low + o; it comes from (prev, j - b) = prev's o - shift.
            shift = int(lows[prev]) + b - low
            first = max(0, shift)
            last = min(row_width, int(widths[prev]) + shift)
            if first >= last:
                continue
            cand = best_cost[prev, first - shift : last - shift] + costs[t][i, first:last]
            target = best[first:last]
            better = cand < target
            target[better] = cand[better]
            choice[first:last][better] = t
        if skip >= 0 and row_width > 1:
            # D[o] = min(best[o], D[o-1] + c[o]) = S[o] + min over p <= o of (best[p] - S[p]).
            running = np.concatenate(([0.0], np.cumsum(costs[skip][i, 1:row_width])))
            relative = best - running
            reached = np.minimum.accumulate(relative)
            from_left = reached < relative
            best = np.where(from_left, reached + running, best)
            choice[from_left] = skip
        best_cost[i, :row_width] = best
        back[i, :row_width] = choice
    if not np.isfinite(best_cost[n, m - int(lows[n])]):
        raise RuntimeError("no path through the band")  # a band built by Band cannot do this
    steps: list[PathStep] = []
    i, j = n, m
    while i > 0 or j > 0:
        t = int(back[i, j - int(lows[i])])
        a, b = types[t]
        cost = float(costs[t][i, j - int(lows[i])])
        i -= a
        j -= b
        steps.append(PathStep(i, j, a, b, cost))
    steps.reverse()
    return _Level(band, types, costs, steps)


def _cost_to_go(level: _Level, n: int, m: int) -> FloatArray:
    """Return per band node the least cost from it to (n, m): the search run backwards."""
    lows, widths = level.band.lows, level.band.widths
    rest = np.full((n + 1, int(widths.max())), _INF)
    types = level.types
    skip = types.index((0, 1)) if (0, 1) in types else -1
    for i in range(n, -1, -1):
        low = int(lows[i])
        row_width = int(widths[i])
        best = np.full(row_width, _INF)
        if i == n:
            best[m - low] = 0.0
        for t, (a, b) in enumerate(types):
            if a == 0 or i + a > n:
                continue
            after = i + a
            # Node (i, low + o) leads to (after, low + o + b) = after's column o - shift.
            shift = int(lows[after]) - low - b
            first = max(0, shift)
            last = min(row_width, int(widths[after]) + shift)
            if first >= last:
                continue
            cols = slice(first - shift, last - shift)
            np.minimum(
                best[first:last],
                level.costs[t][after, cols] + rest[after, cols],
                out=best[first:last],
            )
        if skip >= 0 and row_width > 1:
            # R[o] = min(best[o], c[o+1] + R[o+1]) = min over q >= o of (best[q] + P[q]) - P[o].
            prefix = np.concatenate(([0.0], np.cumsum(level.costs[skip][i, 1:row_width])))
            best = np.minimum.accumulate((best + prefix)[::-1])[::-1] - prefix
        rest[i, :row_width] = best
    return rest


def _with_gaps(level: _Level, n: int, m: int) -> list[PathStep]:
    """Return the level's steps with their gaps to the other bead types at each start node."""
    rest = _cost_to_go(level, n, m)
    lows, widths = level.band.lows, level.band.widths
    steps = []
    for step in level.steps:
        chosen = _INF
        others: list[float] = []
        for t, (a, b) in enumerate(level.types):
            end_i, end_j = step.i + a, step.j + b
            column = end_j - int(lows[end_i]) if end_i <= n else -1
            value = _INF
            if end_i <= n and end_j <= m and 0 <= column < int(widths[end_i]):
                value = float(level.costs[t][end_i, column] + rest[end_i, column])
            if (a, b) == (step.a, step.b):
                chosen = value
            else:
                others.append(value)
        steps.append(replace(step, gaps=tuple(v - chosen for v in others)))
    return steps


def _project(
    steps: Sequence[PathStep], coarse_shape: tuple[int, int], n: int
) -> tuple[IntArray, IntArray]:
    """Return per fine row the lowest and highest fine column the doubled coarse path visits."""
    lows = np.full(n + 1, np.iinfo(np.int64).max, dtype=np.int64)
    highs = np.full(n + 1, -1, dtype=np.int64)
    nodes = [(s.i, s.j) for s in steps] + [coarse_shape]
    for ci, cj in nodes:
        for fine_i in (2 * ci - 1, 2 * ci, 2 * ci + 1):
            if 0 <= fine_i <= n:
                lows[fine_i] = min(lows[fine_i], 2 * cj)
                highs[fine_i] = max(highs[fine_i], 2 * cj)
    # Rows between nodes of a long 1:0 run in the coarse path inherit their neighbours' columns.
    unset = highs < 0
    if np.any(unset):
        filled = np.where(unset, 0, highs)
        highs = np.maximum.accumulate(filled)
        lows = np.where(unset, np.iinfo(np.int64).max, lows)
        lows = np.minimum.accumulate(lows[::-1])[::-1]
    return lows, highs


def _best_level(model: CostModel, radius: int) -> _Level:
    """Return the searched finest level of the model, its band found coarse to fine."""
    n, m = model.shape
    coarse = model.coarser() if (n + 1) * (m + 1) > WHOLE_SEARCH_CELLS else None
    if coarse is None:
        return _search(model, Band.whole(n, m))
    coarse_steps = _best_level(coarse, radius).steps
    centre_lows, centre_highs = _project(coarse_steps, coarse.shape, n)
    centre_lows = np.minimum(centre_lows, m)
    centre_highs = np.minimum(centre_highs, m)
    while True:
        band = Band.around(centre_lows, centre_highs, m, radius)
        level = _search(model, band)
        if int(band.widths.min()) == m + 1 or not band.edge_touched(level.steps, m):
            return level
        radius *= 2


def best_path(
    model: CostModel, radius: int = DEFAULT_RADIUS, *, gaps: bool = False
) -> list[PathStep]:
    """Return the least-cost bead path of the model, searched coarse to fine.

    With gaps, each step also says how much worse every other bead type at its start would be
    (one more backward pass over the finest band).
    """
    if radius < 1:
        raise ValueError("radius must be at least 1")
    level = _best_level(model, radius)
    if not gaps:
        return level.steps
    n, m = model.shape
    return _with_gaps(level, n, m)
