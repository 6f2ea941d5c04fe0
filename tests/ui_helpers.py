"""Drive the pair view as a user would: real mouse drags over the glyphs of a text range."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.model import Side
from annotator.store import Store
from ui.pair_view import PairView
from ui.settings import Settings

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def _inside(rect: QRectF, from_right: bool) -> QPoint:
    x = rect.right() - rect.width() * 0.25 if from_right else rect.left() + rect.width() * 0.25
    return QPoint(round(x), round(rect.center().y()))


def drag_points(view: PairView, side: Side, start: int, end: int) -> tuple[QPoint, QPoint]:
    """Return press and release points covering the glyphs of text[start:end] in reading order."""
    first, last = view.char_box(side, start), view.char_box(side, end - 1)
    if abs(first.center().y() - last.center().y()) < 1:
        return (
            _inside(first, first.center().x() > last.center().x()),
            _inside(last, last.center().x() >= first.center().x()),
        )
    rtl = view.model.direction(side) == "rtl"
    return _inside(first, rtl), _inside(last, not rtl)


def show_range(view: PairView, side: Side, start: int, end: int) -> None:
    """Scroll so that the rows holding text[start:end] are painted."""
    for row in range(view.model.rowCount()):
        refs = view.model.row(row).side(side)
        if any(r.start <= start < r.end for r in refs):
            view.scroll_to_row(max(0, row))
            break
    view.viewport().repaint()
    QApplication.processEvents()


def drag(
    qtbot: QtBot,
    view: PairView,
    side: Side,
    start: int,
    end: int,
    *,
    reverse: bool = False,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    """Press on the first glyph, move and release on the last (or the other way round)."""
    show_range(view, side, start, end)
    p1, p2 = drag_points(view, side, start, end)
    if reverse:
        p1, p2 = p2, p1
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, modifier, p1)
    qtbot.mouseMove(viewport, QPoint((p1.x() + p2.x()) // 2, (p1.y() + p2.y()) // 2))
    qtbot.mouseMove(viewport, p2)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifier, p2)


def open_window(
    qtbot: QtBot, store: Store, name: str, settings: Settings, pair_id: int | None = None
) -> MainWindow:
    """Show a full-size window of `name` on the store (with a pair open), as a user sees it."""
    from ui.main_window import MainWindow

    window = MainWindow(store, name, settings)
    qtbot.addWidget(window)
    window.resize(1700, 1000)
    window.show()
    qtbot.waitExposed(window)
    if pair_id is not None:
        window.open_pair(pair_id)
    return window
