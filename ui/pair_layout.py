"""What the pair view lays out and paints: sentence blocks, row geometry, hits, highlights.

Value types only, with the glyph measurements they need; PairView (ui.pair_view) owns the
layout cache, the painting and the events.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from PySide6.QtGui import QColor, QTextLayout, QTextLine

from annotator.layers import BeadRow, SentenceRef
from annotator.model import Side
from ui.text_units import Utf16Map


@dataclass(frozen=True)
class Highlight:
    """A range to paint over the text of one side: a mention, a suggestion or the selection."""

    side: Side
    start: int
    end: int
    background: QColor
    underline: QColor | None = None
    key: object = None
    outline: QColor | None = None  # a box around the glyphs: the active mention


UNDERLINE = 3.0  # thickness of a link's underline, in pixels


def glyph_spans(layout: QTextLayout, lo: int, hi: int) -> list[tuple[float, float, QTextLine]]:
    """Return per line the left and right x of UTF-16 units lo..hi (as laid out, any direction)."""
    spans = []
    for k in range(layout.lineCount()):
        line = layout.lineAt(k)
        first = max(lo, line.textStart())
        last = min(hi, line.textStart() + line.textLength())
        if first < last:
            xs = [line.cursorToX(unit)[0] for unit in range(first, last + 1)]
            spans.append((min(xs), max(xs), line))
    return spans


@dataclass
class SentenceBlock:
    """One sentence laid out inside its cell."""

    ref: SentenceRef
    text: str
    layout: QTextLayout
    units: Utf16Map
    top: float
    height: float
    centers: dict[int, list[tuple[float, int]]] = field(default_factory=dict)

    def line_centers(self, line: QTextLine) -> list[tuple[float, int]]:
        """Return (glyph centre x, code-point index) for every character on a line."""
        number = line.lineNumber()
        if number not in self.centers:
            boxes = self.line_boxes(line)
            self.centers[number] = [((x0 + x1) / 2.0, cp) for cp, (x0, x1) in boxes.items()]
        return self.centers[number]

    def line_boxes(self, line: QTextLine) -> dict[int, tuple[float, float]]:
        """Return each character's horizontal glyph extent on a line, keyed by code-point index.

        Read from the shaped glyphs of each character, not from caret positions: at a change of
        direction a caret position has two places on screen, a glyph has one. A mark with no
        advance of its own takes its base letter's box.
        """
        flags = (
            QTextLayout.GlyphRunRetrievalFlag.RetrieveGlyphIndexes
            | QTextLayout.GlyphRunRetrievalFlag.RetrieveGlyphPositions
        )
        boxes: dict[int, tuple[float, float]] = {}
        previous: tuple[float, float] | None = None
        first = line.textStart()
        for unit in range(first, first + line.textLength()):
            cp = self.units.to_code_point(unit)
            if self.units.to_utf16(cp) != unit:
                continue  # low surrogate: the pair was measured at its first unit
            length = 2 if cp in self.units.astral_set else 1
            x0, x1 = float("inf"), float("-inf")
            for run in line.glyphRuns(unit, length, flags):
                advances = run.rawFont().advancesForGlyphIndexes(run.glyphIndexes())
                for pos, adv in zip(run.positions(), advances, strict=False):
                    x0, x1 = min(x0, pos.x()), max(x1, pos.x() + adv.x())
            if x1 - x0 <= 0.01:
                if previous is None or not unicodedata.category(self.text[cp]).startswith("M"):
                    continue  # nothing drawn: a collapsed space at a line end, a control
                x0, x1 = previous
            boxes[cp] = previous = (x0, x1)
        return boxes


RowKey = tuple[int, tuple[SentenceRef, ...], tuple[SentenceRef, ...]]


@dataclass
class RowGeometry:
    """A row laid out at one width: both cells' sentence blocks and the row height."""

    blocks: dict[Side, list[SentenceBlock]]
    height: float


@dataclass(frozen=True)
class Hit:
    """Where a point falls in the text: row, side, block, line and the local x."""

    row: int
    side: Side
    block: int
    line: int
    x: float

    def order(self) -> tuple[int, int, int]:
        """Return the reading-order key of the hit's line."""
        return (self.row, self.block, self.line)


CONFIRMED = QColor("#2ca02c")
LOW = QColor("#d62728")
MIDDLING = QColor("#ff9f1c")
AUTOMATIC = QColor("#9ecae1")


def bead_colour(row: BeadRow, low: float) -> QColor:
    """Return the status bar colour of a row: confirmed, or the automatic score's band."""
    if row.status == "confirmed":
        return CONFIRMED
    if row.score is None:
        return AUTOMATIC
    if row.score < low:
        return LOW
    return MIDDLING if row.score < (1 + low) / 2 else AUTOMATIC
