"""The main window: a navigator of projects, pairs and layers, and the pair side by side."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from annotator.layers import alignment, automatic_layer, layer_progress, sentence_spans
from annotator.model import Document, DocumentPair, Project, Side
from annotator.store import Store

PAIR_ROLE = Qt.ItemDataRole.UserRole + 1


class DocumentPane(QWidget):
    """A read-only view of one document's sentences, numbered, in the document's direction."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.text = QPlainTextEdit(readOnly=True)
        self.text.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.text)

    def show_document(self, doc: Document, sentences: list[str], bead_of: list[int]) -> None:
        """Show the sentences, each prefixed by its bead number, in the document's direction."""
        rtl = doc.direction == "rtl"
        direction = Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
        self.title.setText(f"{doc.language} · {doc.original_name} · {len(sentences)} sentences")
        self.title.setAlignment(Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft)
        self.text.setLayoutDirection(direction)
        option = self.text.document().defaultTextOption()
        option.setTextDirection(direction)
        option.setAlignment(Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft)
        self.text.document().setDefaultTextOption(option)
        # U+2068/U+2069 isolate the number so it never reorders with the sentence around it.
        lines = [f"\u2068[{bead_of[i] + 1}]\u2069 {s}" for i, s in enumerate(sentences)]
        self.text.setPlainText("\n\n".join(lines))


class MainWindow(QMainWindow):
    """Navigator on the left, the selected pair's two documents side by side on the right."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.setWindowTitle(f"annotator — {store.describe()}")
        self.navigator = QTreeWidget()
        self.navigator.setHeaderLabels(["Projects and pairs", "Status"])
        self.navigator.itemActivated.connect(self._item_activated)
        self.navigator.itemClicked.connect(self._item_activated)
        self.source_pane = DocumentPane()
        self.target_pane = DocumentPane()
        panes = QSplitter(Qt.Orientation.Horizontal)
        panes.addWidget(self.source_pane)
        panes.addWidget(self.target_pane)
        outer = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(self.navigator)
        outer.addWidget(panes)
        outer.setSizes([260, 1000])
        self.setCentralWidget(outer)
        self.resize(1400, 860)
        self.current_pair: int | None = None
        self.reload_navigator()

    def reload_navigator(self) -> None:
        """Fill the navigator with projects, their pairs, and each pair's layers with progress."""
        self.navigator.clear()
        with self.store.read() as session:
            for project in session.scalars(select(Project).order_by(Project.id)):
                top = QTreeWidgetItem(
                    [project.name, f"{project.source_lang} → {project.target_lang}"]
                )
                self.navigator.addTopLevelItem(top)
                for pair in project.pairs:
                    item = QTreeWidgetItem([pair.name, f"{len(pair.layers)} layers"])
                    item.setData(0, PAIR_ROLE, pair.id)
                    top.addChild(item)
                    for layer in pair.layers:
                        p = layer_progress(session, layer)
                        item.addChild(
                            QTreeWidgetItem(
                                [
                                    layer.owner_label,
                                    f"{layer.status} · {p.confirmed_beads}/{p.beads} confirmed",
                                ]
                            )
                        )
                top.setExpanded(True)
        self.navigator.resizeColumnToContents(0)

    def _item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        pair_id = item.data(0, PAIR_ROLE)
        if pair_id is not None:
            self.open_pair(int(pair_id))

    def open_first_pair(self) -> None:
        """Open the first pair of the first project, if there is one."""
        with self.store.read() as session:
            first = session.scalar(select(DocumentPair.id).order_by(DocumentPair.id))
        if first is not None:
            self.open_pair(first)

    def open_pair(self, pair_id: int) -> None:
        """Show the pair's automatic layer: each side's sentences labelled with their bead."""
        with self.store.read() as session:
            pair = session.get(DocumentPair, pair_id)
            if pair is None:
                self.statusBar().showMessage(f"no pair {pair_id}")
                return
            layer = automatic_layer(session, pair)
            beads = alignment(session, layer)
            for side, pane in ((Side.SOURCE, self.source_pane), (Side.TARGET, self.target_pane)):
                doc = pair.document(side)
                spans = sentence_spans(session, layer, side)
                bead_of = [0] * len(spans)
                for b, bead in enumerate(beads):
                    for k in bead.src if side is Side.SOURCE else bead.tgt:
                        bead_of[k] = b
                pane.show_document(doc, [doc.text[s:e] for s, e in spans], bead_of)
            self.current_pair = pair_id
            self.statusBar().showMessage(
                f"{pair.project.name} · {pair.name} · {len(beads)} beads (automatic layer)"
            )
