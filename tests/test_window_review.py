"""The review screen with real keys: two annotators' layers adjudicated into the expected gold."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from annotator.formats import ExportRequest, run_export
from annotator.model import Layer, Project
from annotator.projects import find_project
from annotator.review.gold import open_places
from tests.test_adjudication import Team, _differ
from tests.test_adjudication import team as team
from ui.main_window import MainWindow
from ui.review.agreement_view import AgreementDialog
from ui.settings import Settings

pytestmark = pytest.mark.both_engines  # the window on SQLite and on PostgreSQL

EXPECTED = Path(__file__).parent / "data" / "adjudicated_seed.jsonl"
ALT = Qt.KeyboardModifier.AltModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier

# place by place, in the panel's order: which key decides it
KEYS = [
    ("alignment", Qt.Key.Key_1),  # Alice's grouping of rows 4–5
    ("alignment", Qt.Key.Key_2),  # Bob's grouping of rows 8–9
    ("mention: Thursday", Qt.Key.Key_0),  # nothing belongs here
    ("mention: Yoav Gallant", Qt.Key.Key_2),  # Bob: "Gallant", the end of his link
    ("mention: غالانت", Qt.Key.Key_2),  # Bob's Arabic mention
    ("link: Gallant ~ غالانت", Qt.Key.Key_2),  # Bob's link (its ends enter with it)
]


def _window(team: Team, name: str, qtbot: QtBot, ini: Path) -> MainWindow:
    """A shown, active window of `name` with pair 1 open (window shortcuts need activity)."""
    w = MainWindow(team.store, name, Settings(QSettings(str(ini), QSettings.Format.IniFormat)))
    qtbot.addWidget(w)
    w.resize(1700, 1000)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    w.open_pair(1)
    return w


@pytest.fixture
def review(team: Team, qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[MainWindow, Team]]:
    _differ(team)
    yield _window(team, "Rania", qtbot, tmp_path / "s.ini"), team


def _decide_all(w: MainWindow, qtbot: QtBot) -> None:
    assert w.view is not None
    qtbot.keyClick(w.view, Qt.Key.Key_R, CTRL_SHIFT)  # Review this pair
    assert w.layer_id is not None and w.review.gold_id == w.layer_id
    assert w.review.open_count() == 6
    assert "6 open disagreement(s) of 6" in w.review.status.text()
    qtbot.keyClick(w.view, Qt.Key.Key_F8)
    for title, key in KEYS:
        place = w.review.places[w.review.current]
        item = w.review.panel.topLevelItem(w.review.current)
        assert item is not None and item.text(0).startswith(f"● {title}"), (item.text(0), title)
        qtbot.keyClick(w.view, key, ALT)
        assert (place.kind, place.key) in w.review.decided


def test_adjudicate_the_seed_pair_with_keys_and_export_the_expected_gold(
    review: tuple[MainWindow, Team], qtbot: QtBot, tmp_path: Path
) -> None:
    w, team = review
    _decide_all(w, qtbot)
    assert w.review.open_count() == 0
    assert w.view is not None
    qtbot.keyClick(w.view, Qt.Key.Key_J, CTRL_SHIFT)  # Mark the gold adjudicated
    with team.store.read() as session:
        gold = session.get(Layer, team.gold)
        assert gold is not None and gold.status == "adjudicated"
        assert open_places(session, gold) == []
        project = find_project(session, "news")
        out = tmp_path / "gold.jsonl"
        run_export(session, project, ExportRequest("jsonl", out))
    record = json.loads(out.read_text("utf-8"))
    expected = json.loads(EXPECTED.read_text("utf-8"))
    assert record == expected


def test_undo_takes_a_decision_back_and_anonymous_review_hides_names(
    review: tuple[MainWindow, Team], qtbot: QtBot
) -> None:
    w, _ = review
    assert w.view is not None
    qtbot.keyClick(w.view, Qt.Key.Key_R, CTRL_SHIFT)
    qtbot.keyClick(w.view, Qt.Key.Key_F8)
    qtbot.keyClick(w.view, Qt.Key.Key_1, ALT)
    assert w.review.open_count() == 5
    qtbot.keyClick(w.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.review.open_count() == 6
    qtbot.keyClick(w.view, Qt.Key.Key_H, CTRL_SHIFT)
    texts = [
        w.review.panel.topLevelItem(0).child(k).text(0)
        for k in range(w.review.panel.topLevelItem(0).childCount())
    ]
    assert all("Alice" not in t and "Bob" not in t for t in texts)
    assert any("annotator 1" in t for t in texts)


def test_an_annotator_cannot_open_the_review(team: Team, qtbot: QtBot, tmp_path: Path) -> None:
    w = _window(team, "Alice", qtbot, tmp_path / "s.ini")
    assert w.view is not None
    qtbot.keyClick(w.view, Qt.Key.Key_R, CTRL_SHIFT)
    assert w.review.gold_id is None
    assert "only a reviewer builds the gold" in w.statusBar().currentMessage()


def test_the_agreement_view_draws_a_heat_map_and_saves_it(
    review: tuple[MainWindow, Team], tmp_path: Path
) -> None:
    w, team = review
    with team.store.read() as session:
        project_id = session.query(Project).one().id
    dialog = AgreementDialog(w, team.store, project_id, "Rania")
    measures = [dialog.measure.itemText(k) for k in range(dialog.measure.count())]
    assert measures[:2] == ["alignment", "alignment-lax"] and "entities" in measures
    assert dialog.heat.names == ["Alice", "Bob"]
    png = tmp_path / "heat.png"
    assert dialog.save_png(str(png)) and png.stat().st_size > 1000


def test_after_adjudication_an_annotator_sees_where_the_gold_differs(
    review: tuple[MainWindow, Team], qtbot: QtBot, tmp_path: Path
) -> None:
    w, team = review
    _decide_all(w, qtbot)
    assert w.view is not None
    qtbot.keyClick(w.view, Qt.Key.Key_J, CTRL_SHIFT)
    alice = _window(team, "Alice", qtbot, tmp_path / "a.ini")
    assert alice.view is not None
    qtbot.keyClick(alice.view, Qt.Key.Key_D, CTRL_SHIFT)
    kinds = sorted(p.kind for p in alice.review.places)
    # Bob's grouping of rows 8–9, no Thursday, Bob's Arabic mention and his link
    assert kinds == ["bead", "link", "mention", "mention", "mention"], kinds
    assert "where the gold differs from your layer" in alice.review.status.text()
    with team.store.read() as session:
        before = session.get(Layer, team.gold).version
    qtbot.keyClick(alice.view, Qt.Key.Key_1, ALT)  # read-only: nothing is decided
    with team.store.read() as session:
        assert session.get(Layer, team.gold).version == before


def test_an_annotator_marks_their_layer_done_and_reopens_it_with_keys(
    team: Team, qtbot: QtBot, tmp_path: Path
) -> None:
    w = _window(team, "Alice", qtbot, tmp_path / "s.ini")
    assert w.view is not None
    qtbot.keyClick(w.view, Qt.Key.Key_K, CTRL_SHIFT)
    with team.store.read() as session:
        assert session.get(Layer, team.layers["Alice"]).status == "done"
    assert "your layer is now done" in w.statusBar().currentMessage()
    qtbot.keyClick(w.view, Qt.Key.Key_O, CTRL_SHIFT)
    with team.store.read() as session:
        assert session.get(Layer, team.layers["Alice"]).status == "in_progress"


def test_reviewing_a_pair_nobody_annotated_says_so_and_creates_no_empty_gold(
    team: Team, qtbot: QtBot, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import func, select

    from annotator.model import LayerKind
    from tests.test_cli import run

    with team.store.write() as session:  # the fixture's empty gold: as on a fresh store
        session.delete(session.get(Layer, team.gold))

    def golds() -> int:
        with team.store.read() as session:
            query = select(func.count()).where(Layer.kind == LayerKind.GOLD.value)
            return int(session.scalar(query) or 0)

    w = _window(team, "Rania", qtbot, tmp_path / "s.ini")
    assert w.view is not None
    qtbot.keyClick(w.view, Qt.Key.Key_R, CTRL_SHIFT)
    assert "no annotator has worked on this pair yet" in w.statusBar().currentMessage()
    assert w.review.gold_id is None and golds() == 0
    db = team.store.engine.url.render_as_string(hide_password=False)
    code, _, err = run(capsys, "--db", db, "--as", "Rania", "review", "start", "1")
    assert code == 2 and "no annotator has worked on this pair yet" in err and golds() == 0
    team.tag("Alice", "source", "Lloyd Austin", "PER")  # one annotator's work: nothing to dispute
    qtbot.keyClick(w.view, Qt.Key.Key_R, CTRL_SHIFT)
    assert w.review.gold_id is not None and w.review.places == []
    assert w.view.model.rowCount() == 11  # the gold holds Alice's alignment, not nothing
