"""Layers: creating them, copying one into another, and reading their sentences and beads."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from annotator.alignment.beads import AlignedBead
from annotator.audit import record
from annotator.errors import InputError
from annotator.layer_writes import segment_ids
from annotator.model import (
    Annotator,
    Bead,
    BeadStatus,
    DocumentPair,
    Layer,
    LayerKind,
    LayerStatus,
    Link,
    Mention,
    Segment,
    Side,
)
from annotator.store.invariants import check_layer_alignment
from annotator.store.serialize import serialize

Span = tuple[int, int]


def find_layer(
    session: Session, pair: DocumentPair, kind: LayerKind, annotator: Annotator | None = None
) -> Layer | None:
    """Return the pair's layer of this kind (and annotator, for annotator layers), if any."""
    query = select(Layer).where(Layer.pair_id == pair.id, Layer.kind == kind.value)
    if kind is LayerKind.ANNOTATOR:
        if annotator is None:
            raise ValueError("an annotator layer needs its annotator")
        query = query.where(Layer.annotator_id == annotator.id)
    return session.scalar(query)


def automatic_layer(session: Session, pair: DocumentPair) -> Layer:
    """Return the pair's automatic layer (every imported pair has one)."""
    layer = find_layer(session, pair, LayerKind.AUTOMATIC)
    if layer is None:
        raise InputError(f"pair {pair.id} has no automatic layer")
    return layer


def new_layer(
    session: Session, pair: DocumentPair, kind: LayerKind, annotator: Annotator | None = None
) -> Layer:
    """Add an empty layer to the pair."""
    layer = Layer(pair=pair, kind=kind.value, annotator=annotator, status=LayerStatus.NEW.value)
    session.add(layer)
    session.flush()
    return layer


def sentence_spans(session: Session, layer: Layer, side: Side) -> list[Span]:
    """Return one side's sentence ranges in text order."""
    return [
        (s, e)
        for s, e in session.execute(
            select(Segment.start, Segment.end)
            .where(Segment.layer_id == layer.id, Segment.side == side.value)
            .order_by(Segment.start)
        )
    ]


def alignment(session: Session, layer: Layer) -> list[AlignedBead]:
    """Return the layer's beads as sentence indices in bead order ([] when not aligned)."""
    index = {}
    for side in Side:
        for i, seg_id in enumerate(segment_ids(session, layer, side)):
            index[seg_id] = i
    members: dict[int, tuple[list[int], list[int]]] = {}
    beads = session.execute(
        select(Bead.id, Bead.score).where(Bead.layer_id == layer.id).order_by(Bead.position)
    ).all()
    for bead_id, _ in beads:
        members[bead_id] = ([], [])
    for seg_id, seg_side, seg_bead in session.execute(
        select(Segment.id, Segment.side, Segment.bead_id).where(
            Segment.layer_id == layer.id, Segment.bead_id.is_not(None)
        )
    ):
        assert seg_bead is not None
        members[seg_bead][0 if seg_side == Side.SOURCE else 1].append(index[seg_id])
    return [
        AlignedBead(tuple(sorted(members[b][0])), tuple(sorted(members[b][1])), score)
        for b, score in beads
    ]


def copy_layer(
    session: Session, source: Layer, kind: LayerKind, annotator: Annotator | None = None
) -> Layer:
    """Create a layer of the same pair holding a copy of the source layer's annotations."""
    layer = new_layer(session, source.pair, kind, annotator)
    layer.crossing = source.crossing
    ids = {"new": layer.id, "old": source.id}
    # Sentences and beads in bulk (tens of thousands in a long pair); beads keep positions,
    # so each copied sentence finds its new bead by position.
    session.execute(
        text(
            "INSERT INTO beads (layer_id, position, status, score) "
            "SELECT :new, position, status, score FROM beads WHERE layer_id = :old "
            "ORDER BY position"
        ),
        ids,
    )
    session.execute(
        text(
            "INSERT INTO segments (layer_id, side, start_char, end_char, bead_id) "
            "SELECT :new, s.side, s.start_char, s.end_char, nb.id FROM segments AS s "
            "LEFT JOIN beads AS ob ON ob.id = s.bead_id "
            "LEFT JOIN beads AS nb ON nb.layer_id = :new AND nb.position = ob.position "
            "WHERE s.layer_id = :old ORDER BY s.side, s.start_char"
        ),
        ids,
    )
    mention_map: dict[int, Mention] = {}
    for m in session.scalars(select(Mention).where(Mention.layer_id == source.id)):
        mention_map[m.id] = Mention(
            layer=layer,
            side=m.side,
            start=m.start,
            end=m.end,
            label=m.label,
            surface=m.surface,
            no_counterpart=m.no_counterpart,
        )
    session.add_all(mention_map.values())
    session.add_all(
        Link(
            layer=layer,
            source_mention=mention_map[k.source_mention_id],
            target_mention=mention_map[k.target_mention_id],
        )
        for k in session.scalars(select(Link).where(Link.layer_id == source.id))
    )
    session.flush()
    session.expire(layer, ["segments", "beads"])
    check_layer_alignment(session, layer.id)
    return layer


def ensure_annotator_layer(session: Session, pair: DocumentPair, annotator: Annotator) -> Layer:
    """Return the annotator's layer of the pair, created from the automatic layer on first use."""
    serialize(session, "layers", pair.id)  # two windows opening it at once: one creates it
    layer = find_layer(session, pair, LayerKind.ANNOTATOR, annotator)
    if layer is not None:
        return layer
    layer = copy_layer(session, automatic_layer(session, pair), LayerKind.ANNOTATOR, annotator)
    record(
        session,
        annotator,
        "create_layer",
        project_id=pair.project_id,
        pair_id=pair.id,
        layer_id=layer.id,
        kind=LayerKind.ANNOTATOR.value,
        copied_from="automatic",
    )
    return layer


def ensure_gold_layer(session: Session, pair: DocumentPair) -> Layer:
    """Return the pair's gold layer, created empty on first use (once, however many ask)."""
    serialize(session, "layers", pair.id)
    gold = find_layer(session, pair, LayerKind.GOLD)
    return gold if gold is not None else new_layer(session, pair, LayerKind.GOLD)


@dataclass(frozen=True)
class LayerProgress:
    """Counts that say how far a layer is: sentences, beads (confirmed), mentions and links."""

    source_sentences: int
    target_sentences: int
    beads: int
    confirmed_beads: int
    mentions: int
    links: int

    @property
    def percent_confirmed(self) -> float:
        """Return the share of beads confirmed, in percent (0 when not aligned)."""
        return 100.0 * self.confirmed_beads / self.beads if self.beads else 0.0


def layer_progress(session: Session, layer: Layer) -> LayerProgress:
    """Count a layer's sentences, beads, confirmed beads, mentions and links."""

    def count(query: object) -> int:
        return int(session.scalar(query) or 0)  # type: ignore[call-overload]

    per_side: dict[str, int] = dict(
        session.execute(
            select(Segment.side, func.count())
            .where(Segment.layer_id == layer.id)
            .group_by(Segment.side)
        ).all()
    )
    return LayerProgress(
        source_sentences=per_side.get(Side.SOURCE.value, 0),
        target_sentences=per_side.get(Side.TARGET.value, 0),
        beads=count(select(func.count()).where(Bead.layer_id == layer.id)),
        confirmed_beads=count(
            select(func.count()).where(
                Bead.layer_id == layer.id, Bead.status == BeadStatus.CONFIRMED.value
            )
        ),
        mentions=count(select(func.count()).where(Mention.layer_id == layer.id)),
        links=count(select(func.count()).where(Link.layer_id == layer.id)),
    )


@dataclass(frozen=True)
class SentenceRef:
    """One sentence of a layer: its id, its 0-based number on its side, and its text range."""

    id: int
    number: int
    start: int
    end: int


@dataclass(frozen=True)
class BeadRow:
    """One alignment row: the bead (None when the layer is unaligned) and each side's sentences."""

    bead_id: int | None
    status: str
    score: float | None
    source: tuple[SentenceRef, ...]
    target: tuple[SentenceRef, ...]

    def side(self, side: Side | str) -> tuple[SentenceRef, ...]:
        """Return the sentences on one side."""
        return self.source if Side(side) is Side.SOURCE else self.target


def count_rows(session: Session, layer: Layer) -> int:
    """Return how many rows the layer has: its beads, or its longer side when unaligned."""
    beads = session.scalar(select(func.count()).where(Bead.layer_id == layer.id)) or 0
    if beads:
        return int(beads)
    per_side = (
        session.execute(
            select(func.count()).where(Segment.layer_id == layer.id).group_by(Segment.side)
        )
        .scalars()
        .all()
    )
    return max(per_side, default=0)


def _sentences_before(session: Session, layer: Layer, side: Side, start: int) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                Segment.layer_id == layer.id, Segment.side == side.value, Segment.start < start
            )
        )
        or 0
    )


def bead_rows(
    session: Session, layer: Layer, offset: int = 0, limit: int | None = None
) -> list[BeadRow]:
    """Return rows offset..offset+limit: one per bead, or per sentence index if unaligned."""
    beads = session.execute(
        select(Bead.id, Bead.status, Bead.score)
        .where(Bead.layer_id == layer.id)
        .order_by(Bead.position)
        .offset(offset)
        .limit(limit)
    ).all()
    if not beads:
        return _unaligned_rows(session, layer, offset, limit)
    members: dict[int, tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]] = {
        b.id: ([], []) for b in beads
    }
    segs = session.execute(
        select(Segment.bead_id, Segment.side, Segment.id, Segment.start, Segment.end)
        .where(Segment.bead_id.in_(list(members)))
        .order_by(Segment.start)
    ).all()
    first: dict[str, int] = {}
    for bead_id, side, seg_id, start, end in segs:
        assert bead_id is not None
        members[bead_id][0 if side == Side.SOURCE.value else 1].append((seg_id, start, end))
        first[side] = min(first.get(side, start), start)
    counters = [
        _sentences_before(session, layer, side, first[side.value]) if side.value in first else 0
        for side in Side
    ]
    rows = []
    for b in beads:
        sides = []
        for k in (0, 1):
            refs = []
            for seg_id, start, end in members[b.id][k]:
                refs.append(SentenceRef(seg_id, counters[k], start, end))
                counters[k] += 1
            sides.append(tuple(refs))
        rows.append(BeadRow(b.id, b.status, b.score, sides[0], sides[1]))
    return rows


def _unaligned_rows(
    session: Session, layer: Layer, offset: int, limit: int | None
) -> list[BeadRow]:
    per_side = []
    for side in Side:
        found = session.execute(
            select(Segment.id, Segment.start, Segment.end)
            .where(Segment.layer_id == layer.id, Segment.side == side.value)
            .order_by(Segment.start)
            .offset(offset)
            .limit(limit)
        ).all()
        per_side.append([SentenceRef(i, offset + k, s, e) for k, (i, s, e) in enumerate(found)])
    src, tgt = per_side
    return [
        BeadRow(
            None, BeadStatus.AUTOMATIC.value, None, tuple(src[i : i + 1]), tuple(tgt[i : i + 1])
        )
        for i in range(max(len(src), len(tgt)))
    ]


def row_at(session: Session, layer: Layer, side: Side, offset: int) -> int | None:
    """Return the row (0-based) whose sentence on `side` holds or precedes `offset`."""
    found = session.execute(
        select(Segment.start, Segment.bead_id)
        .where(Segment.layer_id == layer.id, Segment.side == side.value, Segment.start <= offset)
        .order_by(Segment.start.desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    start, bead_id = found
    if bead_id is None:
        return _sentences_before(session, layer, side, start)
    position = session.scalar(select(Bead.position).where(Bead.id == bead_id))
    return int(
        session.scalar(
            select(func.count()).where(Bead.layer_id == layer.id, Bead.position < position)
        )
        or 0
    )


def neighbour_sentence(
    session: Session, layer: Layer, side: Side, offset: int, step: int
) -> Span | None:
    """Return the range of the next (step 1) or previous (step -1) sentence from `offset`."""
    query = select(Segment.start, Segment.end).where(
        Segment.layer_id == layer.id, Segment.side == side.value
    )
    if step > 0:
        query = query.where(Segment.start > offset).order_by(Segment.start)
    else:
        query = query.where(Segment.end < offset).order_by(Segment.start.desc())
    found = session.execute(query.limit(1)).first()
    return (found[0], found[1]) if found is not None else None


BeadKind = str  # "unconfirmed" | "low" | "non11"


def _bead_filter(layer: Layer, kind: BeadKind, low: float) -> list[ColumnElement[bool]]:
    if kind == "unconfirmed":
        return [Bead.status != BeadStatus.CONFIRMED.value]
    if kind == "low":
        return [Bead.score.is_not(None), Bead.score < low]
    if kind == "non11":
        per_side = (
            select(Segment.bead_id, func.count().label("n"))
            .where(Segment.layer_id == layer.id)
            .group_by(Segment.bead_id, Segment.side)
            .subquery()
        )
        one_one = (
            select(per_side.c.bead_id)
            .where(per_side.c.n == 1)
            .group_by(per_side.c.bead_id)
            .having(func.count() == 2)
        )
        return [Bead.id.not_in(one_one)]
    raise ValueError(f"unknown bead kind {kind!r}")


def next_bead_row(
    session: Session, layer: Layer, after_row: int, kind: BeadKind, low: float = 0.5
) -> int | None:
    """Return the first row after `after_row` whose bead is unconfirmed, low-score or not 1:1."""
    position = session.scalar(
        select(Bead.position)
        .where(Bead.layer_id == layer.id)
        .order_by(Bead.position)
        .offset(after_row)
        .limit(1)
    )
    if position is None:
        return None
    found = session.scalar(
        select(Bead.position)
        .where(Bead.layer_id == layer.id, Bead.position > position, *_bead_filter(layer, kind, low))
        .order_by(Bead.position)
        .limit(1)
    )
    if found is None:
        return None
    return int(
        session.scalar(select(func.count()).where(Bead.layer_id == layer.id, Bead.position < found))
        or 0
    )


def bead_counts(session: Session, layer: Layer, low: float = 0.5) -> dict[str, int]:
    """Count the layer's beads: all, unconfirmed, low-score and not 1:1."""
    total, unconfirmed, low_score = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((Bead.status != BeadStatus.CONFIRMED.value, 1))), 0),
            func.coalesce(func.sum(case((Bead.score < low, 1))), 0),
        ).where(Bead.layer_id == layer.id)
    ).one()
    one_one = (  # beads holding exactly one sentence of each side
        select(Segment.bead_id)
        .where(Segment.layer_id == layer.id, Segment.bead_id.is_not(None))
        .group_by(Segment.bead_id)
        .having(func.count() == 2, func.min(Segment.side) != func.max(Segment.side))
        .subquery()
    )
    one_to_one = int(session.scalar(select(func.count()).select_from(one_one)) or 0)
    return {
        "beads": int(total),
        "unconfirmed": int(unconfirmed),
        "low": int(low_score),
        "non11": int(total) - one_to_one,
    }
