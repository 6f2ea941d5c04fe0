from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select, update

from annotator.alignment.beads import AlignedBead
from annotator.errors import IntegrityError
from annotator.layer_writes import replace_alignment
from annotator.layers import (
    alignment,
    automatic_layer,
    copy_layer,
    ensure_annotator_layer,
    find_layer,
    sentence_spans,
)
from annotator.model import (
    AuditEvent,
    Bead,
    Document,
    DocumentPair,
    Layer,
    LayerKind,
    Link,
    Mention,
    Segment,
    Side,
)
from annotator.projects import get_or_create_annotator
from annotator.store import Store
from annotator.store.invariants import check_layer_alignment

pytestmark = pytest.mark.both_engines  # the store tests run on SQLite and PostgreSQL


def _mention(session, layer: Layer, side: Side, word: str, label: str = "PER") -> Mention:
    text = layer.pair.document(side).text
    start = text.index(word)
    m = Mention(
        layer=layer, side=side.value, start=start, end=start + len(word), label=label, surface=word
    )
    session.add(m)
    session.flush()
    return m


def test_seed_import_partitions_both_sides(store: Store, seed_pair_id: int) -> None:
    with store.read() as session:
        pair = session.get(DocumentPair, seed_pair_id)
        layer = automatic_layer(session, pair)
        beads = alignment(session, layer)
        assert [k for b in beads for k in b.src] == list(range(13))
        assert [k for b in beads for k in b.tgt] == list(range(9))
        check_layer_alignment(session, layer.id)


def test_mention_surface_must_match_text(store: Store, seed_pair_id: int) -> None:
    with store.write() as session:
        layer = automatic_layer(session, session.get(DocumentPair, seed_pair_id))
        m = _mention(session, layer, Side.TARGET, "لويد أوستن")
        assert m.surface == "لويد أوستن"
    with pytest.raises(IntegrityError, match="does not match"), store.write() as session:
        layer = automatic_layer(session, session.get(DocumentPair, seed_pair_id))
        text = layer.pair.target.text
        start = text.index("لويد أوستن")
        session.add(
            Mention(
                layer=layer,
                side="target",
                start=start + 1,
                end=start + 11,
                label="PER",
                surface="لويد أوستن",
            )
        )
        session.flush()


def test_a_mention_never_starts_or_ends_with_whitespace(store: Store, seed_pair_id: int) -> None:
    for word in ("لويد أوستن ", " Lloyd"):
        side = Side.TARGET if word.strip()[0] == "ل" else Side.SOURCE
        with pytest.raises(IntegrityError, match="whitespace"), store.write() as session:
            layer = automatic_layer(session, session.get(DocumentPair, seed_pair_id))
            _mention(session, layer, side, word)
    with store.write() as session:  # the same name without the space is fine
        layer = automatic_layer(session, session.get(DocumentPair, seed_pair_id))
        m = _mention(session, layer, Side.TARGET, "لويد أوستن")
        m.end += 1  # moving an edge onto the space is refused too
        m.surface = layer.pair.target.text[m.start : m.end]
        with pytest.raises(IntegrityError, match="whitespace"):
            session.flush()
        session.rollback()


@pytest.mark.parametrize("start,end", [(-1, 3), (5, 5), (7, 3), (0, 10_000)])
def test_ranges_outside_the_text_are_refused(
    store: Store, seed_pair_id: int, start: int, end: int
) -> None:
    with pytest.raises(IntegrityError, match="outside the text"), store.write() as session:
        layer = automatic_layer(session, session.get(DocumentPair, seed_pair_id))
        session.add(Segment(layer=layer, side="source", start=start, end=end))
        session.flush()


def test_editing_a_stored_mention_is_checked_too(store: Store, seed_pair_id: int) -> None:
    with store.write() as session:
        layer = automatic_layer(session, session.get(DocumentPair, seed_pair_id))
        mention_id = _mention(session, layer, Side.SOURCE, "Lloyd Austin").id
    with pytest.raises(IntegrityError), store.write() as session:
        session.get(Mention, mention_id).end += 1
        session.flush()
    with store.read() as session:
        assert session.get(Mention, mention_id).surface == "Lloyd Austin"


def test_label_outside_the_schema_is_refused(store: Store, seed_pair_id: int) -> None:
    with pytest.raises(IntegrityError, match="not in the project's schema"), store.write() as s:
        layer = automatic_layer(s, s.get(DocumentPair, seed_pair_id))
        _mention(s, layer, Side.SOURCE, "Gaza", label="WEAPON")


def test_documents_are_never_edited(store: Store, seed_pair_id: int) -> None:
    with pytest.raises(IntegrityError, match="never edited"), store.write() as session:
        doc = session.get(DocumentPair, seed_pair_id).source
        doc.text = doc.text.replace("Gaza", "Gazza")
        session.flush()


@pytest.mark.parametrize(
    "bad,reason",
    [
        ("a\x00b", "NUL"),
        ("a\r\nb", "CR"),
        ("ا\u0654", "NFC"),
        ("\ufefb", "presentation forms"),
    ],
)
def test_unstorable_text_is_refused(store: Store, project_id: int, bad: str, reason: str) -> None:
    with pytest.raises(IntegrityError, match=reason), store.write() as session:
        session.add(
            Document(
                language="ar",
                direction="rtl",
                text=bad,
                char_count=len(bad),
                checksum=hashlib.sha256(bad.encode()).hexdigest(),
                original_name="x",
                encoding="utf-8",
                import_notes=[],
            )
        )
        session.flush()


def test_links_go_source_to_target_within_one_layer(store: Store, seed_pair_id: int) -> None:
    with store.write() as session:
        pair = session.get(DocumentPair, seed_pair_id)
        layer = automatic_layer(session, pair)
        en = _mention(session, layer, Side.SOURCE, "Hezbollah", "ORG")
        ar = _mention(session, layer, Side.TARGET, "حزب الله", "ORG")
        session.add(Link(layer=layer, source_mention=en, target_mention=ar))
        session.flush()
        ids = (en.id, ar.id)
    with pytest.raises(IntegrityError, match="source mention to a target"), store.write() as s:
        layer = automatic_layer(s, s.get(DocumentPair, seed_pair_id))
        s.add(
            Link(
                layer=layer,
                source_mention=s.get(Mention, ids[1]),
                target_mention=s.get(Mention, ids[0]),
            )
        )
        s.flush()
    with pytest.raises(IntegrityError, match="one layer"), store.write() as s:
        pair = s.get(DocumentPair, seed_pair_id)
        other = copy_layer(s, automatic_layer(s, pair), LayerKind.GOLD)
        s.add(
            Link(
                layer=other,
                source_mention=s.get(Mention, ids[0]),
                target_mention=s.get(Mention, ids[1]),
            )
        )
        s.flush()


def test_beads_must_partition_both_sides(store: Store, seed_pair_id: int) -> None:
    bad_partitions = [
        [AlignedBead((0,), (0,))],  # does not cover everything
        [AlignedBead(tuple(range(13)), tuple(range(9))), AlignedBead((), ())],  # empty bead
        [AlignedBead((1,), (0,)), AlignedBead((0, *tuple(range(2, 13))), tuple(range(1, 9)))],
    ]
    for beads in bad_partitions:
        with pytest.raises(IntegrityError), store.write() as session:
            layer = automatic_layer(session, session.get(DocumentPair, seed_pair_id))
            replace_alignment(session, layer, beads)
    with store.read() as session:  # the failed writes left the proposal as it was
        layer = automatic_layer(session, session.get(DocumentPair, seed_pair_id))
        assert len(alignment(session, layer)) == 11  # the seed's gold, proposed at import


def test_partition_check_catches_sentences_out_of_bead_order(
    store: Store, seed_pair_id: int
) -> None:
    with pytest.raises(IntegrityError, match="bead order"), store.write() as session:
        layer = automatic_layer(session, session.get(DocumentPair, seed_pair_id))
        _first, last = session.scalars(
            select(Bead.id).where(Bead.layer_id == layer.id).order_by(Bead.position)
        ).all()[::8]
        seg = session.scalars(
            select(Segment)
            .where(Segment.layer_id == layer.id, Segment.side == "source")
            .order_by(Segment.start)
        ).first()
        seg.bead_id = last
        check_layer_alignment(session, layer.id)


def test_overlapping_sentences_are_caught(store: Store, seed_pair_id: int) -> None:
    with pytest.raises(IntegrityError, match="overlap"), store.write() as session:
        layer = automatic_layer(session, session.get(DocumentPair, seed_pair_id))
        first = sentence_spans(session, layer, Side.SOURCE)[0]
        session.add(
            Segment(
                layer=layer,
                side="source",
                start=first[0] + 1,
                end=first[1] + 3,
                bead_id=session.scalars(select(Bead.id).where(Bead.layer_id == layer.id)).first(),
            )
        )
        check_layer_alignment(session, layer.id)


def test_annotator_layers_are_isolated(store: Store, seed_pair_id: int) -> None:
    with store.write() as session:
        pair = session.get(DocumentPair, seed_pair_id)
        alice = get_or_create_annotator(session, "Alice")
        bob = get_or_create_annotator(session, "Bob")
        a = ensure_annotator_layer(session, pair, alice)
        b = ensure_annotator_layer(session, pair, bob)
        assert ensure_annotator_layer(session, pair, alice).id == a.id
        _mention(session, a, Side.SOURCE, "Lloyd Austin")
        replace_alignment(session, a, [AlignedBead(tuple(range(13)), tuple(range(9)))])
        ids = {"a": a.id, "b": b.id, "auto": automatic_layer(session, pair).id}
    with store.read() as session:
        pair = session.get(DocumentPair, seed_pair_id)
        layers = {k: session.get(Layer, v) for k, v in ids.items()}
        assert len(alignment(session, layers["a"])) == 1
        assert len(alignment(session, layers["b"])) == len(alignment(session, layers["auto"])) == 11
        assert [m.surface for m in layers["a"].mentions] == ["Lloyd Austin"]
        assert layers["b"].mentions == [] and layers["auto"].mentions == []
        bob = layers["b"].annotator
        assert find_layer(session, pair, LayerKind.ANNOTATOR, bob).id == ids["b"]
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions.count("create_layer") == 2
        assert (
            session.scalar(
                select(AuditEvent.actor)
                .where(AuditEvent.action == "create_layer")
                .order_by(AuditEvent.id)
            )
            == "Alice"
        )


def test_one_layer_per_annotator_and_one_gold_per_pair(store: Store, seed_pair_id: int) -> None:

    with store.write() as session:
        pair = session.get(DocumentPair, seed_pair_id)
        copy_layer(session, automatic_layer(session, pair), LayerKind.GOLD)
    # the store maps the driver's constraint error to ours
    with pytest.raises(IntegrityError), store.write() as session:
        pair = session.get(DocumentPair, seed_pair_id)
        copy_layer(session, automatic_layer(session, pair), LayerKind.GOLD)
    # the store maps the driver's constraint error to ours
    with pytest.raises(IntegrityError), store.write() as session:
        pair = session.get(DocumentPair, seed_pair_id)
        alice = get_or_create_annotator(session, "Alice")
        ensure_annotator_layer(session, pair, alice)
        session.add(Layer(pair=pair, kind="annotator", annotator=alice, status="new"))
        session.flush()


def test_deleting_a_pair_removes_its_layers_but_keeps_the_audit(
    store: Store, seed_pair_id: int
) -> None:
    with store.write() as session:
        session.delete(session.get(DocumentPair, seed_pair_id))
    with store.read() as session:
        for table in (Layer, Segment, Bead, Mention):
            assert session.scalar(select(func.count()).select_from(table)) == 0
        assert session.scalar(select(func.count()).select_from(AuditEvent)) >= 2


def test_raw_sql_cannot_bypass_foreign_keys(store: Store, seed_pair_id: int) -> None:

    # the store maps the driver's constraint error to ours
    with pytest.raises(IntegrityError), store.write() as session:
        session.execute(update(Segment).values(layer_id=999_999))
