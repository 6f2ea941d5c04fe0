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

import numpy as np
import numpy.typing as npt

from annotator.alignment.gale_church import PRIORS, VARIANCE

FloatArray = npt.NDArray[np.float64]

BLOCK_ROWS = 2048  # rows whose bead costs are held at once: memory O(block · band)


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


def cost_to_go(
    src_lengths: Sequence[int],
    tgt_lengths: Sequence[int],
    lows: Sequence[int],
    highs: Sequence[int],
    char_ratio: float,
) -> list[FloatArray]:
    """Return, per source boundary i, the least cost from each band node (i, j) to (n, m).

    Every bead cost of every band node is computed up front in a few array operations; the
    programme then walks the rows from the end, each row a handful of gathers and minimums.
    """
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
    best_all = np.full(total, np.inf)
    rows: list[FloatArray] = [np.empty(0)] * (n + 1)
    for block_end in range(n + 1, 0, -BLOCK_ROWS):  # costs of a block of rows at a time
        first = max(0, block_end - BLOCK_ROWS)
        widths = width[first:block_end]
        i_of = np.repeat(np.arange(first, block_end), widths)  # each node's boundary i
        j_of = (  # and its j
            np.arange(int(offset[first]), int(offset[block_end]))
            - np.repeat(offset[first:block_end], widths)
            + np.repeat(low[first:block_end], widths)
        )
        moves = []  # per bead type: cost per node (inf where impossible) and the node it reaches
        for (a, b), p in prior.items():
            if a == 0:
                continue  # 0:1 stays in the row: done below, in order
            to_i, to_j = i_of + a, j_of + b
            ok = (to_i <= n) & (to_j <= m)
            safe_i = np.where(ok, to_i, 0)
            ok &= (to_j >= low[safe_i]) & (to_j <= high[safe_i])
            safe_j = np.where(ok, to_j, low[safe_i])
            s = src_prefix[np.minimum(to_i, n)] - src_prefix[i_of]
            t = tgt_prefix[np.minimum(to_j, m)] - tgt_prefix[j_of]
            cost = np.where(ok, p + _cost(c * s - t, s + t / c), np.inf)
            moves.append((cost, offset[safe_i] + safe_j - low[safe_i]))
        t = tgt_prefix[np.minimum(j_of + 1, m)] - tgt_prefix[j_of]
        step_all = prior[0, 1] + _cost(-t, t / c)  # 0:1 from (i, j) to (i, j + 1)
        base = int(offset[first])
        for i in range(block_end - 1, first - 1, -1):
            lo, hi = int(offset[i]), int(offset[i + 1])
            here = slice(lo - base, hi - base)
            best = np.full(hi - lo, np.inf)
            if i == n:
                best[-1] = 0.0  # (n, m): the end
            else:
                for cost, target in moves:
                    np.minimum(best, cost[here] + best_all[target[here]], out=best)
            if hi - lo > 1:  # 0:1 in the row: best[j] = min(best[j], step[j] + best[j + 1])
                prefix = np.concatenate(([0.0], np.cumsum(step_all[lo - base : hi - base - 1])))
                reach = np.minimum.accumulate((best + prefix)[::-1])[::-1]
                best = np.minimum(best, reach - prefix)
            best_all[lo:hi] = best
            rows[i] = best
    return rows
