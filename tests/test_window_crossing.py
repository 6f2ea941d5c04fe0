"""A layer imported with crossing beads (MAC gold, chapter 002) shows and edits in the window."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.alignment.beads import AlignedBead
from annotator.cli import main
from annotator.layers import alignment
from annotator.model import Layer, Side
from annotator.store import Store
from annotator.store.invariants import check_layer_alignment
from tests.test_formats_import import MAC
from tests.test_window import settings  # noqa: F401 (fixture)
from tests.ui_helpers import drag
from ui.main_window import MainWindow
from ui.settings import Settings

pytestmark = pytest.mark.both_engines  # the window on SQLite and on PostgreSQL

GOLD_002 = MAC / "intertext" / "dev-anno.002_zh.002_en.xml"


@pytest.fixture
def crossing_window(
    new_store: Callable[[str], str],
    qtbot: QtBot,
    settings: Settings,  # noqa: F811
) -> Iterator[tuple[MainWindow, Store]]:
    db = new_store("mac")
    assert main(["--db", db, "init", "mac", "-s", "zh", "-t", "en"]) == 0
    assert main(["--db", db, "import", str(GOLD_002), "--layer", "Alice"]) == 0
    assert main(["--db", db, "--as", "Alice", "reopen", "1"]) == 0  # imported work is done
    store = Store.open(db)
    w = MainWindow(store, "Alice", settings)
    qtbot.addWidget(w)
    w.resize(1600, 1000)
    w.show()
    qtbot.waitExposed(w)
    w.open_pair(1)
    yield w, store
    store.close()


def test_crossing_beads_show_and_merge_without_breaking_the_layer(
    crossing_window: tuple[MainWindow, Store], qtbot: QtBot
) -> None:
    w, store = crossing_window
    assert w.view is not None and w.layer_id is not None
    with store.read() as session:
        layer = session.get(Layer, w.layer_id)
        assert layer is not None and layer.crossing
        beads = alignment(session, layer)
    assert beads[66] == AlignedBead((71, 73), tuple(range(117, 121)))  # zh 1:72 and 1:74
    assert beads[67] == AlignedBead((72,), ())  # zh 1:73 on its own, between them
    assert w.view.model.rowCount() == 241
    start = w.view.model.row(66).side(Side.SOURCE)[0].start
    drag(qtbot, w.view, Side.SOURCE, start, start + 2)  # the caret in the crossing row
    qtbot.keyClick(w.view, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    with store.read() as session:
        layer = session.get(Layer, w.layer_id)
        assert layer is not None
        merged = alignment(session, layer)
        check_layer_alignment(session, layer.id)
    assert len(merged) == 240
    assert merged[66] == AlignedBead((71, 72, 73), tuple(range(117, 121)))
