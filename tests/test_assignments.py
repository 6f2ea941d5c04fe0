"""Assignments: a reviewer gives pairs to annotators, who see "my pairs" first, kept up to date."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from annotator.commands import Editor
from annotator.commands.entities import TagMention
from annotator.layers import ensure_annotator_layer
from annotator.model import DocumentPair, Side
from annotator.projects import get_or_create_annotator
from annotator.store import Store
from tests.conftest import SEED_AR, SEED_EN
from tests.test_cli import run
from tests.ui_helpers import drag
from ui.main_window import MainWindow
from ui.settings import Settings

pytestmark = pytest.mark.both_engines


@pytest.fixture
def team(new_store: Callable[[str], str], capsys: pytest.CaptureFixture[str]) -> str:
    """A project by Rania (its reviewer) with two pairs, and Sami added as an annotator."""
    db = new_store("team")
    assert run(capsys, "--db", db, "--as", "Rania", "init", "news", "-s", "en", "-t", "ar")[0] == 0
    assert run(capsys, "--db", db, "--as", "Rania", "import", SEED_EN, SEED_AR)[0] == 0
    assert run(capsys, "--db", db, "--as", "Rania", "import", SEED_AR, SEED_EN)[0] == 0
    assert run(capsys, "--db", db, "--as", "Rania", "annotators", "add", "Sami")[0] == 0
    return db


def _mine(capsys: pytest.CaptureFixture[str], db: str, who: str) -> list[dict[str, object]]:
    code, out, err = run(capsys, "--db", db, "--as", who, "list", "--mine", "--json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_a_reviewer_assigns_and_the_annotator_sees_them_with_status(
    team: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", team, "--as", "Rania", "assign", "1", "--to", "Sami")
    assert code == 0 and out.strip() == "assigned to Sami: 1 pair"
    assert _mine(capsys, team, "Sami") == [
        {"pair_id": 1, "name": "austin-gallant-call", "project": "news", "status": "not started"}
    ]
    store = Store.open(team)
    with store.write() as session:
        pair = session.get(DocumentPair, 1)
        assert pair is not None
        layer_id = ensure_annotator_layer(
            session, pair, get_or_create_annotator(session, "Sami")
        ).id
        start = pair.source.text.index("Gaza")
    Editor(store, layer_id, "Sami").execute(TagMention("source", start, start + 4, "GPE"))
    store.close()
    assert [p["status"] for p in _mine(capsys, team, "Sami")] == ["in_progress"]
    assert _mine(capsys, team, "Rania") == []
    code, out, _ = run(capsys, "--db", team, "--as", "Rania", "assign", "1", "--to", "Sami",
                       "--remove")  # fmt: skip
    assert code == 0 and out.strip() == "took back from Sami: 1 pair"
    assert _mine(capsys, team, "Sami") == []


def test_only_a_reviewer_assigns(team: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", team, "--as", "Sami", "assign", "1", "2", "--to", "Sami")
    assert code == 2 and "only a reviewer may assign pairs" in err
    code, _, err = run(capsys, "--db", team, "--as", "Rania", "assign", "9", "--to", "Sami")
    assert code == 2 and err.strip() == "error: no pair 9"
    assert _mine(capsys, team, "Sami") == []


def test_the_navigator_lists_my_pairs_first_and_follows_the_reviewer(
    team: str, capsys: pytest.CaptureFixture[str], qtbot: QtBot, tmp_path: Path
) -> None:
    assert run(capsys, "--db", team, "--as", "Rania", "assign", "2", "--to", "Sami")[0] == 0
    store = Store.open(team)
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(store, "Sami", settings)
    qtbot.addWidget(window)
    window.show()
    top = window.navigator.topLevelItem(0)
    assert top is not None and top.text(0) == "My pairs" and top.text(1) == "1 pair"
    assert [top.child(k).text(1) for k in range(top.childCount())] == ["not started"]
    # the reviewer, elsewhere, assigns one more: the navigator shows it within seconds
    assert run(capsys, "--db", team, "--as", "Rania", "assign", "1", "--to", "Sami")[0] == 0
    qtbot.waitUntil(
        lambda: (
            (item := window.navigator.topLevelItem(0)) is not None and item.text(1) == "2 pairs"
        ),
        timeout=6000,
    )
    # Sami opens it and tags a name with the mouse and a key: "my pairs" follows their own edit
    window.resize(1700, 1000)
    window.open_pair(1)
    assert window.view is not None
    text = window.view.model.texts[Side.SOURCE]
    start = text.index("Gaza")
    drag(qtbot, window.view, Side.SOURCE, start, start + 4)
    qtbot.keyClick(window.view, "g")

    def mine() -> list[str]:
        item = window.navigator.topLevelItem(0)
        assert item is not None
        return [item.child(k).text(1) for k in range(item.childCount())]

    qtbot.waitUntil(lambda: mine() == ["in_progress", "not started"], timeout=3000)
    window.undo_stack.undo()  # the first edit undone: new again
    qtbot.waitUntil(lambda: mine() == ["new", "not started"], timeout=3000)
    window.close()
    store.close()
