"""Moving around a pair: go to a row, the first and last rows, and find text in both panes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QLabel, QLineEdit, QToolBar, QWidget

from annotator.model import Side
from annotator.text.search import find_all
from ui.actions import Actions

if TYPE_CHECKING:
    from ui.main_window import MainWindow

Match = tuple[Side, int, int]


class NavigationController(QObject):
    """Owns Go to row (Ctrl+G), Ctrl+Home/End and the find bar (Ctrl+F, Enter, Shift+Enter)."""

    def __init__(self, window: MainWindow, actions: Actions) -> None:
        super().__init__(window)
        self.window = window
        self.matches: list[Match] = []
        self.current = -1
        self.find_field = QLineEdit()
        self.find_field.setPlaceholderText("Find in both texts (Arabic without diacritics)")
        self.find_field.setClearButtonEnabled(True)
        self.find_field.textChanged.connect(self._search)
        self.find_field.returnPressed.connect(lambda: self.step(+1))
        self.find_field.installEventFilter(self)
        self.found_label = QLabel()
        box = QWidget()
        layout = QHBoxLayout(box)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(QLabel("Find:"))
        layout.addWidget(self.find_field, 1)
        layout.addWidget(self.found_label)
        self.find_bar = QToolBar("Find")
        self.find_bar.setObjectName("Find")
        self.find_bar.addWidget(box)
        window.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.find_bar)
        self.find_bar.hide()
        actions.add("Go to row…", "Ctrl+G", self.ask_row, "Go")
        actions.add("First row", "Ctrl+Home", lambda: self.go_to_row(1), "Go")
        actions.add("Last row", "Ctrl+End", self.go_to_last_row, "Go")
        actions.add("Find in the pair", "Ctrl+F", self.open_find, "Go")
        actions.add("Next match", "F3", lambda: self.step(+1), "Go")
        actions.add("Previous match", "Shift+F3", lambda: self.step(-1), "Go")

    # --- rows

    def ask_row(self) -> None:
        """Ask for a row number and go there."""
        view = self.window.view
        if view is None:
            return
        rows = view.model.rowCount()
        number, ok = QInputDialog.getInt(self.window, "Go to row", f"Row (1–{rows}):", 1, 1, rows)
        if ok:
            self.go_to_row(number)

    def go_to_last_row(self) -> None:
        """Go to the last row."""
        if self.window.view is not None:
            self.go_to_row(self.window.view.model.rowCount())

    def go_to_row(self, number: int) -> None:
        """Put the caret at the start of row `number` (1-based, as the rows are numbered)."""
        view = self.window.view
        if view is None or view.model.rowCount() == 0:
            return
        row = max(1, min(number, view.model.rowCount())) - 1
        data = view.model.row(row)
        side = Side.SOURCE if data.source else Side.TARGET
        refs = data.side(side)
        view.scroll_to_row(row)
        if refs:
            view.set_caret(side, refs[0].start)
        view.setFocus()
        self.window.statusBar().showMessage(f"row {row + 1} of {view.model.rowCount()}", 4000)

    # --- find

    def open_find(self) -> None:
        """Show the find bar and put the cursor in it."""
        self.find_bar.show()
        self.find_field.setFocus()
        self.find_field.selectAll()

    def _search(self, query: str) -> None:
        view = self.window.view
        self.matches, self.current = [], -1
        if view is None or not query.strip():
            self.found_label.setText("")
            return
        found: list[tuple[int, bool, int, Match]] = []
        for side in Side:
            for start, end in find_all(view.model.texts[side], query):
                row = view.model.row_at(side, start)
                order = row if row is not None else -1
                found.append((order, side is Side.TARGET, start, (side, start, end)))
        self.matches = [match for *_, match in sorted(found, key=lambda f: f[:3])]
        if not self.matches:
            self.found_label.setText("no match")
            return
        self.step(+1)

    def step(self, delta: int) -> None:
        """Select the next (or previous) match and scroll it into view."""
        view = self.window.view
        if view is None or not self.matches:
            return
        self.current = (self.current + delta) % len(self.matches)
        side, start, end = self.matches[self.current]
        row = view.model.row_at(side, start)
        if row is not None:
            view.scroll_to_row(row)
        view.set_caret(side, start)
        view.set_selection(side, start, end)
        self.found_label.setText(f"{self.current + 1} of {len(self.matches)}")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.find_field
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
        ):
            if event.key() == Qt.Key.Key_Escape:
                self.find_bar.hide()
                if self.window.view is not None:
                    self.window.view.setFocus()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            ):
                self.step(-1)
                return True
        return super().eventFilter(watched, event)
