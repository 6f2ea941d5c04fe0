"""File ▸ Export… in the window: the dialog, the export in a thread, its report, and Cancel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from annotator.formats import ExportRequest
from annotator.model import Project
from annotator.store import Store
from tests.test_window import settings, tag, window  # noqa: F401 (fixtures)
from ui.exporting import ExportDialog, ExportWorker
from ui.main_window import MainWindow

pytestmark = pytest.mark.both_engines  # the window on SQLite and on PostgreSQL

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_export_your_layer_from_the_file_menu(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    from tests.test_window import EN

    tag(qtbot, window, EN, "Lloyd Austin", "p")  # one mention in Alice's layer
    out = tmp_path / "alice.jsonl"

    def fill_in() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ExportDialog)
        dialog.format.setCurrentIndex(dialog.format.findData("jsonl"))
        dialog.layer.setCurrentText("Alice")
        dialog.destination.setText(str(out))
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fill_in)
    assert window.view is not None
    qtbot.keyClick(window.view, Qt.Key.Key_E, CTRL_SHIFT)
    qtbot.waitUntil(lambda: window.exporting.worker is None, timeout=30_000)
    (line,) = out.read_text("utf-8").splitlines()
    record = json.loads(line)
    assert record["layer"]["annotator"] == "Alice"
    assert [m["surface"] for m in record["mentions"]] == ["Lloyd Austin"]
    box = window.exporting.report_box
    assert box is not None and "jsonl export of the Alice layer: 1 pair(s)" in box.text()
    assert "mentions: 1, links: 0" in box.text()


def test_an_export_of_the_unadjudicated_gold_says_why_nothing_was_written(
    window: MainWindow,  # noqa: F811
    store: Store,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    with store.read() as session:
        project_id = session.scalars(select(Project.id)).one()
    worker = ExportWorker(store, project_id, ExportRequest("tmx", tmp_path / "g.tmx"))
    results: list[tuple[object, str]] = []
    worker.finished_export.connect(lambda report, error: results.append((report, error)))
    worker.run()
    assert results[0][0] is None
    assert "nothing to export: no pair has an adjudicated gold layer" in results[0][1]
    assert not (tmp_path / "g.tmx").exists()


def test_a_cancelled_export_leaves_no_files(
    window: MainWindow,  # noqa: F811
    store: Store,
    tmp_path: Path,
) -> None:
    with store.read() as session:
        project_id = session.scalars(select(Project.id)).one()
    out = tmp_path / "auto"
    request = ExportRequest("intertext", out, "automatic")
    worker = ExportWorker(store, project_id, request)
    results: list[tuple[object, str]] = []
    worker.finished_export.connect(lambda report, error: results.append((report, error)))
    worker.cancelled = True  # Cancel pressed while the first pair was written
    worker.run()
    assert results == [(None, "export cancelled after 1 of 1 pairs; the files begun were removed")]
    assert list(out.iterdir()) == []
