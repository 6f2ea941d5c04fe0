"""The gold layer's content as text spans, read and written whole, and its open places.

Adjudication works on spans, not row ids, because the gold takes beads and mentions from
layers with their own segmentations: writing beads rebuilds the gold's sentences from the
beads' spans. A snapshot (`read_gold`) restores exactly what was there, decisions included,
which is how every adjudication step is undone.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

from annotator.alignment.beads import AlignedBead
from annotator.errors import InputError
from annotator.gc_pause import without_gc_pauses
from annotator.layer_writes import insert_links, replace_aligned
from annotator.model import (
    Bead,
    BeadStatus,
    Decision,
    DocumentPair,
    Layer,
    LayerKind,
    LayerStatus,
    Link,
    Mention,
    Side,
)
from annotator.review.agreement import plain_rows, read_layer
from annotator.review.entity_agreement import MentionKey
from annotator.review.places import LinkKey, Merge, SpanBead, Version, merge

QUORUM = "quorum"  # a decision row of this kind keeps the quorum the gold was merged with


@dataclass(frozen=True)
class GoldContent:
    """Everything of a gold layer that adjudication changes."""

    beads: tuple[tuple[SpanBead, str], ...]  # bead spans and status
    mentions: tuple[tuple[MentionKey, bool], ...]
    links: tuple[LinkKey, ...]
    decisions: tuple[tuple[str, str, str, int | None], ...]  # kind, place, choice, who


def has_beads(session: Session, layer: Layer) -> bool:
    """Tell whether the layer has any bead (without reading them)."""
    return session.scalar(select(Bead.id).where(Bead.layer_id == layer.id).limit(1)) is not None


@without_gc_pauses
def read_gold(session: Session, layer: Layer) -> GoldContent:
    """Return the layer's content as spans, with its decisions."""
    data = read_layer(session, layer)
    query = select(Bead.status).where(Bead.layer_id == layer.id).order_by(Bead.position)
    statuses = [status for (status,) in plain_rows(session, query)]
    beads = tuple(zip(data.beads.beads, statuses, strict=True)) if data.beads else ()
    decisions = tuple(
        (d.kind, d.place, d.choice, d.annotator_id)
        for d in session.scalars(select(Decision).where(Decision.layer_id == layer.id))
    )
    return GoldContent(beads, data.entities.mentions, data.entities.links, decisions)


def write_beads(session: Session, layer: Layer, beads: Sequence[tuple[SpanBead, str]]) -> None:
    """Make the layer's sentences and beads exactly these (sentences from the beads' spans)."""
    per_side = [
        sorted({span for bead, _ in beads for span in bead[0 if k == 0 else 1]}) for k in (0, 1)
    ]
    index = [{span: i for i, span in enumerate(spans)} for spans in per_side]
    replace_aligned(
        session,
        layer,
        (per_side[0], per_side[1]),
        [
            AlignedBead(
                tuple(sorted(index[0][s] for s in bead[0])),
                tuple(sorted(index[1][s] for s in bead[1])),
            )
            for bead, _ in beads
        ],
        [BeadStatus(status) for _, status in beads],
        crossing=True,
    )


def write_entities(
    session: Session,
    layer: Layer,
    mentions: Sequence[tuple[MentionKey, bool]],
    links: Sequence[LinkKey],
) -> None:
    """Make the layer's mentions and links exactly these (a link's ends must be mentions)."""
    session.execute(delete(Link).where(Link.layer_id == layer.id))
    session.execute(delete(Mention).where(Mention.layer_id == layer.id))
    texts = {side.value: layer.pair.document(side).text for side in Side}
    ids: dict[MentionKey, int] = {}
    for (side, start, end, label), flag in mentions:
        mention = Mention(
            layer_id=layer.id,
            side=side,
            start=start,
            end=end,
            label=label,
            surface=texts[side][start:end],
            no_counterpart=flag,
        )
        session.add(mention)
        session.flush()
        ids[(side, start, end, label)] = mention.id
    for a, b in links:
        if a not in ids or b not in ids:
            raise InputError(f"a gold link needs both its mentions in the gold ({a} ~ {b})")
    insert_links(session, layer, [(ids[a], ids[b]) for a, b in links])


def write_decisions(
    session: Session, layer: Layer, decisions: Sequence[tuple[str, str, str, int | None]]
) -> None:
    """Make the layer's decisions exactly these."""
    session.execute(delete(Decision).where(Decision.layer_id == layer.id))
    for kind, place, choice, who in decisions:
        session.add(
            Decision(layer_id=layer.id, kind=kind, place=place, choice=choice, annotator_id=who)
        )
    session.flush()


def restore(session: Session, layer: Layer, content: GoldContent) -> None:
    """Put a snapshot back."""
    write_beads(session, layer, content.beads)
    write_entities(session, layer, content.mentions, content.links)
    write_decisions(session, layer, content.decisions)


# Per store (connection pool), by layer id and version: an annotator's layer does not change
# while a reviewer works, and reading a long one costs a second.
_VERSIONS: WeakKeyDictionary[Pool, OrderedDict[tuple[int, int], Version]] = WeakKeyDictionary()


def _version(session: Session, layer: Layer) -> Version:
    """Return a layer as a Version, cached by its store, id and version (reads are costly)."""
    # keyed by the connection pool: the store's reading and writing engines share it
    cache = _VERSIONS.setdefault(session.get_bind().engine.pool, OrderedDict())
    key = (layer.id, layer.version)
    found = cache.get(key)
    if found is None:
        data = read_layer(session, layer)
        beads = data.beads.beads if data.beads is not None else None
        found = Version(layer.owner_label, beads, data.entities.mentions, data.entities.links)
        cache[key] = found
        while len(cache) > 64:
            cache.popitem(last=False)
    return found


def versions(session: Session, pair: DocumentPair, names: Sequence[str] = ()) -> list[Version]:
    """Return the annotators' layers of the pair that hold work, in name order.

    A layer still `new` was never edited (a copy of the automatic proposal, such as the one a
    reviewer gets by opening the pair) and is left out.
    """
    wanted = {n.lower() for n in names}
    found = []
    for layer in pair.layers:
        if layer.kind != LayerKind.ANNOTATOR.value:
            continue
        if wanted and layer.owner_label.lower() not in wanted:
            continue
        if layer.status == LayerStatus.NEW.value:
            continue  # never edited: a copy of the automatic proposal, nobody's work yet
        version = _version(session, layer)
        if version.beads is None and not version.mentions:
            continue
        found.append(version)
    return sorted(found, key=lambda v: v.name.lower())


def quorum_of(content: GoldContent) -> int | None:
    """Return the quorum the gold was merged with (None: all annotators)."""
    for kind, _, choice, _ in content.decisions:
        if kind == QUORUM:
            return int(choice)
    return None


_MERGES: WeakKeyDictionary[Pool, OrderedDict[tuple[object, ...], Merge]] = WeakKeyDictionary()


@without_gc_pauses
def merged(session: Session, pair: DocumentPair, quorum: int | None) -> Merge:
    """Return the merge of the pair's annotator layers, cached by their ids and versions."""
    found = versions(session, pair)
    key = (
        pair.id,
        quorum,
        tuple(
            sorted((x.id, x.version) for x in pair.layers if x.kind == LayerKind.ANNOTATOR.value)
        ),
    )
    cache = _MERGES.setdefault(session.get_bind().engine.pool, OrderedDict())
    result = cache.get(key)
    if result is None:
        result = merge((pair.source.text, pair.target.text), found, quorum)
        cache[key] = result
        while len(cache) > 16:
            cache.popitem(last=False)
    return result


def current_merge(session: Session, gold: Layer) -> Merge:
    """Return the merge of the pair's annotator layers with the gold's quorum."""
    return merged(session, gold.pair, quorum_of(read_gold(session, gold)))


def open_places(session: Session, gold: Layer) -> list[str]:
    """Return the keys of the places no decision covers yet."""
    decided = {(kind, place) for kind, place, _, _ in read_gold(session, gold).decisions}
    return [p.key for p in current_merge(session, gold).places if (p.kind, p.key) not in decided]


def check_ready(session: Session, gold: Layer) -> None:
    """Raise InputError unless the gold may be marked adjudicated: no open place, not empty."""
    content = read_gold(session, gold)
    if not content.beads and not content.mentions:
        raise InputError(f"the gold of pair {gold.pair_id} is empty; start it from a merge first")
    still = open_places(session, gold) if versions(session, gold.pair) else []
    if still:
        raise InputError(
            f"the gold of pair {gold.pair_id} has {len(still)} open disagreement(s), "
            f"first: {still[0]}"
        )
