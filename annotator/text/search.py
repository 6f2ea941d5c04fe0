"""Find text in a document the way people type it: Arabic without diacritics, any alef.

Both the document and the query go through :func:`annotator.text.arabic.key_of` (diacritics and
tatweel dropped, أ إ آ ٱ as ا, ى as ي, ة as ه, digits in any script alike, case folded), and
matches come back as offsets into the stored text, diacritics after the last letter included.
"""

from __future__ import annotations

from annotator.text.arabic import key_of, matching_key


def find_all(text: str, query: str) -> list[tuple[int, int]]:
    """Return every (start, end) of `query` in `text` by search keys, in text order."""
    needle = key_of(query)[0].strip()
    if not needle:
        return []
    key, index = matching_key(text)
    found: list[tuple[int, int]] = []
    at = key.find(needle)
    while at >= 0:
        start = index[at]
        end = index[at + len(needle) - 1] + 1
        while end < len(text) and _no_key(text[end]):  # a diacritic on the last letter
            end += 1
        found.append((start, end))
        at = key.find(needle, at + 1)
    return found


def _no_key(char: str) -> bool:
    """Whether a character has no search key of its own (a mark the key drops)."""
    return not key_of(char)[0]
