"""The window while another program holds the store's write lock: edits wait, none is lost."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, text

from annotator.demo import ensure_demo_project
from annotator.model import DocumentPair
from annotator.store import Store
from tests.test_window import AR, EN, mentions, settings, tag  # noqa: F401 (fixture)
from tests.ui_helpers import open_window
from ui.main_window import MainWindow
from ui.settings import Settings
from ui.store_wait import WINDOW_BUSY_TIMEOUT_MS

pytestmark = pytest.mark.both_engines


@pytest.fixture
def busy_window(
    db_url: str,
    qtbot: QtBot,
    settings: Settings,  # noqa: F811
) -> Iterator[tuple[MainWindow, Store]]:
    store = Store.open(db_url, busy_timeout_ms=WINDOW_BUSY_TIMEOUT_MS)  # as ui.app opens it
    window = open_window(qtbot, store, "Alice", settings, ensure_demo_project(store, "tester"))
    yield window, store
    window.pending.commands.clear()
    store.close()


@pytest.fixture
def hold_lock(db_url: str, engine: str) -> Iterator[Callable[[int], Callable[[], None]]]:
    """Return: take the lock another program's writer of the layer holds; call to commit it.

    SQLite: the store's single write lock. PostgreSQL: the layer's writer lock, held by another
    connection in the middle of its transaction.
    """
    held: list[Callable[[], None]] = []

    def hold(layer_id: int) -> Callable[[], None]:
        if engine == "sqlite":
            other = sqlite3.connect(db_url, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")

            def commit() -> None:
                other.execute("COMMIT")
                other.close()
        else:
            server = create_engine(db_url)
            conn = server.connect()
            conn.execute(
                text("SELECT pg_advisory_xact_lock(hashtext('layer'), :k)"), {"k": layer_id}
            )

            def commit() -> None:
                conn.close()  # commits nothing: only the lock was taken, and it goes
                server.dispose()

        def release() -> None:
            if release in held:  # once, by the test or at the end
                held.remove(release)
                commit()

        held.append(release)
        return release

    yield hold
    for release in list(held):
        release()


def test_tags_wait_for_a_busy_store_and_are_saved_in_order_when_it_frees(
    busy_window: tuple[MainWindow, Store],
    qtbot: QtBot,
    hold_lock: Callable[[int], Callable[[], None]],
) -> None:
    window, store = busy_window
    assert window.layer_id is not None
    release = hold_lock(window.layer_id)
    tag(qtbot, window, AR, "لويد أوستن", "p")
    tag(qtbot, window, EN, "Hezbollah", "o")
    assert mentions(store, window.layer_id) == []  # nothing written yet: the lock is held
    assert window.pending.label.isVisible()
    assert window.pending.label.text() == "waiting for the store… (2 changes kept)"
    release()
    qtbot.waitUntil(lambda: len(mentions(store, window.layer_id or 0)) == 2, timeout=5000)
    assert sorted(m[4] for m in mentions(store, window.layer_id)) == ["Hezbollah", "لويد أوستن"]
    assert not window.pending.label.isVisible()
    window.undo_stack.undo()  # each waited edit is an ordinary undoable step
    assert [m[4] for m in mentions(store, window.layer_id)] == ["لويد أوستن"]


def test_closing_with_edits_still_waiting_asks_first(
    busy_window: tuple[MainWindow, Store],
    qtbot: QtBot,
    hold_lock: Callable[[int], Callable[[], None]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window, store = busy_window
    release = hold_lock(window.layer_id or 0)
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
    release()
    assert mentions(store, window.layer_id or 0) == []


@pytest.mark.sqlite_only  # another program holding SQLite's single write lock blocks a removal
def test_removing_a_pair_while_the_store_is_busy_says_so_and_keeps_it(
    busy_window: tuple[MainWindow, Store],
    hold_lock: Callable[[int], Callable[[], None]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window, store = busy_window
    pair_id = window.pair_id
    assert pair_id is not None
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    release = hold_lock(window.layer_id or 0)
    window.navigator_panel.remove_pair(pair_id)  # raised out of the menu's slot before
    message = window.statusBar().currentMessage()
    assert message.startswith("not removed: ") and "the store is busy" in message
    release()
    with store.read() as session:
        assert session.get(DocumentPair, pair_id) is not None
    assert window.pair_id == pair_id  # still open
