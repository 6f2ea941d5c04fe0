"""What escapes an event handler: said in the window, never a silent loss or a dead window.

Qt calls Python event handlers and slots from C++; an exception raised there cannot reach the
code that started the action, and PySide only prints it. Errors of the core (the database
server cannot be reached, the store is busy) are said in the status bar, a lost server also in
a box; anything else is a bug, printed in full on stderr and announced in the status bar.
"""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QMessageBox

from annotator.errors import AnnotatorError
from annotator.store.failures import StoreUnreachableError


class Uncaught:
    """sys.excepthook for the window's lifetime: report what an event handler raised."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.notice: QMessageBox | None = None

    def install(self) -> None:
        """Become sys.excepthook."""
        sys.excepthook = self

    def __call__(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if not isinstance(exc, AnnotatorError):
            traceback.print_exception(kind, exc, tb)
            self.window.statusBar().showMessage(
                f"internal error ({kind.__name__}): the last action may not be done; "
                "saved work is safe (details on the terminal)",
                15000,
            )
            return
        print(f"error: {exc}", file=sys.stderr)
        self.window.statusBar().showMessage(f"not done: {exc}", 15000)
        if isinstance(exc, StoreUnreachableError) and self.notice is None:
            notice = QMessageBox(
                QMessageBox.Icon.Warning,
                "Database server unreachable",
                f"{exc}.\n\nWhat you see is what was saved. Edits made while the server is "
                "away are kept in order and saved when it is back.",
                QMessageBox.StandardButton.Ok,
                self.window,
            )
            notice.setWindowModality(Qt.WindowModality.NonModal)
            notice.finished.connect(self._notice_closed)
            notice.show()
            self.notice = notice

    def _notice_closed(self) -> None:
        self.notice = None
