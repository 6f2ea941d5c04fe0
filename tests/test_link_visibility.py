"""Annotators stay blind to each other: suggestions and the aligner read only visible links."""

from __future__ import annotations

import pytest

from annotator.alignment.pair_alignment import linked_names
from annotator.commands import Editor
from annotator.commands.entities import TagCounterpart, TagMention
from annotator.layers import ensure_annotator_layer, new_layer
from annotator.model import DocumentPair, Layer, LayerKind, LayerStatus, Role
from annotator.projects import get_or_create_annotator
from annotator.store import Store

pytestmark = pytest.mark.both_engines  # the store tests run on SQLite and PostgreSQL


def _layer_of(store: Store, pair_id: int, name: str) -> int:
    with store.write() as session:
        pair = session.get(DocumentPair, pair_id)
        assert pair is not None
        return ensure_annotator_layer(session, pair, get_or_create_annotator(session, name)).id


def _link(store: Store, layer_id: int, who: str, en: str, ar: str) -> None:
    with store.read() as session:
        layer = session.get(Layer, layer_id)
        assert layer is not None
        texts = layer.pair.source.text, layer.pair.target.text
    editor = Editor(store, layer_id, who)
    start = texts[0].index(en)
    changes = editor.execute(TagMention("source", start, start + len(en), "PER"))
    (mention,) = changes.mentions
    at = texts[1].index(ar)
    editor.execute(TagCounterpart(mention, "target", at, at + len(ar), "PER"))


def _names(store: Store, layer_id: int) -> list[tuple[str, str]]:
    with store.read() as session:
        layer = session.get(Layer, layer_id)
        assert layer is not None
        return sorted(linked_names(session, layer))


def test_an_annotator_never_sees_another_annotators_links(store: Store, seed_pair_id: int) -> None:
    alice = _layer_of(store, seed_pair_id, "Alice")
    bob = _layer_of(store, seed_pair_id, "Bob")
    _link(store, alice, "Alice", "Lloyd Austin", "لويد أوستن")
    assert _names(store, alice) == [("Lloyd Austin", "لويد أوستن")]
    assert _names(store, bob) == []  # Alice's link stays hers
    with store.write() as session:  # an adjudicated gold link is for everyone
        pair = session.get(DocumentPair, seed_pair_id)
        assert pair is not None
        gold = new_layer(session, pair, LayerKind.GOLD)
        gold_id = gold.id
        get_or_create_annotator(session, "reviewer", Role.REVIEWER)  # only reviewers write gold
    _link(store, gold_id, "reviewer", "Yoav Gallant", "يوآف غالانت")
    assert _names(store, bob) == []  # not while the gold is not adjudicated
    with store.write() as session:
        layer = session.get(Layer, gold_id)
        assert layer is not None
        layer.status = LayerStatus.ADJUDICATED.value
    assert _names(store, bob) == [("Yoav Gallant", "يوآف غالانت")]
    assert _names(store, alice) == [
        ("Lloyd Austin", "لويد أوستن"),
        ("Yoav Gallant", "يوآف غالانت"),
    ]
