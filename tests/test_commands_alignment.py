from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from annotator.alignment.beads import AlignedBead
from annotator.commands import Command, Editor
from annotator.commands.alignment import (
    ConfirmUpTo,
    InsertEmptySide,
    MergeBeads,
    MergeSentenceWithNext,
    MoveSideDown,
    MoveSideUp,
    SetBeadStatus,
    ShiftFirstUp,
    ShiftLastDown,
    SplitBead,
    SplitSentence,
    _BeadImage,
    _check_edit,
    _Delta,
    _SegmentImage,
)
from annotator.errors import ConflictError, InputError, IntegrityError
from annotator.layer_writes import clear_alignment, replace_alignment, replace_segmentation
from annotator.layers import alignment, ensure_annotator_layer, new_layer, sentence_spans
from annotator.model import (
    Annotator,
    AuditEvent,
    Bead,
    BeadStatus,
    Document,
    DocumentPair,
    Layer,
    LayerKind,
    Link,
    Mention,
    Segment,
    Side,
)
from annotator.projects import create_project, get_or_create_annotator
from annotator.store import Store
from annotator.store.invariants import check_layer_alignment
from annotator.text.segmentation import line_sentences

pytestmark = pytest.mark.both_engines  # the store tests run on SQLite and PostgreSQL

Dump = dict[str, dict[int, tuple[Any, ...]]]
Sentence = tuple[int, int]
ModelBead = tuple[tuple[Sentence, ...], tuple[Sentence, ...], str]
SIDES = ("source", "target")
CONFIRMED, AUTOMATIC = BeadStatus.CONFIRMED.value, BeadStatus.AUTOMATIC.value

# The annotator layer every test starts from: sentence numbers per side, "*" marks a confirmed
# bead. It mixes 1:1, 2:1, 1:0 and 0:1 beads over the seed's 13 English and 9 Arabic sentences.
LAYOUT = "0,1:0 2:1* 3:2* 4,5:3 6: 7:4 :5 8,9:6 10:7 11,12:8"


def parse_layout(layout: str) -> list[tuple[tuple[int, ...], tuple[int, ...], str]]:
    beads = []
    for token in layout.split():
        status = CONFIRMED if token.endswith("*") else AUTOMATIC
        src, tgt = token.rstrip("*").split(":")
        beads.append(
            (
                tuple(int(i) for i in src.split(",") if i),
                tuple(int(i) for i in tgt.split(",") if i),
                status,
            )
        )
    return beads


def layout_of(store: Store, layer_id: int) -> str:
    """The layer's beads in LAYOUT notation, numbering the sentences as they are now."""
    number = {}
    for side in SIDES:
        starts = [s for bead in read_model(store, layer_id) for s in bead[SIDES.index(side)]]
        number[side] = {span: k for k, span in enumerate(sorted(starts))}
    tokens = []
    for src, tgt, status in read_model(store, layer_id):
        numbers = [
            ",".join(str(number[side][s]) for s in spans)
            for side, spans in zip(SIDES, (src, tgt), strict=True)
        ]
        tokens.append(":".join(numbers) + ("*" if status == CONFIRMED else ""))
    return " ".join(tokens)


def dump(store: Store, layer_id: int) -> Dump:
    """Every column of the layer's bead, segment, mention and link rows, and the layer status."""
    out: Dump = {}
    with store.read() as session:
        for model in (Bead, Segment, Mention, Link):
            table = model.__table__
            rows = session.execute(select(table).where(table.c.layer_id == layer_id)).all()
            out[table.name] = {row.id: tuple(row) for row in rows}
        layer = session.get(Layer, layer_id)
        assert layer is not None
        out["layer"] = {layer_id: (layer.status,)}
    return out


def differing(before: Dump, after: Dump, table: str, skip: int | None = None) -> set[int]:
    def cut(row: tuple[Any, ...] | None) -> tuple[Any, ...] | None:
        return row if row is None or skip is None else row[:skip] + row[skip + 1 :]

    a, b = before[table], after[table]
    return {k for k in a.keys() | b.keys() if cut(a.get(k)) != cut(b.get(k))}


POSITION_COLUMN = 2  # beads: id, layer_id, position, status, score


def check_partition(store: Store, layer_id: int) -> None:
    """The full invariant check, plus positions exactly 0..n-1."""
    with store.read() as session:
        check_layer_alignment(session, layer_id)
        positions = session.scalars(
            select(Bead.position).where(Bead.layer_id == layer_id).order_by(Bead.position)
        ).all()
    assert list(positions) == list(range(len(positions)))


def set_layout(session: Session, layer: Layer, layout: str) -> None:
    beads = parse_layout(layout)
    replace_alignment(
        session, layer, [AlignedBead(s, t, 0.5 + k / 100) for k, (s, t, _) in enumerate(beads)]
    )
    confirmed = [k for k, (_, _, status) in enumerate(beads) if status == CONFIRMED]
    session.execute(
        update(Bead)
        .where(Bead.layer_id == layer.id, Bead.position.in_(confirmed))
        .values(status=CONFIRMED)
    )


def span(texts: dict[str, str], side: str, word: str) -> tuple[int, int]:
    start = texts[side].index(word)
    return start, start + len(word)


@pytest.fixture
def db_url(seeded: tuple[str, int]) -> str:
    """A copy of the seeded store (on the engine under test) with Alice's layer laid out."""
    store = Store.open(seeded[0])
    try:
        alice_layer(store, seeded[1])
    finally:
        store.close()
    return seeded[0]


@pytest.fixture
def seed_pair_id(store: Store, seeded: tuple[str, int]) -> int:
    return seeded[1]


@dataclass
class Seed:
    """The laid-out layer: bead ids by row, sentences as (id, start, end) by side, and texts."""

    editor: Editor
    annotator: Annotator
    beads: list[int]
    sentences: dict[str, list[tuple[int, int, int]]]
    texts: dict[str, str]
    mentions: dict[str, int]

    def src(self, k: int) -> int:
        return self.sentences["source"][k][0]

    def tgt(self, k: int) -> int:
        return self.sentences["target"][k][0]


def alice_layer(store: Store, pair_id: int) -> None:
    """Lay Alice's layer out as LAYOUT, with "Lloyd Austin" linked across sides and "Gaza"."""
    with store.write() as session:
        alice = get_or_create_annotator(session, "Alice")
        pair = session.get(DocumentPair, pair_id)
        assert pair is not None
        layer = ensure_annotator_layer(session, pair, alice)
        assert [len(sentence_spans(session, layer, side)) for side in Side] == [13, 9]
        set_layout(session, layer, LAYOUT)
        texts = {side: pair.document(side).text for side in SIDES}
        mentions = {}
        for key, side, word in (
            ("austin_src", "source", "Lloyd Austin"),
            ("austin_tgt", "target", "لويد أوستن"),
            ("gaza_src", "source", "Gaza"),
        ):
            start, end = span(texts, side, word)
            mention = Mention(
                layer=layer, side=side, start=start, end=end, label="PER", surface=word
            )
            session.add(mention)
            mentions[key] = mention
        session.add(
            Link(
                layer=layer,
                source_mention=mentions["austin_src"],
                target_mention=mentions["austin_tgt"],
            )
        )


@pytest.fixture
def seed(store: Store, seed_pair_id: int) -> Seed:
    with store.write() as session:
        alice = get_or_create_annotator(session, "Alice")
        pair = session.get(DocumentPair, seed_pair_id)
        assert pair is not None
        layer = ensure_annotator_layer(session, pair, alice)
        layer_id = layer.id
        texts = {side: pair.document(side).text for side in SIDES}
        beads = list(
            session.scalars(
                select(Bead.id).where(Bead.layer_id == layer_id).order_by(Bead.position)
            )
        )
        sentences = {
            side: [
                (i, s, e)
                for i, s, e in session.execute(
                    select(Segment.id, Segment.start, Segment.end)
                    .where(Segment.layer_id == layer_id, Segment.side == side)
                    .order_by(Segment.start)
                )
            ]
            for side in SIDES
        }
        mentions = {m.surface: m.id for m in layer.mentions}
    return Seed(Editor(store, layer_id, alice), alice, beads, sentences, texts, mentions)


def offset_after(seed: Seed, side: str, word: str) -> int:
    """The offset right after the first occurrence of `word` (a cut before the next space)."""
    return span(seed.texts, side, word)[1]


Factory = Callable[[Seed], Command]

# name: (command, expected layout after it, rows inserted or removed)
EDITS: dict[str, tuple[Factory, str, bool]] = {
    "shift_first_up": (
        lambda s: ShiftFirstUp(s.beads[3], "source"),
        "0,1:0 2:1* 3,4:2* 5:3 6: 7:4 :5 8,9:6 10:7 11,12:8",
        False,
    ),
    "shift_first_up_empties_the_row": (
        lambda s: ShiftFirstUp(s.beads[6], "target"),
        "0,1:0 2:1* 3:2* 4,5:3 6: 7:4,5 8,9:6 10:7 11,12:8",
        True,
    ),
    "shift_last_down": (
        lambda s: ShiftLastDown(s.beads[7], "source"),
        "0,1:0 2:1* 3:2* 4,5:3 6: 7:4 :5 8:6 9,10:7 11,12:8",
        False,
    ),
    "shift_last_down_empties_the_row": (
        lambda s: ShiftLastDown(s.beads[4], "source"),
        "0,1:0 2:1* 3:2* 4,5:3 6,7:4 :5 8,9:6 10:7 11,12:8",
        True,
    ),
    "move_side_up": (
        lambda s: MoveSideUp(s.beads[5], "target"),
        "0,1:0 2:1* 3:2* 4,5:3 6:4 7: :5 8,9:6 10:7 11,12:8",
        False,
    ),
    "move_side_up_leaves_a_one_sided_row": (
        lambda s: MoveSideUp(s.beads[9], "source"),
        "0,1:0 2:1* 3:2* 4,5:3 6: 7:4 :5 8,9:6 10,11,12:7 :8",
        False,
    ),
    "move_side_up_empties_the_row": (
        lambda s: MoveSideUp(s.beads[6], "target"),
        "0,1:0 2:1* 3:2* 4,5:3 6: 7:4,5 8,9:6 10:7 11,12:8",
        True,
    ),
    "move_side_down": (
        lambda s: MoveSideDown(s.beads[3], "source"),
        "0,1:0 2:1* 3:2* :3 4,5,6: 7:4 :5 8,9:6 10:7 11,12:8",
        False,
    ),
    "move_side_down_empties_the_row": (
        lambda s: MoveSideDown(s.beads[4], "source"),
        "0,1:0 2:1* 3:2* 4,5:3 6,7:4 :5 8,9:6 10:7 11,12:8",
        True,
    ),
    "merge_confirmed_rows": (
        lambda s: MergeBeads(s.beads[1]),
        "0,1:0 2,3:1,2* 4,5:3 6: 7:4 :5 8,9:6 10:7 11,12:8",
        True,
    ),
    "merge_mixed_rows": (
        lambda s: MergeBeads(s.beads[2]),
        "0,1:0 2:1* 3,4,5:2,3 6: 7:4 :5 8,9:6 10:7 11,12:8",
        True,
    ),
    "split_row": (
        lambda s: SplitBead(s.beads[0], 1, 0),
        "0: 1:0 2:1* 3:2* 4,5:3 6: 7:4 :5 8,9:6 10:7 11,12:8",
        True,
    ),
    "split_last_row": (
        lambda s: SplitBead(s.beads[9], 1, 1),
        "0,1:0 2:1* 3:2* 4,5:3 6: 7:4 :5 8,9:6 10:7 11:8 12:",
        True,
    ),
    "split_confirmed_row": (
        lambda s: SplitBead(s.beads[2], 0, 1),
        "0,1:0 2:1* :2* 3:* 4,5:3 6: 7:4 :5 8,9:6 10:7 11,12:8",
        True,
    ),
    "insert_empty_target": (
        lambda s: InsertEmptySide(s.beads[8], "target"),
        "0,1:0 2:1* 3:2* 4,5:3 6: 7:4 :5 8,9:6 10: :7 11,12:8",
        True,
    ),
    "insert_empty_source": (
        lambda s: InsertEmptySide(s.beads[8], "source"),
        "0,1:0 2:1* 3:2* 4,5:3 6: 7:4 :5 8,9:6 :7 10: 11,12:8",
        True,
    ),
    "split_sentence": (
        lambda s: SplitSentence(s.src(1), offset_after(s, "source", "Lloyd Austin")),
        "0,1,2:0 3:1* 4:2* 5,6:3 7: 8:4 :5 9,10:6 11:7 12,13:8",
        False,
    ),
    "split_sentence_in_a_word": (
        lambda s: SplitSentence(s.tgt(0), span(s.texts, "target", "الأميركي")[0] + 3),
        "0,1:0,1 2:2* 3:3* 4,5:4 6: 7:5 :6 8,9:7 10:8 11,12:9",
        False,
    ),
    "merge_sentences": (
        lambda s: MergeSentenceWithNext(s.src(4)),
        "0,1:0 2:1* 3:2* 4:3 5: 6:4 :5 7,8:6 9:7 10,11:8",
        False,
    ),
    "set_status_confirmed": (
        lambda s: SetBeadStatus([s.beads[0], s.beads[1], s.beads[6]], "confirmed"),
        "0,1:0* 2:1* 3:2* 4,5:3 6: 7:4 :5* 8,9:6 10:7 11,12:8",
        False,
    ),
    "set_status_automatic": (
        lambda s: SetBeadStatus([s.beads[2]], BeadStatus.AUTOMATIC),
        "0,1:0 2:1* 3:2 4,5:3 6: 7:4 :5 8,9:6 10:7 11,12:8",
        False,
    ),
    "confirm_up_to": (
        lambda s: ConfirmUpTo(s.beads[4]),
        "0,1:0* 2:1* 3:2* 4,5:3* 6:* 7:4 :5 8,9:6 10:7 11,12:8",
        False,
    ),
}


def test_the_start_layout(seed: Seed) -> None:
    assert layout_of(seed.editor.store, seed.editor.layer_id) == LAYOUT


@pytest.mark.parametrize("name", sorted(EDITS))
def test_do_undo_redo_round_trips(name: str, seed: Seed) -> None:
    factory, expected, rows_changed = EDITS[name]
    editor, store = seed.editor, seed.editor.store
    before = dump(store, editor.layer_id)
    changes = editor.execute(factory(seed))
    check_partition(store, editor.layer_id)
    after = dump(store, editor.layer_id)
    assert layout_of(store, editor.layer_id) == expected
    assert changes.rows_changed is rows_changed
    assert (after["mentions"], after["links"]) == (before["mentions"], before["links"])
    assert not changes.mentions and not changes.links
    skip = POSITION_COLUMN if rows_changed else None  # renumbered rows are not listed
    assert differing(before, after, "beads", skip) <= changes.beads
    assert differing(before, after, "segments") <= changes.segments

    assert editor.undo() == changes
    check_partition(store, editor.layer_id)
    assert dump(store, editor.layer_id) == before
    assert editor.redo() == changes
    check_partition(store, editor.layer_id)
    assert dump(store, editor.layer_id) == after  # the same ids, positions and scores
    assert editor.undo() == changes
    assert dump(store, editor.layer_id) == before


def scores(store: Store, layer_id: int) -> list[float | None]:
    with store.read() as session:
        return list(
            session.scalars(
                select(Bead.score).where(Bead.layer_id == layer_id).order_by(Bead.position)
            )
        )


def test_edited_rows_lose_their_score(seed: Seed) -> None:
    editor, store = seed.editor, seed.editor.store
    start = scores(store, editor.layer_id)
    editor.execute(ShiftFirstUp(seed.beads[3], "source"))
    assert scores(store, editor.layer_id) == [*start[:2], None, None, *start[4:]]
    split = SplitBead(seed.beads[7], 1, 1)
    editor.execute(split)
    assert scores(store, editor.layer_id)[7:9] == [None, None]
    editor.execute(SplitSentence(seed.src(12), seed.sentences["source"][12][1] + 5))
    assert scores(store, editor.layer_id)[-1] == start[-1]  # the row's text did not change


def test_new_row_and_sentence_ids_survive_undo_and_redo(seed: Seed) -> None:
    editor = seed.editor
    split = SplitBead(seed.beads[3], 1, 0)
    assert split.new_bead_id is None
    changes = editor.execute(split)
    new_bead = split.new_bead_id
    assert new_bead is not None and changes.beads == {seed.beads[3], new_bead}
    cut = SplitSentence(seed.src(5), offset_after(seed, "source", "American and"))
    editor.execute(cut)
    new_segment = cut.new_segment_id
    assert new_segment is not None and new_segment not in {i for i, *_ in seed.sentences["source"]}
    editor.undo()
    editor.undo()
    editor.redo()
    editor.redo()
    assert (split.new_bead_id, cut.new_segment_id) == (new_bead, new_segment)
    with editor.store.read() as session:
        seg = session.get(Segment, new_segment)
        assert seg is not None and seg.bead_id == new_bead
    # a later command may name the restored rows
    editor.execute(MergeSentenceWithNext(seed.src(5)))
    editor.execute(MergeBeads(seed.beads[3]))
    assert layout_of(editor.store, editor.layer_id) == LAYOUT
    check_partition(editor.store, editor.layer_id)


def test_split_sentence_trims_the_space_around_the_cut(seed: Seed) -> None:
    editor = seed.editor
    at = offset_after(seed, "source", "Lloyd Austin")  # the space before "made"
    for offset in (at, at + 1):  # before and after the space: the same two sentences
        command = SplitSentence(seed.src(1), offset)
        editor.execute(command)
        with editor.store.read() as session:
            first = session.get(Segment, seed.src(1))
            second = session.get(Segment, command.new_segment_id)
            assert first is not None and second is not None
            text = seed.texts["source"]
            assert text[first.start : first.end].endswith("Lloyd Austin")
            assert text[second.start : second.end].startswith("made a phone call")
            assert (first.start, second.end) == seed.sentences["source"][1][1:]
            assert second.start == first.end + 1
        editor.undo()


def test_edits_chain_to_the_seed_gold(seed: Seed) -> None:
    editor = seed.editor
    detach = InsertEmptySide(seed.beads[9], "source")
    for command in (
        SplitBead(seed.beads[0], 1, 0),  # the title has no Arabic counterpart
        MoveSideDown(seed.beads[4], "source"),
        ShiftFirstUp(seed.beads[7], "source"),
        detach,
    ):
        editor.execute(command)
        check_partition(editor.store, editor.layer_id)
    assert detach.new_bead_id is not None
    editor.execute(ShiftFirstUp(detach.new_bead_id, "source"))
    gold = "0: 1:0 2:1* 3:2* 4,5:3 6,7:4 8:5 9:6 10:7 11:8 12:"
    assert layout_of(editor.store, editor.layer_id) == gold
    while editor.undo() is not None:
        check_partition(editor.store, editor.layer_id)
    assert layout_of(editor.store, editor.layer_id) == LAYOUT


def test_sentence_edits_work_on_an_unaligned_layer(seed: Seed) -> None:
    editor, store = seed.editor, seed.editor.store
    with store.write() as session:
        layer = session.get(Layer, editor.layer_id)
        assert layer is not None
        clear_alignment(session, layer)
    editor.reload()
    before = dump(store, editor.layer_id)
    at = offset_after(seed, "source", "Lloyd Austin")
    changes = editor.execute(SplitSentence(seed.src(1), at))
    assert (changes.beads, changes.rows_changed) == (frozenset(), False)
    editor.execute(MergeSentenceWithNext(seed.src(2)))  # the old second sentence, now third
    check_partition(store, editor.layer_id)
    spans = [(s, e) for _, s, e in seed.sentences["source"]]
    with store.read() as session:
        layer = session.get(Layer, editor.layer_id)
        assert layer is not None
        now = sentence_spans(session, layer, Side.SOURCE)
    assert now == [
        spans[0],
        (spans[1][0], at),
        (at + 1, spans[1][1]),
        (spans[2][0], spans[3][1]),
        *spans[4:],
    ]
    with pytest.raises(InputError, match=f"has no bead {seed.beads[0]}"):
        editor.execute(MergeBeads(seed.beads[0]))
    editor.undo()
    editor.undo()
    assert dump(store, editor.layer_id) == before


def audit_count(store: Store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


REFUSALS: dict[str, tuple[Factory, str]] = {
    "shift_up_first_row": (
        lambda s: ShiftFirstUp(s.beads[0], "source"),
        "row 1 is the first row: there is no previous row",
    ),
    "shift_down_last_row": (
        lambda s: ShiftLastDown(s.beads[9], "target"),
        "row 10 is the last row: there is no next row",
    ),
    "shift_up_empty_side": (
        lambda s: ShiftFirstUp(s.beads[4], "target"),
        "row 5 has no target sentence to move up",
    ),
    "shift_down_empty_side": (
        lambda s: ShiftLastDown(s.beads[6], "source"),
        "row 7 has no source sentence to move down",
    ),
    "move_up_first_row": (lambda s: MoveSideUp(s.beads[0], "target"), "first row"),
    "move_down_last_row": (lambda s: MoveSideDown(s.beads[9], "source"), "last row"),
    "move_down_empty_side": (
        lambda s: MoveSideDown(s.beads[6], "source"),
        "row 7 has no source sentence to move down",
    ),
    "merge_last_row": (lambda s: MergeBeads(s.beads[9]), "row 10 is the last row"),
    "split_keeping_nothing": (
        lambda s: SplitBead(s.beads[3], 0, 0),
        "splitting row 4 after 0:0 sentences leaves an empty row",
    ),
    "split_keeping_everything": (
        lambda s: SplitBead(s.beads[3], 2, 1),
        "splitting row 4 after 2:1 sentences leaves an empty row",
    ),
    "split_beyond_the_row": (
        lambda s: SplitBead(s.beads[3], 3, 0),
        r"row 4 has 2:1 sentences; cannot keep 3:0 of them",
    ),
    "split_negative": (lambda s: SplitBead(s.beads[3], -1, 1), "cannot keep -1:1"),
    "insert_empty_side_of_a_one_sided_row": (
        lambda s: InsertEmptySide(s.beads[4], "source"),
        "row 5 has only source sentences: nothing to detach",
    ),
    "split_sentence_inside_a_mention": (
        lambda s: SplitSentence(s.src(1), span(s.texts, "source", "Lloyd Austin")[0] + 5),
        "a sentence split inside a mention is refused: PER “Lloyd Austin”",
    ),
    "split_sentence_inside_an_arabic_mention": (
        lambda s: SplitSentence(s.tgt(0), span(s.texts, "target", "لويد أوستن")[0] + 2),
        "a sentence split inside a mention is refused: PER “لويد أوستن”",
    ),
    "split_sentence_at_its_start": (
        lambda s: SplitSentence(s.src(2), s.sentences["source"][2][1]),
        "is not inside sentence",
    ),
    "split_sentence_at_its_end": (
        lambda s: SplitSentence(s.src(2), s.sentences["source"][2][2]),
        "is not inside sentence",
    ),
    "merge_sentences_across_rows": (
        lambda s: MergeSentenceWithNext(s.src(3)),
        "are in different rows: merge the rows first",
    ),
    "merge_last_sentence": (
        lambda s: MergeSentenceWithNext(s.tgt(8)),
        "is the last target sentence: nothing to merge",
    ),
    "unknown_bead": (lambda s: MergeBeads(999_999), "has no bead 999999"),
    "unknown_sentence": (lambda s: SplitSentence(999_999, 5), "has no sentence 999999"),
    "status_unchanged": (
        lambda s: SetBeadStatus([s.beads[1], s.beads[2]], "confirmed"),
        "the rows are already confirmed",
    ),
    "status_of_unknown_bead": (
        lambda s: SetBeadStatus([s.beads[0], 999_999], "confirmed"),
        "has no bead 999999",
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_refusals_change_nothing(name: str, seed: Seed) -> None:
    factory, message = REFUSALS[name]
    editor, store = seed.editor, seed.editor.store
    editor.execute(SetBeadStatus([seed.beads[9]], "confirmed"))  # something to undo
    before, events, version = dump(store, editor.layer_id), audit_count(store), editor.version
    with pytest.raises(InputError, match=message):
        editor.execute(factory(seed))
    assert dump(store, editor.layer_id) == before
    assert (audit_count(store), editor.version) == (events, version)
    assert editor.undo_text == "Mark 1 row confirmed" and not editor.can_redo
    editor.undo()  # the editor still works
    check_partition(store, editor.layer_id)


def test_a_bead_of_another_layer_is_refused(seed: Seed, seed_pair_id: int) -> None:
    store = seed.editor.store
    with store.write() as session:
        bob = get_or_create_annotator(session, "Bob")
        pair = session.get(DocumentPair, seed_pair_id)
        assert pair is not None
        bob_layer = ensure_annotator_layer(session, pair, bob)
        bob_bead = session.scalars(select(Bead.id).where(Bead.layer_id == bob_layer.id)).first()
        bob_segment = session.scalars(
            select(Segment.id).where(Segment.layer_id == bob_layer.id)
        ).first()
    with pytest.raises(InputError, match=f"has no bead {bob_bead}"):
        seed.editor.execute(SplitBead(bob_bead, 1, 0))
    with pytest.raises(InputError, match=f"has no sentence {bob_segment}"):
        seed.editor.execute(MergeSentenceWithNext(bob_segment))


def test_confirm_up_to_twice_is_refused_and_undo_keeps_earlier_confirmations(seed: Seed) -> None:
    editor, store = seed.editor, seed.editor.store
    changes = editor.execute(ConfirmUpTo(seed.beads[3]))
    assert changes.beads == {seed.beads[0], seed.beads[3]}  # rows 2 and 3 were confirmed
    assert editor.undo_text == "Confirm rows 1–4"
    with pytest.raises(InputError, match="rows 1–3 are already confirmed"):
        editor.execute(ConfirmUpTo(seed.beads[2]))
    editor.undo()
    assert layout_of(store, editor.layer_id) == LAYOUT


def test_bad_arguments_are_refused_when_built() -> None:
    with pytest.raises(InputError, match="unknown side 'middle'"):
        ShiftFirstUp(1, "middle")
    with pytest.raises(InputError, match="src_count must be an integer"):
        SplitBead(1, True, 0)
    with pytest.raises(InputError, match="offset must be an integer"):
        SplitSentence(1, 2.5)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="unknown bead status 'done'"):
        SetBeadStatus([1], "done")
    with pytest.raises(InputError, match="no bead given"):
        SetBeadStatus([], "confirmed")


def test_undo_texts_and_audit(seed: Seed) -> None:
    editor = seed.editor
    editor.execute(MergeBeads(seed.beads[5]))
    assert editor.undo_text == "Merge row 6 with the next row"
    editor.undo()
    assert editor.redo_text == "Merge row 6 with the next row"
    editor.redo()
    editor.execute(SplitSentence(seed.src(1), offset_after(seed, "source", "Lloyd Austin")))
    assert editor.undo_text.startswith("Split source sentence at ")
    with editor.store.read() as session:
        tail = session.execute(
            select(AuditEvent.action, AuditEvent.detail)
            .where(AuditEvent.layer_id == editor.layer_id)
            .order_by(AuditEvent.id.desc())
            .limit(4)
        ).all()[::-1]
    assert [action for action, _ in tail] == [
        "merge_beads",
        "undo:merge_beads",
        "redo:merge_beads",
        "split_sentence",
    ]
    assert tail[0].detail["params"] == {"bead_id": seed.beads[5]}
    assert tail[0].detail["changed"] == {
        "beads": sorted(seed.beads[5:7]),
        "segments": [seed.tgt(5)],
        "sides": ["target"],
        "rows_changed": True,
    }


def test_restoring_a_row_whose_id_was_taken_is_a_conflict(seed: Seed) -> None:
    editor, store = seed.editor, seed.editor.store
    split = SplitBead(seed.beads[0], 1, 0)
    editor.execute(split)
    editor.undo()
    with store.write() as session:  # something outside the editor takes the id anyway
        session.execute(
            text(
                "INSERT INTO beads (id, layer_id, position, status) "
                "VALUES (:id, :layer, 99, 'automatic')"
            ),
            {"id": split.new_bead_id, "layer": editor.layer_id},
        )
    before = dump(store, editor.layer_id)
    with pytest.raises(ConflictError, match=f"bead {split.new_bead_id} cannot be restored"):
        editor.redo()
    assert dump(store, editor.layer_id) == before
    assert editor.can_redo and not editor.can_undo


def test_a_row_changed_outside_the_editor_is_a_conflict_on_undo(seed: Seed) -> None:
    editor, store = seed.editor, seed.editor.store
    editor.execute(MergeBeads(seed.beads[3]))
    with store.write() as session:  # bypasses the layer version, as a buggy writer would
        session.execute(update(Bead).where(Bead.id == seed.beads[3]).values(score=0.25))
    before = dump(store, editor.layer_id)
    with pytest.raises(ConflictError, match=f"bead {seed.beads[3]} was changed outside"):
        editor.undo()
    assert dump(store, editor.layer_id) == before


# -- the local partition check catches what the full check catches --------------------------------


def touched(session: Session, bead_ids: list[int], segment_ids: Sequence[int] = ()) -> _Delta:
    beads = [
        _BeadImage(*row)
        for row in session.execute(
            select(Bead.id, Bead.position, Bead.status, Bead.score).where(Bead.id.in_(bead_ids))
        )
    ]
    segments = [
        _SegmentImage(*row)
        for row in session.execute(
            select(Segment.id, Segment.side, Segment.start, Segment.end, Segment.bead_id).where(
                Segment.id.in_(list(segment_ids))
            )
        )
    ]
    return _Delta(tuple((b, b) for b in beads), tuple((s, s) for s in segments))


Corruption = Callable[[Session, Seed], _Delta]


def _empty_a_bead(session: Session, s: Seed) -> _Delta:
    session.execute(update(Segment).where(Segment.id == s.src(6)).values(bead_id=s.beads[3]))
    return touched(session, [s.beads[4]])


def _share_a_position(session: Session, s: Seed) -> _Delta:
    session.execute(update(Bead).where(Bead.id == s.beads[4]).values(position=5))
    return touched(session, [s.beads[4]])


def _leave_a_gap(session: Session, s: Seed) -> _Delta:
    session.execute(update(Bead).where(Bead.id == s.beads[9]).values(position=10))
    return touched(session, [s.beads[9]])


def _break_the_order(session: Session, s: Seed) -> _Delta:
    session.execute(update(Segment).where(Segment.id == s.src(2)).values(bead_id=s.beads[3]))
    return touched(session, [s.beads[3]])


def _overlap(session: Session, s: Seed) -> _Delta:
    end = s.sentences["source"][5][1] + 3
    session.execute(update(Segment).where(Segment.id == s.src(4)).values(end=end))
    return touched(session, [], [s.src(4)])


def _orphan(session: Session, s: Seed) -> _Delta:
    session.execute(update(Segment).where(Segment.id == s.src(5)).values(bead_id=None))
    return touched(session, [], [s.src(5)])


CORRUPTIONS: dict[str, tuple[Corruption, str]] = {
    "empty_bead": (_empty_a_bead, "holds no sentence"),
    "shared_position": (_share_a_position, r"bead positions 4\.\.6 are not each used once"),
    "gap": (_leave_a_gap, r"bead positions are not 0\.\.9"),  # the full check allows gaps
    "order": (_break_the_order, "breaks the bead order"),
    "overlap": (_overlap, "source sentences overlap"),
    "orphan": (_orphan, "is in no bead of the layer"),
}


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_the_local_check_refuses_a_broken_partition(name: str, seed: Seed) -> None:
    corrupt, message = CORRUPTIONS[name]
    with seed.editor.store.write() as session:
        delta = corrupt(session, seed)
        if name != "gap":
            with pytest.raises(IntegrityError):
                check_layer_alignment(session, seed.editor.layer_id)
        with pytest.raises(IntegrityError, match=message):
            _check_edit(session, seed.editor.layer_id, delta)
        session.rollback()


# -- a long layer ---------------------------------------------------------------------------------


def _document(language: str, body: str) -> Document:
    return Document(
        language=language,
        direction="rtl" if language == "ar" else "ltr",
        text=body,
        char_count=len(body),
        checksum=hashlib.sha256(body.encode("utf-8")).hexdigest(),
        original_name=f"long.{language}.txt",
        encoding="utf-8",
        normalization="NFC",
        import_notes=[],
    )


LONG = 3_000  # rows; the timing figures in the report come from 20,000 (not asserted here)


def build_long_layer(store: Store, beads: int) -> tuple[int, Annotator]:
    """A pair of `beads` one-line sentences a side, aligned 1:1 on an annotator's layer."""
    with store.write() as session:
        project = create_project(session, f"long-{beads}", "en", "ar", "tester")
        annotator = get_or_create_annotator(session, "Long")
        source = "".join(f"Sentence number {i}.\n" for i in range(beads))
        target = "".join(f"الجملة رقم {i}.\n" for i in range(beads))
        pair = DocumentPair(
            project=project,
            name="long",
            source=_document("en", source),
            target=_document("ar", target),
        )
        session.add(pair)
        session.flush()
        layer = new_layer(session, pair, LayerKind.ANNOTATOR, annotator)
        replace_segmentation(session, layer, Side.SOURCE, line_sentences(source))
        replace_segmentation(session, layer, Side.TARGET, line_sentences(target))
        replace_alignment(session, layer, [AlignedBead((i,), (i,), 0.9) for i in range(beads)])
        return layer.id, annotator


def bead_rows(store: Store, layer_id: int) -> list[tuple[Any, ...]]:
    with store.read() as session:
        return [
            tuple(row)
            for row in session.execute(
                select(Bead.id, Bead.position, Bead.status, Bead.score)
                .where(Bead.layer_id == layer_id)
                .order_by(Bead.id)
            )
        ]


def test_merge_and_split_near_the_start_of_a_long_layer_renumber_every_row(store: Store) -> None:
    layer_id, annotator = build_long_layer(store, LONG)
    editor = Editor(store, layer_id, annotator)
    before = bead_rows(store, layer_id)
    second, third = before[1][0], before[2][0]
    editor.execute(MergeBeads(second))
    check_partition(store, layer_id)
    merged = bead_rows(store, layer_id)
    assert third not in {row[0] for row in merged}
    assert [row[1] for row in merged] == list(range(LONG - 1))
    editor.execute(SplitBead(second, 1, 1))
    check_partition(store, layer_id)
    with store.read() as session:
        layer = session.get(Layer, layer_id)
        assert layer is not None
        assert [(b.src, b.tgt) for b in alignment(session, layer)[:4]] == [
            ((0,), (0,)),
            ((1,), (1,)),
            ((2,), (2,)),
            ((3,), (3,)),
        ]
    editor.undo()
    editor.undo()
    assert bead_rows(store, layer_id) == before


# -- random editing sessions ----------------------------------------------------------------------


Model = list[ModelBead]


def read_model(store: Store, layer_id: int) -> Model:
    """The layer's beads in order, each with its sentence ranges per side and its status."""
    with store.read() as session:
        beads = session.execute(
            select(Bead.id, Bead.status).where(Bead.layer_id == layer_id).order_by(Bead.position)
        ).all()
        members: dict[int, tuple[list[Sentence], list[Sentence]]] = {b: ([], []) for b, _ in beads}
        for bead_id, side, start, end in session.execute(
            select(Segment.bead_id, Segment.side, Segment.start, Segment.end)
            .where(Segment.layer_id == layer_id)
            .order_by(Segment.start)
        ):
            members[bead_id][SIDES.index(side)].append((start, end))
    return [(tuple(members[b][0]), tuple(members[b][1]), status) for b, status in beads]


def _with(bead: ModelBead, i: int, sentences: tuple[Sentence, ...]) -> ModelBead:
    return (sentences, bead[1], bead[2]) if i == 0 else (bead[0], sentences, bead[2])


def model_move(model: Model, k: int, side: str, step: int, whole: bool) -> Model | None:
    """ShiftFirstUp / ShiftLastDown (whole=False) and MoveSideUp / MoveSideDown (whole=True)."""
    i, j, bead = SIDES.index(side), k + step, model[k]
    if not bead[i] or not 0 <= j < len(model):
        return None
    count = len(bead[i]) if whole else 1
    moving = bead[i][:count] if step < 0 else bead[i][len(bead[i]) - count :]
    rest = bead[i][count:] if step < 0 else bead[i][: len(bead[i]) - count]
    other = model[j][i] + moving if step < 0 else moving + model[j][i]
    new = list(model)
    new[k], new[j] = _with(bead, i, rest), _with(model[j], i, other)
    if not new[k][0] and not new[k][1]:
        del new[k]
    return new


def model_merge(model: Model, k: int) -> Model | None:
    if k + 1 >= len(model):
        return None
    a, b = model[k], model[k + 1]
    status = CONFIRMED if a[2] == b[2] == CONFIRMED else AUTOMATIC
    return [*model[:k], (a[0] + b[0], a[1] + b[1], status), *model[k + 2 :]]


def model_split(model: Model, k: int, sc: int, tc: int) -> Model | None:
    src, tgt, status = model[k]
    if not (0 <= sc <= len(src) and 0 <= tc <= len(tgt)):
        return None
    first, second = (src[:sc], tgt[:tc], status), (src[sc:], tgt[tc:], status)
    if not (first[0] or first[1]) or not (second[0] or second[1]):
        return None
    return [*model[:k], first, second, *model[k + 1 :]]


def model_sentences(model: Model, side: str) -> list[tuple[int, Sentence]]:
    i = SIDES.index(side)
    return [(k, sentence) for k, bead in enumerate(model) for sentence in bead[i]]


def model_replace(
    model: Model, k: int, side: str, old: Sentence, new: tuple[Sentence, ...]
) -> Model:
    i = SIDES.index(side)
    sentences = model[k][i]
    at = sentences.index(old)
    out = list(model)
    out[k] = _with(model[k], i, sentences[:at] + new + sentences[at + 1 :])
    return out


class AlignmentMachine(RuleBasedStateMachine):
    """Random edits, undos and redos; the store always matches a pure-Python model of the rows."""

    def __init__(self, store: Store, layer_id: int, actor: Annotator, start: Model) -> None:
        super().__init__()
        self.store, self.layer_id = store, layer_id
        with store.write() as session:
            layer = session.get(Layer, layer_id)
            assert layer is not None
            for side in Side:
                spans = [s for bead in start for s in bead[SIDES.index(side.value)]]
                replace_segmentation(session, layer, side, sorted(spans))
            set_layout(session, layer, LAYOUT)
            self.texts = {side: layer.pair.document(side).text for side in SIDES}
            self.mention_spans = [
                (m.side, m.start, m.end)
                for m in session.scalars(select(Mention).where(Mention.layer_id == layer_id))
            ]
        self.editor = Editor(store, layer_id, actor)
        self.model = read_model(store, layer_id)
        assert self.model == start
        self.initial = dump(store, layer_id)
        self.undo_stack: list[tuple[Dump, Model, Dump, Model]] = []
        self.redo_stack: list[tuple[Dump, Model, Dump, Model]] = []

    def bead_id(self, k: int) -> int:
        with self.store.read() as session:
            found = session.scalar(
                select(Bead.id).where(Bead.layer_id == self.layer_id, Bead.position == k)
            )
        assert found is not None
        return found

    def segment_id(self, side: str, sentence: Sentence) -> int:
        with self.store.read() as session:
            found = session.scalar(
                select(Segment.id).where(
                    Segment.layer_id == self.layer_id,
                    Segment.side == side,
                    Segment.start == sentence[0],
                )
            )
        assert found is not None
        return found

    def attempt(self, command: Command, expected: Model | None) -> None:
        before = dump(self.store, self.layer_id)
        if expected is None:
            with pytest.raises(InputError):
                self.editor.execute(command)
            assert dump(self.store, self.layer_id) == before
            return
        self.editor.execute(command)
        assert read_model(self.store, self.layer_id) == expected
        self.undo_stack.append((before, self.model, dump(self.store, self.layer_id), expected))
        self.redo_stack.clear()
        self.model = expected

    def move(self, kind: str, k: int, side: str) -> None:
        k %= len(self.model)
        step = -1 if kind in ("first_up", "side_up") else 1
        commands = {
            "first_up": ShiftFirstUp,
            "last_down": ShiftLastDown,
            "side_up": MoveSideUp,
            "side_down": MoveSideDown,
        }
        expected = model_move(self.model, k, side, step, kind.startswith("side"))
        self.attempt(commands[kind](self.bead_id(k), side), expected)

    @rule(up=st.booleans(), k=st.integers(0, 30), side=st.sampled_from(SIDES))
    def shift_sentence(self, up: bool, k: int, side: str) -> None:
        self.move("first_up" if up else "last_down", k, side)

    @rule(up=st.booleans(), k=st.integers(0, 30), side=st.sampled_from(SIDES))
    def move_side(self, up: bool, k: int, side: str) -> None:
        self.move("side_up" if up else "side_down", k, side)

    @rule(k=st.integers(0, 30))
    def merge(self, k: int) -> None:
        k %= len(self.model)
        self.attempt(MergeBeads(self.bead_id(k)), model_merge(self.model, k))

    @rule(k=st.integers(0, 30), counts=st.sampled_from([(1, 0), (0, 1), (1, 1), (2, 0), (0, 0)]))
    def split(self, k: int, counts: tuple[int, int]) -> None:
        k %= len(self.model)
        self.attempt(SplitBead(self.bead_id(k), *counts), model_split(self.model, k, *counts))

    @rule(k=st.integers(0, 30), side=st.sampled_from(SIDES))
    def insert_empty_side(self, k: int, side: str) -> None:
        k %= len(self.model)
        src, tgt, _ = self.model[k]
        counts = (0, len(tgt)) if side == "source" else (len(src), 0)
        expected = model_split(self.model, k, *counts) if src and tgt else None
        self.attempt(InsertEmptySide(self.bead_id(k), side), expected)

    @rule(side=st.sampled_from(SIDES), k=st.integers(0, 30), data=st.data())
    def split_sentence(self, side: str, k: int, data: st.DataObject) -> None:
        sentences = model_sentences(self.model, side)
        bead, (start, end) = sentences[k % len(sentences)]
        body = self.texts[side]
        spaces = [i for i in range(start, end) if body[i].isspace()]
        at_a_space = bool(spaces) and data.draw(st.booleans(), label="at a space")
        offset = data.draw(
            st.sampled_from(spaces) if at_a_space else st.integers(start, end), label="offset"
        )
        left, right = offset, offset
        while left > start and body[left - 1].isspace():
            left -= 1
        while right < end and body[right].isspace():
            right += 1
        refused = (
            not start < offset < end
            or left == start
            or right == end
            or any(s == side and ms < right and me > left for s, ms, me in self.mention_spans)
        )
        expected = (
            None
            if refused
            else model_replace(self.model, bead, side, (start, end), ((start, left), (right, end)))
        )
        self.attempt(SplitSentence(self.segment_id(side, (start, end)), offset), expected)

    @rule(side=st.sampled_from(SIDES), k=st.integers(0, 30))
    def merge_sentences(self, side: str, k: int) -> None:
        sentences = model_sentences(self.model, side)
        k %= len(sentences)
        bead, sentence = sentences[k]
        expected = None
        if k + 1 < len(sentences) and sentences[k + 1][0] == bead:
            following = sentences[k + 1][1]
            merged = model_replace(self.model, bead, side, sentence, ((sentence[0], following[1]),))
            expected = model_replace(merged, bead, side, following, ())
        self.attempt(MergeSentenceWithNext(self.segment_id(side, sentence)), expected)

    @rule(ks=st.lists(st.integers(0, 30), min_size=1, max_size=3), confirm=st.booleans())
    def set_status(self, ks: list[int], confirm: bool) -> None:
        status = CONFIRMED if confirm else AUTOMATIC
        rows = {k % len(self.model) for k in ks}
        expected = [
            (s, t, status if k in rows else old) for k, (s, t, old) in enumerate(self.model)
        ]
        refused = expected == self.model
        command = SetBeadStatus([self.bead_id(k) for k in rows], status)
        self.attempt(command, None if refused else expected)

    @precondition(lambda self: any(bead[2] != CONFIRMED for bead in self.model))
    @rule(k=st.integers(0, 30))
    def confirm_up_to(self, k: int) -> None:
        first = next(i for i, bead in enumerate(self.model) if bead[2] != CONFIRMED)
        k = first + k % (len(self.model) - first)  # refusals are tested on their own
        expected = [
            (s, t, CONFIRMED if i <= k else old) for i, (s, t, old) in enumerate(self.model)
        ]
        self.attempt(ConfirmUpTo(self.bead_id(k)), expected)

    @precondition(lambda self: self.undo_stack)
    @rule(steps=st.integers(1, 3))
    def undo(self, steps: int) -> None:
        for _ in range(min(steps, len(self.undo_stack))):
            assert self.editor.undo() is not None
            before, model, _, _ = self.undo_stack[-1]
            assert dump(self.store, self.layer_id) == before
            self.model = model
            self.redo_stack.append(self.undo_stack.pop())

    @precondition(lambda self: self.redo_stack)
    @rule(steps=st.integers(1, 3))
    def redo(self, steps: int) -> None:
        for _ in range(min(steps, len(self.redo_stack))):
            assert self.editor.redo() is not None
            _, _, after, model = self.redo_stack[-1]
            assert dump(self.store, self.layer_id) == after
            self.model = model
            self.undo_stack.append(self.redo_stack.pop())

    @invariant()
    def partition_holds_and_mentions_stay(self) -> None:
        check_partition(self.store, self.layer_id)
        now = dump(self.store, self.layer_id)
        assert (now["mentions"], now["links"]) == (self.initial["mentions"], self.initial["links"])
        assert read_model(self.store, self.layer_id) == self.model

    def teardown(self) -> None:
        while self.editor.undo() is not None:
            pass
        assert dump(self.store, self.layer_id) == self.initial


def test_random_editing_sessions_keep_the_partition_and_undo_all(seed: Seed) -> None:
    editor = seed.editor
    start = read_model(editor.store, editor.layer_id)
    run_state_machine_as_test(
        lambda: AlignmentMachine(editor.store, editor.layer_id, seed.annotator, start),
        # No shrinking: every step is a committed transaction; a failing run's steps are printed.
        settings=settings(
            max_examples=10,
            stateful_step_count=18,
            deadline=None,
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
        ),
    )
