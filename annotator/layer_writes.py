"""Writing a layer in bulk: its sentences, its beads and its links, each checked as a whole.

Whole-layer writes (an import, a re-segmentation, the gold built from a merge) go through Core
executemany: the ORM's per-object bulk path costs seconds on 40,000 sentences. The layer's
invariants are checked after each write (`check_layer_alignment`), so bad data rolls back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from annotator.alignment.beads import AlignedBead, check_cover, check_partition, crosses
from annotator.errors import IntegrityError
from annotator.model import Bead, BeadStatus, Layer, Link, Segment, Side
from annotator.store.invariants import check_layer_alignment

SEGMENTS = cast(Table, Segment.__table__)
BEADS = cast(Table, Bead.__table__)

Span = tuple[int, int]


def _check_ranges(layer: Layer, side: Side, spans: Sequence[Span]) -> None:
    """Raise IntegrityError for a sentence outside its text (bulk inserts skip flush checks)."""
    length = layer.pair.document(side).char_count
    for start, end in spans:
        if not 0 <= start < end <= length:
            raise IntegrityError(
                f"sentence range [{start}, {end}) is outside the text (0..{length}) or empty"
            )


def _check_beads(beads: Sequence[AlignedBead], sources: int, targets: int, crossing: bool) -> None:
    if crossing:  # an imported gold file: each sentence in one bead, in any order
        check_cover(beads, sources, targets)
    else:
        check_partition(beads, sources, targets)


def _bulk_insert(
    session: Session, table: Table, columns: tuple[str, ...], rows: Iterable[tuple[object, ...]]
) -> None:
    """Insert rows with the driver's executemany, fed one at a time (whole layers: 100,000s)."""
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join([mark] * len(columns))})"
    )
    driver = connection.connection.driver_connection  # the session's connection, transaction
    assert driver is not None
    cursor = driver.cursor()  # sqlite3 and psycopg both take any iterable of rows
    try:
        cursor.executemany(sql, rows)
    finally:
        cursor.close()


def _insert_beads(
    session: Session, layer: Layer, beads: Sequence[AlignedBead], statuses: Sequence[BeadStatus]
) -> dict[int, int]:
    """Insert the beads at positions 0.., return their ids by position (unique in a layer)."""
    if beads:
        _bulk_insert(
            session,
            BEADS,
            ("layer_id", "position", "status", "score"),
            (
                (layer.id, i, st.value, b.score)
                for i, (b, st) in enumerate(zip(beads, statuses, strict=True))
            ),
        )
    found = session.execute(select(Bead.position, Bead.id).where(Bead.layer_id == layer.id))
    return {position: bead_id for position, bead_id in found}


def replace_segmentation(session: Session, layer: Layer, side: Side, spans: Sequence[Span]) -> None:
    """Replace one side's sentences of a layer and clear its alignment (beads hold sentences)."""
    clear_alignment(session, layer)
    session.execute(delete(Segment).where(Segment.layer_id == layer.id, Segment.side == side.value))
    _check_ranges(layer, side, spans)
    if spans:  # Core executemany: the ORM's bulk path costs seconds on 40,000 sentences
        session.execute(
            insert(SEGMENTS),
            [
                {"layer_id": layer.id, "side": side.value, "start_char": s, "end_char": e}
                for s, e in spans
            ],
        )
    session.expire(layer, ["segments", "beads"])
    check_layer_alignment(session, layer.id)


def clear_alignment(session: Session, layer: Layer) -> None:
    """Remove the layer's beads, leaving its sentences unaligned."""
    session.execute(update(Segment).where(Segment.layer_id == layer.id).values(bead_id=None))
    session.execute(delete(Bead).where(Bead.layer_id == layer.id))
    session.expire(layer, ["segments", "beads"])


def segment_ids(session: Session, layer: Layer, side: Side) -> list[int]:
    """Return the ids of one side's sentences in text order."""
    return list(
        session.scalars(
            select(Segment.id)
            .where(Segment.layer_id == layer.id, Segment.side == side.value)
            .order_by(Segment.start)
        )
    )


def replace_alignment(
    session: Session,
    layer: Layer,
    beads: Sequence[AlignedBead],
    status: BeadStatus = BeadStatus.AUTOMATIC,
    *,
    statuses: Sequence[BeadStatus] | None = None,
    crossing: bool = False,
) -> None:
    """Replace the layer's beads with beads of sentence indices that partition both sides.

    `statuses` gives each bead its own status. With crossing=True (an imported gold file) the
    beads need only cover every sentence once; the layer is marked as holding crossing beads
    when they do.
    """
    src_ids = segment_ids(session, layer, Side.SOURCE)
    tgt_ids = segment_ids(session, layer, Side.TARGET)
    _check_beads(beads, len(src_ids), len(tgt_ids), crossing)
    crossing = crossing and crosses(beads)
    if statuses is not None and len(statuses) != len(beads):
        raise ValueError("one status per bead")
    clear_alignment(session, layer)
    if layer.crossing != crossing:
        layer.crossing = crossing
        session.flush()
    if beads:
        by_position = _insert_beads(session, layer, beads, statuses or [status] * len(beads))
        assignments = [
            {"segment": ids[k], "bead": by_position[position]}
            for position, bead in enumerate(beads)
            for ids, indices in ((src_ids, bead.src), (tgt_ids, bead.tgt))
            for k in indices
        ]
        session.execute(
            update(SEGMENTS)
            .where(SEGMENTS.c.id == bindparam("segment"))
            .values(bead_id=bindparam("bead")),
            assignments,
        )
    session.expire(layer, ["segments", "beads"])
    check_layer_alignment(session, layer.id)


def insert_links(session: Session, layer: Layer, links: Sequence[tuple[int, int]]) -> None:
    """Add links between mention ids of the layer, in bulk."""
    if links:
        session.execute(
            insert(Link),
            [
                {"layer_id": layer.id, "source_mention_id": a, "target_mention_id": b}
                for a, b in links
            ],
        )
    session.expire(layer, ["mentions", "links"])


def replace_aligned(
    session: Session,
    layer: Layer,
    spans: tuple[Sequence[Span], Sequence[Span]],
    beads: Sequence[AlignedBead],
    statuses: Sequence[BeadStatus],
    *,
    crossing: bool = False,
) -> None:
    """Replace the layer's sentences and beads at once, each sentence written with its bead.

    The same result as replace_segmentation of both sides then replace_alignment, without
    writing every sentence twice. Beads hold sentence indices of `spans`; crossing as there.
    """
    _check_beads(beads, len(spans[0]), len(spans[1]), crossing)
    if len(statuses) != len(beads):
        raise ValueError("one status per bead")
    clear_alignment(session, layer)
    session.execute(delete(Segment).where(Segment.layer_id == layer.id))
    crossing = crossing and crosses(beads)
    if layer.crossing != crossing:
        layer.crossing = crossing
        session.flush()
    by_position = _insert_beads(session, layer, beads, statuses)
    for side, side_spans in zip(Side, spans, strict=True):
        _check_ranges(layer, side, side_spans)
        bead_of: list[int | None] = [None] * len(side_spans)
        for position, bead in enumerate(beads):
            for k in bead.src if side == Side.SOURCE else bead.tgt:
                bead_of[k] = by_position[position]
        if side_spans:
            _bulk_insert(
                session,
                SEGMENTS,
                ("layer_id", "side", "start_char", "end_char", "bead_id"),
                (
                    (layer.id, side.value, s, e, bead_id)
                    for (s, e), bead_id in zip(side_spans, bead_of, strict=True)
                ),
            )

    session.expire(layer, ["segments", "beads"])
    check_layer_alignment(session, layer.id)
