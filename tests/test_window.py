from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from annotator.alignment.gale_church import align_texts
from annotator.demo import DEMO_PROJECT, ensure_demo_project
from annotator.layer_writes import replace_alignment
from annotator.layers import sentence_spans
from annotator.model import AuditEvent, Layer, Link, Mention, Side
from annotator.store import Store
from tests.ui_helpers import drag
from ui import identity as app_module
from ui.main_window import MainWindow
from ui.settings import Settings

pytestmark = pytest.mark.both_engines  # the window on SQLite and on PostgreSQL

AR, EN = Side.TARGET, Side.SOURCE


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def window(store: Store, qtbot: QtBot, settings: Settings) -> Iterator[MainWindow]:
    pair_id = ensure_demo_project(store, "tester")
    w = MainWindow(store, "Alice", settings)
    qtbot.addWidget(w)
    w.resize(1700, 1000)
    w.show()
    qtbot.waitExposed(w)
    w.open_pair(pair_id)
    assert w.view is not None
    w.view.grab()
    yield w


def span(w: MainWindow, side: Side, needle: str, nth: int = 0) -> tuple[int, int]:
    assert w.view is not None
    text = w.view.model.texts[side]
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def mentions(store: Store, layer_id: int) -> list[tuple[str, int, int, str, str]]:
    with store.read() as session:
        return [
            (m.side, m.start, m.end, m.label, m.surface)
            for m in session.scalars(
                select(Mention)
                .where(Mention.layer_id == layer_id)
                .order_by(Mention.side, Mention.start)
            )
        ]


def links(store: Store, layer_id: int) -> list[tuple[str, str]]:
    with store.read() as session:
        return [
            (k.source_mention.surface, k.target_mention.surface)
            for k in session.scalars(select(Link).where(Link.layer_id == layer_id))
        ]


def tag(
    qtbot: QtBot,
    w: MainWindow,
    side: Side,
    needle: str,
    key: str,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
    nth: int = 0,
) -> None:
    assert w.view is not None
    start, end = span(w, side, needle, nth)
    drag(qtbot, w.view, side, start, end)
    assert w.view.selection is not None
    qtbot.keyClick(w.view, key, modifier)


def test_first_start_asks_who_you_are(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("  Layla ", True))
    assert app_module.ask_identity() == "Layla"
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))
    assert app_module.ask_identity() is None


def test_window_opens_your_own_layer(window: MainWindow, store: Store) -> None:
    with store.read() as session:
        layer = session.get(Layer, window.layer_id)
        assert layer.kind == "annotator" and layer.annotator.name == "Alice"
    top = window.navigator.topLevelItem(0)
    assert top.text(0) == DEMO_PROJECT
    owners = [top.child(0).child(i).text(0) for i in range(top.child(0).childCount())]
    assert owners == ["automatic", "Alice"]


def test_tag_an_arabic_name_with_its_key(window: MainWindow, qtbot: QtBot, store: Store) -> None:
    tag(qtbot, window, AR, "لويد أوستن", "p")
    start, end = span(window, AR, "لويد أوستن")
    assert mentions(store, window.layer_id) == [("target", start, end, "PER", "لويد أوستن")]
    with store.read() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event.actor == "Alice" and event.layer_id == window.layer_id


def test_clitic_snapping_and_the_exact_modifier(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    tag(qtbot, window, AR, "وإسرائيل", "g")
    tag(qtbot, window, AR, "لإيران", "g", Qt.KeyboardModifier.AltModifier)
    got = {m[4] for m in mentions(store, window.layer_id)}
    assert got == {"إسرائيل", "لإيران"}


def test_english_selection_snaps_to_whole_words(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    tag(qtbot, window, EN, "loyd Aust", "p")
    assert [m[4] for m in mentions(store, window.layer_id)] == ["Lloyd Austin"]


def test_undo_and_redo_leave_the_store_identical(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    before = mentions(store, window.layer_id)
    tag(qtbot, window, EN, "Hezbollah", "o")
    tagged = mentions(store, window.layer_id)
    assert len(tagged) == 1
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert mentions(store, window.layer_id) == before
    qtbot.keyClick(
        window.view,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert mentions(store, window.layer_id) == tagged


def test_change_label_resize_and_delete_from_the_keyboard(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    tag(qtbot, window, EN, "Lloyd Austin", "p")
    mention_id = window.entities.active_mention
    assert mention_id is not None
    qtbot.keyClick(window.view, "o")  # a label key on the active mention relabels it
    assert mentions(store, window.layer_id)[0][3] == "ORG"
    qtbot.keyClick(window.view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert mentions(store, window.layer_id)[0][4] == "Lloyd Austi"
    qtbot.keyClick(window.view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert mentions(store, window.layer_id)[0][4] == "Lloyd Austin"
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert mentions(store, window.layer_id) == []


def test_arabic_mention_edges_follow_the_screen(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    tag(qtbot, window, AR, "لويد أوستن", "p")
    qtbot.keyClick(window.view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    # in a right-to-left pane the far edge moving right means the mention gets shorter
    assert mentions(store, window.layer_id)[0][4] == "لويد أوست"


def test_suggested_counterpart_is_accepted_with_one_key(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    tag(qtbot, window, EN, "Lloyd Austin", "p")
    assert window.entities.suggestions and window.entities.suggestions[0].surface == "لويد أوستن"
    with store.read() as session:  # a suggestion is never saved unless accepted
        assert session.scalars(select(Mention)).all().__len__() == 1
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert links(store, window.layer_id) == [("Lloyd Austin", "لويد أوستن")]
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert links(store, window.layer_id) == []
    assert [m[4] for m in mentions(store, window.layer_id)] == ["Lloyd Austin"]


def test_link_by_clicking_and_no_counterpart(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    tag(qtbot, window, EN, "Hezbollah", "o")
    en_id = window.entities.active_mention
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    tag(qtbot, window, AR, "حزب الله", "o")
    ar_id = window.entities.active_mention
    window.entities.activate_mention(en_id)
    qtbot.keyClick(window.view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    start, _ = span(window, AR, "حزب الله")
    qtbot.mouseClick(
        window.view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=window.view.char_box(AR, start + 1).center().toPoint(),
    )
    assert window.entities.active_mention == ar_id
    assert links(store, window.layer_id) == [("Hezbollah", "حزب الله")]
    tag(qtbot, window, EN, "Thursday", "d")
    qtbot.keyClick(window.view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    with store.read() as session:
        assert session.get(Mention, window.entities.active_mention).no_counterpart


def test_tag_all_occurrences_is_one_undoable_step(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    assert window.view is not None
    start = span(window, AR, "أمن إسرائيل")[0] + len("أمن ")
    drag(qtbot, window.view, AR, start, start + len("إسرائيل"))
    qtbot.keyClick(window.view, "g")
    qtbot.keyClick(window.view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    text = window.view.model.texts[AR]
    tagged = mentions(store, window.layer_id)
    assert len(tagged) >= 6
    for _side, start, end, label, surface in tagged:
        assert surface == "إسرائيل" == text[start:end] and label == "GPE"
        assert text[end : end + 1] in " ،.\n"  # never inside a longer word (الإسرائيلية)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(mentions(store, window.layer_id)) == 1


def test_font_size_is_adjustable_and_remembered(
    window: MainWindow, qtbot: QtBot, settings: Settings
) -> None:
    size = window.view.point_size()
    qtbot.keyClick(window.view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.view.point_size() == size + 1
    assert Settings(settings.q).point_size == size + 1


def test_help_overlay_lists_the_shortcuts(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClick(window.view, Qt.Key.Key_F1)
    assert window.help.isVisible()
    described = " ".join(window.help.labels())
    for words in ("Undo", "Redo", "Link", "no counterpart", "all occurrences", "Delete"):
        assert words in described
    qtbot.keyClick(window.help, Qt.Key.Key_Escape)
    assert not window.help.isVisible()


def test_missing_font_is_one_notice_that_does_not_block(
    store: Store,
    project_id: int,
    qtbot: QtBot,
    settings: Settings,
    tmp_path: Path,
) -> None:
    from annotator.importing import PairFiles, import_pairs
    from annotator.model import Project

    (tmp_path / "x.en.txt").write_text("Phoenician 𐤀𐤁𐤂 letters.", "utf-8")
    (tmp_path / "x.ar.txt").write_text("حروف فينيقية 𐤀.", "utf-8")
    with store.write() as session:
        project = session.get(Project, project_id)
        pair_id = import_pairs(
            session,
            project,
            [PairFiles("x", tmp_path / "x.en.txt", tmp_path / "x.ar.txt")],
            "tester",
        ).imported[0][0]
    w = MainWindow(store, "Alice", settings)  # a modal dialog would fail this test (conftest)
    qtbot.addWidget(w)
    w.show()
    w.open_pair(pair_id)
    notices = [box for box in w.findChildren(QMessageBox) if box.isVisible()]
    assert len(notices) == 1 and notices[0] is w.font_notice  # one for both panes
    assert w.font_notice.windowModality() == Qt.WindowModality.NonModal
    text = w.font_notice.text()
    assert "source text: 𐤀 𐤁 𐤂" in text and "target text: 𐤀" in text
    qtbot.keyClick(w.view, "p", Qt.KeyboardModifier.AltModifier)  # the window still takes keys
    w.open_pair(pair_id)  # opening again replaces the notice, never stacks them
    assert len([box for box in w.findChildren(QMessageBox) if box.isVisible()]) == 1


def test_a_stale_window_gets_a_conflict_not_a_lost_edit(
    window: MainWindow, qtbot: QtBot, store: Store, settings: Settings
) -> None:
    other = MainWindow(store, "Alice", settings)  # the same person in a second window
    qtbot.addWidget(other)
    other.resize(1700, 1000)
    other.show()
    other.open_pair(window.pair_id)
    other.view.grab()
    tag(qtbot, window, EN, "Lloyd Austin", "p")
    tag(qtbot, other, EN, "Yoav Gallant", "p")  # other's copy of the layer is stale
    assert [m[4] for m in mentions(store, window.layer_id)] == ["Lloyd Austin"]
    assert "changed by someone else" in other.statusBar().currentMessage()
    assert "Lloyd Austin" in [m.surface for m in other.entities.mentions.values()]  # reloaded
    tag(qtbot, other, EN, "Yoav Gallant", "p")  # and works again after the reload
    assert [m[4] for m in mentions(store, window.layer_id)] == ["Lloyd Austin", "Yoav Gallant"]


def test_select_and_tag_from_the_keyboard_alone(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    view = window.view
    assert view is not None
    start, end = span(window, AR, "لويد أوستن")
    view.setFocus()
    view.set_caret(AR, start)
    # in the right-to-left pane, Left moves forward in the text: two words with Ctrl+Shift
    qtbot.keyClick(
        view,
        Qt.Key.Key_Left,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.keyClick(
        view,
        Qt.Key.Key_Left,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert view.selection == (AR, start, end)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # one back
    assert view.selection == (AR, start, end - 1)
    qtbot.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view, "p")
    assert mentions(store, window.layer_id) == [("target", start, end, "PER", "لويد أوستن")]
    # Tab goes to the other pane, Home/End and Down move by sentence
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.caret is not None and view.caret[0] is EN
    first = view.model.row(0).source[0]
    view.set_caret(EN, first.start)
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ShiftModifier)
    assert view.selection == (EN, first.start, first.end)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.caret == (EN, view.model.row(1).source[0].start)


def test_menus_are_not_repeated(window: MainWindow) -> None:
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["File", "Edit", "Alignment", "Review", "Go", "View"]


def test_nested_and_overlapping_mentions_are_all_drawn(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    tag(qtbot, window, EN, "Lloyd Austin", "p")
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    tag(qtbot, window, EN, "Austin", "m", Qt.KeyboardModifier.AltModifier, nth=1)
    tag(qtbot, window, EN, "Secretary Lloyd", "m", Qt.KeyboardModifier.AltModifier)
    drawn = {(h.start, h.end) for h in window.view.highlights if isinstance(h.key, int)}
    stored = {(m[1], m[2]) for m in mentions(store, window.layer_id)}
    assert len(stored) == 3 and drawn == stored


SELECTIONS = [
    (AR, "لويد أوستن"),
    (AR, "للقرار الدولي 1701"),
    (AR, "“دعم غزة والفلسطينيين”"),
    (AR, "ل"),
    (EN, "Lloyd Austin"),
    (EN, "Resolution 1701"),
    (EN, "“supporting Gaza and the Palestinians,”"),
    (EN, "a"),
]


@pytest.mark.parametrize("reverse", [False, True], ids=["forward", "backward"])
@pytest.mark.parametrize("side,needle", SELECTIONS)
def test_each_selection_is_stored_exactly(
    window: MainWindow, qtbot: QtBot, store: Store, side: Side, needle: str, reverse: bool
) -> None:
    start, end = span(window, side, needle)
    drag(qtbot, window.view, side, start, end, reverse=reverse)
    qtbot.keyClick(window.view, "m", Qt.KeyboardModifier.AltModifier)  # exact selection
    assert mentions(store, window.layer_id) == [(side.value, start, end, "MISC", needle)]


def test_multi_line_selection_is_stored_exactly(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    start = span(window, AR, "الحملة العسكرية")[0]
    end = span(window, AR, "القتالية الكبرى")[1]
    drag(qtbot, window.view, AR, start, end, reverse=True)
    qtbot.keyClick(window.view, "e", Qt.KeyboardModifier.AltModifier)
    text = window.view.model.texts[AR]
    assert mentions(store, window.layer_id) == [("target", start, end, "EVENT", text[start:end])]


def test_panels_are_reachable_from_the_keyboard(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClick(window.view, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.navigator.hasFocus()
    qtbot.keyClick(window.navigator, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.entities.labels.hasFocus()
    qtbot.keyClick(window.entities.labels, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.view.hasFocus()


def test_jump_to_beads_that_need_a_look_and_see_the_counts(
    window: MainWindow, qtbot: QtBot
) -> None:
    assert "11 beads · 11 unconfirmed" in window.alignment.counts.text()
    non11 = [
        r
        for r in range(window.view.model.rowCount())
        if len(window.view.model.row(r).source) != 1 or len(window.view.model.row(r).target) != 1
    ]
    counts = window.alignment.counts.text()
    assert "not 1:1" in counts and f"{len(non11)} not 1:1" in counts
    expected = [r for r in non11 if r > 0]  # from the top row onwards
    assert expected
    seen = []
    for _ in expected:
        qtbot.keyClick(window.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        seen.append(window.alignment.current_row())
    assert seen == expected
    qtbot.keyClick(window.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.alignment.current_row() == expected[-1]
    assert "no further non-1:1 bead" in window.statusBar().currentMessage()


def _layout(window: MainWindow) -> list[tuple[int, int]]:
    model = window.view.model
    return [(len(model.row(r).source), len(model.row(r).target)) for r in range(model.rowCount())]


def _caret_in(window: MainWindow, row: int, side: Side, index: int = 0) -> None:
    ref = window.view.model.row(row).side(side)[index]
    window.view.set_caret(side, ref.start + 1)


GOLD = [(1, 0), (1, 1), (1, 1), (1, 1), (2, 1), (2, 1), (1, 1), (1, 1), (1, 1), (1, 1), (1, 0)]


def test_reach_the_seed_gold_alignment_from_the_keyboard(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    view = window.view
    assert _layout(window) == GOLD  # the embedding aligner proposes the gold at import
    _use_length_proposal(window, store)  # start instead from the length-based proposal
    proposal = [(2, 1), (1, 1), (1, 1), (2, 1), (2, 1), (1, 1), (1, 1), (1, 1), (2, 1)]
    assert _layout(window) == proposal
    # the length-based proposal
    ctrl, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
    _caret_in(window, 0, AR)
    qtbot.keyClick(view, Qt.Key.Key_E, ctrl)  # detach the Arabic: title+first English alone
    _caret_in(window, 0, EN)
    qtbot.keyClick(view, Qt.Key.Key_Down, ctrl | shift)  # push the first sentence down
    last = view.model.rowCount() - 1
    _caret_in(window, last, EN, 1)
    qtbot.keyClick(view, Qt.Key.Key_B, ctrl)  # "Leave a comment" gets a row of its own
    assert _layout(window) == GOLD
    _caret_in(window, view.model.rowCount() - 1, EN)
    qtbot.keyClick(view, Qt.Key.Key_Return, ctrl | shift)  # confirm everything
    # refreshed after the repaint
    qtbot.waitUntil(lambda: "0 unconfirmed" in window.alignment.counts.text())
    for _ in range(4):  # every step undoes, back to the proposal
        qtbot.keyClick(view, Qt.Key.Key_Z, ctrl)
    assert _layout(window)[0] == (2, 1) and len(_layout(window)) == 9
    for _ in range(4):
        qtbot.keyClick(view, Qt.Key.Key_Z, ctrl | shift)
    assert _layout(window) == GOLD


def test_sentence_split_and_merge_keep_mentions(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    view = window.view
    tag(qtbot, window, EN, "Lloyd Austin", "p")
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    start, _ = span(window, EN, "made a phone call")
    view.set_caret(EN, start)
    qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    assert _layout(window)[1] == (2, 1)
    start, end = span(window, EN, "Lloyd Austin")
    view.set_caret(EN, start + 3)  # inside the mention: refused
    qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    assert "inside a mention" in window.statusBar().currentMessage()
    assert _layout(window)[1] == (2, 1)
    view.set_caret(EN, start)
    qtbot.keyClick(view, Qt.Key.Key_J, Qt.KeyboardModifier.AltModifier)
    assert _layout(window)[1] == (1, 1)
    assert mentions(store, window.layer_id) == [("source", start, end, "PER", "Lloyd Austin")]


def test_row_menu_acts_where_the_mouse_clicked(window: MainWindow, qtbot: QtBot) -> None:
    view = window.view
    titles = [a.text() for a in view.actions()]
    assert "Merge this row with the next" in titles and len(titles) == 13
    point = view.char_box(AR, view.model.row(1).target[0].start + 2).center().toPoint()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.RightButton, pos=point)
    merge = next(a for a in view.actions() if a.text() == "Merge this row with the next")
    merge.trigger()
    assert _layout(window)[1] == (2, 2)


def _use_length_proposal(window: MainWindow, store: Store) -> None:
    with store.write() as session:
        layer = session.get(Layer, window.layer_id)
        sentences = [
            [layer.pair.document(side).text[s:e] for s, e in sentence_spans(session, layer, side)]
            for side in (EN, AR)
        ]
        replace_alignment(session, layer, align_texts(*sentences))
    window.editor.reload()
    window.view.model.reload()


def test_realign_in_a_thread_keeps_confirmed_rows_and_undoes(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    _use_length_proposal(window, store)
    view = window.view
    ctrl, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
    _caret_in(window, 1, EN)
    qtbot.keyClick(view, Qt.Key.Key_Return, ctrl)  # confirm row 2 (1:1, right already)
    qtbot.keyClick(view, Qt.Key.Key_A, ctrl | shift)
    assert window.alignment.worker is not None and window.alignment.progress.isVisible() is not None
    qtbot.waitUntil(lambda: window.alignment.worker is None, timeout=60_000)
    assert _layout(window) == GOLD
    assert view.model.row(2).status == "confirmed"  # the confirmed row kept its status
    qtbot.keyClick(view, Qt.Key.Key_Z, ctrl)
    assert _layout(window)[0] == (2, 1)  # one undo step back to the proposal
    qtbot.keyClick(view, Qt.Key.Key_Z, ctrl | shift)
    assert _layout(window) == GOLD


def test_cancelled_alignment_changes_nothing(
    window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    _use_length_proposal(window, store)
    before = _layout(window)
    window.alignment.start_alignment(from_caret=False)
    assert window.alignment.cancel_button.isVisibleTo(window)
    qtbot.mouseClick(window.alignment.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.alignment.worker is None, timeout=60_000)
    assert _layout(window) == before
    assert not window.undo_stack.canUndo()
