"""Edits that wait for the store: the window never blocks on another program's write lock.

The window's store waits at most 0.2 s for the lock. A command refused as busy is kept, in
order, with every later one; the status bar says "waiting for the store…" and a timer retries
until they are saved. Closing the window while some still wait asks what to do with them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox

from annotator.commands import Command
from annotator.errors import AnnotatorError
from annotator.store.failures import StoreBusyError

WINDOW_BUSY_TIMEOUT_MS = 200
RETRY_MS = 300


class PendingWrites:
    """Commands refused because the store was busy, retried in order until they are saved."""

    def __init__(self, window: QMainWindow, execute: Callable[[Command], object]) -> None:
        self.window = window
        self.execute = execute  # runs one command; raises StoreBusyError while the lock is held
        self.commands: list[Command] = []
        self.label = QLabel()
        self.label.setStyleSheet("QLabel { color: #a05a00; font-weight: bold; }")
        self.label.hide()
        window.statusBar().addPermanentWidget(self.label)
        self.timer = QTimer(window)
        self.timer.setInterval(RETRY_MS)
        self.timer.timeout.connect(self.retry)

    def keep(self, command: Command) -> None:
        """Keep a command the busy store refused (or that must wait behind one)."""
        self.commands.append(command)
        self._show()
        self.timer.start()

    def waiting(self) -> bool:
        """Tell whether any command waits for the store."""
        return bool(self.commands)

    def retry(self) -> None:
        """Run the waiting commands in order; stop at the first the store still refuses."""
        while self.commands:
            try:
                self.execute(self.commands[0])
            except StoreBusyError:
                return
            except AnnotatorError as exc:  # refused for good (a conflict, a rule): say so
                self.window.statusBar().showMessage(f"a waiting change was refused: {exc}", 10000)
            self.commands.pop(0)
            self._show()
        self.timer.stop()
        self.window.statusBar().showMessage("the store is free again: waiting changes saved", 5000)

    def _show(self) -> None:
        count = len(self.commands)
        self.label.setText(f"waiting for the store… ({count} change{'s' * (count != 1)} kept)")
        self.label.setVisible(count > 0)

    def may_close(self) -> bool:
        """Try once more; if changes still wait, ask whether to keep waiting or drop them."""
        self.retry()
        if not self.commands:
            return True
        count = len(self.commands)
        answer = QMessageBox.warning(
            self.window,
            "Changes not saved yet",
            f"{count} change{'s' * (count != 1)} could not be saved: another program is "
            "writing to the store. Keep the window open to save them when it is free, or "
            "close and lose them.",
            QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Discard,
            QMessageBox.StandardButton.Retry,
        )
        if answer == QMessageBox.StandardButton.Discard:
            self.commands.clear()
            self.timer.stop()
            return True
        return False
