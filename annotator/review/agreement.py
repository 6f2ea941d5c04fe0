"""Agreement over a project: every annotator against every other, and against the gold.

Per pair and over the project (counts summed over pairs, then divided), per annotator pair and
per label, each figure with the number of items it counts. `agreement()` returns the figures
as records whose keys are those of `annotator agree --format json`.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement

from annotator.errors import InputError
from annotator.gc_pause import without_gc_pauses
from annotator.model import (
    Bead,
    DocumentPair,
    Layer,
    LayerKind,
    LayerStatus,
    Link,
    Mention,
    Project,
    Segment,
    Side,
)
from annotator.review.alignment_agreement import (
    AlignmentCounts,
    LayerBeads,
    atom_beads,
    counts_of_atom_beads,
)
from annotator.review.entity_agreement import (
    EntityCounts,
    LayerEntities,
    MentionKey,
    SetCounts,
    TokenLabeller,
    cohen_kappa,
    entity_counts,
    krippendorff_alpha,
)

Span = tuple[int, int]
GOLD = "gold"
ONE_SIDED_NOTE = (
    "alignment: one-sided (1:0, 0:1) beads count in precision only; recall is over the "
    "reference's beads with both sides; lax = sharing text on both sides"
)


@dataclass(frozen=True)
class Figure:
    """One row: a measure of `compared` against `reference`, on one pair or the project."""

    measure: str
    reference: str
    compared: str
    pair: str | None
    precision: float | None
    recall: float | None
    f1: float | None
    items: int
    jaccard: float | None = None
    kappa: float | None = None
    alpha: float | None = None
    label: str | None = None

    def record(self) -> dict[str, Any]:
        """Return the JSON object: absent keys are left out, not null."""
        out: dict[str, Any] = {
            "measure": self.measure,
            "reference": self.reference,
            "compared": self.compared,
        }
        if self.label is not None:
            out["label"] = self.label
        if self.pair is not None:
            out["pair"] = self.pair
        out |= {"precision": self.precision, "recall": self.recall, "f1": self.f1}
        for key in ("jaccard", "kappa", "alpha"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out["items"] = self.items
        return out


@dataclass
class _Totals:
    alignment: AlignmentCounts = field(default_factory=AlignmentCounts)
    aligned_pairs: int = 0
    entities: EntityCounts = field(default_factory=EntityCounts)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 2 * p * r / (p + r) if p + r else 0.0


def _set_figure(
    measure: str, ref: str, cmp: str, pair: str | None, c: SetCounts, **extra: Any
) -> Figure:
    p, r = _ratio(c.shared, c.compared), _ratio(c.shared, c.reference)
    items = c.compared + c.reference - c.shared
    return Figure(measure, ref, cmp, pair, p, r, _f1(p, r), items, **extra)


def figures_of(ref: str, cmp: str, pair: str | None, totals: _Totals) -> list[Figure]:
    """Return the figures of one comparison from its counts."""
    out = []
    if totals.aligned_pairs:
        a = totals.alignment
        for measure, hit_p, hit_r in (
            ("alignment", a.strict_precision, a.strict_recall),
            ("alignment-lax", a.lax_precision, a.lax_recall),
        ):
            p, r = _ratio(hit_p, a.compared), _ratio(hit_r, a.reference_two_sided)
            jaccard = _ratio(a.intersection, a.union) if measure == "alignment" else None
            out.append(
                Figure(measure, ref, cmp, pair, p, r, _f1(p, r), a.reference_two_sided, jaccard)
            )
    e = totals.entities
    if e.exact.compared or e.exact.reference:
        out.append(
            _set_figure(
                "entities",
                ref,
                cmp,
                pair,
                e.exact,
                kappa=cohen_kappa(e.token_pairs),
                alpha=krippendorff_alpha(e.token_pairs),
            )
        )
        o = e.overlap
        p, r = _ratio(o.compared_hit, o.compared), _ratio(o.reference_hit, o.reference)
        out.append(
            Figure("entities-overlap", ref, cmp, pair, p, r, _f1(p, r), o.compared + o.reference)
        )
        for label in sorted(e.per_label):
            out.append(_set_figure("entities", ref, cmp, pair, e.per_label[label], label=label))
    if e.links.compared or e.links.reference:
        out.append(_set_figure("links", ref, cmp, pair, e.links))
    if e.no_counterpart.compared or e.no_counterpart.reference:
        out.append(_set_figure("no-counterpart", ref, cmp, pair, e.no_counterpart))
    return out


@dataclass(frozen=True)
class LayerData:
    """What agreement and adjudication read of a layer: beads as spans, mentions, links."""

    beads: LayerBeads | None
    entities: LayerEntities


def plain_rows(session: Session, query: ClauseElement) -> list[tuple[Any, ...]]:
    """Return the query's rows as the driver's tuples: no per-row processing for big reads."""
    connection = session.connection()
    sql = query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    cursor = connection.connection.cursor()  # only integer ids are bound, inlined above
    try:
        cursor.execute(str(sql))
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _spans_by_position(rows: list[tuple[Any, ...]]) -> dict[int, tuple[Span, ...]]:
    """Return each bead position's sentence spans, from (position, start, end) rows in order."""
    if not rows:
        return {}
    positions, starts, ends = zip(*rows, strict=True)
    # built without a Python loop per row: most beads hold one sentence of a side
    singles = zip(zip(starts, ends, strict=True))
    spans: dict[int, tuple[Span, ...]] = dict(zip(positions, singles, strict=True))
    if len(spans) != len(rows):  # the beads holding several sentences of this side
        several = {p for p, q in itertools.pairwise(positions) if p == q}
        for position in several:
            low, high = bisect_left(positions, position), bisect_right(positions, position)
            spans[position] = tuple(zip(starts[low:high], ends[low:high], strict=True))
    return spans


@without_gc_pauses
def read_layer(session: Session, layer: Layer) -> LayerData:
    """Read what agreement compares of one layer: beads as text ranges, mentions, links."""
    per_side = []
    for side in Side:
        query = (
            select(Bead.position, Segment.start, Segment.end)
            .join(Bead, Bead.id == Segment.bead_id)
            .where(Segment.layer_id == layer.id, Segment.side == side.value)
            .order_by(Bead.position, Segment.start)
        )
        per_side.append(_spans_by_position(plain_rows(session, query)))
    source, target = per_side
    beads = [(source.get(p, ()), target.get(p, ())) for p in sorted(source.keys() | target.keys())]
    # A layer whose sentences are in no bead has no alignment to compare (not an empty one).
    layer_beads = LayerBeads(tuple(beads)) if beads else None
    keys: dict[int, MentionKey] = {}
    mentions = []
    for m in session.scalars(select(Mention).where(Mention.layer_id == layer.id)):
        keys[m.id] = (m.side, m.start, m.end, m.label)
        mentions.append((keys[m.id], m.no_counterpart))
    links = tuple(
        (keys[k.source_mention_id], keys[k.target_mention_id])
        for k in session.scalars(select(Link).where(Link.layer_id == layer.id))
    )
    return LayerData(layer_beads, LayerEntities(tuple(mentions), links))


def _is_empty(data: LayerData) -> bool:
    return data.beads is None and not data.entities.mentions


def _comparisons(names: Sequence[str], has_gold: bool) -> Iterator[tuple[str, str]]:
    yield from itertools.permutations(names, 2)
    if has_gold:
        for name in names:
            yield GOLD, name


@without_gc_pauses
def agreement(
    session: Session,
    project: Project,
    pair_refs: Sequence[str] = (),
    annotators: Sequence[str] = (),
) -> list[Figure]:
    """Return every figure: project totals first, then per pair, for each comparison."""
    query = select(DocumentPair).where(DocumentPair.project_id == project.id)
    pairs = list(session.scalars(query.order_by(DocumentPair.id)))
    if pair_refs:
        by_ref = {str(p.id): p for p in pairs} | {p.name: p for p in pairs}
        missing = [ref for ref in pair_refs if ref not in by_ref]
        if missing:
            raise InputError(f"no pair {', '.join(map(repr, missing))} in project {project.name!r}")
        pairs = [by_ref[ref] for ref in dict.fromkeys(pair_refs)]
    wanted = {a.lower() for a in annotators}
    totals: dict[tuple[str, str], _Totals] = {}
    per_pair: list[Figure] = []
    seen_names: set[str] = set()
    for pair in pairs:
        layers: dict[str, LayerData] = {}
        for layer in pair.layers:
            if layer.kind == LayerKind.ANNOTATOR.value:
                if layer.status == LayerStatus.NEW.value:
                    continue  # never edited: the automatic proposal, not an annotator's work
                name = layer.owner_label
                if wanted and name.lower() not in wanted:
                    continue
            elif layer.kind == LayerKind.GOLD.value:
                name = GOLD
            else:
                continue
            data = read_layer(session, layer)
            if not _is_empty(data):
                layers[name] = data
        names = sorted((n for n in layers if n != GOLD), key=str.lower)
        seen_names.update(names)
        texts = {"source": pair.source.text, "target": pair.target.text}
        every = [m for data in layers.values() for m, _ in data.entities.mentions]
        known = {"source": pair.source.token_count, "target": pair.target.token_count}
        labeller = TokenLabeller(texts, every, known) if every else None
        labels = {
            name: labeller.labels([m for m, _ in data.entities.mentions]) if labeller else {}
            for name, data in layers.items()
        }
        aligned = {name: data.beads for name, data in layers.items() if data.beads is not None}
        cut = atom_beads((texts["source"], texts["target"]), list(aligned.values()))
        atoms = dict(zip(aligned, cut, strict=True))  # atoms cut once for all the pair's layers
        for ref, cmp in _comparisons(names, GOLD in layers):
            counts = _Totals()
            a, b = layers[ref], layers[cmp]
            if ref in atoms and cmp in atoms:  # atoms cut once for all the pair's layers
                counts.alignment = counts_of_atom_beads(atoms[ref], atoms[cmp])
                counts.aligned_pairs = 1
            pairs_of_tokens = labeller.pairs(labels[ref], labels[cmp]) if labeller else Counter()
            counts.entities = entity_counts(texts, a.entities, b.entities, (pairs_of_tokens,))
            total = totals.setdefault((ref, cmp), _Totals())
            total.alignment.add(counts.alignment)
            total.aligned_pairs += counts.aligned_pairs
            total.entities.add(counts.entities)
            per_pair.extend(figures_of(ref, cmp, pair.name, counts))
    if wanted - {n.lower() for n in seen_names}:
        unknown = sorted(wanted - {n.lower() for n in seen_names})
        raise InputError(f"no layer of {', '.join(unknown)} in the pairs compared")
    project_figures = [
        figure
        for (ref, cmp), total in totals.items()
        for figure in figures_of(ref, cmp, None, total)
    ]
    return project_figures + per_pair
