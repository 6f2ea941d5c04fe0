"""Review ▸ Agreement…: the figures of `annotator agree` and a pairwise heat map, savable as PNG.

The table holds the project totals (each figure with its items); the heat map shows, for the
chosen measure, F1 for every (reference, compared) pair of annotators and the gold, drawn with
QPainter, darker for higher agreement.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.model import Project
from annotator.review.agreement import Figure, agreement
from annotator.review.roles import identity_name, is_reviewer
from annotator.store import Store

COLUMNS = ("measure", "label", "reference", "compared", "precision", "recall", "f1", "jaccard",
           "kappa", "alpha", "items")  # fmt: skip
CELL = 84


class HeatMap(QWidget):
    """Annotators × annotators, one cell per (reference row, compared column): F1."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self.values: dict[tuple[str, str], tuple[float | None, int]] = {}
        self.measure = ""

    def show_measure(self, figures: list[Figure], measure: str) -> None:
        """Show one measure's F1 figures."""
        self.measure = measure
        chosen = [f for f in figures if f.measure == measure and f.label is None]
        names = sorted({f.reference for f in chosen} | {f.compared for f in chosen}, key=str.lower)
        self.names = [n for n in names if n != "gold"] + (["gold"] if "gold" in names else [])
        self.values = {(f.reference, f.compared): (f.f1, f.items) for f in chosen}
        side = 120 + CELL * max(1, len(self.names))
        self.setMinimumSize(side, side)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        left, top = 110, 40
        painter.setPen(QColor("black"))
        painter.drawText(QRectF(0, 0, self.width(), 30), Qt.AlignmentFlag.AlignCenter,
                         f"{self.measure}: F1, rows = reference, columns = compared")  # fmt: skip
        for k, name in enumerate(self.names):
            painter.drawText(QRectF(left + k * CELL, top - 20, CELL, 20),
                             Qt.AlignmentFlag.AlignCenter, name)  # fmt: skip
            right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            painter.drawText(QRectF(0, top + k * CELL, left - 6, CELL), right, name)
        for r, ref in enumerate(self.names):
            for c, cmp in enumerate(self.names):
                cell = QRectF(left + c * CELL, top + r * CELL, CELL - 2, CELL - 2)
                value, items = self.values.get((ref, cmp), (None, 0))
                if value is None:
                    painter.fillRect(cell, QColor("#eeeeee"))
                    continue
                shade = int(255 - 200 * max(0.0, min(1.0, value)))
                painter.fillRect(cell, QColor(shade, shade, 255))
                painter.setPen(QColor("white" if shade < 130 else "black"))
                painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, f"{value:.3f}\nn={items}")
                painter.setPen(QColor("black"))
        painter.end()


class AgreementDialog(QDialog):
    """The agreement of a project: a table of figures and a heat map per measure."""

    def __init__(self, parent: QWidget, store: Store, project_id: int, who: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Agreement")
        with store.read() as session:
            project = session.get(Project, project_id)
            assert project is not None
            figures = agreement(session, project)
            if project.blind and not is_reviewer(session, who):
                me = identity_name(who)
                figures = [f for f in figures if f.reference == "gold" and f.compared == me]
        self.figures = [f for f in figures if f.pair is None]
        self.table = QTableWidget(len(self.figures), len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        for row, figure in enumerate(self.figures):
            record = figure.record()
            for col, key in enumerate(COLUMNS):
                value = record.get(key)
                text = (
                    f"{value:.4f}"
                    if isinstance(value, float)
                    else ("" if value is None else str(value))
                )
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.measure = QComboBox()
        for measure in dict.fromkeys(f.measure for f in self.figures):
            self.measure.addItem(measure)
        self.heat = HeatMap()
        self.measure.currentTextChanged.connect(lambda m: self.heat.show_measure(self.figures, m))
        if self.measure.count():
            self.heat.show_measure(self.figures, self.measure.currentText())
        save = QPushButton("Save heat map as PNG…")
        save.clicked.connect(self._save)
        bar = QHBoxLayout()
        bar.addWidget(self.measure)
        bar.addWidget(save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(bar)
        layout.addWidget(self.heat)
        self.resize(1000, 800)

    def save_png(self, path: str) -> bool:
        """Write the heat map to a PNG file."""
        return self.heat.grab().save(path, "PNG")

    def _save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the heat map", "agreement.png", "PNG (*.png)"
        )
        if path:
            self.save_png(path)
