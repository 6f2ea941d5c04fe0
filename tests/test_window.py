from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.demo import DEMO_PROJECT, ensure_demo_project
from annotator.store import Store
from ui.main_window import MainWindow


def test_first_start_imports_the_demo_pair_once(store: Store) -> None:
    pair_id = ensure_demo_project(store, "tester")
    assert pair_id == 1
    assert ensure_demo_project(store, "tester") is None  # not again on the next start


def test_window_shows_the_seed_pair_side_by_side(store: Store, qtbot: QtBot) -> None:
    pair_id = ensure_demo_project(store, "tester")
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    top = window.navigator.topLevelItem(0)
    assert top.text(0) == DEMO_PROJECT and top.child(0).text(0) == "austin-gallant-call"
    window.open_pair(pair_id)
    src, tgt = window.source_pane, window.target_pane
    assert src.text.document().blockCount() == 2 * 13 - 1
    assert tgt.text.document().blockCount() == 2 * 9 - 1
    assert tgt.text.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert src.text.layoutDirection() == Qt.LayoutDirection.LeftToRight
    option = tgt.text.document().defaultTextOption()
    assert option.textDirection() == Qt.LayoutDirection.RightToLeft
    assert "لويد أوستن" in tgt.text.toPlainText()
    assert tgt.title.text() == "ar · austin-gallant-call.ar.txt · 9 sentences"


def test_clicking_a_pair_in_the_navigator_opens_it(store: Store, qtbot: QtBot) -> None:
    ensure_demo_project(store, "tester")
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.current_pair is None
    item = window.navigator.topLevelItem(0).child(0)
    rect = window.navigator.visualItemRect(item)
    qtbot.mouseClick(window.navigator.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_pair == 1
    assert "austin-gallant-call" in window.statusBar().currentMessage()
