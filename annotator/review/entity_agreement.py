"""Agreement between two layers' mentions and links.

- Exact: a mention matches one with the same side, start, end and label. F1 over these units
  is positive specific agreement (Hripcsak & Rothschild 2005), the measure for span tasks where
  negatives are undefined; per label too.
- Overlap: a mention counts when it shares a character with a reference mention of the same
  side and label (precision over the compared, recall over the reference mentions).
- Tokens, for Cohen's κ and Krippendorff's α (nominal): both sides' texts cut into tokens as
  the CoNLL export cuts them (`annotator.text.tokens`), at every mention boundary of the
  layers compared (in `annotator agree`: of all the pair's layers, so each is labelled once);
  a token's label is that of the longest mention covering it, else "O". Every token is
  counted, those only one annotator marked included (a tool that drops them looks perfect).
- Links: a link matches only if both ends match exactly (span and label).
- No counterpart: F1 over the mentions each layer marks as having no counterpart.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from annotator.text.tokens import TOKEN as TOKEN_RE
from annotator.text.tokens import count_tokens

MentionKey = tuple[str, int, int, str]  # side, start, end, label


@dataclass(frozen=True)
class LayerEntities:
    """One layer's mentions (with their no-counterpart flag) and links, as exact keys."""

    mentions: tuple[tuple[MentionKey, bool], ...]
    links: tuple[tuple[MentionKey, MentionKey], ...]


@dataclass
class SetCounts:
    """Summable counts of a set comparison: compared units, reference units, shared ones."""

    compared: int = 0
    reference: int = 0
    shared: int = 0

    def add(self, other: SetCounts) -> None:
        """Add another pair's counts to these."""
        self.compared += other.compared
        self.reference += other.reference
        self.shared += other.shared


@dataclass
class OverlapCounts:
    """Compared mentions overlapping a reference one, and reference mentions overlapped."""

    compared: int = 0
    reference: int = 0
    compared_hit: int = 0
    reference_hit: int = 0

    def add(self, other: OverlapCounts) -> None:
        """Add another pair's counts to these."""
        self.compared += other.compared
        self.reference += other.reference
        self.compared_hit += other.compared_hit
        self.reference_hit += other.reference_hit


@dataclass
class EntityCounts:
    """Everything the entity, link and token figures of one comparison are computed from."""

    exact: SetCounts = field(default_factory=SetCounts)
    per_label: dict[str, SetCounts] = field(default_factory=dict)
    overlap: OverlapCounts = field(default_factory=OverlapCounts)
    links: SetCounts = field(default_factory=SetCounts)
    no_counterpart: SetCounts = field(default_factory=SetCounts)
    token_pairs: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, other: EntityCounts) -> None:
        """Add another pair's counts to these."""
        self.exact.add(other.exact)
        for label, counts in other.per_label.items():
            self.per_label.setdefault(label, SetCounts()).add(counts)
        self.overlap.add(other.overlap)
        self.links.add(other.links)
        self.no_counterpart.add(other.no_counterpart)
        self.token_pairs.update(other.token_pairs)


def _set_counts(reference: set[object], compared: set[object]) -> SetCounts:
    return SetCounts(len(compared), len(reference), len(reference & compared))


def _overlaps(a: MentionKey, b: MentionKey) -> bool:
    return a[0] == b[0] and a[3] == b[3] and a[1] < b[2] and b[1] < a[2]


def _overlap_counts(
    reference: Sequence[MentionKey], compared: Sequence[MentionKey]
) -> OverlapCounts:
    by_side: dict[tuple[str, str], list[MentionKey]] = {}
    for m in reference:
        by_side.setdefault((m[0], m[3]), []).append(m)
    cmp_side: dict[tuple[str, str], list[MentionKey]] = {}
    for m in compared:
        cmp_side.setdefault((m[0], m[3]), []).append(m)
    counts = OverlapCounts(len(compared), len(reference))
    counts.compared_hit = sum(
        any(_overlaps(m, r) for r in by_side.get((m[0], m[3]), ())) for m in compared
    )
    counts.reference_hit = sum(
        any(_overlaps(r, m) for m in cmp_side.get((r[0], r[3]), ())) for r in reference
    )
    return counts


class TokenLabeller:
    """The tokens of a pair's texts, cut at every mention boundary of all the layers compared.

    Built once per pair, so each layer's labels are computed once. Only the tokens under some
    mention are listed (keyed by side and start); the others are O in every layer and are
    only counted.
    """

    def __init__(
        self,
        texts: dict[str, str],
        mentions: Sequence[MentionKey],
        counts: dict[str, int | None] | None = None,
    ) -> None:
        """Cut the texts; counts: each side's `count_tokens`, when known (None: count here)."""
        self.starts: dict[str, list[int]] = {}
        self.count = 0
        for side, text in texts.items():
            cuts = sorted({o for m in mentions if m[0] == side for o in (m[1], m[2])})
            # the words around the mentions (tokens never cross whitespace), merged
            regions = _merged([_around(text, m[1], m[2]) for m in mentions if m[0] == side])
            listed: list[int] = []
            inside = 0
            for lo, hi in regions:
                local = [c - lo for c in cuts if lo < c < hi]
                listed += token_starts(text[lo:hi], local, lo)
                inside += count_tokens(text[lo:hi])
            self.starts[side] = listed
            known = (counts or {}).get(side)
            everywhere = count_tokens(text) if known is None else known
            self.count += everywhere - inside + len(listed)

    def labels(self, mentions: Sequence[MentionKey]) -> dict[tuple[str, int], str]:
        """Return the label of every token under a mention (the longest one over it)."""
        out: dict[tuple[str, int], str] = {}
        for m in sorted(mentions, key=lambda m: m[1] - m[2]):
            starts = self.starts[m[0]]
            k = bisect.bisect_left(starts, m[1])
            while k < len(starts) and starts[k] < m[2]:
                out.setdefault((m[0], starts[k]), m[3])
                k += 1
        return out

    def pairs(
        self, a: dict[tuple[str, int], str], b: dict[tuple[str, int], str]
    ) -> Counter[tuple[str, str]]:
        """Return the (label a, label b) counts over every token, O/O included."""
        both = a.keys() | b.keys()
        counts = Counter((a.get(k, "O"), b.get(k, "O")) for k in both)
        if self.count - len(both):
            counts[("O", "O")] += self.count - len(both)
        return counts


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _space_before(text: str, at: int) -> int:
    k = at
    while k > 0 and not text[k - 1].isspace():
        k -= 1
    return k


def _space_after(text: str, at: int) -> int:
    k = at
    while k < len(text) and not text[k].isspace():
        k += 1
    return k


def _around(text: str, start: int, end: int) -> tuple[int, int]:
    return _space_before(text, start), _space_after(text, end)


def token_starts(text: str, cuts: Sequence[int], offset: int = 0) -> list[int]:
    """Return the start (plus offset) of every token of the text, also split at the cuts."""
    spans = [m.span() for m in TOKEN_RE.finditer(text)]
    starts = [s for s, _ in spans]
    extra = []
    for cut in cuts:  # a cut inside a token starts a token of its own there
        k = bisect.bisect_right(starts, cut) - 1
        if k >= 0 and starts[k] < cut < spans[k][1]:
            extra.append(cut)
    return [offset + s for s in sorted(set(starts + extra))]


def token_pairs(
    texts: dict[str, str], reference: Sequence[MentionKey], compared: Sequence[MentionKey]
) -> Counter[tuple[str, str]]:
    """Return how often each (reference label, compared label) occurs over all tokens."""
    labeller = TokenLabeller(texts, [*reference, *compared])
    return labeller.pairs(labeller.labels(reference), labeller.labels(compared))


def entity_counts(
    texts: dict[str, str],
    reference: LayerEntities,
    compared: LayerEntities,
    token_labels: tuple[Counter[tuple[str, str]]] | None = None,
) -> EntityCounts:
    """Return the counts of one pair: compared layer's entities against the reference layer's.

    token_labels, when given, holds the token label pairs from one `TokenLabeller` of the pair
    (shared by all its comparisons); otherwise the tokens are cut for these two layers.
    """
    ref = [m for m, _ in reference.mentions]
    cmp = [m for m, _ in compared.mentions]
    counts = EntityCounts()
    counts.exact = _set_counts(set(ref), set(cmp))
    for label in {m[3] for m in (*ref, *cmp)}:
        counts.per_label[label] = _set_counts(
            {m for m in ref if m[3] == label}, {m for m in cmp if m[3] == label}
        )
    counts.overlap = _overlap_counts(ref, cmp)
    counts.links = _set_counts(set(reference.links), set(compared.links))
    counts.no_counterpart = _set_counts(
        {m for m, flag in reference.mentions if flag}, {m for m, flag in compared.mentions if flag}
    )
    if token_labels is None:
        counts.token_pairs = token_pairs(texts, ref, cmp)
    else:
        counts.token_pairs = token_labels[0]
    return counts


def cohen_kappa(pairs: Counter[tuple[str, str]]) -> float | None:
    """Return Cohen's κ of two coders from (label a, label b) counts (None if undefined)."""
    n = sum(pairs.values())
    if not n:
        return None
    observed = sum(c for (a, b), c in pairs.items() if a == b) / n
    first: Counter[str] = Counter()
    second: Counter[str] = Counter()
    for (a, b), c in pairs.items():
        first[a] += c
        second[b] += c
    expected = sum(first[k] * second[k] for k in first) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(pairs: Counter[tuple[str, str]]) -> float | None:
    """Return Krippendorff's α (nominal) of two coders with no missing values (None if undefined).

    With two coders every token is one pairable unit: the coincidence matrix counts (a, b) and
    (b, a) once each; α = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c · n_k.
    """
    n = 2 * sum(pairs.values())
    if n < 2:
        return None
    margins: Counter[str] = Counter()
    disagree = 0
    for (a, b), c in pairs.items():
        margins[a] += c
        margins[b] += c
        if a != b:
            disagree += 2 * c
    expected = sum(margins[x] * margins[y] for x in margins for y in margins if x != y)
    if not expected:
        return None
    return 1 - (n - 1) * disagree / expected
