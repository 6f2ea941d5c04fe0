"""The Gale–Church cost-to-go table computed a row at a time with numpy, for long documents.

The same dynamic programme as `gale_church._cost_to_go` (same band, same bead costs), with each
row's transitions as array operations: a 100,000-sentence pair takes seconds instead of minutes.
-log(erfc(x)) comes from a rational approximation (Numerical Recipes' erfcc, relative error under
1.2e-7) evaluated in the log domain, so it never underflows; the plain version stays the one
for short documents, where it is exact.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from annotator.alignment.beads import AlignedBead
from annotator.alignment.gale_church import PRIORS, VARIANCE, near_edge

FloatArray = npt.NDArray[np.float64]

BLOCK_ROWS = 512  # rows whose bead costs are held at once: memory O(block · band)


def neg_log_erfc(x: FloatArray) -> FloatArray:
    """Return -log(erfc(x)) for x >= 0, to about 1e-7 absolute."""
    t = 1.0 / (1.0 + 0.5 * x)
    poly = -1.26551223 + t * (
        1.00002368
        + t
        * (
            0.37409196
            + t
            * (
                0.09678418
                + t
                * (
                    -0.18628806
                    + t
                    * (
                        0.27886807
                        + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))
                    )
                )
            )
        )
    )
    result: FloatArray = x * x - poly - np.log(t)
    return result


def _cost(numerator: FloatArray, spread: FloatArray) -> FloatArray:
    """Return the match cost of |c·l1 - l2| over sqrt(s² · (l1 + l2/c)) (a zero spread is 1)."""
    root = np.sqrt(VARIANCE * spread)
    return neg_log_erfc(np.abs(numerator) / np.where(root == 0.0, 1.0, root))


# The bead types in gale_church._KINDS order: a tie goes to the first, as there.
KINDS = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2))


@dataclass
class _Table:
    """The programme's result over the band's nodes, row after row (offset[i] starts row i)."""

    offset: npt.NDArray[np.int64]
    choice: npt.NDArray[np.int8]  # the KINDS index of the best next bead
    weight: npt.NDArray[np.float32]  # sum over beads of exp(best - their total): 1 / score


def _table(
    src_lengths: Sequence[int],
    tgt_lengths: Sequence[int],
    lows: Sequence[int],
    highs: Sequence[int],
    char_ratio: float,
) -> _Table:
    n, m = len(src_lengths), len(tgt_lengths)
    prior = {kind: -math.log(p) for kind, p in PRIORS.items()}
    c = char_ratio
    low = np.asarray(lows, dtype=np.int64)
    high = np.asarray(highs, dtype=np.int64)
    width = high - low + 1
    offset = np.concatenate(([0], np.cumsum(width)))
    total = int(offset[-1])
    src_prefix = np.concatenate(([0.0], np.cumsum(np.asarray(src_lengths, dtype=np.float64))))
    tgt_prefix = np.concatenate(([0.0], np.cumsum(np.asarray(tgt_lengths, dtype=np.float64))))
    # Least costs to the end are kept only for the block and the two rows after it (its
    # beads' ends): a 100,000-sentence pair would hold 65 MB of them otherwise.
    window = np.empty(0)
    choice_all = np.zeros(total, dtype=np.int8)
    weight_all = np.ones(total, dtype=np.float32)
    for block_end in range(n + 1, 0, -BLOCK_ROWS):  # costs of a block of rows at a time
        first = max(0, block_end - BLOCK_ROWS)
        base = int(offset[first])
        carried = int(offset[min(block_end + 2, n + 1)] - offset[block_end])
        window = np.concatenate((np.full(int(offset[block_end]) - base, np.inf), window[:carried]))
        widths = width[first:block_end]
        i_of = np.repeat(np.arange(first, block_end), widths)  # each node's boundary i
        j_of = (  # and its j
            np.arange(int(offset[first]), int(offset[block_end]))
            - np.repeat(offset[first:block_end], widths)
            + np.repeat(low[first:block_end], widths)
        )
        kinds = [kind for kind in KINDS if kind != (0, 1)]  # 0:1 stays in the row: below
        costs = np.empty((len(kinds), len(i_of)))
        targets = np.empty((len(kinds), len(i_of)), dtype=np.int64)
        for k, (a, b) in enumerate(kinds):  # each node's cost (inf where impossible), target
            to_i, to_j = i_of + a, j_of + b
            ok = (to_i <= n) & (to_j <= m)
            safe_i = np.where(ok, to_i, 0)
            ok &= (to_j >= low[safe_i]) & (to_j <= high[safe_i])
            safe_j = np.where(ok, to_j, low[safe_i])
            s = src_prefix[np.minimum(to_i, n)] - src_prefix[i_of]
            t = tgt_prefix[np.minimum(to_j, m)] - tgt_prefix[j_of]
            costs[k] = np.where(ok, prior[a, b] + _cost(c * s - t, s + t / c), np.inf)
            targets[k] = np.where(ok, offset[safe_i] + safe_j - low[safe_i] - base, 0)
        t = tgt_prefix[np.minimum(j_of + 1, m)] - tgt_prefix[j_of]
        step_all = prior[0, 1] + _cost(-t, t / c)  # 0:1 from (i, j) to (i, j + 1)
        for i in range(block_end - 1, first - 1, -1):  # the rows in order: only the minimums
            lo, hi = int(offset[i]), int(offset[i + 1])
            here = slice(lo - base, hi - base)
            if i == n:
                best = np.full(hi - lo, np.inf)
                best[-1] = 0.0  # (n, m): the end
            else:
                best = (costs[:, here] + window[targets[:, here]]).min(axis=0)
            if hi - lo > 1:  # 0:1 in the row: best[j] = min(best[j], step[j] + best[j + 1])
                prefix = np.concatenate(([0.0], np.cumsum(step_all[lo - base : hi - base - 1])))
                reach = np.minimum.accumulate((best + prefix)[::-1])[::-1]
                best = np.minimum(best, reach - prefix)
            window[lo - base : hi - base] = best
        # every bead's total from each node of the block, now that the rows are final
        nodes = slice(base, int(offset[block_end]))
        totals = np.empty((len(KINDS), len(i_of)))
        totals[[KINDS.index(kind) for kind in kinds]] = costs + window[targets]
        after = np.append(window[1 : len(i_of)], np.inf)
        last_in_row = np.zeros(len(i_of), dtype=bool)
        last_in_row[offset[first + 1 : block_end + 1] - base - 1] = True
        totals[KINDS.index((0, 1))] = np.where(last_in_row, np.inf, step_all + after)
        choice_all[nodes] = totals.argmin(axis=0)
        with np.errstate(invalid="ignore"):  # unreachable nodes: inf - inf
            weight_all[nodes] = np.exp(totals.min(axis=0) - totals).sum(axis=0)
    return _Table(offset, choice_all, weight_all)


def best_path(
    src_lengths: Sequence[int],
    tgt_lengths: Sequence[int],
    lows: Sequence[int],
    highs: Sequence[int],
    char_ratio: float,
) -> tuple[list[AlignedBead], bool]:
    """Return what gale_church._best_path returns, from the table's stored choices and weights."""
    n, m = len(src_lengths), len(tgt_lengths)
    table = _table(src_lengths, tgt_lengths, lows, highs, char_ratio)
    offset = table.offset.tolist()
    choice, weight = table.choice, table.weight
    beads: list[AlignedBead] = []
    touched = False
    i = j = 0
    while i < n or j < m:
        node = offset[i] + j - lows[i]
        a, b = KINDS[choice[node]]
        beads.append(
            AlignedBead(tuple(range(i, i + a)), tuple(range(j, j + b)), 1.0 / float(weight[node]))
        )
        i += a
        j += b
        touched = touched or near_edge(i, j, lows, highs, n, m)
    return beads, touched
