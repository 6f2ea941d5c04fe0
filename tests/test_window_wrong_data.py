"""Silent wrong data in the window: each test replays what a user did, with real clicks and keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QInputDialog,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from annotator.model import DocumentPair, Layer, Project
from annotator.store import Store
from tests.test_window import AR, EN, links, mentions, settings, span, tag, window  # noqa: F401
from tests.ui_helpers import show_range
from ui import app as app_module
from ui.identity import choose_identity
from ui.importing import ImportDialog, ImportRequest, ImportWorker
from ui.main_window import MainWindow
from ui.settings import Settings

pytestmark = pytest.mark.both_engines  # the window on SQLite and on PostgreSQL

CTRL = Qt.KeyboardModifier.ControlModifier


def type_text(widget: QWidget, text: str) -> None:
    """Type text a key event per character (QTest's keyClicks only knows ASCII keys)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)


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


def test_a_suggestion_never_nests_a_duplicate_inside_a_tagged_name(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    store: Store,
) -> None:
    tag(qtbot, window, AR, "لويد أوستن", "p")
    tag(qtbot, window, EN, "Austin", "p", modifier=Qt.KeyboardModifier.AltModifier, nth=1)
    suggested = [(s.surface, s.mention_id) for s in window.entities.suggestions]
    assert suggested and suggested[0][0] == "لويد أوستن" and suggested[0][1] is not None
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert [m[4] for m in mentions(store, window.layer_id)] == ["Austin", "لويد أوستن"]
    assert links(store, window.layer_id) == [("Austin", "لويد أوستن")]


def test_tagging_inside_a_same_label_mention_asks_first(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tag(qtbot, window, EN, "Lloyd Austin", "p")
    asked: list[str] = []

    def answer(button: QMessageBox.StandardButton) -> object:
        def question(_parent: object, _title: str, text: str, *_: object) -> object:
            asked.append(text)
            return button

        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    tag(qtbot, window, EN, "Austin", "p", modifier=Qt.KeyboardModifier.AltModifier, nth=1)
    assert asked and "“Lloyd Austin”" in asked[0]
    assert [m[4] for m in mentions(store, window.layer_id)] == ["Lloyd Austin"]
    assert "not tagged" in window.statusBar().currentMessage()
    tag(qtbot, window, EN, "Austin", "g", modifier=Qt.KeyboardModifier.AltModifier, nth=1)
    assert len(asked) == 1  # another label nests without a question
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    tag(qtbot, window, EN, "Lloyd", "p", modifier=Qt.KeyboardModifier.AltModifier)
    assert len(asked) == 2
    assert sorted(m[4] for m in mentions(store, window.layer_id)) == [
        "Austin",
        "Lloyd",
        "Lloyd Austin",
    ]


def test_as_name_is_for_one_run_and_never_saved(tmp_path: Path) -> None:
    saved = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    saved.annotator_name = "alice"
    assert choose_identity("bob", saved, ask=lambda: "never asked") == "bob"
    assert saved.annotator_name == "alice"  # a plain start is alice again
    assert choose_identity(None, saved, ask=lambda: "never asked") == "alice"
    fresh = Settings(QSettings(str(tmp_path / "f.ini"), QSettings.Format.IniFormat))
    assert choose_identity("bob", fresh, ask=lambda: "never asked") == "bob"
    assert fresh.annotator_name is None  # --as on a first start saves nothing either
    assert choose_identity(None, fresh, ask=lambda: "layla") == "layla"
    assert fresh.annotator_name == "layla"


def test_no_name_at_first_start_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(app_module, "choose_identity", lambda *a, **k: None)
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: shown.append(text))
    assert app_module.launch(db=None) == 0
    assert shown and "No name was given" in shown[0] and "--as NAME" in shown[0]


def test_switch_annotator_from_the_window(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice_layer = window.layer_id
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Bob", True))
    qtbot.keyClick(window.view, Qt.Key.Key_U, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert "Bob" in window.windowTitle() and window.layer_id != alice_layer
    assert window.settings.annotator_name == "Bob"  # an explicit switch is remembered
    tag(qtbot, window, EN, "Thursday", "d")
    with store.read() as session:
        layer = session.get(Layer, window.layer_id)
        assert layer is not None and layer.annotator.name == "Bob"
    assert mentions(store, alice_layer) == []


def test_a_clitic_before_a_name_goes_when_the_translation_says_so(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    store: Store,
) -> None:
    # لفرانس برس: no other sign in the Arabic that ل is a clitic; the English row says
    # "Agence France-Presse", which sounds like فرانس برس and not like لفرانس برس.
    tag(qtbot, window, AR, "لفرانس برس", "o")
    assert [m[4] for m in mentions(store, window.layer_id)] == ["فرانس برس"]


def test_find_go_to_row_and_the_ends_from_the_keyboard(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    view = window.view
    assert view is not None
    qtbot.keyClick(view, Qt.Key.Key_F, CTRL)
    assert window.navigation.find_field.hasFocus()
    type_text(window.navigation.find_field, "اوستن")  # typed without the hamza
    text = view.model.texts[AR]
    first = text.index("أوستن")
    assert view.selection == (AR, first, first + len("أوستن"))
    total = len(window.navigation.matches)
    assert total >= 2 and window.navigation.found_label.text() == f"1 of {total}"
    qtbot.keyClick(window.navigation.find_field, Qt.Key.Key_Return)
    second = text.index("أوستن", first + 1)
    assert view.selection == (AR, second, second + len("أوستن"))
    shift = Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.navigation.find_field, Qt.Key.Key_Return, shift)
    assert view.selection == (AR, first, first + len("أوستن"))
    qtbot.keyClick(window.navigation.find_field, Qt.Key.Key_Escape)
    assert view.hasFocus()
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (5, True))
    qtbot.keyClick(view, Qt.Key.Key_G, CTRL)
    assert view.caret is not None and view.model.row_at(*view.caret) == 4
    qtbot.keyClick(view, Qt.Key.Key_End, CTRL)
    assert view.model.row_at(*view.caret) == view.model.rowCount() - 1
    qtbot.keyClick(view, Qt.Key.Key_Home, CTRL)
    assert view.model.row_at(*view.caret) == 0


def test_a_narrow_window_never_breaks_a_word(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    view = window.view
    assert view is not None
    window.resize(800, 900)
    qtbot.wait(10)
    view.grab()
    assert view.width() >= 420  # the panels gave way to the text
    breaks = 0
    for _row, _top, geometry in view._placed:
        for side in (EN, AR):
            for block in geometry.blocks[side]:
                for k in range(1, block.layout.lineCount()):
                    cp = block.units.to_code_point(block.layout.lineAt(k).textStart())
                    breaks += 1
                    assert block.text[cp - 1].isspace(), (side, block.text[cp - 8 : cp + 8])
    assert breaks > 10  # lines did wrap: the check saw real line starts
    panels = window.menuBar().actions()[-1].menu().actions()[-1].menu()
    assert [a.text() for a in panels.actions()] == [
        "Navigator", "Labels", "Mentions and links", "Disagreements",
    ]  # fmt: skip


def test_the_help_overlay_is_opaque_and_pairs_count_their_layers(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    qtbot.keyClick(window.view, Qt.Key.Key_F1)
    image = window.help.grab().toImage()
    colour = image.pixelColor(image.width() - 3, image.height() - 3)
    assert colour.alpha() == 255 and colour.red() < 40  # no text of the pair shows through
    pair_item = window.navigator.topLevelItem(0).child(0)
    assert pair_item.text(1) == "2 layers"  # automatic + yours; "1 layer" for one


def test_feedback_is_current_and_visible(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    store: Store,
) -> None:
    def alice_line() -> str:
        pair = window.navigator.topLevelItem(0).child(0)
        lines = [pair.child(k) for k in range(pair.childCount())]
        return next(item.text(1) for item in lines if item.text(0) == "Alice")

    assert "0 mentions" in alice_line()
    tag(qtbot, window, EN, "Lloyd Austin", "p")  # offers لويد أوستن
    qtbot.waitUntil(lambda: "1 mention" in alice_line(), timeout=3000)  # no restart needed
    assert "Enter: link to" in window.statusBar().currentMessage()
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    assert window.statusBar().currentMessage() == ""  # the dismissed prompt is gone
    # a linked mention shows a thick underline in its link colour
    qtbot.keyClick(window.view, Qt.Key.Key_K, CTRL)
    _click_text(qtbot, window, "Thursday")  # plain text: the link waits for a mention
    tag(qtbot, window, AR, "لويد أوستن", "p")
    window.entities.activate_mention(mentions_of(window, "Lloyd Austin"))
    qtbot.keyClick(window.view, Qt.Key.Key_K, CTRL)
    window.entities.activate_mention(mentions_of(window, "لويد أوستن"))
    assert links(store, window.layer_id) == [("Lloyd Austin", "لويد أوستن")]
    linked = [h for h in window.view.highlights if isinstance(h.key, int) and h.underline]
    assert len(linked) == 2 and linked[0].underline == linked[1].underline


def mentions_of(w: MainWindow, surface: str) -> int:
    return next(m.id for m in w.entities.mentions.values() if m.surface == surface)


def test_a_conflict_is_said_in_a_box_not_only_the_status_bar(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    store: Store,
) -> None:
    other = MainWindow(store, "Alice", window.settings)
    qtbot.addWidget(other)
    other.resize(1700, 1000)
    other.show()
    other.open_pair(window.pair_id)
    assert other.view is not None
    other.view.grab()
    tag(qtbot, window, EN, "Lloyd Austin", "p")
    tag(qtbot, other, EN, "Yoav Gallant", "p")
    assert other.conflict_notice is not None and other.conflict_notice.isVisible()
    assert other.conflict_notice.windowModality() == Qt.WindowModality.NonModal
    assert "not saved" in other.conflict_notice.text()


def test_remove_and_rename_a_pair_from_the_navigator(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tag(qtbot, window, EN, "Lloyd Austin", "p")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("austin call", True))
    window.navigator_panel.rename_pair(window.pair_id)
    assert window.navigator.topLevelItem(0).child(0).text(0) == "austin call"
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    window.navigator_panel.remove_pair(window.pair_id)
    assert "Alice (in_progress): 1 mentions, 0 links" in asked[0] and "automatic" in asked[0]
    assert window.navigator.topLevelItem(0).childCount() == 1  # answered No: nothing went
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    window.navigator_panel.remove_pair(window.pair_id)
    assert window.navigator.topLevelItem(0).childCount() == 0
    assert window.view is None and window.layer_id is None  # the open pair closed with it
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(DocumentPair)) == 0


def test_import_a_folder_from_the_file_menu(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, en, ar in (("one", "The war began.", "بدأت الحرب."), ("two", "Talks.", "محادثات.")):
        (folder / f"{name}.en").write_text(en, "utf-8")
        (folder / f"{name}.ar").write_text(ar, "utf-8")
    (folder / "notes.txt").write_text("not a pair", "utf-8")

    def fill_in() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ImportDialog)
        qtbot.mouseClick(dialog.folder_mode, Qt.MouseButton.LeftButton)
        dialog.folder.setText(str(folder))
        qtbot.mouseClick(dialog.presegmented, Qt.MouseButton.LeftButton)
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fill_in)
    qtbot.keyClick(window.view, Qt.Key.Key_I, CTRL)
    qtbot.waitUntil(lambda: window.import_worker is None, timeout=60_000)
    names = [window.navigator.topLevelItem(0).child(k).text(0) for k in range(3)]
    assert names == ["austin-gallant-call", "one", "two"]
    assert "2 imported, 1 file(s) skipped" in window.statusBar().currentMessage()


def test_a_cancelled_import_stores_nothing(
    window: MainWindow,  # noqa: F811
    store: Store,
    tmp_path: Path,
) -> None:
    (tmp_path / "a.en").write_text("One.", "utf-8")
    (tmp_path / "a.ar").write_text("واحد.", "utf-8")
    with store.read() as session:
        project_id = session.scalars(select(Project.id)).first()
    request = ImportRequest(project_id, tmp_path, None, True)
    worker = ImportWorker(store, request, "Alice")
    results: list[tuple[object, str]] = []
    worker.finished_import.connect(lambda report, error: results.append((report, error)))
    worker.cancelled = True  # Cancel pressed before the first pair was read
    worker.run()
    assert results == [(None, "import cancelled: nothing was imported")]
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(DocumentPair)) == 1


def test_a_label_key_never_reaches_an_active_mention_scrolled_out_of_sight(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    store: Store,
) -> None:
    """Found as a new user: typing a name where the view had focus relabelled an unseen mention."""
    assert window.view is not None
    tag(qtbot, window, EN, "Thursday", "d")
    assert window.entities.active_mention is not None
    qtbot.keyClick(window.view, Qt.Key.Key_End, CTRL)  # the last rows: Thursday is off screen
    window.view.grab()
    qtbot.keyClick(window.view, "o")
    assert mentions(store, window.layer_id)[0][3] == "DATE"
    assert "is not on screen" in window.statusBar().currentMessage()
    qtbot.keyClick(window.view, Qt.Key.Key_Home, CTRL)
    window.view.grab()
    qtbot.keyClick(window.view, "o")  # visible again, with its box: the key acts
    assert mentions(store, window.layer_id)[0][3] == "ORG"
