"""Window actions declared in one place: a menu entry, shortcuts, and a line in the F1 overlay."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from ui.help_overlay import HelpOverlay

Keys = QKeySequence | QKeySequence.StandardKey | str


class Actions:
    """Creates the window's actions in its menus and lists their shortcuts in the help overlay."""

    def __init__(self, window: QMainWindow, help_overlay: HelpOverlay) -> None:
        self.window = window
        self.help = help_overlay
        self.menus: dict[str, QMenu] = {}

    def menu(self, title: str) -> QMenu:
        """Return the menu of this title, created at the end of the menu bar on first use."""
        if title not in self.menus:
            self.menus[title] = self.window.menuBar().addMenu(title)
        return self.menus[title]

    def add(
        self,
        text: str,
        keys: Keys | list[Keys],
        slot: Callable[[], object],
        menu: str,
        context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut,
    ) -> QAction:
        """Add an action with its shortcuts to a menu and to the help overlay.

        Shortcuts are window-wide unless `context` narrows them: an action on plain keys such as
        Return takes WidgetWithChildrenShortcut and is added to the widget it serves, so the
        same key still reaches a text field elsewhere in the window.
        """
        action = QAction(text, self.window)
        sequences = keys if isinstance(keys, list) else [keys]
        action.setShortcuts([QKeySequence(k) for k in sequences])
        action.setShortcutContext(context)
        action.triggered.connect(slot)
        self.menu(menu).addAction(action)
        self.help.add(", ".join(QKeySequence(k).toString() for k in sequences), text)
        return action
