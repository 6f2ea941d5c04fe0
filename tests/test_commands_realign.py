from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import select

from annotator.alignment.beads import AlignedBead
from annotator.commands import Editor
from annotator.commands.alignment import SetBeadStatus
from annotator.commands.realign import ApplyAlignment
from annotator.layers import alignment, bead_rows, ensure_annotator_layer
from annotator.model import Bead, DocumentPair, EmbeddingCacheEntry, Layer, Segment
from annotator.projects import get_or_create_annotator
from annotator.store import Store

pytestmark = pytest.mark.both_engines  # the store tests run on SQLite and PostgreSQL


def _dump(store: Store, layer_id: int) -> tuple[list[tuple], list[tuple]]:
    with store.read() as session:
        beads = session.execute(
            select(Bead.id, Bead.position, Bead.status, Bead.score)
            .where(Bead.layer_id == layer_id)
            .order_by(Bead.id)
        ).all()
        segs = session.execute(
            select(Segment.id, Segment.bead_id)
            .where(Segment.layer_id == layer_id)
            .order_by(Segment.id)
        ).all()
    return [tuple(b) for b in beads], [tuple(s) for s in segs]


def test_apply_alignment_round_trips_and_keeps_confirmed(store: Store, seed_pair_id: int) -> None:
    with store.write() as session:
        pair = session.get(DocumentPair, seed_pair_id)
        layer = ensure_annotator_layer(session, pair, get_or_create_annotator(session, "Alice"))
        layer_id = layer.id
        gold = alignment(session, layer)
        second = bead_rows(session, layer)[1].bead_id
    editor = Editor(store, layer_id, "Alice")
    editor.execute(SetBeadStatus([second], "confirmed"))
    before = _dump(store, layer_id)
    merged = [AlignedBead(gold[0].src + gold[1].src, gold[0].tgt + gold[1].tgt), *gold[2:]]
    editor.execute(ApplyAlignment(merged, {"test-model": {"k" * 64: np.ones(4, np.float32)}}))
    after = _dump(store, layer_id)
    with store.read() as session:
        layer = session.get(Layer, layer_id)
        assert alignment(session, layer)[0].src == (0, 1)
        assert session.get(EmbeddingCacheEntry, ("test-model", "k" * 64)) is not None
    editor.undo()
    assert _dump(store, layer_id) == before
    editor.redo()
    assert _dump(store, layer_id) == after
    # re-applying the gold keeps row 2 confirmed: it was confirmed before and is unchanged
    editor.undo()
    editor.execute(ApplyAlignment(gold))
    with store.read() as session:
        rows = bead_rows(session, session.get(Layer, layer_id))
        assert [r.status for r in rows].count("confirmed") == 1 and rows[1].status == "confirmed"
