"""Agreement between two layers' alignments, beads compared by the text they cover.

Each side's text is cut at every sentence boundary of both layers; the pieces holding text
are the atoms, and a bead is the set of atoms its sentences cover. Two beads are the same bead
when they cover the same text on both sides, so annotators who split or merged sentences
differently are still compared by what they aligned. With one shared segmentation an atom is
a sentence, and the figures are the benchmark's (Vecalign's score.py rules): strict = the same
bead, lax = sharing text on both sides; precision over every compared bead (one-sided beads
included: they count in precision only), recall over the reference's beads that have both
sides; Jaccard = |A ∩ B| / |A ∪ B| over the two bead sets. Counts are summed over pairs.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from annotator.gc_pause import without_gc_pauses

Span = tuple[int, int]
AtomBead = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class LayerBeads:
    """One layer's beads as text ranges: per bead, its sentences' spans on each side."""

    beads: tuple[tuple[tuple[Span, ...], tuple[Span, ...]], ...]


@dataclass
class AlignmentCounts:
    """Summable counts behind the alignment figures."""

    compared: int = 0
    strict_precision: int = 0
    lax_precision: int = 0
    reference_two_sided: int = 0
    strict_recall: int = 0
    lax_recall: int = 0
    intersection: int = 0
    union: int = 0

    def add(self, other: AlignmentCounts) -> None:
        """Add another pair's counts to these."""
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _atoms(text: str, spans: Sequence[Span]) -> list[Span]:
    """Return the text-holding pieces of the text between every start and end of the spans."""
    unique = set(spans)  # layers share most sentences; only "inside some span" matters
    cuts = sorted({offset for span in unique for offset in span})
    index = {offset: k for k, offset in enumerate(cuts)}
    depth = [0] * (len(cuts) + 1)
    for start, end in unique:
        depth[index[start]] += 1
        depth[index[end]] -= 1
    atoms, inside = [], 0
    for k in range(len(cuts) - 1):
        inside += depth[k]
        start, end = cuts[k], cuts[k + 1]
        if inside > 0 and text[start:end].strip():
            atoms.append((start, end))
    return atoms


def _side_atoms(
    spans: Sequence[Span], atoms: list[Span], starts: list[int], exact: dict[Span, int]
) -> tuple[int, ...]:
    """Return the ids of the atoms inside the spans (starts: the atoms' starts, sorted)."""
    if len(spans) == 1 and spans[0] in exact:  # the common case: a sentence is one atom
        return (exact[spans[0]],)
    found: list[int] = []
    for start, end in spans:
        k = bisect.bisect_left(starts, start)
        while k < len(atoms) and atoms[k][1] <= end:
            found.append(k)
            k += 1
    return tuple(sorted(set(found)))


@without_gc_pauses
def atom_beads(texts: tuple[str, str], layers: Sequence[LayerBeads]) -> list[list[AtomBead]]:
    """Return each layer's beads as atom-id sets, atoms cut from all the layers' sentences."""
    per_side = []
    for side in (0, 1):
        spans = [span for layer in layers for bead in layer.beads for span in bead[side]]
        atoms = _atoms(texts[side], spans)
        exact = {atom: k for k, atom in enumerate(atoms)}
        per_side.append((atoms, [a[0] for a in atoms], exact))
    known: dict[tuple[tuple[Span, ...], tuple[Span, ...]], AtomBead] = {}
    out = []
    for layer in layers:
        converted = []
        for bead in layer.beads:  # layers share most beads: each distinct one is cut once
            found = known.get(bead)
            if found is None:
                found = known[bead] = (
                    _side_atoms(bead[0], *per_side[0]),
                    _side_atoms(bead[1], *per_side[1]),
                )
            converted.append(found)
        out.append(converted)
    return out


def _judge(reference: Sequence[AtomBead], judged: Sequence[AtomBead]) -> tuple[int, int, int]:
    """Return (judged beads, exactly a reference bead, sharing atoms on both sides with one)."""
    exact = set(reference)
    misses = [bead for bead in judged if bead not in exact]
    strict = len(judged) - len(misses)
    lax = strict
    if misses:  # owners only of the atoms a missed bead holds: most beads match exactly
        want_src = {i for src, _ in misses for i in src}
        want_tgt = {j for _, tgt in misses for j in tgt}
        src_owner: dict[int, set[int]] = {}
        tgt_owner: dict[int, set[int]] = {}
        for index, (src, tgt) in enumerate(reference):
            for i in src:
                if i in want_src:
                    src_owner.setdefault(i, set()).add(index)
            for j in tgt:
                if j in want_tgt:
                    tgt_owner.setdefault(j, set()).add(index)
        for src, tgt in misses:
            by_src: set[int] = set()
            for i in src:
                by_src |= src_owner.get(i, set())
            if any(not by_src.isdisjoint(tgt_owner.get(j, ())) for j in tgt):
                lax += 1
    return len(judged), strict, lax


def alignment_counts(
    texts: tuple[str, str], reference: LayerBeads, compared: LayerBeads
) -> AlignmentCounts:
    """Return the counts of one pair: compared layer against reference layer."""
    ref, cmp = atom_beads(texts, [reference, compared])
    return counts_of_atom_beads(ref, cmp)


def counts_of_atom_beads(ref: Sequence[AtomBead], cmp: Sequence[AtomBead]) -> AlignmentCounts:
    """Return the counts of two layers' beads given as atom sets of one shared cut."""
    ref = [b for b in ref if b[0] or b[1]]
    cmp = [b for b in cmp if b[0] or b[1]]
    counts = AlignmentCounts()
    counts.compared, counts.strict_precision, counts.lax_precision = _judge(ref, cmp)
    two_sided_ref = [b for b in ref if b[0] and b[1]]
    two_sided_cmp = [b for b in cmp if b[0] and b[1]]
    counts.reference_two_sided, counts.strict_recall, counts.lax_recall = _judge(
        two_sided_cmp, two_sided_ref
    )
    a, b = set(ref), set(cmp)
    counts.intersection, counts.union = len(a & b), len(a | b)
    return counts
