"""The Qt binding must not corrupt Python's reference counts in the calls the text view makes."""

from __future__ import annotations

import sys

from PySide6.QtCore import QPointF
from PySide6.QtGui import QFont, QTextLayout
from pytestqt.qtbot import QtBot


def test_text_layout_calls_keep_none_alive(qtbot: QtBot) -> None:
    # PySide6 6.12.0 released None once per setPosition/setLineWidth call: on Python 3.11 the
    # window crashed after some hundred thousand laid-out lines ("deallocating None").
    layout = QTextLayout("مرحبا 1701 hello", QFont())
    layout.beginLayout()
    line = layout.createLine()
    before = sys.getrefcount(None)
    for _ in range(1000):
        line.setLineWidth(200.0)
        line.setPosition(QPointF(0.0, 0.0))
    after = sys.getrefcount(None)
    layout.endLayout()
    assert after - before >= 0
