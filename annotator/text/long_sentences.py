"""Cut sentences too long to be sentences (a file without breaks) into pieces of bounded length.

A 2 MB "sentence" of punctuation would be handed whole to the aligner and to Qt's text layout,
each far worse than linear in its length. A piece ends at the last whitespace before the limit,
or, in a run without any, before the last base character (not between a letter and its marks).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Final

Span = tuple[int, int]

MAX_SENTENCE_CHARS: Final = 3000


def _cut_point(text: str, start: int, limit: int) -> int:
    """Return where a piece from `start` ends: at most limit characters on, at least one."""
    end = start + limit
    for k in range(end, start, -1):  # the last whitespace, keeping the piece non-empty
        if text[k].isspace() and k > start:
            return k
    for k in range(end, max(start + 1, end - 64), -1):  # not between a letter and its marks
        if not unicodedata.combining(text[k]):
            return k
    return end  # a flood of marks on no letter: nothing to keep together


def cut_long_sentences(
    text: str, sentences: Sequence[Span], limit: int = MAX_SENTENCE_CHARS
) -> tuple[list[Span], int]:
    """Return the sentences with each longer than `limit` cut into pieces, and how many were cut."""
    out: list[Span] = []
    cut = 0
    for start, end in sentences:
        if end - start <= limit:
            out.append((start, end))
            continue
        cut += 1
        while end - start > limit:
            point = _cut_point(text, start, limit)
            piece_end = point
            while piece_end > start and text[piece_end - 1].isspace():
                piece_end -= 1
            out.append((start, piece_end))
            start = point
            while start < end and text[start].isspace():
                start += 1
        if start < end:
            out.append((start, end))
    return out, cut
