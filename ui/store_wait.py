"""Edits that wait for the store: the window never blocks on another program's write lock.

The window's store waits at most 0.2 s for the lock. A command refused as busy is kept, in
order, with every later one; the status bar says "waiting for the store…" and a timer retries
until they are saved. A database server that cannot be reached (restarting, the network down)
is waited for the same way, trying every few seconds. Closing the window while some still wait
asks what to do with them.

A kept edit that had in fact been committed before the connection dropped is not applied twice:
its retry finds the layer's version moved and is refused as a conflict, and the layer reloads.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox

from annotator.commands import Command
from annotator.errors import AnnotatorError
from annotator.store.failures import StoreBusyError, StoreUnreachableError

WINDOW_BUSY_TIMEOUT_MS = 200
RETRY_MS = 300
SERVER_RETRY_MS = 5000  # each try may wait for a connection: not too often
WAIT_FOR = (StoreBusyError, StoreUnreachableError)  # refusals that pass: keep and retry


class PendingWrites:
    """Commands refused because the store was busy, retried in order until they are saved."""

    def __init__(self, window: QMainWindow, execute: Callable[[Command], object]) -> None:
        self.window = window
        self.execute = execute  # runs one command; raises one of WAIT_FOR while it must wait
        self.commands: list[Command] = []
        self.server_away = False  # waiting for the server rather than for a lock
        self.label = QLabel()
        self.label.setStyleSheet("QLabel { color: #a05a00; font-weight: bold; }")
        self.label.hide()
        window.statusBar().addPermanentWidget(self.label)
        self.timer = QTimer(window)
        self.timer.setInterval(RETRY_MS)
        self.timer.timeout.connect(self.retry)

    def keep(self, command: Command, refusal: Exception | None = None) -> None:
        """Keep a command the store refused for now (`refusal`), or that must wait behind one."""
        self.commands.append(command)
        if refusal is not None:
            self._waiting_for(refusal)
        self._show()
        self.timer.start()

    def _waiting_for(self, refusal: Exception) -> None:
        self.server_away = isinstance(refusal, StoreUnreachableError)
        self.timer.setInterval(SERVER_RETRY_MS if self.server_away else RETRY_MS)

    def waiting(self) -> bool:
        """Tell whether any command waits for the store."""
        return bool(self.commands)

    def retry(self) -> None:
        """Run the waiting commands in order; stop at the first the store still refuses."""
        while self.commands:
            try:
                self.execute(self.commands[0])
            except WAIT_FOR as refusal:
                self._waiting_for(refusal)
                self._show()
                return
            except AnnotatorError as exc:  # refused for good (a conflict, a rule): say so
                self.window.statusBar().showMessage(f"a waiting change was refused: {exc}", 10000)
            self.commands.pop(0)
            self._show()
        self.timer.stop()
        back = "the database server is back" if self.server_away else "the store is free again"
        self.server_away = False
        self.window.statusBar().showMessage(f"{back}: waiting changes saved", 5000)

    def _show(self) -> None:
        count = len(self.commands)
        what = "the database server" if self.server_away else "the store"
        self.label.setText(f"waiting for {what}… ({count} change{'s' * (count != 1)} kept)")
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
            f"{count} change{'s' * (count != 1)} could not be saved: "
            + (
                "the database server cannot be reached. "
                if self.server_away
                else "another program is writing to the store. "
            )
            + "Keep the window open to save them when it is free, or close and lose them.",
            QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Discard,
            QMessageBox.StandardButton.Retry,
        )
        if answer == QMessageBox.StandardButton.Discard:
            self.commands.clear()
            self.timer.stop()
            return True
        return False
