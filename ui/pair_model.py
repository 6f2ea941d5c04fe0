"""PairRowsModel: a lazy Qt table model over a layer's alignment rows (one bead a row)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from annotator.layers import BeadRow, bead_rows, count_rows, neighbour_sentence, row_at
from annotator.model import Document, DocumentPair, Layer, Side
from annotator.store import Store

CHUNK = 256
CACHED_CHUNKS = 64
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class DocumentInfo:
    """What the views need of a document, detached from the database session."""

    language: str
    direction: str
    original_name: str
    text: str

    @classmethod
    def of(cls, doc: Document) -> DocumentInfo:
        """Copy a stored document's fields."""
        return cls(doc.language, doc.direction, doc.original_name, doc.text)


class PairRowsModel(QAbstractTableModel):
    """Rows of one layer of a pair, fetched from the store in chunks when first needed."""

    COLUMNS = ("bead", "source", "target")

    def __init__(self, store: Store, layer_id: int) -> None:
        super().__init__()
        self.store = store
        self.layer_id = layer_id
        with store.read() as session:
            layer = session.get(Layer, layer_id)
            if layer is None:
                raise KeyError(f"no layer {layer_id}")
            pair: DocumentPair = layer.pair
            self.pair_id = pair.id
            self.documents = {s: DocumentInfo.of(pair.document(s)) for s in Side}
            self.texts = {s: doc.text for s, doc in self.documents.items()}
            self._count = count_rows(session, layer)
        self._chunks: OrderedDict[int, list[BeadRow]] = OrderedDict()

    # --- Qt model interface

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._count:
            return None
        row = self.row(index.row())
        column = index.column()
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"{index.row() + 1} · {len(row.source)}:{len(row.target)}"
            side = Side.SOURCE if column == 1 else Side.TARGET
            return "\n".join(self.sentence_text(side, ref.start, ref.end) for ref in row.side(side))
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            side = Side.SOURCE if column == 1 else Side.TARGET
            rtl = self.documents[side].direction == "rtl"
            horizontal = Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignTop)
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            score = "—" if row.score is None else f"{row.score:.2f}"
            return f"{row.status}, score {score}"
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.COLUMNS):
            if section == 0:
                return "bead"
            doc = self.documents[Side.SOURCE if section == 1 else Side.TARGET]
            return f"{doc.language} · {doc.original_name}"
        if orientation == Qt.Orientation.Vertical and 0 <= section < self._count:
            return str(section + 1)
        return None

    # --- our own interface

    def row(self, number: int) -> BeadRow:
        """Return row `number`, fetching its chunk from the store if it is not cached."""
        key = number // CHUNK
        chunk = self._chunks.get(key)
        if chunk is None:
            with self.store.read() as session:
                layer = session.get(Layer, self.layer_id)
                assert layer is not None
                chunk = bead_rows(session, layer, key * CHUNK, CHUNK)
            self._chunks[key] = chunk
            if len(self._chunks) > CACHED_CHUNKS:
                self._chunks.popitem(last=False)
        else:
            self._chunks.move_to_end(key)
        return chunk[number - key * CHUNK]

    def row_at(self, side: Side, offset: int) -> int | None:
        """Return the row holding a side's document offset (asked of the store, not scanned)."""
        with self.store.read() as session:
            layer = session.get(Layer, self.layer_id)
            assert layer is not None
            return row_at(session, layer, side, offset)

    def neighbour_sentence(self, side: Side, offset: int, step: int) -> tuple[int, int] | None:
        """Return the next or previous sentence's range on a side."""
        with self.store.read() as session:
            layer = session.get(Layer, self.layer_id)
            assert layer is not None
            return neighbour_sentence(session, layer, side, offset, step)

    def sentence_text(self, side: Side, start: int, end: int) -> str:
        """Return a sentence's text with its inner newlines shown as spaces (same length)."""
        return self.texts[side][start:end].replace("\n", " ")

    def direction(self, side: Side) -> str:
        """Return the document direction of a side: 'ltr' or 'rtl'."""
        return self.documents[side].direction

    def reload(self, rows_changed: bool = True) -> None:
        """Forget cached rows; a row count or order change resets the model."""
        if rows_changed:
            self.beginResetModel()
        self._chunks.clear()
        with self.store.read() as session:
            layer = session.get(Layer, self.layer_id)
            assert layer is not None
            count = count_rows(session, layer)
        if rows_changed:
            self._count = count
            self.endResetModel()
        elif self._count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, 2))
