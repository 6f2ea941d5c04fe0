"""Tokens for CoNLL: words and punctuation marks, cut wherever a mention starts or ends.

A token is a run of word characters (letters, marks, digits; an inner apostrophe, hyphen,
period or comma between word characters stays inside: "al-Sisi", "U.S", "3,000") or one
other non-space character. A mention boundary inside a token splits it there: in وإسرائيل with
the mention on إسرائيل (the conjunction و shed by snapping), و becomes a token of its own,
tagged O, and إسرائيل a token tagged B-.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

# Documents store their count_tokens at import (documents.token_count): a change to TOKEN
# needs a migration that counts every stored document again.
TOKEN = re.compile(r"[\w\u0600-\u06ff]+(?:['’\-.,][\w\u0600-\u06ff]+)*|\S", re.UNICODE)


def tokens(text: str, start: int, end: int, cuts: Iterable[int] = ()) -> list[tuple[int, int]]:
    """Return the (start, end) of every token of text[start:end], split at the given offsets."""
    inside = sorted({c for c in cuts if start < c < end})
    out = []
    for match in TOKEN.finditer(text, start, end):
        s, e = match.span()
        k = bisect.bisect_right(inside, s)  # only the cuts inside this token
        while k < len(inside) and inside[k] < e:
            out.append((s, inside[k]))
            s = inside[k]
            k += 1
        out.append((s, e))
    return out


def count_tokens(text: str) -> int:
    """Return how many tokens `tokens` finds in the text (without cuts), counted in C."""
    return TOKEN.subn("", text)[1]
