"""What a drag stores, with real mouse drags: no whitespace at the edges, paired brackets and
quotes, a number's signs kept (issue: 65 of 115 drag checks had passed before)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from annotator.importing import import_pairs
from annotator.model import Project, Side
from annotator.pairing import PairFiles
from annotator.store import Store
from tests.test_window import mentions
from tests.ui_helpers import drag
from ui.main_window import MainWindow
from ui.settings import Settings

pytestmark = pytest.mark.both_engines  # the window on SQLite and on PostgreSQL

EN_TEXT = "The Party (ABC) won 15% of the vote and $300 in Beirut today.\n"
AR_TEXT = "فاز الحزب (أ ب ت) بنسبة ٣٠٪ من الأصوات في بيروت اليوم.\n"
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def snapping_window(
    store: Store, project_id: int, qtbot: QtBot, tmp_path: Path
) -> Iterator[MainWindow]:
    (tmp_path / "s.en.txt").write_text(EN_TEXT, "utf-8")
    (tmp_path / "s.ar.txt").write_text(AR_TEXT, "utf-8")
    with store.write() as session:
        project = session.get(Project, project_id)
        assert project is not None
        files = PairFiles("s", tmp_path / "s.en.txt", tmp_path / "s.ar.txt")
        pair_id = import_pairs(session, project, [files], "tester").imported[0][0]
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    w = MainWindow(store, "Alice", settings)
    qtbot.addWidget(w)
    w.resize(1700, 800)
    w.show()
    qtbot.waitExposed(w)
    w.open_pair(pair_id)
    assert w.view is not None
    w.view.grab()
    yield w


def _tag_drag(
    qtbot: QtBot,
    w: MainWindow,
    side: Side,
    needle: str,
    key: str,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    assert w.view is not None
    start = w.view.model.texts[side].index(needle)
    drag(qtbot, w.view, side, start, start + len(needle))
    qtbot.keyClick(w.view, key, modifier)


def _surfaces(store: Store, w: MainWindow) -> list[str]:
    return [m[4] for m in mentions(store, w.layer_id)]


def test_an_exact_drag_over_a_trailing_space_stores_no_space(
    snapping_window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    _tag_drag(qtbot, snapping_window, Side.TARGET, "بيروت ", "g", ALT)
    _tag_drag(qtbot, snapping_window, Side.SOURCE, " Beirut ", "g", ALT)
    assert _surfaces(store, snapping_window) == ["Beirut", "بيروت"]


def test_snapping_keeps_brackets_paired(
    snapping_window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    _tag_drag(qtbot, snapping_window, Side.SOURCE, "Party (ABC", "o")
    _tag_drag(qtbot, snapping_window, Side.TARGET, "الحزب (أ ب ت", "o")
    assert _surfaces(store, snapping_window) == ["Party (ABC)", "الحزب (أ ب ت)"]


def test_a_bracket_that_cannot_be_paired_is_dropped_with_what_it_opens(
    snapping_window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    _tag_drag(qtbot, snapping_window, Side.TARGET, "الحزب (أ ب", "o")
    assert _surfaces(store, snapping_window) == ["الحزب"]


def test_signs_of_a_number_stay_with_it(
    snapping_window: MainWindow, qtbot: QtBot, store: Store
) -> None:
    _tag_drag(qtbot, snapping_window, Side.SOURCE, "15", "n")
    _tag_drag(qtbot, snapping_window, Side.SOURCE, "300", "n")
    _tag_drag(qtbot, snapping_window, Side.TARGET, "٣٠", "n")
    assert _surfaces(store, snapping_window) == ["15%", "$300", "٣٠٪"]
