"""The window while another program holds the store's write lock: edits wait, none is lost."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from annotator.demo import ensure_demo_project
from annotator.store import Store
from tests.test_window import AR, EN, mentions, settings, tag  # noqa: F401 (fixture)
from ui.main_window import MainWindow
from ui.settings import Settings
from ui.store_wait import WINDOW_BUSY_TIMEOUT_MS


@pytest.fixture
def busy_window(
    db_path: Path,
    qtbot: QtBot,
    settings: Settings,  # noqa: F811
) -> Iterator[tuple[MainWindow, Store]]:
    store = Store.open(db_path, busy_timeout_ms=WINDOW_BUSY_TIMEOUT_MS)  # as ui.app opens it
    pair_id = ensure_demo_project(store, "tester")
    window = MainWindow(store, "Alice", settings)
    qtbot.addWidget(window)
    window.resize(1700, 1000)
    window.show()
    qtbot.waitExposed(window)
    window.open_pair(pair_id)
    yield window, store
    window.pending.commands.clear()
    store.close()


def _hold_lock(db_path: Path) -> sqlite3.Connection:
    other = sqlite3.connect(db_path, isolation_level=None)  # another program's writer
    other.execute("BEGIN IMMEDIATE")
    return other


def test_tags_wait_for_a_busy_store_and_are_saved_in_order_when_it_frees(
    busy_window: tuple[MainWindow, Store], qtbot: QtBot, db_path: Path
) -> None:
    window, store = busy_window
    assert window.layer_id is not None
    other = _hold_lock(db_path)
    tag(qtbot, window, AR, "لويد أوستن", "p")
    tag(qtbot, window, EN, "Hezbollah", "o")
    assert mentions(store, window.layer_id) == []  # nothing written yet: the lock is held
    assert window.pending.label.isVisible()
    assert window.pending.label.text() == "waiting for the store… (2 changes kept)"
    other.execute("COMMIT")
    other.close()
    qtbot.waitUntil(lambda: len(mentions(store, window.layer_id or 0)) == 2, timeout=5000)
    assert sorted(m[4] for m in mentions(store, window.layer_id)) == ["Hezbollah", "لويد أوستن"]
    assert not window.pending.label.isVisible()
    window.undo_stack.undo()  # each waited edit is an ordinary undoable step
    assert [m[4] for m in mentions(store, window.layer_id)] == ["لويد أوستن"]


def test_closing_with_edits_still_waiting_asks_first(
    busy_window: tuple[MainWindow, Store],
    qtbot: QtBot,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window, store = busy_window
    other = _hold_lock(db_path)
    tag(qtbot, window, AR, "لويد أوستن", "p")
    asked: list[str] = []

    def answer(_parent: object, title: str, *_args: object) -> QMessageBox.StandardButton:
        asked.append(title)
        return (
            QMessageBox.StandardButton.Retry
            if len(asked) == 1
            else QMessageBox.StandardButton.Discard
        )

    monkeypatch.setattr(QMessageBox, "warning", answer)
    assert not window.close()  # Retry: the window stays open, the edit still waits
    assert window.pending.waiting() and asked == ["Changes not saved yet"]
    assert window.close()  # Discard: the user chose to lose it, knowingly
    other.execute("COMMIT")
    other.close()
    assert mentions(store, window.layer_id or 0) == []
