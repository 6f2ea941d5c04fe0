from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select, text

from annotator.commands import Batch, Changes, Command, Editor, SetLayerStatus
from annotator.commands.entities import (
    ChangeLabel,
    DeleteMention,
    LinkMentions,
    ResizeMention,
    SetNoCounterpart,
    TagMention,
    Unlink,
)
from annotator.errors import ConflictError, InputError, IntegrityError
from annotator.layers import ensure_annotator_layer
from annotator.model import (
    Annotator,
    AuditEvent,
    Bead,
    DocumentPair,
    Layer,
    Link,
    Mention,
    Segment,
)
from annotator.projects import get_or_create_annotator
from annotator.store import Store

pytestmark = pytest.mark.both_engines  # the store tests run on SQLite and PostgreSQL

Dump = dict[str, dict[int, tuple[Any, ...]]]


def dump(store: Store, layer_id: int) -> Dump:
    """Every column of the layer's mention, link, bead and segment rows, and the layer's status."""
    out: Dump = {}
    with store.read() as session:
        for model in (Mention, Link, Bead, Segment):
            table = model.__table__
            rows = session.execute(select(table).where(table.c.layer_id == layer_id)).all()
            out[table.name] = {row.id: tuple(row) for row in rows}
        out["layer"] = {layer_id: (session.get(Layer, layer_id).status,)}
    return out


def differing(before: Dump, after: Dump, table: str) -> set[int]:
    a, b = before[table], after[table]
    return {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}


def annotator_layer(store: Store, pair_id: int, name: str) -> tuple[int, Annotator]:
    with store.write() as session:
        annotator = get_or_create_annotator(session, name)
        layer = ensure_annotator_layer(session, session.get(DocumentPair, pair_id), annotator)
        return layer.id, annotator


def span(store: Store, pair_id: int, side: str, word: str, nth: int = 0) -> tuple[int, int]:
    with store.read() as session:
        text = session.get(DocumentPair, pair_id).document(side).text
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return start, start + len(word)


def audit_count(store: Store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


@pytest.fixture
def db_url(seeded: tuple[str, int]) -> str:
    """A copy of a store with the seed pair imported (importing once keeps this file fast)."""
    return seeded[0]


@pytest.fixture
def seed_pair_id(store: Store, seeded: tuple[str, int]) -> int:
    return seeded[1]


@pytest.fixture
def alice(store: Store, seed_pair_id: int) -> tuple[int, Annotator]:
    return annotator_layer(store, seed_pair_id, "Alice")


@pytest.fixture
def editor(store: Store, alice: tuple[int, Annotator]) -> Editor:
    return Editor(store, alice[0], alice[1])


def tag(editor: Editor, pair_id: int, side: str, word: str, label: str = "PER") -> int:
    start, end = span(editor.store, pair_id, side, word)
    command = TagMention(side, start, end, label)
    changes = editor.execute(command)
    (mention_id,) = changes.mentions
    assert command.mention_id == mention_id
    return mention_id


@pytest.fixture
def base(editor: Editor, seed_pair_id: int) -> dict[str, int]:
    """Austin linked across sides, Gallant tagged on both sides but not linked."""
    ids = {
        "austin_src": tag(editor, seed_pair_id, "source", "Lloyd Austin"),
        "austin_tgt": tag(editor, seed_pair_id, "target", "لويد أوستن"),
        "gallant_src": tag(editor, seed_pair_id, "source", "Yoav Gallant"),
        "gallant_tgt": tag(editor, seed_pair_id, "target", "يوآف غالانت"),
    }
    changes = editor.execute(LinkMentions(ids["austin_src"], ids["austin_tgt"]))
    (ids["austin_link"],) = changes.links
    return ids


def test_changes_merged_unions_every_field() -> None:
    a = Changes(1, mentions=frozenset({1}), sides=frozenset({"source"}))
    b = Changes(1, mentions=frozenset({2}), links=frozenset({7}), rows_changed=True)
    merged = a.merged(b)
    assert merged == Changes(
        1,
        mentions=frozenset({1, 2}),
        links=frozenset({7}),
        sides=frozenset({"source"}),
        rows_changed=True,
    )
    assert merged.as_detail() == {
        "mentions": [1, 2],
        "links": [7],
        "sides": ["source"],
        "rows_changed": True,
    }
    with pytest.raises(ValueError, match="layers 1 and 2"):
        a.merged(Changes(2))


def _gaza(store: Store, pair_id: int, label: str = "GPE") -> TagMention:
    start, end = span(store, pair_id, "source", "Gaza")
    return TagMention("source", start, end, label)


COMMANDS: dict[str, Callable[[Store, int, dict[str, int]], Command]] = {
    "tag": lambda s, p, ids: _gaza(s, p),
    "delete_linked": lambda s, p, ids: DeleteMention(ids["austin_src"]),
    "delete_unlinked": lambda s, p, ids: DeleteMention(ids["gallant_tgt"]),
    "change_label": lambda s, p, ids: ChangeLabel(ids["gallant_src"], "ORG"),
    "resize": lambda s, p, ids: ResizeMention(ids["austin_src"], *span(s, p, "source", "Austin")),
    "no_counterpart": lambda s, p, ids: SetNoCounterpart(ids["gallant_src"], True),
    "link": lambda s, p, ids: LinkMentions(ids["gallant_src"], ids["gallant_tgt"]),
    "unlink": lambda s, p, ids: Unlink(ids["austin_link"]),
    "batch": lambda s, p, ids: Batch(
        "Tag all", [_gaza(s, p), DeleteMention(ids["austin_tgt"]), _gaza(s, p, "LOC")]
    ),
    "status": lambda s, p, ids: SetLayerStatus("done"),
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_do_undo_redo_round_trips(
    name: str, editor: Editor, base: dict[str, int], seed_pair_id: int
) -> None:
    store = editor.store
    before = dump(store, editor.layer_id)
    changes = editor.execute(COMMANDS[name](store, seed_pair_id, base))
    after = dump(store, editor.layer_id)
    assert after != before
    assert differing(before, after, "mentions") <= changes.mentions
    assert differing(before, after, "links") <= changes.links
    assert changes.layer_status == (name == "status")

    assert editor.undo() == changes
    assert dump(store, editor.layer_id) == before
    assert editor.redo() == changes
    assert dump(store, editor.layer_id) == after
    assert editor.undo() == changes
    assert dump(store, editor.layer_id) == before


def test_undo_menu_texts(editor: Editor, seed_pair_id: int) -> None:
    assert (editor.can_undo, editor.can_redo, editor.undo_text) == (False, False, None)
    assert editor.undo() is None and editor.redo() is None
    mention_id = tag(editor, seed_pair_id, "target", "لويد أوستن")
    assert editor.undo_text == "Tag PER “لويد أوستن”"
    editor.execute(ChangeLabel(mention_id, "ORG"))
    assert editor.undo_text == "Relabel “لويد أوستن” PER → ORG"
    editor.undo()
    assert (editor.can_undo, editor.can_redo) == (True, True)
    assert editor.redo_text == "Relabel “لويد أوستن” PER → ORG"
    assert editor.undo_text == "Tag PER “لويد أوستن”"
    editor.execute(DeleteMention(mention_id))
    assert editor.undo_text == "Delete PER “لويد أوستن”"
    assert not editor.can_redo


def test_overlapping_and_nested_mentions_are_allowed(editor: Editor, seed_pair_id: int) -> None:
    tag(editor, seed_pair_id, "source", "Lloyd Austin", "PER")
    tag(editor, seed_pair_id, "source", "Austin", "PER")  # first "Austin" is in the title
    tag(editor, seed_pair_id, "source", "Lloyd Austin", "ORG")
    tag(editor, seed_pair_id, "source", "Secretary Lloyd", "MISC")
    with editor.store.read() as session:
        rows = session.execute(
            select(Mention.surface, Mention.label).where(Mention.layer_id == editor.layer_id)
        ).all()
    assert sorted(rows) == [
        ("Austin", "PER"),
        ("Lloyd Austin", "ORG"),
        ("Lloyd Austin", "PER"),
        ("Secretary Lloyd", "MISC"),
    ]


REFUSALS: dict[
    str, tuple[Callable[[Store, int, dict[str, int]], Command], type[Exception], str]
] = {
    "duplicate_tag": (
        lambda s, p, ids: TagMention("source", *span(s, p, "source", "Lloyd Austin"), "PER"),
        InputError,
        "already tagged PER",
    ),
    "unknown_label": (lambda s, p, ids: _gaza(s, p, "FOOD"), IntegrityError, "not in the project"),
    "outside_text": (
        lambda s, p, ids: TagMention("target", 5, 10_000_000, "PER"),
        IntegrityError,
        "outside the text",
    ),
    "empty_range": (lambda s, p, ids: TagMention("target", 5, 5, "PER"), IntegrityError, "empty"),
    "duplicate_link": (
        lambda s, p, ids: LinkMentions(ids["austin_src"], ids["austin_tgt"]),
        InputError,
        "already linked",
    ),
    "link_wrong_sides": (
        lambda s, p, ids: LinkMentions(ids["austin_tgt"], ids["gallant_src"]),
        InputError,
        "from a source mention",
    ),
    "no_counterpart_on_linked": (
        lambda s, p, ids: SetNoCounterpart(ids["austin_tgt"], True),
        InputError,
        "unlink it first",
    ),
    "no_counterpart_unchanged": (
        lambda s, p, ids: SetNoCounterpart(ids["gallant_tgt"], False),
        InputError,
        "already has",
    ),
    "same_label": (
        lambda s, p, ids: ChangeLabel(ids["gallant_src"], "PER"),
        InputError,
        "already labelled",
    ),
    "resize_onto_duplicate": (
        lambda s, p, ids: ResizeMention(ids["gallant_src"], *span(s, p, "source", "Lloyd Austin")),
        InputError,
        "already tagged",
    ),
    "resize_outside": (
        lambda s, p, ids: ResizeMention(ids["gallant_src"], 3, 10_000_000),
        IntegrityError,
        "outside the text",
    ),
    "unknown_mention": (lambda s, p, ids: DeleteMention(999_999), InputError, "no mention 999999"),
    "unknown_link": (lambda s, p, ids: Unlink(999_999), InputError, "no link 999999"),
    "empty_batch": (lambda s, p, ids: Batch("Tag all", []), InputError, "nothing to do"),
    "batch_failing_late": (
        lambda s, p, ids: Batch(
            "Tag all", [_gaza(s, p), DeleteMention(ids["gallant_src"]), _gaza(s, p)]
        ),
        InputError,
        "already tagged GPE",
    ),
    "adjudicate_annotator_layer": (
        lambda s, p, ids: SetLayerStatus("adjudicated"),
        InputError,
        "only a gold layer",
    ),
    "status_unchanged": (
        lambda s, p, ids: SetLayerStatus("in_progress"),
        InputError,
        "already in_progress",
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_refusals_change_nothing(
    name: str, editor: Editor, base: dict[str, int], seed_pair_id: int
) -> None:
    factory, error, message = REFUSALS[name]
    store = editor.store
    before, events, version = dump(store, editor.layer_id), audit_count(store), editor.version
    undo_text = editor.undo_text
    with pytest.raises(error, match=message):
        editor.execute(factory(store, seed_pair_id, base))
    assert dump(store, editor.layer_id) == before
    assert audit_count(store) == events
    assert editor.version == version
    assert editor.undo_text == undo_text and not editor.can_redo
    editor.execute(SetLayerStatus("done"))  # the editor still works (edits made it in progress)


def test_bad_arguments_are_refused_when_built() -> None:
    with pytest.raises(InputError, match="unknown side 'middle'"):
        TagMention("middle", 0, 3, "PER")
    with pytest.raises(InputError, match="integer offset"):
        TagMention("source", 0.0, 3, "PER")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="unknown layer status 'finished'"):
        SetLayerStatus("finished")


def test_link_clears_no_counterpart_and_undo_restores_it(
    editor: Editor, base: dict[str, int]
) -> None:
    editor.execute(SetNoCounterpart(base["gallant_tgt"], True))
    editor.execute(LinkMentions(base["gallant_src"], base["gallant_tgt"]))

    def marks() -> tuple[bool, bool]:
        with editor.store.read() as session:
            src = session.get(Mention, base["gallant_src"])
            tgt = session.get(Mention, base["gallant_tgt"])
            return src.no_counterpart, tgt.no_counterpart

    assert marks() == (False, False)
    editor.undo()
    assert marks() == (False, True)


def test_ids_survive_undo_and_redo(editor: Editor, seed_pair_id: int) -> None:
    src = tag(editor, seed_pair_id, "source", "Lloyd Austin")
    tgt = tag(editor, seed_pair_id, "target", "لويد أوستن")
    link = LinkMentions(src, tgt)
    assert link.link_id is None
    (link_id,) = editor.execute(link).links
    assert link.link_id == link_id
    done = dump(editor.store, editor.layer_id)
    for _ in range(3):
        editor.undo()
    assert dump(editor.store, editor.layer_id)["mentions"] == {}
    for _ in range(3):
        editor.redo()  # the link's redo refers to mentions re-created by earlier redos
    assert dump(editor.store, editor.layer_id) == done

    editor.execute(DeleteMention(src))
    assert dump(editor.store, editor.layer_id)["links"] == {}
    editor.undo()
    assert dump(editor.store, editor.layer_id) == done
    editor.execute(Unlink(link_id))  # a command naming the restored link's original id
    editor.execute(DeleteMention(tgt))
    assert set(dump(editor.store, editor.layer_id)["mentions"]) == {src}


def test_a_failed_command_can_be_retried(editor: Editor, base: dict[str, int]) -> None:
    command = ChangeLabel(base["gallant_src"], "ORG")
    editor.execute(ChangeLabel(base["gallant_src"], "ORG"))
    with pytest.raises(InputError):
        editor.execute(command)
    editor.undo()
    editor.execute(command)
    assert editor.undo_text == "Relabel “Yoav Gallant” PER → ORG"
    with pytest.raises(ValueError, match="already in the editor's history"):
        editor.execute(command)


def test_second_editor_on_the_same_layer_gets_a_conflict(
    editor: Editor, alice: tuple[int, Annotator], seed_pair_id: int
) -> None:
    store, layer_id = editor.store, alice[0]
    tag(editor, seed_pair_id, "source", "Lloyd Austin")
    other = Editor(store, layer_id, "Alice on another machine")
    gaza = tag(other, seed_pair_id, "source", "Gaza")
    before, events = dump(store, layer_id), audit_count(store)
    expected = (
        f"layer {layer_id} was changed by someone else "
        f"(version {other.version}, expected {editor.version}); reload"
    )
    with pytest.raises(ConflictError, match=re.escape(expected)):
        tag(editor, seed_pair_id, "source", "Yoav Gallant")
    with pytest.raises(ConflictError, match="changed by someone else"):
        editor.undo()
    assert dump(store, layer_id) == before and audit_count(store) == events
    assert editor.can_undo and editor.undo_text == "Tag PER “Lloyd Austin”"

    editor.reload()
    assert (editor.version, editor.can_undo) == (other.version, False)
    gallant = tag(editor, seed_pair_id, "source", "Yoav Gallant")
    with pytest.raises(ConflictError, match="changed by someone else"):
        other.undo()
    assert set(dump(store, layer_id)["mentions"]) >= {gaza, gallant}


def test_every_step_bumps_the_layer_version(editor: Editor, seed_pair_id: int) -> None:
    def stored_version() -> int:
        with editor.store.read() as session:
            return session.get(Layer, editor.layer_id).version

    start = stored_version()
    assert editor.version == start
    tag(editor, seed_pair_id, "source", "Gaza")
    editor.undo()
    editor.redo()
    assert stored_version() == editor.version == start + 3


def test_audit_records_execute_undo_and_redo(
    editor: Editor, alice: tuple[int, Annotator], seed_pair_id: int
) -> None:
    mention_id = tag(editor, seed_pair_id, "target", "لويد أوستن")
    editor.undo()
    editor.redo()
    with editor.store.read() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.layer_id == editor.layer_id).order_by(AuditEvent.id)
        ).all()
        project_id = session.get(DocumentPair, seed_pair_id).project_id
        tail = events[-3:]
        assert [e.action for e in tail] == ["tag_mention", "undo:tag_mention", "redo:tag_mention"]
        for event in tail:
            assert (event.annotator_id, event.actor) == (alice[1].id, "Alice")
            assert (event.project_id, event.pair_id) == (project_id, seed_pair_id)
            assert event.detail["changed"] == {"mentions": [mention_id], "sides": ["target"]}
            assert event.detail["params"]["label"] == "PER"
            assert event.detail["text"] == "Tag PER “لويد أوستن”"


def test_a_change_is_committed_before_execute_returns(
    editor: Editor, seed_pair_id: int, db_url: str
) -> None:
    mention_id = tag(editor, seed_pair_id, "source", "Gaza")
    elsewhere = Store.open(db_url)  # another connection, as after a crash and restart
    try:
        with elsewhere.read() as session:
            assert session.get(Mention, mention_id).surface == "Gaza"
    finally:
        elsewhere.close()


def test_redo_keeps_the_id_when_larger_ids_exist(
    editor: Editor, store: Store, seed_pair_id: int
) -> None:
    mention_id = tag(editor, seed_pair_id, "source", "Gaza")
    editor.undo()
    bob_layer, bob = annotator_layer(store, seed_pair_id, "Bob")
    bob_editor = Editor(store, bob_layer, bob)
    taken = tag(bob_editor, seed_pair_id, "source", "Gaza")
    tag(bob_editor, seed_pair_id, "source", "Israel")
    bob_editor.execute(DeleteMention(taken))  # frees the id, below a larger one
    assert editor.redo() == Changes(
        editor.layer_id, mentions=frozenset({mention_id}), sides=frozenset({"source"})
    )
    assert set(dump(store, editor.layer_id)["mentions"]) == {mention_id}


def test_ids_freed_by_undo_are_never_handed_out_again(
    editor: Editor, store: Store, seed_pair_id: int
) -> None:
    mention_id = tag(editor, seed_pair_id, "source", "Gaza")
    editor.undo()
    bob_layer, bob = annotator_layer(store, seed_pair_id, "Bob")
    bob_mention = tag(Editor(store, bob_layer, bob), seed_pair_id, "source", "Gaza")
    assert bob_mention != mention_id  # AUTOINCREMENT (revision 0003): SQLite never reuses it
    editor.redo()
    assert mention_id in dump(store, editor.layer_id)["mentions"]


def test_restoring_an_id_taken_meanwhile_is_a_conflict(
    editor: Editor, store: Store, seed_pair_id: int
) -> None:
    mention_id = tag(editor, seed_pair_id, "source", "Gaza")
    editor.undo()
    with store.write() as session:  # something outside the editor takes the id anyway
        session.execute(
            text(
                "INSERT INTO mentions (id, layer_id, side, start_char, end_char, label, surface, "
                "no_counterpart, created_at) VALUES (:id, :layer, 'source', 0, 6, 'MISC', "
                "'Austin', false, '2026-01-01')"
            ),
            {"id": mention_id, "layer": editor.layer_id},
        )
    before = dump(store, editor.layer_id)
    with pytest.raises(ConflictError, match=f"mention {mention_id} cannot be restored"):
        editor.redo()
    assert dump(store, editor.layer_id) == before
    assert editor.can_redo and not editor.can_undo


def test_tag_counterpart_tags_and_links_in_one_step(
    editor: Editor, store: Store, seed_pair_id: int
) -> None:
    from annotator.commands.entities import TagCounterpart

    source_id = tag(editor, seed_pair_id, "source", "Lloyd Austin")
    with store.read() as session:
        arabic = session.get(DocumentPair, seed_pair_id).target.text
    start = arabic.index("لويد أوستن")
    before = dump(store, editor.layer_id)
    editor.execute(TagCounterpart(source_id, "target", start, start + 10, "PER"))
    after = dump(store, editor.layer_id)
    with store.read() as session:
        (link,) = session.scalars(select(Link).where(Link.layer_id == editor.layer_id)).all()
        assert (link.source_mention.surface, link.target_mention.surface) == (
            "Lloyd Austin",
            "لويد أوستن",
        )
    editor.undo()
    assert dump(store, editor.layer_id) == before
    editor.redo()
    assert dump(store, editor.layer_id) == after
