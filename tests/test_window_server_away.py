"""The window while its database server is down: edits are kept and saved when it is back."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from annotator.demo import ensure_demo_project
from annotator.model import Mention, Side
from annotator.store import Store
from tests.pg_server import PostgresServer, find_binaries
from tests.test_window import span
from tests.ui_helpers import drag
from ui.main_window import MainWindow
from ui.settings import Settings
from ui.store_wait import WINDOW_BUSY_TIMEOUT_MS
from ui.uncaught import Uncaught


@pytest.fixture
def own_server(pg_server: PostgresServer) -> Iterator[PostgresServer]:
    """A server of this test's own, to shut down and start again (pg_server proves binaries)."""
    binaries = find_binaries()
    assert binaries is not None
    server = PostgresServer(binaries)
    server.start()
    yield server
    server.stop()


def test_edits_wait_for_the_server_and_nothing_escapes(
    own_server: PostgresServer,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = Store.open(own_server.database(), busy_timeout_ms=WINDOW_BUSY_TIMEOUT_MS)
    pair_id = ensure_demo_project(store, "tester")
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(store, "Alice", settings)
    qtbot.addWidget(window)
    window.resize(1700, 1000)
    window.show()
    qtbot.waitExposed(window)
    window.open_pair(pair_id)
    uncaught = Uncaught(window)
    monkeypatch.setattr(sys, "excepthook", uncaught)
    assert window.view is not None
    start, end = span(window, Side.SOURCE, "Gaza")
    drag(qtbot, window.view, Side.SOURCE, start, end)  # the pair on screen, a name selected,
    own_server.pause()  # then the server goes down
    qtbot.keyClick(window.view, "g")
    assert window.pending.label.text() == "waiting for the database server… (1 change kept)"
    qtbot.wait(2500)  # the watch for others' changes looks, and finds no server: says nothing
    assert uncaught.notice is None
    QTimer.singleShot(0, window.entities.reload)  # a read from a slot while it is away
    qtbot.waitUntil(lambda: uncaught.notice is not None, timeout=3000)
    assert window.statusBar().currentMessage().startswith("not done: ")
    assert "cannot reach the database server" in window.statusBar().currentMessage()
    uncaught.notice.close()
    own_server.resume()
    with store.read() as session:
        assert session.scalars(select(Mention)).all() == []  # kept, not yet saved
    qtbot.waitUntil(lambda: not window.pending.waiting(), timeout=12000)
    assert window.statusBar().currentMessage() == (
        "the database server is back: waiting changes saved"
    )
    with store.read() as session:
        stored = session.execute(select(Mention.surface, Mention.label)).all()
    assert stored == [("Gaza", "GPE")]
    window.close()
    store.close()
