"""Random tag/delete/relabel/resize/link/unlink/undo/redo sequences against a pure-Python model."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

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
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from annotator.commands import Batch, Changes, Command, Editor
from annotator.commands.entities import (
    ChangeLabel,
    DeleteMention,
    LinkMentions,
    ResizeMention,
    SetNoCounterpart,
    TagMention,
    Unlink,
)
from annotator.errors import ConflictError, InputError
from annotator.layers import ensure_annotator_layer
from annotator.model import Annotator, DocumentPair, Layer, Link, Mention
from annotator.projects import get_or_create_annotator
from annotator.store import Store

pytestmark = pytest.mark.both_engines

MentionState = tuple[str, int, int, str, bool]  # side, start, end, label, no_counterpart
State = tuple[dict[int, MentionState], dict[int, tuple[int, int]]]  # mentions, links
SIDES = ("source", "target")
LABELS = ("PER", "ORG", "GPE")
REOPEN_EVERY = 7
WORDS = 8  # candidate spans per side: the first WORDS words and the pairs of adjacent ones


def candidate_spans(text: str) -> list[tuple[int, int]]:
    words = [m.span() for m in re.finditer(r"\w+", text)][:WORDS]
    pairs = [(a[0], b[1]) for a, b in itertools.pairwise(words)]
    return words + pairs  # nested and overlapping on purpose


class EditorMachine(RuleBasedStateMachine):
    """The store must always hold exactly what the model says, ids included.

    Alice edits her layer with undo and redo; Bob tags and untags on his own layer of the same
    pair meanwhile, so ids freed by Alice's undo may be handed to Bob (SQLite reuses the largest
    id), and restoring such an id must be refused as a conflict.
    """

    def __init__(self, db_path: str, alice: tuple[int, Annotator], bob: tuple[int, Annotator]):
        super().__init__()
        self.db_path = db_path
        self.layer_id, self.bob_layer_id = alice[0], bob[0]
        self.store = Store.open(db_path)
        self.mentions: dict[int, MentionState] = {}
        self.links: dict[int, tuple[int, int]] = {}
        self.bob_mentions: dict[int, MentionState] = {}
        with self.store.write() as session:
            for layer_id in (self.layer_id, self.bob_layer_id):
                session.execute(delete(Link).where(Link.layer_id == layer_id))
                session.execute(delete(Mention).where(Mention.layer_id == layer_id))
            pair = session.get(Layer, self.layer_id).pair
            self.texts = {side: pair.document(side).text for side in SIDES}
            self.spans = {side: candidate_spans(self.texts[side]) for side in SIDES}
            self.seed(session)
        self.editor = Editor(self.store, self.layer_id, alice[1])
        self.bob = Editor(self.store, self.bob_layer_id, bob[1])
        self.undo_stack: list[tuple[State, State]] = []
        self.redo_stack: list[tuple[State, State]] = []
        self.checks = 0

    def seed(self, session: Session) -> None:
        """Start from linked mentions and marked ones, so deleting and unlinking happen early."""
        rows = [
            ("source", 0, "PER", False),
            ("source", 3, "ORG", True),
            ("target", 0, "PER", False),
            ("target", 2, "GPE", True),
        ]
        made = []
        for side, k, label, flag in rows:
            start, end = self.spans[side][k]
            mention = Mention(
                layer_id=self.layer_id,
                side=side,
                start=start,
                end=end,
                label=label,
                surface=self.texts[side][start:end],
                no_counterpart=flag,
            )
            session.add(mention)
            session.flush()
            self.mentions[mention.id] = (side, start, end, label, flag)
            made.append(mention)
        link = Link(layer_id=self.layer_id, source_mention=made[0], target_mention=made[2])
        session.add(link)
        session.flush()
        self.links[link.id] = (made[0].id, made[2].id)

    # -- helpers ---------------------------------------------------------------------------

    def state(self) -> State:
        return dict(self.mentions), dict(self.links)

    def restore(self, state: State) -> None:
        self.mentions, self.links = dict(state[0]), dict(state[1])

    def exists(self, side: str, span: tuple[int, int], label: str, ignore: int = -1) -> bool:
        return any(
            (m[0], m[1], m[2], m[3]) == (side, *span, label)
            for mid, m in self.mentions.items()
            if mid != ignore
        )

    def linked(self, mention_id: int) -> bool:
        return any(mention_id in pair for pair in self.links.values())

    def blocked(self, target: State) -> bool:
        """Tell whether reaching `target` re-creates a mention whose id Bob holds now."""
        return bool((target[0].keys() - self.mentions.keys()) & self.bob_mentions.keys())

    def attempt(
        self, command: Command, refused: bool, apply: Callable[[Changes], None] = lambda c: None
    ) -> None:
        if refused:
            with pytest.raises(InputError):
                self.editor.execute(command)
            return
        before = self.state()
        apply(self.editor.execute(command))
        self.undo_stack.append((before, self.state()))
        self.redo_stack.clear()

    def stored(self, store: Store, layer_id: int) -> State:
        with store.read() as session:
            mentions = {}
            for m in session.scalars(select(Mention).where(Mention.layer_id == layer_id)):
                assert m.surface == self.texts[m.side][m.start : m.end]
                mentions[m.id] = (m.side, m.start, m.end, m.label, m.no_counterpart)
            links = {
                k.id: (k.source_mention_id, k.target_mention_id)
                for k in session.scalars(select(Link).where(Link.layer_id == layer_id))
            }
        return mentions, links

    # -- rules -----------------------------------------------------------------------------

    @rule(
        side=st.sampled_from(SIDES), k=st.integers(0, 2 * WORDS - 2), label=st.sampled_from(LABELS)
    )
    def tag(self, side: str, k: int, label: str) -> None:
        span = self.spans[side][k]

        def apply(changes: Changes) -> None:
            (new,) = changes.mentions
            assert new not in self.mentions
            self.mentions[new] = (side, *span, label, False)

        self.attempt(TagMention(side, *span, label), self.exists(side, span, label), apply)

    @rule(
        side=st.sampled_from(SIDES),
        ks=st.lists(st.integers(0, 2 * WORDS - 2), min_size=2, max_size=3),
        label=st.sampled_from(LABELS),
    )
    def tag_several(self, side: str, ks: list[int], label: str) -> None:
        spans = [self.spans[side][k] for k in ks]
        refused = len(set(spans)) < len(spans) or any(self.exists(side, s, label) for s in spans)

        def apply(changes: Changes) -> None:
            assert len(changes.mentions) == len(spans)
            assert not changes.mentions & self.mentions.keys()
            stored = self.stored(self.store, self.layer_id)[0]
            assert sorted(stored[i][1:3] for i in changes.mentions) == sorted(spans)
            for i in changes.mentions:
                self.mentions[i] = stored[i]

        commands = [TagMention(side, *s, label) for s in spans]
        self.attempt(Batch(f"Tag {len(spans)}", commands), refused, apply)

    @precondition(lambda self: self.mentions)
    @rule(data=st.data())
    def delete_mention(self, data: st.DataObject) -> None:
        mid = data.draw(st.sampled_from(sorted(self.mentions)))

        def apply(changes: Changes) -> None:
            del self.mentions[mid]
            self.links = {k: pair for k, pair in self.links.items() if mid not in pair}

        self.attempt(DeleteMention(mid), False, apply)

    @precondition(lambda self: self.mentions)
    @rule(data=st.data(), label=st.sampled_from(LABELS))
    def relabel(self, data: st.DataObject, label: str) -> None:
        mid = data.draw(st.sampled_from(sorted(self.mentions)))
        side, start, end, old, flag = self.mentions[mid]
        refused = old == label or self.exists(side, (start, end), label, mid)

        def apply(changes: Changes) -> None:
            self.mentions[mid] = (side, start, end, label, flag)

        self.attempt(ChangeLabel(mid, label), refused, apply)

    @precondition(lambda self: self.mentions)
    @rule(data=st.data(), k=st.integers(0, 2 * WORDS - 2))
    def resize(self, data: st.DataObject, k: int) -> None:
        mid = data.draw(st.sampled_from(sorted(self.mentions)))
        side, start, end, label, flag = self.mentions[mid]
        span = self.spans[side][k]
        refused = span == (start, end) or self.exists(side, span, label, mid)

        def apply(changes: Changes) -> None:
            self.mentions[mid] = (side, *span, label, flag)

        self.attempt(ResizeMention(mid, *span), refused, apply)

    @precondition(lambda self: self.mentions)
    @rule(data=st.data(), value=st.booleans())
    def set_no_counterpart(self, data: st.DataObject, value: bool) -> None:
        mid = data.draw(st.sampled_from(sorted(self.mentions)))
        side, start, end, label, flag = self.mentions[mid]
        refused = flag == value or (value and self.linked(mid))

        def apply(changes: Changes) -> None:
            self.mentions[mid] = (side, start, end, label, value)

        self.attempt(SetNoCounterpart(mid, value), refused, apply)

    @precondition(lambda self: {m[0] for m in self.mentions.values()} == set(SIDES))
    @rule(data=st.data())
    def link(self, data: st.DataObject) -> None:
        by_side = {s: sorted(i for i, m in self.mentions.items() if m[0] == s) for s in SIDES}
        src = data.draw(st.sampled_from(by_side["source"]))
        tgt = data.draw(st.sampled_from(by_side["target"]))

        def apply(changes: Changes) -> None:
            (new,) = changes.links
            assert new not in self.links
            self.links[new] = (src, tgt)
            for mid in (src, tgt):
                self.mentions[mid] = (*self.mentions[mid][:4], False)

        self.attempt(LinkMentions(src, tgt), (src, tgt) in self.links.values(), apply)

    @precondition(lambda self: self.links)
    @rule(data=st.data())
    def unlink(self, data: st.DataObject) -> None:
        link_id = data.draw(st.sampled_from(sorted(self.links)))

        def apply(changes: Changes) -> None:
            del self.links[link_id]

        self.attempt(Unlink(link_id), False, apply)

    @precondition(lambda self: self.undo_stack)
    @rule(steps=st.integers(1, 3))
    def undo(self, steps: int) -> None:
        for _ in range(min(steps, len(self.undo_stack))):
            before = self.undo_stack[-1][0]
            if self.blocked(before):
                with pytest.raises(ConflictError, match="cannot be restored"):
                    self.editor.undo()
                return
            assert self.editor.undo() is not None
            self.restore(before)
            self.redo_stack.append(self.undo_stack.pop())

    @precondition(lambda self: self.redo_stack)
    @rule(steps=st.integers(1, 3))
    def redo(self, steps: int) -> None:
        for _ in range(min(steps, len(self.redo_stack))):
            after = self.redo_stack[-1][1]
            if self.blocked(after):
                with pytest.raises(ConflictError, match="cannot be restored"):
                    self.editor.redo()
                return
            assert self.editor.redo() is not None
            self.restore(after)
            self.undo_stack.append(self.redo_stack.pop())

    @rule(side=st.sampled_from(SIDES), k=st.integers(0, 2 * WORDS - 2))
    def bob_tags(self, side: str, k: int) -> None:
        span = self.spans[side][k]
        command = TagMention(side, *span, "PER")
        if (side, *span, "PER", False) in self.bob_mentions.values():
            with pytest.raises(InputError):
                self.bob.execute(command)
            return
        (new,) = self.bob.execute(command).mentions
        assert new not in self.mentions and new not in self.bob_mentions
        self.bob_mentions[new] = (side, *span, "PER", False)

    @precondition(lambda self: self.bob_mentions)
    @rule(data=st.data())
    def bob_deletes(self, data: st.DataObject) -> None:
        mid = data.draw(st.sampled_from(sorted(self.bob_mentions)))
        self.bob.execute(DeleteMention(mid))
        del self.bob_mentions[mid]

    # -- checks ----------------------------------------------------------------------------

    @invariant()
    def store_matches_model(self) -> None:
        assert self.stored(self.store, self.layer_id) == self.state()
        assert self.stored(self.store, self.bob_layer_id) == (self.bob_mentions, {})
        assert self.editor.can_undo == bool(self.undo_stack)
        assert self.editor.can_redo == bool(self.redo_stack)
        self.checks += 1
        if self.checks % REOPEN_EVERY == 0:
            # Close and reopen the store; the editors hold only ids and the layer version,
            # so their histories must keep working over the new connection.
            self.store.close()
            self.store = Store.open(self.db_path)
            self.editor.store = self.bob.store = self.store
            assert self.stored(self.store, self.layer_id) == self.state()

    def teardown(self) -> None:
        self.store.close()
        reopened = Store.open(self.db_path)
        try:
            assert self.stored(reopened, self.layer_id) == self.state()
        finally:
            reopened.close()


def test_random_edit_sessions_match_the_model(
    store: Store, seed_pair_id: int, db_url: str
) -> None:
    layers = []
    with store.write() as session:
        pair = session.get(DocumentPair, seed_pair_id)
        for name in ("Alice", "Bob"):
            person = get_or_create_annotator(session, name)
            layers.append((ensure_annotator_layer(session, pair, person).id, person))
    run_state_machine_as_test(
        lambda: EditorMachine(db_url, layers[0], layers[1]),
        # No shrinking: each step is a committed transaction, and shrinking a failure took
        # five minutes; the failing run's (at most 25) steps are printed as they are.
        settings=settings(
            max_examples=20,
            stateful_step_count=25,
            deadline=None,
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
        ),
    )
