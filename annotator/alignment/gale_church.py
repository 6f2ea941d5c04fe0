"""Gale & Church (1993) sentence alignment from sentence lengths, banded around the diagonal.

Model: a bead of a source and b target sentences, with l1 and l2 characters, costs
-log(prior(a, b)) - log(2 · (1 - Φ(|δ|))), with δ = (c·l1 - l2) / sqrt(s² · (l1 + l2/c) / 2).
Using the mean of both lengths in the variance (as the authors' own program does, rather than
l1 alone as in the paper's formula) keeps δ defined for 0:1 beads and makes the cost symmetric.

The search is a dynamic programme over (source, target) sentence boundaries restricted to a band
around the diagonal, the diagonal following the cumulative character lengths of both sides; while
the best path comes within one sentence of a band edge the band is doubled and the search redone.
Memory is O(n · band). One backward pass stores each node's least cost to the end; the path is then
walked forwards, which also gives each bead's score (see `_best_path`).
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections.abc import Sequence
from typing import Final

from annotator.alignment.beads import AlignedBead

# Table 5 of Gale & Church (1993), used as the authors' program and NLTK use it: each bead type of
# a category gets the category's probability (1:0 and 0:1 both 0.0099, 2:1 and 1:2 both 0.089).
PRIORS: Final[dict[tuple[int, int], float]] = {
    (1, 1): 0.89,
    (1, 0): 0.0099,
    (0, 1): 0.0099,
    (2, 1): 0.089,
    (1, 2): 0.089,
    (2, 2): 0.011,
}
CHAR_RATIO: Final = 1.0  # c: expected target characters per source character
VARIANCE: Final = 6.8  # s²: variance of target characters per source character
DEFAULT_BAND: Final = 10  # initial half-width of the search band, in sentences
# A path this close to a band edge counts as touching it: on Text+Berg test1 the optimum leaves a
# 10-wide band by 6 sentences while the banded optimum stays 1 sentence inside the edge.
EDGE_MARGIN: Final = 1

# Band nodes above which the table is computed with numpy (gale_church_rows), to 1e-7.
VECTOR_NODES: Final = 200_000
# Over this many source sentences the band starts LONG_BAND wide: the lengths drift like a
# random walk over a long document, so a narrow band is redone (doubled) at least once.
LONG_DOCUMENT: Final = 50_000
LONG_BAND: Final = 40

_INF: Final = math.inf
_SQRT_PI: Final = math.sqrt(math.pi)


def _neg_log_erfc(x: float) -> float:
    """Return -log(erfc(x)) for x >= 0, with the asymptotic series where erfc underflows."""
    if x < 25.0:
        return -math.log(math.erfc(x))
    inv = 1.0 / (x * x)
    return x * x + math.log(x * _SQRT_PI) - math.log(1.0 - 0.5 * inv + 0.75 * inv * inv)


def match_cost(l1: int, l2: int, char_ratio: float = CHAR_RATIO) -> float:
    """Return -log P(δ | match) = -log(2(1 - Φ(|δ|))) for l1 source and l2 target characters."""
    # 2(1 - Φ(z)) = erfc(z / √2), and z / √2 = |c·l1 - l2| / sqrt(s² · (l1 + l2/c)); when both
    # lengths are 0 the numerator is 0 and `or 1.0` only avoids dividing by zero.
    x = abs(char_ratio * l1 - l2) / (math.sqrt(VARIANCE * (l1 + l2 / char_ratio)) or 1.0)
    return _neg_log_erfc(x)


def _band_limits(
    src_prefix: Sequence[int], tgt_prefix: Sequence[int], half_width: int
) -> tuple[list[int], list[int]]:
    """Return per source boundary i the lowest and highest target boundary the search visits."""
    n = len(src_prefix) - 1
    m = len(tgt_prefix) - 1
    src_total = src_prefix[-1]
    tgt_total = tgt_prefix[-1]
    lows: list[int] = []
    highs: list[int] = []
    for i in range(n + 1):
        if src_total > 0 and tgt_total > 0:
            # The target boundary whose cumulative length is nearest the scaled source length.
            wanted = src_prefix[i] * tgt_total / src_total
            j = bisect_left(tgt_prefix, wanted)
            if j > 0 and wanted - tgt_prefix[j - 1] <= tgt_prefix[min(j, m)] - wanted:
                j -= 1
            centre = min(j, m)
        else:
            centre = round(i * m / n) if n else m
        low = max(0, centre - half_width)
        high = min(m, centre + half_width)
        if highs:
            low = min(max(low, lows[-1]), highs[-1])  # stay monotone and connected
            high = max(high, highs[-1])
        lows.append(low)
        highs.append(high)
    lows[0] = 0
    highs[-1] = m
    return lows, highs


def _cost_to_go(
    src_lengths: Sequence[int],
    tgt_lengths: Sequence[int],
    lows: Sequence[int],
    highs: Sequence[int],
    char_ratio: float,
) -> list[array[float]]:
    """Return, per source boundary i, the least cost from each band node (i, j) to (n, m).

    The bead costs are `match_cost` inlined, with the same float operations in the same order, so
    that `_best_path` recomputes exactly these sums.
    """
    n = len(src_lengths)
    m = len(tgt_lengths)
    prior = {kind: -math.log(p) for kind, p in PRIORS.items()}
    p11, p10, p01 = prior[1, 1], prior[1, 0], prior[0, 1]
    p21, p12, p22 = prior[2, 1], prior[1, 2], prior[2, 2]
    c = char_ratio
    v = VARIANCE
    log, erfc, sqrt, tail = math.log, math.erfc, math.sqrt, _neg_log_erfc
    inf = _INF
    # Per target boundary j: characters of the next one and next two target sentences, and /c.
    one = [*tgt_lengths, 0]
    two = [one[j] + one[j + 1] for j in range(m)] + [0]
    one_c = [t / c for t in one]
    two_c = [t / c for t in two]
    empty: array[float] = array("d")
    rows: list[array[float]] = [empty] * (n + 1)
    for i in range(n, -1, -1):
        low, high = lows[i], highs[i]
        row = [inf] * (high - low + 1)
        has1 = i < n
        has2 = i + 1 < n
        s1 = src_lengths[i] if has1 else 0
        s2 = s1 + src_lengths[i + 1] if has2 else 0
        cs1 = c * s1
        cs2 = c * s2
        next1, low1, high1 = (rows[i + 1], lows[i + 1], highs[i + 1]) if has1 else (empty, 0, -1)
        next2, low2, high2 = (rows[i + 2], lows[i + 2], highs[i + 2]) if has2 else (empty, 0, -1)
        for j in range(high, low - 1, -1):
            best = 0.0 if i == n and j == m else inf
            t1, t1c, t2, t2c = one[j], one_c[j], two[j], two_c[j]
            if j < high:  # 0:1, to (i, j + 1) in this row
                rest = row[j + 1 - low]
                if rest < inf:
                    x = t1 / (sqrt(v * t1c) or 1.0)
                    total = p01 + (-log(erfc(x)) if x < 25.0 else tail(x)) + rest
                    best = min(best, total)
            if has1:
                if low1 <= j <= high1:  # 1:0
                    rest = next1[j - low1]
                    if rest < inf:
                        x = cs1 / (sqrt(v * s1) or 1.0)
                        total = p10 + (-log(erfc(x)) if x < 25.0 else tail(x)) + rest
                        best = min(best, total)
                if j < m and low1 <= j + 1 <= high1:  # 1:1
                    rest = next1[j + 1 - low1]
                    if rest < inf:
                        x = abs(cs1 - t1) / (sqrt(v * (s1 + t1c)) or 1.0)
                        total = p11 + (-log(erfc(x)) if x < 25.0 else tail(x)) + rest
                        best = min(best, total)
                if j + 1 < m and low1 <= j + 2 <= high1:  # 1:2
                    rest = next1[j + 2 - low1]
                    if rest < inf:
                        x = abs(cs1 - t2) / (sqrt(v * (s1 + t2c)) or 1.0)
                        total = p12 + (-log(erfc(x)) if x < 25.0 else tail(x)) + rest
                        best = min(best, total)
            if has2:
                if j < m and low2 <= j + 1 <= high2:  # 2:1
                    rest = next2[j + 1 - low2]
                    if rest < inf:
                        x = abs(cs2 - t1) / (sqrt(v * (s2 + t1c)) or 1.0)
                        total = p21 + (-log(erfc(x)) if x < 25.0 else tail(x)) + rest
                        best = min(best, total)
                if j + 1 < m and low2 <= j + 2 <= high2:  # 2:2
                    rest = next2[j + 2 - low2]
                    if rest < inf:
                        x = abs(cs2 - t2) / (sqrt(v * (s2 + t2c)) or 1.0)
                        total = p22 + (-log(erfc(x)) if x < 25.0 else tail(x)) + rest
                        best = min(best, total)
            row[j - low] = best
        rows[i] = array("d", row)
    return rows


_KINDS: Final = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2))


def _best_path(
    src_lengths: Sequence[int],
    tgt_lengths: Sequence[int],
    lows: Sequence[int],
    highs: Sequence[int],
    rows: Sequence[array[float]],
    char_ratio: float,
) -> tuple[list[AlignedBead], bool]:
    """Walk the least-cost path from (0, 0); return its beads and whether it neared a band edge.

    A bead's score is the softmax, over the bead types possible where it starts, of minus (bead
    cost + least cost of the rest): the model's confidence that this bead is the next step.
    """
    n = len(src_lengths)
    m = len(tgt_lengths)
    prior = {kind: -math.log(p) for kind, p in PRIORS.items()}
    beads: list[AlignedBead] = []
    touched = False
    i = j = 0
    while i < n or j < m:
        options: list[tuple[float, int, int]] = []
        for a, b in _KINDS:
            ni, nj = i + a, j + b
            if ni > n or nj > m or not lows[ni] <= nj <= highs[ni]:
                continue
            rest = rows[ni][nj - lows[ni]]
            if rest < _INF:
                l1 = sum(src_lengths[i:ni])
                l2 = sum(tgt_lengths[j:nj])
                options.append((prior[a, b] + match_cost(l1, l2, char_ratio) + rest, a, b))
        total, a, b = min(options, key=lambda option: option[0])
        weight = sum(math.exp(total - other) for other, _, _ in options)
        beads.append(AlignedBead(tuple(range(i, i + a)), tuple(range(j, j + b)), 1.0 / weight))
        i += a
        j += b
        touched = touched or near_edge(i, j, lows, highs, n, m)
    return beads, touched


def near_edge(i: int, j: int, lows: Sequence[int], highs: Sequence[int], n: int, m: int) -> bool:
    """Tell whether node (i, j) of a path is within EDGE_MARGIN of its band's edge."""
    near_low = lows[i] > 0 and j - lows[i] <= EDGE_MARGIN
    near_high = highs[i] < m and highs[i] - j <= EDGE_MARGIN
    return (near_low or near_high) and (i, j) != (n, m)


def align_lengths(
    src_lengths: Sequence[int],
    tgt_lengths: Sequence[int],
    *,
    band: int | None = None,
    char_ratio: float = CHAR_RATIO,
) -> list[AlignedBead]:
    """Align two documents given their sentence lengths; the beads partition both sides in order.

    band is the initial half-width of the search band in target sentences (default DEFAULT_BAND,
    multiplied by m/n when the target has more sentences); it doubles while the best path comes
    within one sentence of its edge. char_ratio is c. Each bead's score in [0, 1] is the model's
    confidence in it (see `_best_path`); beads forced by an empty side score 1.
    """
    if any(length < 0 for length in (*src_lengths, *tgt_lengths)):
        raise ValueError("sentence lengths must not be negative")
    if char_ratio <= 0:
        raise ValueError("char_ratio must be positive")
    n = len(src_lengths)
    m = len(tgt_lengths)
    if n == 0 or m == 0:
        # The only possible alignment, hence score 1.
        deleted = [AlignedBead((i,), (), 1.0) for i in range(n)]
        return deleted + [AlignedBead((), (j,), 1.0) for j in range(m)]
    if band is not None and band < 1:
        raise ValueError("band must be at least 1")
    half_width = math.ceil((band or DEFAULT_BAND) * max(1.0, m / n))
    if band is None and n > LONG_DOCUMENT:  # in numpy a wider band costs little, a redo a lot
        half_width = max(half_width, LONG_BAND)
    src_prefix = [0]
    for length in src_lengths:
        src_prefix.append(src_prefix[-1] + length)
    tgt_prefix = [0]
    for length in tgt_lengths:
        tgt_prefix.append(tgt_prefix[-1] + length)
    while True:
        lows, highs = _band_limits(src_prefix, tgt_prefix, half_width)
        nodes = sum(high - low + 1 for low, high in zip(lows, highs, strict=True))
        if nodes > VECTOR_NODES:  # long documents: the same programme, in numpy
            from annotator.alignment.gale_church_rows import best_path

            beads, touched = best_path(src_lengths, tgt_lengths, lows, highs, char_ratio)
        else:
            rows = _cost_to_go(src_lengths, tgt_lengths, lows, highs, char_ratio)
            beads, touched = _best_path(src_lengths, tgt_lengths, lows, highs, rows, char_ratio)
        if not touched or half_width >= m:
            return beads
        half_width *= 2


def text_length(sentence: str) -> int:
    """Return the sentence's length in code points, whitespace runs collapsed and ends trimmed."""
    return len(" ".join(sentence.split()))


def align_texts(src: Sequence[str], tgt: Sequence[str]) -> list[AlignedBead]:
    """Align two sentence lists by their lengths in code points (whitespace collapsed)."""
    return align_lengths([text_length(s) for s in src], [text_length(t) for t in tgt])
