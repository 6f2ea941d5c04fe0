"""Work in a thread behind a modal progress dialog whose Cancel asks the worker to stop."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QProgressDialog, QWidget


def progress_dialog(parent: QWidget, title: str, cancel: Callable[[], None]) -> QProgressDialog:
    """Return a shown, window-modal progress dialog (busy until a maximum is set)."""
    progress = QProgressDialog(f"{title}…", "Cancel", 0, 0, parent)
    progress.setWindowTitle(title)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(0)
    progress.canceled.connect(cancel)
    return progress


def show_step(progress: QProgressDialog, done: int, total: int, text: str) -> None:
    """Move the bar to done of total and say what runs."""
    progress.setMaximum(total)
    progress.setValue(done)
    progress.setLabelText(text)


def finish(progress: QProgressDialog | None, worker: QThread | None) -> None:
    """Close the dialog and let the finished thread go."""
    if progress is not None:
        progress.reset()
        progress.close()
    if worker is not None:
        worker.wait()
        worker.deleteLater()
