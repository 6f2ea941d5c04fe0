"""A translucent overlay over the window listing every keyboard shortcut (F1 toggles it)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget


class HelpOverlay(QWidget):
    """Shortcut list drawn over its parent window; any key or click hides it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.entries: list[tuple[str, str]] = []
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(60, 40, 60, 40)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.hide()
        parent.installEventFilter(self)

    def add(self, keys: str, what: str) -> None:
        """List a shortcut."""
        self.entries.append((keys, what))

    def toggle(self) -> None:
        """Show the overlay over the whole window, or hide it."""
        if self.isVisible():
            self.hide()
            return
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        title = QLabel("<h2>Keyboard shortcuts</h2>")
        title.setStyleSheet("color: white")
        self.grid.addWidget(title, 0, 0, 1, 4)
        half = (len(self.entries) + 1) // 2
        for i, (keys, what) in enumerate(self.entries):
            column = 0 if i < half else 2
            row = 1 + (i if i < half else i - half)
            key_label = QLabel(f"<b>{keys}</b>")
            text = QLabel(what)
            for w in (key_label, text):
                w.setStyleSheet("color: white")
            self.grid.addWidget(key_label, row, column)
            self.grid.addWidget(text, row, column + 1)
        parent = self.parentWidget()
        assert parent is not None
        self.setGeometry(parent.rect())
        self.show()
        self.raise_()
        self.setFocus()

    def labels(self) -> list[str]:
        """Return the shortcut descriptions shown."""
        return [what for _, what in self.entries]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(20, 20, 30))  # opaque: the text below stays hidden
        painter.end()

    def keyPressEvent(self, event: object) -> None:
        self.hide()

    def mousePressEvent(self, event: object) -> None:
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            parent = self.parentWidget()
            if parent is not None:
                self.setGeometry(parent.rect())
        return False
