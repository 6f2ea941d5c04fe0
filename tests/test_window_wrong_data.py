"""Silent wrong data in the window: each test replays what a user did, with real clicks and keys."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from annotator.store import Store
from tests.test_window import EN, mentions, settings, span, tag, window  # noqa: F401
from tests.ui_helpers import show_range
from ui.main_window import MainWindow


def _click_text(qtbot: QtBot, w: MainWindow, needle: str) -> None:
    """Click the middle of the first glyph of a word that no mention covers."""
    assert w.view is not None
    start, end = span(w, EN, needle)
    show_range(w.view, EN, start, end)
    box = w.view.char_box(EN, start)
    point = QPoint(round(box.center().x()), round(box.center().y()))
    qtbot.mouseClick(w.view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_a_label_key_with_nothing_selected_changes_nothing(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    store: Store,
) -> None:
    assert window.view is not None
    tag(qtbot, window, EN, "Thursday", "d")
    (thursday,) = mentions(store, window.layer_id)
    assert thursday[3] == "DATE" and window.entities.active_mention is not None
    # the tagged mention is the active one and shows it: a box around its glyphs
    outlined = [h for h in window.view.highlights if h.outline is not None]
    assert [(h.start, h.end) for h in outlined] == [thursday[1:3]]
    _click_text(qtbot, window, "According")  # plain text in another row
    assert window.entities.active_mention is None
    assert not [h for h in window.view.highlights if h.outline is not None]
    qtbot.keyClick(window.view, "n")
    assert mentions(store, window.layer_id) == [thursday]  # still DATE
    assert "nothing selected" in window.statusBar().currentMessage()


def test_relabelling_acts_on_the_clicked_mention_and_says_so(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    store: Store,
) -> None:
    assert window.view is not None
    tag(qtbot, window, EN, "Thursday", "d")
    _click_text(qtbot, window, "According")
    _click_text(qtbot, window, "Thursday")  # click the mention: it becomes the active one
    assert window.entities.active_mention is not None
    qtbot.keyClick(window.view, "n")
    assert mentions(store, window.layer_id)[0][3] == "NUM"
    assert "relabelled “Thursday” DATE → NUM" in window.statusBar().currentMessage()
