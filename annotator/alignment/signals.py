"""Bead costs from sentence embeddings plus length, anchors (numbers, names) and paragraphs.

The cost of a bead of a source and b target sentences, both sides non-empty, is

    (a·b) ** merge_exponent · [ (1 − cos(x, y)) / ½(bg(x) + bg(y))
                                + length_weight · L + anchor_weight · A ]
    − bead_bonus + paragraph_penalty · (paragraph breaks inside the bead)
    + continuation_penalty · (continuation cues of the sentences right after the bead)

with x, y the embeddings of each side's joined sentences. bg(v), the mean of 1 − cos between v
and a fixed sample of the other document's sentences, is Vecalign's normaliser: the cost says how
much closer the two sides are than unrelated sentences, and joined runs, which are close to
everything, gain nothing from being long. Vecalign then multiplies by the sentences a bead covers
so that merging is not free; here the factor is (a·b) ** merge_exponent (√(a·b) by default: a
2:1 bead weighs 1.41 single beads, a 2:2 two). The bead bonus, a reward per bead, works against
merging too: with it, two good 1:1 beads beat one 2:2 bead of the same quality. L is Gale and
Church's −log P(δ) on character counts, with the document's own target/source character ratio; A
is 1 − Dice of the bead's anchor sets (numbers, linked names, capitalised words both documents
share), 0 when neither side has one. A 1:0 or 0:1 bead costs `skip` plus `skip_length_weight`
times the Gale–Church cost of deleting that many characters, plus the continuation penalty.
Continuation cues (`continuation_cues`: the sentence before ends in a semicolon, the sentence
starts in lower case) mark where the splitter probably cut a sentence in two: a bead boundary
there costs a little, so the DP keeps such pieces together unless the embeddings disagree.
Beads go up to 5:1 / 1:5 and 3:2 / 2:3: translators do merge five clauses into one sentence.
Paragraph breaks are the text's real ones (blank lines) plus the edges of heading lines
(`heading_cues`: a title, kicker, byline or caption ends without sentence punctuation), so a
line that exists on one side only is not glued to its neighbour for free; a break costs
paragraph_penalty (0.3), it never forbids a bead.

The defaults were tuned on Text+Berg dev (tests/bench/bench_alignment.py measures each part).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Final

import numpy as np
import numpy.typing as npt

from annotator.alignment.dp import BeadType
from annotator.text.arabic import key_of, matching_key
from annotator.text.matching import NUMBER_TOKEN_RE, find_occurrences, normalize_number

Float32Array = npt.NDArray[np.float32]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

ALL_BEAD_TYPES: Final[tuple[BeadType, ...]] = (
    (1, 1),
    (1, 0),
    (0, 1),
    (2, 1),
    (1, 2),
    (2, 2),
    (3, 1),
    (1, 3),
    (2, 3),
    (3, 2),
    (4, 1),
    (1, 4),
    (5, 1),
    (1, 5),
)
COARSE_BEAD_TYPES: Final[tuple[BeadType, ...]] = ((1, 1), (1, 0), (0, 1))
_GC_VARIANCE: Final = 6.8  # Gale and Church's s²
_BLOCK_ROWS: Final = 256  # source rows per similarity matrix product
_BACKGROUND_SAMPLE: Final = 64  # other-side sentences each background is measured against
_MIN_BACKGROUND: Final = 0.05  # floor of bg(v): identical documents must not divide by zero
_CAPITALISED: Final = re.compile(r"[^\W\d_]{3,}(?:[-'’][^\W\d_]+)*")
# A capitalised word shared by both documents is an anchor unless it is common on either side.
_MAX_SHARED_WORD_SHARE: Final = 0.02
# Past this many distinct anchors, anchors share columns by hash, so memory stays linear in the
# document length (a collision can only make two sentences look slightly more alike).
_MAX_ANCHOR_COLUMNS: Final = 512


@dataclass(frozen=True)
class CostParams:
    """The weights of the bead cost (see the module docstring); defaults tuned on Text+Berg dev."""

    skip: float = 0.3
    skip_length_weight: float = 0.01
    merge_exponent: float = 0.5
    bead_bonus: float = 0.6
    length_weight: float = 0.05
    anchor_weight: float = 0.2
    paragraph_penalty: float = 0.3
    continuation_penalty: float = 0.05
    heading_breaks: bool = True
    normalise: bool = True
    type_penalty: dict[BeadType, float] = field(default_factory=dict)


@dataclass(frozen=True)
class SideSignals:
    """One document's sentences as the cost model sees them.

    runs[k - 1] holds the unit embeddings of every run of k consecutive sentences (n - k + 1
    rows); lengths the characters per sentence; anchors an optional (n, h) 0/1 matrix of anchor
    features, the same h features on both sides; paragraphs an optional paragraph index per
    sentence (non-decreasing); continues optional `continuation_cues` per sentence; headings
    optional `heading_cues` (the cost model adds their edges to the paragraph breaks).
    """

    runs: tuple[Float32Array, ...]
    lengths: FloatArray
    anchors: Float32Array | None = None
    paragraphs: IntArray | None = None
    continues: FloatArray | None = None
    headings: BoolArray | None = None

    @property
    def size(self) -> int:
        """Return the number of sentences."""
        return len(self.lengths)

    def run_sums(self, values: FloatArray, k: int) -> FloatArray:
        """Return the sums of `values` over every run of k consecutive sentences."""
        total = np.concatenate(([0.0], np.cumsum(values, dtype=np.float64)))
        return total[k:] - total[: len(total) - k]

    def run_anchors(self, k: int) -> Float32Array | None:
        """Return the 0/1 anchor features of every run of k sentences (their union)."""
        if self.anchors is None:
            return None
        n = self.size
        union = self.anchors[: n - k + 1].copy()
        for offset in range(1, k):
            np.maximum(union, self.anchors[offset : n - k + 1 + offset], out=union)
        return union

    def run_breaks(self, k: int) -> FloatArray:
        """Return how many paragraph breaks lie inside every run of k sentences."""
        n = self.size
        if self.paragraphs is None or n < k:
            return np.zeros(max(0, n - k + 1))
        p = self.paragraphs
        return (p[k - 1 :] - p[: n - k + 1]).astype(np.float64)

    def window(self, start: int, end: int) -> SideSignals:
        """Return the signals of sentences start..end - 1 (runs that fit inside only)."""
        runs = tuple(run[start : max(start, end - k)] for k, run in enumerate(self.runs))
        return SideSignals(
            runs,
            self.lengths[start:end],
            None if self.anchors is None else self.anchors[start:end],
            None if self.paragraphs is None else self.paragraphs[start:end],
            None if self.continues is None else self.continues[start:end],
            None if self.headings is None else self.headings[start:end],
        )

    def halved(self) -> SideSignals:
        """Return the signals of consecutive pairs of sentences (the last one alone if odd)."""
        n = self.size
        one = self.runs[0]
        even = 2 * (n // 2)
        summed = one[0:even:2] + one[1:even:2]
        if n % 2:
            summed = np.concatenate([summed, one[-1:]])
        summed = summed / np.maximum(np.linalg.norm(summed, axis=1, keepdims=True), 1e-12)
        lengths = np.zeros((n + 1) // 2)
        np.add.at(lengths, np.arange(n) // 2, self.lengths)
        return SideSignals((summed.astype(np.float32),), lengths)


def neg_log_erfc(x: FloatArray) -> FloatArray:
    """Return −log erfc(x) for x ≥ 0 (Numerical Recipes' erfc fit, relative error < 1.2e-7)."""
    t = 1.0 / (1.0 + 0.5 * x)
    coefficients = (
        -1.26551223,
        1.00002368,
        0.37409196,
        0.09678418,
        -0.18628806,
        0.27886807,
        -1.13520398,
        1.48851587,
        -0.82215223,
        0.17087277,
    )
    poly = np.full_like(x, coefficients[-1])
    for c in coefficients[-2::-1]:
        poly = c + t * poly
    result: FloatArray = x * x - poly - np.log(t)
    return result


def _background(vectors: Float32Array, other: Float32Array) -> FloatArray:
    """Return per row the mean of 1 − cos against a fixed sample of the other side's vectors."""
    if len(vectors) == 0 or len(other) == 0:
        return np.ones(len(vectors))
    step = max(1, len(other) // _BACKGROUND_SAMPLE)
    sample = other[::step][:_BACKGROUND_SAMPLE]
    mean = (vectors @ sample.T).mean(axis=1, dtype=np.float64)
    background: FloatArray = np.maximum(1.0 - mean, _MIN_BACKGROUND)
    return background


def _sentence_anchors(text: str) -> set[str]:
    """Return the number anchors ("#1140") and capitalised words ("=Everest") of a sentence."""
    found = set()
    for match in NUMBER_TOKEN_RE.finditer(text):
        value = normalize_number(match.group())
        if value is not None:
            found.add("#" + value)
    for word in _CAPITALISED.findall(text):
        if word[0].isupper():
            found.add("=" + word)
    return found


def _name_anchors(texts: Sequence[str], surfaces: Sequence[str], lang: str) -> list[set[str]]:
    """Return per text the "@k" anchors of the linked-name surfaces k found in it (whole words)."""
    found: list[set[str]] = [set() for _ in texts]
    for k, surface in enumerate(surfaces):
        words = key_of(surface)[0].split()
        if not words:
            continue
        for index, text in enumerate(texts):
            # find_occurrences is exact but slow: only texts holding the first word's key ask it.
            if words[0] in matching_key(text)[0] and find_occurrences(text, surface, lang):
                found[index].add(f"@{k}")
    return found


_CLAUSE_END: Final = re.compile(r"[;؛]\s*$")
# A sentence ends in terminal or clause punctuation, maybe followed by closing quotes/brackets.
_PUNCTUATED_END: Final = re.compile(
    r"[.!?؟…‼⁇⁈⁉۔。！？:;؛︰：；][\s\"'”’“‘»«›‹)\]}〉》」』\u200e\u200f\u061c\u2066-\u2069]*$"
)


def heading_cues(sentences: Sequence[str]) -> BoolArray:
    """Return True per line that ends without sentence punctuation (title, kicker, byline...).

    Running text ends its sentences with . ! ? ؟ … (or a clause with : ;); a line that does not,
    and is not continued by a lower-case line, is a heading, a byline or a caption: the lines
    that exist on one side only more often than any other (on Text+Berg dev, 23 of the 41
    one-sided lines are such lines, and none of the 381 sentences in n:m beads).
    """
    cues = np.zeros(len(sentences), dtype=np.bool_)
    for k, text in enumerate(sentences):
        following = sentences[k + 1].lstrip() if k + 1 < len(sentences) else ""
        continued = bool(following) and following[0].islower()  # a line cut mid-sentence
        cues[k] = not continued and not _PUNCTUATED_END.search(text)
    return cues


def structure_breaks(paragraphs: IntArray | None, headings: BoolArray | None) -> IntArray | None:
    """Return a block number per sentence: paragraph breaks plus the edges of heading runs.

    None when neither is given. A heading, byline or caption is a paragraph of its own even in
    a one-sentence-per-line file without blank lines: gluing it to a neighbouring sentence then
    costs a paragraph break. Consecutive heading lines (a title cut over lines) stay one block.
    """
    if paragraphs is not None:
        n = len(paragraphs)
    elif headings is not None:
        n = len(headings)
    else:
        return None
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    changes = np.zeros(n - 1, dtype=np.bool_)
    if paragraphs is not None:
        changes |= np.diff(paragraphs) != 0
    if headings is not None:
        changes |= headings[1:] != headings[:-1]
    return np.concatenate(([0], np.cumsum(changes))).astype(np.int64)


def continuation_cues(sentences: Sequence[str]) -> FloatArray:
    """Return per sentence how many cues say it continues the previous one (0, 1 or 2).

    The cues: the previous sentence ends in a semicolon (Latin or Arabic), and the sentence
    starts with a lower-case letter. Either means the splitter cut inside a sentence, so a bead
    boundary there is less likely. The first sentence gets 0.
    """
    cues = np.zeros(len(sentences))
    for k in range(1, len(sentences)):
        text = sentences[k].lstrip()
        cues[k] = float(bool(_CLAUSE_END.search(sentences[k - 1]))) + float(
            bool(text) and text[0].islower()
        )
    return cues


def anchor_matrices(
    src: Sequence[str],
    tgt: Sequence[str],
    src_lang: str,
    tgt_lang: str,
    known_names: Iterable[tuple[str, str]] = (),
) -> tuple[Float32Array, Float32Array]:
    """Return 0/1 anchor features per sentence of each side, over the anchors both sides have.

    Anchors: numbers, canonicalised (1,140 and ١١٤٠ are both 1140); capitalised words of three
    letters or more found on both sides in at most 2 % of either side's sentences; and for every
    known (source surface, target surface) pair, its occurrences on each side. One column per
    anchor, at most _MAX_ANCHOR_COLUMNS (then hashed).
    """
    src_sets = [_sentence_anchors(text) for text in src]
    tgt_sets = [_sentence_anchors(text) for text in tgt]
    limit_src = max(2.0, _MAX_SHARED_WORD_SHARE * len(src))
    limit_tgt = max(2.0, _MAX_SHARED_WORD_SHARE * len(tgt))
    for sets, limit in ((src_sets, limit_src), (tgt_sets, limit_tgt)):
        counts: dict[str, int] = {}
        for anchors in sets:
            for anchor in anchors:
                counts[anchor] = counts.get(anchor, 0) + 1
        common = {a for a, c in counts.items() if a.startswith("=") and c > limit}
        for anchors in sets:
            anchors -= common
    pairs = list(known_names)
    for sets, found in (
        (src_sets, _name_anchors(src, [s for s, _ in pairs], src_lang)),
        (tgt_sets, _name_anchors(tgt, [t for _, t in pairs], tgt_lang)),
    ):
        for anchors, names in zip(sets, found, strict=True):
            anchors |= names
    shared = sorted(set().union(*src_sets) & set().union(*tgt_sets))
    if len(shared) <= _MAX_ANCHOR_COLUMNS:
        column = {anchor: k for k, anchor in enumerate(shared)}
    else:
        column = {a: zlib.crc32(a.encode("utf-8")) % _MAX_ANCHOR_COLUMNS for a in shared}
    width = min(len(shared), _MAX_ANCHOR_COLUMNS)
    matrices = []
    for sets in (src_sets, tgt_sets):
        matrix = np.zeros((len(sets), width), dtype=np.float32)
        for row, anchors in enumerate(sets):
            matrix[row, [column[a] for a in anchors if a in column]] = 1.0
        matrices.append(matrix)
    return matrices[0], matrices[1]


class BeadCostModel:
    """The `CostModel` of the module docstring for one document pair at one resolution.

    `reference` (default: the two sides themselves) gives the documents whose sentences the
    backgrounds are sampled from and whose character ratio L uses: a window of a document keeps
    its whole document's statistics.
    """

    def __init__(
        self,
        src: SideSignals,
        tgt: SideSignals,
        params: CostParams,
        bead_types: Sequence[BeadType] = ALL_BEAD_TYPES,
        reference: tuple[SideSignals, SideSignals] | None = None,
    ) -> None:
        """Prepare backgrounds and the character ratio; keep the types both sides can hold."""
        if params.heading_breaks:  # heading lines count as paragraphs of their own
            src = replace(src, paragraphs=structure_breaks(src.paragraphs, src.headings))
            tgt = replace(tgt, paragraphs=structure_breaks(tgt.paragraphs, tgt.headings))
        self.src = src
        self.tgt = tgt
        self.params = params
        ref_src, ref_tgt = reference or (src, tgt)
        n, m = src.size, tgt.size
        self._types = tuple(
            (a, b)
            for a, b in bead_types
            if a <= min(n, max(1, len(src.runs))) and b <= min(m, max(1, len(tgt.runs)))
        )
        self._ratio = (ref_tgt.lengths.sum() + 1.0) / (ref_src.lengths.sum() + 1.0)
        self._reference = (ref_src, ref_tgt)
        one_src = ref_src.runs[0] if ref_src.runs else np.zeros((0, 1), np.float32)
        one_tgt = ref_tgt.runs[0] if ref_tgt.runs else np.zeros((0, 1), np.float32)
        self._bg_src = [_background(run, one_tgt) for run in src.runs]
        self._bg_tgt = [_background(run, one_src) for run in tgt.runs]
        # Per node i, the cues of sentence i: a bead ending at i cuts there (node n cuts nothing).
        self._cuts_src = None if src.continues is None else np.append(src.continues, 0.0)
        self._cuts_tgt = None if tgt.continues is None else np.append(tgt.continues, 0.0)
        # Run anchors and their counts per run length, built once: every DP level asks again.
        self._anchor_runs: dict[tuple[str, int], tuple[Float32Array, FloatArray] | None] = {}

    @property
    def shape(self) -> tuple[int, int]:
        """Return (n, m)."""
        return self.src.size, self.tgt.size

    @property
    def bead_types(self) -> Sequence[BeadType]:
        """Return the bead types both documents are long enough for."""
        return self._types

    def coarser(self) -> BeadCostModel | None:
        """Return the model of sentence pairs (embeddings and lengths only), None when tiny."""
        n, m = self.shape
        if n < 2 or m < 2:
            return None
        coarse_params = replace(self.params, anchor_weight=0.0, paragraph_penalty=0.0)
        return BeadCostModel(self.src.halved(), self.tgt.halved(), coarse_params, COARSE_BEAD_TYPES)

    def _cells(
        self, bead: BeadType, lows: IntArray, widths: IntArray
    ) -> tuple[IntArray, IntArray, BoolArray]:
        """Return the band's end nodes (rows i, columns j) and which may end this bead."""
        a, b = bead
        n, m = self.shape
        ends = lows[:, None] + np.arange(int(widths.max()))[None, :]
        rows = np.arange(n + 1)[:, None]
        valid = (ends < (lows + widths)[:, None]) & (rows >= a) & (ends >= b) & (ends <= m)
        return rows, ends, valid

    def band_costs(self, bead: BeadType, lows: IntArray, widths: IntArray) -> FloatArray:
        """Return (n + 1, max width) costs of the bead ending at (i, lows[i] + o); inf if none."""
        a, b = bead
        n, m = self.shape
        p = self.params
        rows, ends, valid = self._cells(bead, lows, widths)
        out = np.full(ends.shape, np.inf)
        if a == 0 or b == 0:
            cost = np.full(ends.shape, p.skip + p.type_penalty.get(bead, 0.0))
            if p.skip_length_weight:
                if a:
                    length = self.src.lengths[np.clip(rows - 1, 0, n - 1)] * self._ratio
                else:
                    length = self.tgt.lengths[np.clip(ends - 1, 0, m - 1)]
                cost = cost + p.skip_length_weight * neg_log_erfc(np.sqrt(length / _GC_VARIANCE))
            cost = cost + self._cut_continuations(a, b, rows, ends)
            out[valid] = cost[valid]
            return out
        starts_src = np.clip(rows - a, 0, n - a)
        starts_tgt = np.clip(ends - b, 0, m - b)
        cost = self.dissimilarity(a, b, lows, widths, ends, valid)
        if p.length_weight:
            l1 = self.src.run_sums(self.src.lengths, a)[starts_src]
            l2 = self.tgt.run_sums(self.tgt.lengths, b)[starts_tgt]
            c = self._ratio
            delta = np.abs(c * l1 - l2) / np.sqrt(_GC_VARIANCE * (l1 + l2 / c) + 1e-9)
            cost = cost + p.length_weight * neg_log_erfc(delta)
        if p.anchor_weight:
            cost = cost + p.anchor_weight * self._anchor_mismatch(
                a, b, lows, widths, ends, valid, starts_src, starts_tgt
            )
        cost = cost * float(a * b) ** p.merge_exponent
        cost = cost - p.bead_bonus + p.type_penalty.get(bead, 0.0)
        if p.paragraph_penalty:
            breaks = self.src.run_breaks(a)[starts_src] + self.tgt.run_breaks(b)[starts_tgt]
            cost = cost + p.paragraph_penalty * breaks
        cost = cost + self._cut_continuations(a, b, rows, ends)
        out[valid] = cost[valid]
        return out

    def _cut_continuations(
        self, a: int, b: int, rows: IntArray, ends: IntArray
    ) -> FloatArray | float:
        """Return the continuation penalty of the cuts a bead ending at (rows, ends) makes."""
        weight = self.params.continuation_penalty
        if not weight:
            return 0.0
        n, m = self.shape
        total: FloatArray = np.zeros(ends.shape)
        if a and self._cuts_src is not None:
            total = total + self._cuts_src[np.clip(rows, 0, n)]
        if b and self._cuts_tgt is not None:
            total = total + self._cuts_tgt[np.clip(ends, 0, m)]
        return weight * total

    def dissimilarity(
        self,
        a: int,
        b: int,
        lows: IntArray,
        widths: IntArray,
        ends: IntArray,
        valid: BoolArray,
    ) -> FloatArray:
        """Return per cell the (normalised) 1 − cos of an a:b bead ending there, 0 off `valid`."""
        n, m = self.shape
        rows = np.arange(n + 1)[:, None]
        sims = _cell_products(self.src.runs[a - 1], a, self.tgt.runs[b - 1], b, lows, widths, ends)
        if not self.params.normalise:
            return np.where(valid, 1.0 - sims, 0.0)
        background = 0.5 * (
            self._bg_src[a - 1][np.clip(rows - a, 0, n - a)]
            + self._bg_tgt[b - 1][np.clip(ends - b, 0, m - b)]
        )
        return np.where(valid, (1.0 - sims) / background, 0.0)

    def _anchor_mismatch(
        self,
        a: int,
        b: int,
        lows: IntArray,
        widths: IntArray,
        ends: IntArray,
        valid: BoolArray,
        starts_src: IntArray,
        starts_tgt: IntArray,
    ) -> FloatArray:
        """Return 1 − Dice of the bead's two anchor sets (0 when neither side has anchors)."""
        x = self._run_anchors("src", a)
        y = self._run_anchors("tgt", b)
        if x is None or y is None or x[0].shape[1] == 0:
            return np.zeros(ends.shape)
        shared = _cell_products(x[0], a, y[0], b, lows, widths, ends)
        total = x[1][starts_src] + y[1][starts_tgt]
        mismatch = (total - 2.0 * shared) / np.maximum(total, 1.0)
        return np.where(valid & (total > 0), mismatch, 0.0)

    def _run_anchors(self, side: str, k: int) -> tuple[Float32Array, FloatArray] | None:
        """Return one side's anchor features of every run of k sentences and their counts."""
        key = (side, k)
        if key not in self._anchor_runs:
            union = (self.src if side == "src" else self.tgt).run_anchors(k)
            self._anchor_runs[key] = (
                None if union is None else (union, union.sum(axis=1, dtype=np.float64))
            )
        return self._anchor_runs[key]


def _cell_products(
    x_all: Float32Array,
    back_x: int,
    y_all: Float32Array,
    back_y: int,
    lows: IntArray,
    widths: IntArray,
    ends: IntArray,
) -> FloatArray:
    """Return per band cell (i, j) the dot product x_all[i − back_x] · y_all[j − back_y].

    Cells whose rows fall outside either array get 0. Computed as one matrix product per block
    of rows, over the columns the block's band spans (a band's edges only grow).
    """
    n = len(lows) - 1
    out = np.zeros(ends.shape)
    last_row = min(n, len(x_all) - 1 + back_x)
    for r0 in range(back_x, last_row + 1, _BLOCK_ROWS):
        r1 = min(last_row + 1, r0 + _BLOCK_ROWS)
        first = max(0, int(lows[r0]) - back_y)
        last = min(len(y_all) - 1, int(lows[r1 - 1] + widths[r1 - 1]) - 1 - back_y)
        if last < first:
            continue
        block = x_all[r0 - back_x : r1 - back_x] @ y_all[first : last + 1].T
        cols = np.clip(ends[r0:r1] - back_y - first, 0, last - first)
        out[r0:r1] = np.take_along_axis(block, cols, axis=1)
    return out
