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
from annotator.importing import import_pairs
from annotator.model import Mention, Side
from annotator.pairing import PairFiles
from annotator.projects import create_project
from annotator.store import Store
from tests.pg_server import PostgresServer, find_binaries
from tests.test_window import span
from tests.ui_helpers import drag, open_window
from ui.pair_model import CHUNK
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
    window = open_window(qtbot, store, "Alice", settings, pair_id)
    uncaught = Uncaught(window)
    monkeypatch.setattr(sys, "excepthook", uncaught)
    assert window.view is not None
    start, end = span(window, Side.SOURCE, "Gaza")
    drag(qtbot, window.view, Side.SOURCE, start, end)  # the pair on screen, a name selected,
    own_server.pause()  # then the server goes down
    qtbot.keyClick(window.view, "g")
    assert window.pending.label.text() == "waiting for the database server… (1 change kept)"
    for _ in range(3):  # the watch for others' changes looks, finds no server, says nothing
        window.watch.poll()
    assert uncaught.notice is None and window.watch.listener is None
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


def test_rows_not_fetched_say_why_and_appear_when_it_is_back(
    own_server: PostgresServer,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = Store.open(own_server.database(), busy_timeout_ms=WINDOW_BUSY_TIMEOUT_MS)
    rows = 2 * CHUNK + 10  # the view fetches rows a chunk at a time: the last is not fetched
    english, arabic = tmp_path / "long.en.txt", tmp_path / "long.ar.txt"
    english.write_text("".join(f"Sentence {n} is here.\n\n" for n in range(rows)), "utf-8")
    arabic.write_text("".join(f"هذه الجملة {n}.\n\n" for n in range(rows)), "utf-8")
    with store.write() as session:
        project = create_project(session, "long", "en", "ar", "tester")
        pair_id = import_pairs(session, project, [PairFiles("long", english, arabic)],
                               "tester").imported[0][0]  # fmt: skip
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = open_window(qtbot, store, "Alice", settings, pair_id)
    view = window.view
    assert view is not None and view.model.rowCount() == rows
    escaped: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda _kind, exc, _tb: escaped.append(exc))
    own_server.pause()
    view.verticalScrollBar().setValue(rows - 5)  # scrolled to rows never fetched
    view.grab()  # painted now: an exception escaping paintEvent would leave Qt's painter open
    assert escaped == [] and view.rows_on_screen() == []  # nothing placed: it says why instead
    own_server.resume()
    qtbot.waitUntil(lambda: bool(view.grab()) and rows - 5 in view.rows_on_screen(), timeout=8000)
    assert escaped == []
    window.close()
    store.close()
