"""PairView: the row view of a pair, one bead a row, each side laid out by Qt in its own direction.

Text is laid out with QTextLayout (Qt shapes Arabic and runs the bidi algorithm); highlights are
drawn as format ranges over the same layout, so a highlight never splits a word into separately
shaped runs. Only the rows on screen are laid out. A mouse drag selects the characters whose
glyphs it covers, so the stored range is what the user saw selected, whatever the direction.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from annotator.errors import StoreError
from annotator.layers import BeadRow, SentenceRef
from annotator.model import Side
from annotator.text.segmentation import paragraph_spans
from ui.fonts import text_font
from ui.pair_layout import (
    UNDERLINE,
    Highlight,
    Hit,
    RowGeometry,
    RowKey,
    SentenceBlock,
    bead_colour,
    glyph_spans,
)
from ui.pair_model import PairRowsModel
from ui.text_units import Utf16Map

MARGIN = 8.0
ROW_PADDING = 6.0
SENTENCE_GAP = 4.0
NUMBER_GAP = 6.0
CACHED_ROWS = 400
_WORD = re.compile(r"\w[\w\u064B-\u065F\u0670\u0640'’-]*")
RETRY_PAINT_MS = 3000
_CARET_KEYS = frozenset(
    (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_Up,
     Qt.Key.Key_Down, Qt.Key.Key_Tab)
)  # fmt: skip
_POSSESSIVE = re.compile(r"\w['’]s$")


class PairView(QAbstractScrollArea):
    """Both documents of a pair in rows of aligned sentences, with selection and highlights."""

    selection_changed = Signal()
    highlight_clicked = Signal(object)
    text_clicked = Signal()  # a left click on the text that hit no highlight

    def __init__(
        self, model: PairRowsModel, parent: QWidget | None = None, point_size: int = 13
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(False)
        self.verticalScrollBar().setSingleStep(1)
        self.verticalScrollBar().valueChanged.connect(lambda _v: self.viewport().update())
        self._font = text_font(point_size)
        self._small = QFont(self._font)
        self._small.setPointSizeF(point_size * 0.72)
        # Keyed by width and the row's sentences, not its index: after a row edit every row whose
        # sentences did not change keeps its layout.
        self._rows: OrderedDict[RowKey, RowGeometry] = OrderedDict()
        self._placed: list[tuple[int, float, RowGeometry]] = []
        self.highlights: list[Highlight] = []
        self.overlays: list[Highlight] = []  # drawn over the highlights: review's open places
        self.row_marks: dict[int, QColor] = {}  # row → a tint over the whole row (review)
        self.low_score = 0.5
        self.selection: tuple[Side, int, int] | None = None
        self.caret: tuple[Side, int] | None = None
        self._anchor: tuple[Side, int] | None = None
        self._press: Hit | None = None
        self._paragraph_starts = {
            side: {s for s, _ in paragraph_spans(model.texts[side])} for side in Side
        }
        model.modelReset.connect(self._model_reset)
        model.dataChanged.connect(lambda *_: self.viewport().update())
        self._update_scrollbar()

    # --- configuration

    def point_size(self) -> int:
        """Return the text font size in points."""
        return self._font.pointSize()

    def set_point_size(self, size: int) -> None:
        """Change the text font size (6–40 pt) and lay the rows out again."""
        size = max(6, min(40, size))
        self._font.setPointSize(size)
        self._small.setPointSizeF(size * 0.72)
        self.invalidate()

    def set_highlights(self, highlights: Iterable[Highlight]) -> None:
        """Replace the painted highlights."""
        self.highlights = list(highlights)
        self.viewport().update()

    def set_overlays(self, overlays: Iterable[Highlight], row_marks: dict[int, QColor]) -> None:
        """Replace the overlays and row tints (the review's places) and repaint."""
        self.overlays = list(overlays)
        self.row_marks = dict(row_marks)
        self.viewport().update()

    def invalidate(self) -> None:
        """Forget every laid-out row and repaint."""
        self._rows.clear()
        self.viewport().update()

    def _model_reset(self) -> None:
        self._update_scrollbar()  # cached layouts stay valid: they are keyed by content
        self.viewport().update()

    def _update_scrollbar(self) -> None:
        bar = self.verticalScrollBar()
        bar.setRange(0, max(0, self.model.rowCount() - 1))
        bar.setPageStep(10)

    # --- geometry

    def _column_width(self) -> float:
        return max(80.0, (self.viewport().width() - self._gutter_width() - 3 * MARGIN) / 2.0)

    def _gutter_width(self) -> float:
        return QFontMetricsF(self._small).horizontalAdvance("00000 · 2:2") + MARGIN

    def _number_width(self) -> float:
        return QFontMetricsF(self._small).horizontalAdvance("00000") + NUMBER_GAP

    def column_x(self, side: Side) -> float:
        """Return the left x of a side's column in viewport coordinates."""
        left = self._gutter_width() + MARGIN
        return left if side is Side.SOURCE else left + self._column_width() + MARGIN

    def _text_x(self, side: Side) -> float:
        rtl = self.model.direction(side) == "rtl"
        return self.column_x(side) + (0.0 if rtl else self._number_width())

    def row_geometry(self, row: int) -> RowGeometry:
        """Return the row laid out at the current width (cached)."""
        width = int(self._column_width())
        data = self.model.row(row)
        key = (width, data.source, data.target)
        geometry = self._rows.get(key)
        if geometry is not None:
            self._rows.move_to_end(key)
            return geometry
        blocks: dict[Side, list[SentenceBlock]] = {}
        height = 0.0
        for side in Side:
            top = ROW_PADDING
            blocks[side] = []
            for ref in data.side(side):
                block = self._lay_out(side, ref, width - self._number_width(), top)
                blocks[side].append(block)
                top += block.height + SENTENCE_GAP
            height = max(height, top)
        geometry = RowGeometry(
            blocks, max(height, QFontMetricsF(self._font).height()) + ROW_PADDING
        )
        self._rows[key] = geometry
        if len(self._rows) > CACHED_ROWS:
            self._rows.popitem(last=False)
        return geometry

    def _lay_out(self, side: Side, ref: SentenceRef, width: float, top: float) -> SentenceBlock:
        text = self.model.sentence_text(side, ref.start, ref.end)
        layout = QTextLayout(text, self._font)
        option = QTextOption()
        rtl = self.model.direction(side) == "rtl"
        option.setTextDirection(
            Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
        )
        option.setAlignment(Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft)
        option.setWrapMode(QTextOption.WrapMode.WordWrap)  # never inside a word (أجر/ى)
        layout.setTextOption(option)
        layout.setCacheEnabled(True)
        layout.beginLayout()
        y = 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            line.setPosition(QPointF(0.0, y))
            y += line.height()
        layout.endLayout()
        return SentenceBlock(ref, text, layout, Utf16Map(text), top, y)

    # --- painting

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        height = self.viewport().height()
        y = 0.0
        row = self.verticalScrollBar().value()
        self._placed = []
        try:
            while y < height and row < self.model.rowCount():
                geometry = self.row_geometry(row)
                self._paint_row(painter, row, y, geometry, palette)
                self._placed.append((row, y, geometry))
                y += geometry.height
                row += 1
        except StoreError as exc:  # rows not fetched (the server away): say so where they go
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            painter.drawText(
                QRectF(12, y + 12, self.viewport().width() - 24, max(0.0, height - y - 24)),
                int(Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap),
                f"These rows cannot be shown now: {exc}",
            )
            QTimer.singleShot(RETRY_PAINT_MS, self.viewport().update)
        finally:
            painter.end()  # a painter left open when an exception escapes crashes Qt later

    def _paint_row(
        self, painter: QPainter, row: int, y: float, geometry: RowGeometry, palette: QPalette
    ) -> None:
        width = self.viewport().width()
        if row % 2:
            painter.fillRect(
                QRectF(0, y, width, geometry.height),
                palette.color(QPalette.ColorRole.AlternateBase),
            )
        tint = self.row_marks.get(row)
        if tint is not None:
            painter.fillRect(QRectF(0, y, width, geometry.height), tint)
        data: BeadRow = self.model.row(row)
        painter.fillRect(QRectF(0, y, 4, geometry.height), bead_colour(data, self.low_score))
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        painter.setFont(self._small)
        if len(data.source) != 1 or len(data.target) != 1:
            painter.setPen(palette.color(QPalette.ColorRole.Text))
        painter.drawText(
            QRectF(4, y + ROW_PADDING, self._gutter_width() - 4, geometry.height),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
            f"{row + 1} · {len(data.source)}:{len(data.target)}",
        )
        for side in Side:
            for block in geometry.blocks[side]:
                self._paint_block(painter, side, block, y, palette)
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.drawLine(
            QPointF(0, y + geometry.height - 0.5), QPointF(width, y + geometry.height - 0.5)
        )

    def _paint_block(
        self, painter: QPainter, side: Side, block: SentenceBlock, y: float, palette: QPalette
    ) -> None:
        rtl = self.model.direction(side) == "rtl"
        column = self.column_x(side)
        number_rect = QRectF(
            column + (self._column_width() - self._number_width() + NUMBER_GAP if rtl else 0.0),
            y + block.top,
            self._number_width() - NUMBER_GAP,
            block.height,
        )
        paragraph = block.ref.start in self._paragraph_starts[side]
        painter.setFont(self._small)
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        label = f"{'¶' if paragraph else ''}{block.ref.number + 1}"
        painter.drawText(
            number_rect,
            (Qt.AlignmentFlag.AlignLeft if rtl else Qt.AlignmentFlag.AlignRight)
            | Qt.AlignmentFlag.AlignTop,
            label,
        )
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        origin = QPointF(self._text_x(side), y + block.top)
        block.layout.draw(painter, origin, self._format_ranges(side, block, palette))
        self._paint_outlines(painter, side, block, origin)

    def _paint_outlines(
        self, painter: QPainter, side: Side, block: SentenceBlock, origin: QPointF
    ) -> None:
        """Underline linked highlights with a thick bar and box the outlined one, line by line."""
        start, end = block.ref.start, block.ref.end
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for h in (*self.highlights, *self.overlays):
            if h.side is not side or h.start >= end or h.end <= start:
                continue
            if h.underline is None and h.outline is None:
                continue
            lo = block.units.to_utf16(max(h.start, start) - start)
            hi = block.units.to_utf16(min(h.end, end) - start)
            for left, right, line in glyph_spans(block.layout, lo, hi):
                x, y = origin.x() + left, origin.y() + line.y()
                if h.underline is not None:
                    painter.fillRect(
                        QRectF(x, y + line.height() - UNDERLINE, right - left, UNDERLINE),
                        h.underline,
                    )
                if h.outline is not None:
                    painter.setPen(QPen(h.outline, 2))
                    painter.drawRect(QRectF(x - 1, y, right - left + 2, line.height()))

    def _format_ranges(
        self, side: Side, block: SentenceBlock, palette: QPalette
    ) -> list[QTextLayout.FormatRange]:
        ranges = []
        start, end = block.ref.start, block.ref.end
        items: list[tuple[int, int, QTextCharFormat]] = []
        for h in (*self.highlights, *self.overlays):
            if h.side is side and h.start < end and h.end > start:
                fmt = QTextCharFormat()
                fmt.setBackground(h.background)
                items.append((h.start, h.end, fmt))  # underlines are painted thick, after
        if self.selection is not None and self.selection[0] is side:
            _, s_start, s_end = self.selection
            if s_start < end and s_end > start:
                fmt = QTextCharFormat()
                fmt.setBackground(palette.color(QPalette.ColorRole.Highlight))
                fmt.setForeground(palette.color(QPalette.ColorRole.HighlightedText))
                items.append((s_start, s_end, fmt))
        for a, b, fmt in items:
            lo = block.units.to_utf16(max(a, start) - start)
            hi = block.units.to_utf16(min(b, end) - start)
            rng = QTextLayout.FormatRange()
            rng.start, rng.length, rng.format = lo, hi - lo, fmt
            ranges.append(rng)
        return ranges

    # --- hit testing and selection

    def _hit(self, pos: QPointF, side: Side | None = None) -> Hit | None:
        """Map a viewport point to a line of text; `side` forces the column (drags stay in it)."""
        if not self._placed:
            return None
        if side is None:
            mid = self.column_x(Side.TARGET) - MARGIN / 2
            side = Side.SOURCE if pos.x() < mid else Side.TARGET
        y = pos.y()
        candidates = [(row, top, g) for row, top, g in self._placed if g.blocks[side]]
        if not candidates:
            return None
        row, top, geometry = candidates[-1]
        for entry in candidates:
            if y < entry[1] + entry[2].height:
                row, top, geometry = entry
                break
        blocks = geometry.blocks[side]
        index = len(blocks) - 1
        for i, block in enumerate(blocks):
            if y < top + block.top + block.height + SENTENCE_GAP / 2:
                index = i
                break
        block = blocks[index]
        local_y = y - top - block.top
        line_number = block.layout.lineCount() - 1
        for n in range(block.layout.lineCount()):
            line = block.layout.lineAt(n)
            if local_y < line.y() + line.height():
                line_number = n
                break
        if y < top + block.top:
            line_number = 0
        return Hit(row, side, index, line_number, pos.x() - self._text_x(side))

    def _block(self, hit: Hit) -> SentenceBlock:
        return self.row_geometry(hit.row).blocks[hit.side][hit.block]

    def _covered(self, first: Hit, last: Hit) -> tuple[int, int] | None:
        """Return the document range of characters visually covered from `first` to `last`."""
        rtl = self.model.direction(first.side) == "rtl"
        if first.order() > last.order():
            first, last = last, first
        same_line = first.order() == last.order()
        start_block, end_block = self._block(first), self._block(last)
        start_centers = start_block.line_centers(start_block.layout.lineAt(first.line))
        end_centers = end_block.line_centers(end_block.layout.lineAt(last.line))
        if same_line:
            lo, hi = sorted((first.x, last.x))
            covered = [cp for x, cp in start_centers if lo <= x <= hi]
            if not covered:
                return None
            return start_block.ref.start + min(covered), start_block.ref.start + max(covered) + 1

        def after(x: float, at: float) -> bool:  # x is at or beyond `at` in reading order
            return x <= at if rtl else x >= at

        head = [cp for x, cp in start_centers if after(x, first.x)]
        tail = [cp for x, cp in end_centers if after(last.x, x)]
        line = start_block.layout.lineAt(first.line)
        start = (
            start_block.ref.start + min(head)
            if head
            else start_block.ref.start
            + start_block.units.to_code_point(line.textStart() + line.textLength())
        )
        end_line = end_block.layout.lineAt(last.line)
        end = (
            end_block.ref.start + max(tail) + 1
            if tail
            else end_block.ref.start + end_block.units.to_code_point(end_line.textStart())
        )
        return (start, end) if end > start else None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.RightButton:  # the row menu acts at the click
            hit = self._hit(event.position())
            if hit is not None:
                block = self._block(hit)
                unit = block.layout.lineAt(hit.line).xToCursor(hit.x)
                self.caret = (hit.side, block.ref.start + block.units.to_code_point(unit))
                self._anchor = self.caret
                self.viewport().update()
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        hit = self._hit(event.position())
        self._press = hit
        clicked = self._highlight_at(hit, event.position()) if hit is not None else None
        self._set_selection(None)
        if hit is not None:
            block = self._block(hit)
            line = block.layout.lineAt(hit.line)
            unit = line.xToCursor(hit.x)
            self.caret = (hit.side, block.ref.start + block.units.to_code_point(unit))
            self._anchor = self.caret
        if clicked is not None:
            self.highlight_clicked.emit(clicked)
        else:
            self.text_clicked.emit()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None or not event.buttons() & Qt.MouseButton.LeftButton:
            return
        hit = self._hit(event.position(), self._press.side)
        if hit is not None:
            covered = self._covered(self._press, hit)
            self._set_selection((hit.side, *covered) if covered else None)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._press is not None and event.button() == Qt.MouseButton.LeftButton:
            hit = self._hit(event.position(), self._press.side)
            if hit is not None and (
                hit.order() != self._press.order() or abs(hit.x - self._press.x) > 1.0
            ):
                covered = self._covered(self._press, hit)
                self._set_selection((hit.side, *covered) if covered else None)
        self._press = None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        hit = self._hit(event.position())
        if hit is None:
            return
        covered = self._covered(hit, hit)
        if covered is None:
            block = self._block(hit)
            centers = block.line_centers(block.layout.lineAt(hit.line))
            if not centers:
                return
            nearest = min(centers, key=lambda c: abs(c[0] - hit.x))[1]
            covered = (block.ref.start + nearest, block.ref.start + nearest + 1)
        text = self.model.texts[hit.side]
        for match in _WORD.finditer(text, max(0, covered[0] - 200), covered[1] + 200):
            if match.start() <= covered[0] < match.end():
                end = match.end()
                if _POSSESSIVE.search(match.group()) and covered[0] < end - 2:
                    end -= 2  # Hezbollah’s → Hezbollah, as Arabic clitics are shed
                self._set_selection((hit.side, match.start(), end))
                return

    def _highlight_at(self, hit: Hit, pos: QPointF) -> Highlight | None:
        block = self._block(hit)
        centers = block.line_centers(block.layout.lineAt(hit.line))
        if not centers:
            return None
        _, cp = min(centers, key=lambda c: abs(c[0] - hit.x))
        offset = block.ref.start + cp
        found = [
            h
            for h in self.highlights
            if h.side is hit.side and h.start <= offset < h.end and h.key is not None
        ]
        return min(found, key=lambda h: h.end - h.start) if found else None

    def _set_selection(self, selection: tuple[Side, int, int] | None) -> None:
        if selection != self.selection:
            self.selection = selection
            self.viewport().update()
            self.selection_changed.emit()

    def set_selection(self, side: Side, start: int, end: int) -> None:
        """Select a document range on one side (from the keyboard or a command)."""
        self._set_selection((side, start, end) if end > start else None)

    def clear_selection(self) -> None:
        """Drop the selection."""
        self._set_selection(None)

    # --- helpers for scrolling and tests

    def scroll_to_row(self, row: int) -> None:
        """Make `row` the top row."""
        self.verticalScrollBar().setValue(row)

    def rows_on_screen(self) -> list[int]:
        """Return the rows painted last."""
        return [row for row, _, _ in self._placed]

    def char_box(self, side: Side, offset: int) -> QRectF:
        """Return the viewport rectangle of a character's glyph on its line (tests, tool tips)."""
        for _row, top, geometry in self._placed:
            for block in geometry.blocks[side]:
                if block.ref.start <= offset < block.ref.end:
                    cp = offset - block.ref.start
                    line = block.layout.lineForTextPosition(block.units.to_utf16(cp))
                    x0, x1 = block.line_boxes(line)[cp]
                    return QRectF(
                        self._text_x(side) + x0, top + block.top + line.y(), x1 - x0, line.height()
                    )
        raise LookupError(f"{side.value} offset {offset} is not on screen")

    def rows_for_offsets(self, side: Side, offsets: Sequence[int]) -> list[int]:
        """Return the on-screen rows holding the given offsets of a side."""
        out = []
        for row, _, geometry in self._placed:
            if any(b.ref.start <= o < b.ref.end for b in geometry.blocks[side] for o in offsets):
                out.append(row)
        return out

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.viewport().update()

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = -event.angleDelta().y() // 120
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + steps)
        event.accept()

    # --- keyboard: a caret per view, selection with Shift

    def _sentence_at(self, side: Side, offset: int) -> tuple[int, SentenceRef] | None:
        row = self.model.row_at(side, offset)
        if row is None:
            return None
        for ref in self.model.row(row).side(side):
            if ref.start <= offset <= ref.end:
                return row, ref
        return None

    def set_caret(self, side: Side, offset: int, extend: bool = False) -> None:
        """Move the caret to a document offset; with `extend`, select from the anchor to it."""
        if not extend or self.caret is None or self.caret[0] is not side:
            self._anchor = (side, offset)
        self.caret = (side, offset)
        anchor = self._anchor[1]
        if extend and anchor != offset:
            self._set_selection((side, min(anchor, offset), max(anchor, offset)))
        elif not extend:
            self._set_selection(None)
        found = self._sentence_at(side, offset)
        if found is not None and found[0] not in self.rows_on_screen()[:-1]:
            self.scroll_to_row(found[0])
        self.viewport().update()

    def _move(self, event: QKeyEvent) -> bool:
        key = event.key()
        mods = event.modifiers()
        if mods & (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier):
            return False
        if key not in _CARET_KEYS:  # a label key or a shortcut: no caret, no store read
            return False
        extend = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        by_word = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if self.caret is None:
            if self.model.rowCount() == 0:
                return False
            first = self.model.row(self.verticalScrollBar().value())
            refs = first.source or first.target
            side = Side.SOURCE if first.source else Side.TARGET
            self.caret = (side, refs[0].start)
            self._anchor = self.caret
        side, offset = self.caret
        text = self.model.texts[side]
        found = self._sentence_at(side, offset)
        if found is None:
            return False
        row, ref = found
        rtl = self.model.direction(side) == "rtl"
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            forward = (key == Qt.Key.Key_Right) != rtl
            if by_word and forward:
                match = _WORD.search(text, offset, ref.end)
                target = match.end() if match is not None else ref.end
            elif by_word:
                starts = [m.start() for m in _WORD.finditer(text, ref.start, offset)]
                target = starts[-1] if starts else ref.start
            else:
                target = offset + (1 if forward else -1)
            target = max(0, min(len(text), target))
        elif key in (Qt.Key.Key_Home, Qt.Key.Key_End):
            target = ref.start if key == Qt.Key.Key_Home else ref.end
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            step = 1 if key == Qt.Key.Key_Down else -1
            found_range = self.model.neighbour_sentence(
                side, ref.start if step < 0 else ref.end, step
            )
            target = found_range[0] if found_range is not None else offset
        elif key == Qt.Key.Key_Tab and not extend:
            other = Side.TARGET if side is Side.SOURCE else Side.SOURCE
            data = self.model.row(row)
            refs = data.side(other)
            if not refs:
                return True
            self.set_caret(other, refs[0].start)
            return True
        else:
            return False
        self.set_caret(side, target, extend)
        return True

    def focusNextPrevChild(self, next: bool) -> bool:
        return False  # Tab switches panes inside the view instead of leaving it

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._move(event):
            event.accept()
            return
        bar = self.verticalScrollBar()
        key = event.key()
        if key == Qt.Key.Key_PageDown:
            bar.setValue(bar.value() + max(1, len(self._placed) - 1))
        elif key == Qt.Key.Key_PageUp:
            bar.setValue(bar.value() - max(1, len(self._placed) - 1))
        elif key == Qt.Key.Key_Escape:
            self.clear_selection()
        else:
            super().keyPressEvent(event)
