"""Print a document pair side by side in a terminal: wrapping, widths, Arabic shaping, bidi order.

Two output modes. "visual" is for terminals that do neither bidi nor Arabic shaping: each line is
shaped with arabic-reshaper (presentation forms) and put in display order with python-bidi, so the
terminal only has to draw cells left to right. "logical" is for terminals that run the bidi
algorithm themselves (VTE with bidi on, mlterm, Konsole): text stays in logical order and each cell
is wrapped in a bidi isolate so its content cannot reorder the gutter or the other column.
Presentation forms and visual-order text exist only in this module's output; never store them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from arabic_reshaper import ArabicReshaper
from bidi import get_display
from bidi.mirror import MIRRORED

from annotator.errors import InputError

RenderMode = Literal["visual", "logical"]
Direction = Literal["ltr", "rtl"]
Align = Literal["left", "right"]

_LRI, _RLI, _FSI, _PDI = "\u2066", "\u2067", "\u2068", "\u2069"
_ISOLATE_INITIATORS = frozenset((_LRI, _RLI, _FSI))
# Embeddings, overrides, isolates and the three marks: they steer the reordering and are dropped
# from visual output, where a terminal that does no bidi has no use for them.
_BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
# UAX #9 rule L1 resets these (when trailing, or before a segment/paragraph separator).
_L1_RESETTABLE = frozenset(("WS", "FSI", "LRI", "RLI", "PDI"))
_X9_REMOVED = frozenset(("RLE", "LRE", "RLO", "LRO", "PDF", "BN"))
_NO_BREAK_SPACES = frozenset("\u00a0\u2007\u202f")
_MIN_CELL_WIDTH = 2  # the widest character takes two columns

# Harakat are kept (marks are moved after their base below); the one-cell "Allah" ligature is
# unreadable in a terminal, so only the obligatory lam-alef ligatures stay on.
_RESHAPER = ArabicReshaper(configuration={"delete_harakat": False, "ARABIC LIGATURE ALLAH": False})
# arabic-reshaper 3.0 drops ZWJ from its output but still looks ligatures up by positions in the
# input, so a ZWJ shifts them (IndexError or a ligature on the wrong letters): no ligatures then.
_ZWJ_RESHAPER = ArabicReshaper(configuration={"delete_harakat": False, "support_ligatures": False})

# python-bidi 0.6 (Rust unicode-bidi) applies rules L1-L2 only; its debug dump is the one place it
# exposes the resolved levels we need for L3 (marks) and L4 (mirroring). One level per UTF-8 byte.
_LEVELS_BLOCK = re.compile(r"\n\s*levels: \[\n(.*?)\n\s*\],\n", re.DOTALL)
_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")


@dataclass(frozen=True)
class Column:
    """One side of the side-by-side view: the base direction of its text and its header."""

    direction: Direction
    header: str


def _base_dir(direction: Direction) -> str:
    """Map a column direction to python-bidi's `base_dir` argument."""
    if direction == "rtl":
        return "R"
    if direction == "ltr":
        return "L"
    raise InputError(f"unknown text direction {direction!r}: expected 'ltr' or 'rtl'")


def _resolved_levels(text: str, base_dir: str) -> list[int]:
    """Embedding level of each code point of `text` as python-bidi resolves it (before rule L1)."""
    dump = str(get_display(text, base_dir=base_dir, debug=True))
    block = _LEVELS_BLOCK.search(dump)
    byte_levels = [int(level) for level in _LEVEL.findall(block.group(1))] if block else []
    if len(byte_levels) != len(text.encode("utf-8")):
        raise RuntimeError("unexpected python-bidi debug output; this module expects 0.6.x")
    levels: list[int] = []
    offset = 0
    for char in text:
        levels.append(byte_levels[offset])
        offset += len(char.encode("utf-8"))
    return levels


def _line_levels(text: str, levels: Sequence[int], paragraph_level: int) -> list[int]:
    """Apply rule L1 to one line as unicode-bidi does (X9-removed controls take the prior level)."""
    out = list(levels)
    run_start: int | None = None
    previous = paragraph_level
    for index, char in enumerate(text):
        category = unicodedata.bidirectional(char)
        if category in ("S", "B"):
            for reset in range(index if run_start is None else run_start, index + 1):
                out[reset] = paragraph_level
            run_start = None
        elif category in _L1_RESETTABLE or category in _X9_REMOVED:
            if category in _X9_REMOVED:
                out[index] = previous
            if run_start is None:
                run_start = index
        else:
            run_start = None
        previous = out[index]
    if run_start is not None:
        for reset in range(run_start, len(text)):
            out[reset] = paragraph_level
    return out


def _reorder(line_levels: Sequence[int], resolved: Sequence[int]) -> list[int]:
    """Rule L2 as python-bidi 0.6 applies it: the line's logical indices in display order.

    Like unicode-bidi's `reorder_line`, a line with no odd resolved (pre-L1) level, or with only
    even levels after L1, keeps its logical order; this keeps our order identical to `get_display`.
    """
    identity = list(range(len(line_levels)))
    if not any(level % 2 for level in resolved) or not any(level % 2 for level in line_levels):
        return identity
    order = identity
    for level in range(max(line_levels), (min(line_levels) | 1) - 1, -1):
        position = 0
        while position < len(order):
            if line_levels[order[position]] < level:
                position += 1
                continue
            end = position
            while end < len(order) and line_levels[order[end]] >= level:
                end += 1
            order[position:end] = order[position:end][::-1]
            position = end
    return order


def _marks_after_base(text: str, order: list[int], levels: Sequence[int]) -> list[int]:
    """Rule L3: in right-to-left runs put combining marks back after their base character."""
    result = list(order)
    position = 0
    while position < len(result):
        index = result[position]
        if levels[index] % 2 == 0 or unicodedata.bidirectional(text[index]) != "NSM":
            position += 1
            continue
        end = position
        while (
            end + 1 < len(result)
            and result[end + 1] == result[end] - 1
            and unicodedata.bidirectional(text[result[end + 1]]) == "NSM"
        ):
            end += 1
        if end + 1 < len(result) and result[end + 1] == result[end] - 1:
            result[position : end + 2] = result[position : end + 2][::-1]
            position = end + 2
        else:
            position = end + 1
    return result


def _shape(text: str) -> str:
    """Arabic letters in their contextual presentation forms (display only, never stored)."""
    reshaper = _ZWJ_RESHAPER if "\u200d" in text else _RESHAPER
    return str(reshaper.reshape(text))


def visual_line(text: str, direction: Direction) -> str:
    """One line as a non-bidi terminal must receive it: Arabic shaped, then in bidi display order.

    Shaping is arabic-reshaper's (harakat kept, lam-alef ligatures only); the order is python-bidi's
    (Unicode bidi algorithm, base direction `direction`) plus rules L3 (combining marks after
    their base) and L4 (mirrored brackets in RTL runs), which python-bidi 0.6 leaves out. Bidi
    controls are dropped from the result. Raises ValueError if `text` holds a paragraph
    separator (a newline, for instance).
    """
    base_dir = _base_dir(direction)
    if any(unicodedata.bidirectional(char) == "B" for char in text):
        raise ValueError("visual_line takes a single line; wrap or split the text first")
    if not text:
        return ""
    shaped = _shape(text)
    paragraph_level = 1 if base_dir == "R" else 0
    resolved = _resolved_levels(shaped, base_dir)
    levels = _line_levels(shaped, resolved, paragraph_level)
    order = _marks_after_base(shaped, _reorder(levels, resolved), levels)
    out: list[str] = []
    for index in order:
        char = shaped[index]
        if char in _BIDI_CONTROLS:
            continue
        # Rule L4, which python-bidi 0.6 leaves to the renderer: mirror brackets in RTL runs.
        out.append(MIRRORED.get(char, char) if levels[index] % 2 else char)
    return "".join(out)


def _char_width(char: str) -> int:
    """Columns one code point occupies in a monospace terminal."""
    category = unicodedata.category(char)
    if category in ("Mn", "Me", "Cc", "Cf", "Zl", "Zp"):
        return 0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 2
    return 1


def display_width(text: str) -> int:
    """Columns the text occupies in a monospace terminal.

    Combining marks, control and format characters (bidi controls included) count 0, East Asian
    wide and fullwidth characters 2, everything else 1.
    """
    return sum(_char_width(char) for char in text)


def _printable(text: str) -> str:
    """Text with control characters and line/paragraph separators shown as spaces."""
    return "".join(
        " " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char for char in text
    )


def _is_break_space(char: str) -> bool:
    """Whether a line may break at this character (a space that is not a no-break space)."""
    return unicodedata.category(char) == "Zs" and char not in _NO_BREAK_SPACES


def _hard_break(word: str, width: int) -> list[str]:
    """Cut a word wider than `width` into pieces that fit, never separating a mark from its base."""
    pieces: list[str] = []
    current: list[str] = []
    used = 0
    for char in word:
        char_width = _char_width(char)
        if current and char_width and used + char_width > width:
            pieces.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += char_width
    if current:
        pieces.append("".join(current))
    return pieces


def wrap_logical(text: str, width: int) -> list[str]:
    """Wrap logical-order text into lines of at most `width` columns, before any reordering.

    Lines break at spaces (not at no-break spaces), which are dropped at the break; a word wider
    than `width` is cut, never between a mark and its base. Control characters and line or
    paragraph separators show as spaces. Raises InputError if `width` < 2.
    """
    if width < _MIN_CELL_WIDTH:
        raise InputError(f"cannot wrap text into {width} columns: need at least {_MIN_CELL_WIDTH}")
    tokens: list[str] = []
    for char in _printable(text):
        is_space = _is_break_space(char)
        if tokens and _is_break_space(tokens[-1][0]) == is_space:
            tokens[-1] += char
        else:
            tokens.append(char)
    lines: list[str] = []
    line = ""
    line_width = 0
    pending_space = ""
    for token in tokens:
        if _is_break_space(token[0]):
            pending_space = token
            continue
        token_width = display_width(token)
        space_width = display_width(pending_space)
        if line and line_width + space_width + token_width <= width:
            line += pending_space + token
            line_width += space_width + token_width
        else:
            if line:
                lines.append(line)
            pieces = _hard_break(token, width) if token_width > width else [token]
            lines.extend(pieces[:-1])
            line = pieces[-1]
            line_width = display_width(line)
        pending_space = ""
    if line:
        lines.append(line)
    return lines


def _isolated(text: str, direction: Direction) -> str:
    """Wrap logical text in an LRI/RLI…PDI isolate, balancing its own isolates so ours holds."""
    out = [_RLI if direction == "rtl" else _LRI]
    depth = 0
    for char in text:
        if char in _ISOLATE_INITIATORS:
            depth += 1
        elif char == _PDI:
            if depth == 0:
                out.append(_FSI)  # a stray PDI would close our isolate: give it an empty one
            else:
                depth -= 1
        out.append(char)
    out.append(_PDI * depth + _PDI)
    return "".join(out)


def _cell(line: str, width: int, direction: Direction, align: Align, mode: RenderMode) -> str:
    """One wrapped line of a cell, made visual or isolated, padded to exactly `width` columns."""
    if not line:
        return " " * width
    shown = visual_line(line, direction) if mode == "visual" else _isolated(line, direction)
    padding = " " * (width - display_width(shown))
    return padding + shown if align == "right" else shown + padding


def _rule(gutter: str) -> str:
    """Draw the gutter as part of a horizontal rule: same width, a cross where its bar is."""
    return "".join("┼" if char in "│|" else "─" * _char_width(char) for char in gutter)


def render_side_by_side(
    rows: Sequence[tuple[str | None, Sequence[str], Sequence[str]]],
    left: Column,
    right: Column,
    total_width: int,
    mode: RenderMode,
    gutter: str = " │ ",
) -> list[str]:
    """Lay out a header and one block per row, every line exactly `total_width` columns wide.

    A row is (label, left sentences, right sentences), e.g. label "3" or "3:2"; a side may be empty.
    Each sentence starts a new line and is wrapped in logical order; each wrapped line is then made
    visual (mode "visual") or kept logical inside a bidi isolate (mode "logical"). RTL cells are
    right-aligned, LTR cells left-aligned, padded with spaces by display width (so an LTR right
    column ends in padding). Blocks are separated by a thin rule. Raises InputError if
    `total_width` cannot fit two columns of 2.
    """
    if mode not in ("visual", "logical"):
        raise InputError(f"unknown render mode {mode!r}: expected 'visual' or 'logical'")
    for column in (left, right):
        _base_dir(column.direction)
    gutter = _printable(gutter)
    labels = [_printable(label or "") for label, _, _ in rows]
    label_width = max((display_width(label) for label in labels), default=0)
    gutter_width = display_width(gutter)
    fixed = gutter_width + (label_width + gutter_width if label_width else 0)
    left_width = (total_width - fixed) // 2
    right_width = total_width - fixed - left_width
    if left_width < _MIN_CELL_WIDTH:
        needed = fixed + 2 * _MIN_CELL_WIDTH
        raise InputError(f"{total_width} columns is too narrow for two columns: need {needed}")

    def align(column: Column) -> Align:
        return "right" if column.direction == "rtl" else "left"

    def block(label: str, left_texts: Sequence[str], right_texts: Sequence[str]) -> list[str]:
        left_lines = [line for text in left_texts for line in wrap_logical(text, left_width)]
        right_lines = [line for text in right_texts for line in wrap_logical(text, right_width)]
        out: list[str] = []
        for number in range(max(len(left_lines), len(right_lines), 1)):
            parts: list[str] = []
            if label_width:
                shown_label = label if number == 0 else ""
                parts += [_cell(shown_label, label_width, "ltr", "right", mode), gutter]
            left_line = left_lines[number] if number < len(left_lines) else ""
            right_line = right_lines[number] if number < len(right_lines) else ""
            parts += [
                _cell(left_line, left_width, left.direction, align(left), mode),
                gutter,
                _cell(right_line, right_width, right.direction, align(right), mode),
            ]
            out.append("".join(parts))
        return out

    rule_gutter = _rule(gutter)
    rule = ("─" * label_width + rule_gutter if label_width else "") + (
        "─" * left_width + rule_gutter + "─" * right_width
    )
    lines = block("", [left.header], [right.header])
    for label, (_, left_texts, right_texts) in zip(labels, rows, strict=True):
        lines.append(rule)
        lines.extend(block(label, left_texts, right_texts))
    return lines
