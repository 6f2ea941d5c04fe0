"""Adjudication: merging annotators' layers into the gold, deciding places, undo, the CLI."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.commands import Editor, SetLayerStatus
from annotator.commands.alignment import MergeBeads
from annotator.commands.entities import LinkMentions, TagMention
from annotator.errors import InputError, PermissionDeniedError
from annotator.layers import bead_rows, ensure_annotator_layer, new_layer
from annotator.model import AuditEvent, DocumentPair, Layer, LayerKind
from annotator.projects import create_project, get_or_create_annotator
from annotator.review.adjudication import Decide, StartGold
from annotator.review.gold import current_merge, open_places, read_gold
from annotator.review.places import Version, merge
from annotator.store import Store
from tests.conftest import SEED_AR, SEED_EN
from tests.test_cli import run

pytestmark = pytest.mark.both_engines  # the store tests run on SQLite and PostgreSQL


@dataclass
class Team:
    store: Store
    layers: dict[str, int]
    gold: int
    en: str
    ar: str

    def editor(self, name: str) -> Editor:
        return Editor(self.store, self.layers[name], name)

    def tag(self, name: str, side: str, needle: str, label: str, offset: int = 0) -> int:
        text = self.en if side == "source" else self.ar
        start = text.index(needle) + offset
        (mention,) = (
            self.editor(name)
            .execute(TagMention(side, start, start + len(needle) - offset, label))
            .mentions
        )
        return mention

    def row_bead(self, name: str, row: int) -> int:
        with self.store.read() as session:
            layer = session.get(Layer, self.layers[name])
            bead = bead_rows(session, layer)[row].bead_id
            assert bead is not None
            return bead


@pytest.fixture
def team(new_store: Callable[[str], str]) -> Team:
    """Rania reviews; Alice and Bob annotate the seed pair (each from the automatic proposal)."""
    from annotator.importing import import_pairs
    from annotator.pairing import PairFiles

    store = Store.open(new_store("team"))
    with store.write() as session:
        project = create_project(session, "news", "en", "ar", "Rania")
        import_pairs(session, project, [PairFiles("seed", Path(SEED_EN), Path(SEED_AR))], "Rania")
        pair = session.get(DocumentPair, 1)
        assert pair is not None
        layers = {
            name: ensure_annotator_layer(session, pair, get_or_create_annotator(session, name)).id
            for name in ("Alice", "Bob")
        }
        gold = new_layer(session, pair, LayerKind.GOLD).id
        en, ar = pair.source.text, pair.target.text
    return Team(store, layers, gold, en, ar)


def _differ(team: Team) -> None:
    """Two beads, three mentions and a link on which Alice and Bob differ."""
    for name in ("Alice", "Bob"):
        austin = team.tag(name, "source", "Lloyd Austin", "PER")
        ar_austin = team.tag(name, "target", "لويد أوستن", "PER")
        team.editor(name).execute(LinkMentions(austin, ar_austin))
    team.tag("Alice", "source", "Yoav Gallant", "PER")
    gallant = team.tag("Bob", "source", "Yoav Gallant", "PER", offset=5)  # "Gallant" only
    team.tag("Alice", "source", "Thursday", "DATE")
    ar_gallant = team.tag("Bob", "target", "غالانت", "PER")
    team.editor("Bob").execute(LinkMentions(gallant, ar_gallant))
    team.editor("Alice").execute(MergeBeads(team.row_bead("Alice", 3)))
    team.editor("Bob").execute(MergeBeads(team.row_bead("Bob", 7)))


def test_the_merge_takes_what_all_agree_on_and_opens_the_rest(team: Team) -> None:
    _differ(team)
    gold = Editor(team.store, team.gold, "Rania")
    gold.execute(StartGold())
    with team.store.read() as session:
        layer = session.get(Layer, team.gold)
        assert layer is not None
        content = read_gold(session, layer)
        places = current_merge(session, layer).places
    surfaces = sorted(team.en[m[1] : m[2]] if m[0] == "source" else team.ar[m[1] : m[2]]
                      for m, _ in content.mentions)  # fmt: skip
    assert surfaces == ["Lloyd Austin", "لويد أوستن"]  # agreed by both, with their link
    assert len(content.links) == 1
    kinds = sorted(p.kind for p in places)
    assert kinds == ["bead", "bead", "link", "mention", "mention", "mention"]
    assert [s for _, s in content.beads].count("automatic") >= 2  # placeholders, not confirmed


def test_decisions_undo_remerge_and_adjudication(team: Team) -> None:
    _differ(team)
    gold = Editor(team.store, team.gold, "Rania")
    gold.execute(StartGold())
    with team.store.read() as session:
        places = current_merge(session, session.get(Layer, team.gold)).places
    by_kind = {p.kind: p for p in places}
    link_place = by_kind["link"]
    gold.execute(Decide(link_place.key, "Bob", "Rania"))  # the link enters with both mentions
    with team.store.read() as session:
        content = read_gold(session, session.get(Layer, team.gold))
    assert link_place.link() in content.links
    assert {link_place.link()[0], link_place.link()[1]} <= {m for m, _ in content.mentions}
    gold.undo()
    with team.store.read() as session:
        content = read_gold(session, session.get(Layer, team.gold))
        assert link_place.link() not in content.links
        assert len(open_places(session, session.get(Layer, team.gold))) == len(places)
    gold.redo()
    with pytest.raises(InputError, match="open disagreement"):
        gold.execute(SetLayerStatus("adjudicated"))
    thursday = next(p for p in places if p.kind == "mention" and "DATE" in repr(p.versions))
    gold.execute(Decide(thursday.key, "none", "Rania"))  # nothing belongs here
    for place in places:
        if place.kind == "bead":
            gold.execute(Decide(place.key, "Alice", "Rania"))
        elif place.kind == "mention" and place is not thursday:
            gold.execute(Decide(place.key, "Bob", "Rania"))
    gold.execute(StartGold())  # a re-merge fills nothing decided
    with team.store.read() as session:
        layer = session.get(Layer, team.gold)
        assert open_places(session, layer) == []
        after = read_gold(session, layer)
    assert link_place.link() in after.links  # the decision survived the re-merge
    gold.execute(SetLayerStatus("adjudicated"))
    with pytest.raises(InputError, match="adjudicated; reopen it"):
        gold.execute(Decide(places[0].key, "Bob", "Rania"))
    with team.store.read() as session:
        actions = list(
            session.scalars(select(AuditEvent.action).where(AuditEvent.layer_id == team.gold))
        )
    assert actions.count("decide") >= len(places) and "start_gold" in actions


def test_only_a_reviewer_adjudicates(team: Team) -> None:
    _differ(team)
    with pytest.raises(PermissionDeniedError, match="only a reviewer may change the gold"):
        Editor(team.store, team.gold, "Alice").execute(StartGold())


S = (0, 5), (6, 12), (13, 20)
T = (0, 4), (5, 9)


def _version(name: str, beads: list[tuple[list[int], list[int]]], mentions: list[int]) -> Version:
    return Version(
        name,
        tuple((tuple(S[i] for i in a), tuple(T[j] for j in b)) for a, b in beads),
        tuple((("source", S[i][0], S[i][1], "PER"), False) for i in mentions),
        (),
    )


def test_quorum_takes_the_majority_and_refuses_a_minority() -> None:
    texts = ("Alpha. Bravo. Charlie", "Uno. Dos.")
    a = _version("a", [([0], [0]), ([1, 2], [1])], [0])
    b = _version("b", [([0], [0]), ([1, 2], [1])], [0, 1])
    c = _version("c", [([0, 1], [0]), ([2], [1])], [1])
    everyone = merge(texts, [a, b, c])
    assert len(everyone.beads) == 0 and len(everyone.mentions) == 0
    majority = merge(texts, [a, b, c], quorum=2)
    assert len(majority.beads) == 2 and len(majority.mentions) == 2
    assert majority.places == ()
    with pytest.raises(InputError, match="a quorum must be a majority of the 3 annotators"):
        merge(texts, [a, b, c], quorum=1)


def test_review_from_the_command_line(team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    _differ(team)
    db = team.store.engine.url.render_as_string(hide_password=False)
    code, out, err = run(capsys, "--db", db, "--as", "Rania", "review", "start", "1")
    assert code == 0, err
    assert "6 place(s) of disagreement" in out and "6 open, 0 decided" in out, out
    code, _, err = run(capsys, "--db", db, "--as", "Rania", "review", "adjudicate", "1")
    assert code == 2 and "open disagreement" in err
    code, _, err = run(capsys, "--db", db, "--as", "Alice", "review", "places", "1")
    assert code == 2 and "only a reviewer may adjudicate" in err
    code, out, _ = run(capsys, "--db", db, "--as", "Rania", "review", "ready", "news")
    assert code == 0 and "0 pair(s) with no disagreement" in out


def test_a_link_whose_mention_is_decided_away_is_open_again(team: Team) -> None:
    _differ(team)
    gold = Editor(team.store, team.gold, "Rania")
    gold.execute(StartGold())
    with team.store.read() as session:
        places = current_merge(session, session.get(Layer, team.gold)).places
    link_place = next(p for p in places if p.kind == "link")
    arabic = next(p for p in places if p.kind == "mention" and p.key.startswith("mention target"))
    gold.execute(Decide(link_place.key, "Bob", "Rania"))
    gold.execute(Decide(arabic.key, "none", "Rania"))  # the link's Arabic end goes
    with team.store.read() as session:
        layer = session.get(Layer, team.gold)
        assert link_place.link() not in read_gold(session, layer).links
        assert link_place.key in open_places(session, layer)  # not silently "decided"


def test_taking_a_version_regroups_beads_and_never_drops_a_sentence(team: Team) -> None:
    _differ(team)
    gold = Editor(team.store, team.gold, "Rania")
    gold.execute(StartGold())

    def sentences() -> tuple[int, int]:
        with team.store.read() as session:
            beads = read_gold(session, session.get(Layer, team.gold)).beads
        return sum(len(b[0]) for b, _ in beads), sum(len(b[1]) for b, _ in beads)

    assert sentences() == (13, 9)  # the seed pair, every sentence in a bead
    with team.store.read() as session:
        places = current_merge(session, session.get(Layer, team.gold)).places
    for place, choice in zip(
        [p for p in places if p.kind == "bead"], ("Alice", "Bob"), strict=True
    ):
        gold.execute(Decide(place.key, choice, "Rania"))
        assert sentences() == (13, 9)
    gold.execute(Decide(places[0].key, "none", "Rania"))  # unaligned: one-sided beads
    assert sentences() == (13, 9)
