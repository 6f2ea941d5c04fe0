"""Whole-word, clitic-aware occurrences of a surface in a text, and canonical numbers.

Matching runs on search keys (:func:`annotator.text.arabic.normalize_for_matching`) and returns
exact offsets into the original text. "Apply to all occurrences" must not match inside other words
(Recogito #663): an occurrence is kept only when no letter or digit touches it on either side,
except, in Arabic, a sequence of proclitics before it (وإسرائيل gives إسرائيل), so إسرائيلية and
الإسرائيلية never match إسرائيل. Not found: a surface with the article after ل, where the alef
drops (الفلسطينيين in للفلسطينيين).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from typing import Final

from annotator.text.arabic import (
    DEFAULT_PROCLITICS,
    NUMBER_JOINERS,
    is_arabic_language,
    is_word_char,
    key_of,
    matching_key,
    proclitic_prefixes,
)

__all__ = ["NUMBER_TOKEN_RE", "find_occurrences", "normalize_number"]

# A number as written: digits of any script, inner separators , . ٫ ٬ and narrow/no-break spaces.
NUMBER_TOKEN_RE: Final = re.compile(r"\d+(?:[.,٫٬\u00a0\u202f\u2009]\d+)*")

_SPACE_RE: Final = r"[^\S\r\n\u2028\u2029]+"
_GROUPING_SPACES: Final = frozenset("\u00a0\u202f\u2009")


def find_occurrences(
    text: str,
    surface: str,
    lang: str,
    *,
    proclitics: Collection[str] = DEFAULT_PROCLITICS,
    strip_article: bool = False,
) -> list[tuple[int, int]]:
    """Return the start–end of every whole-word occurrence of `surface` in `text`, in order.

    Case, Arabic diacritics, tatweel and letter variants are ignored. The words of a multi-word
    surface match across any run of spaces within a line. In Arabic (`lang`) an occurrence may
    carry proclitics, which the span leaves out (the article only with `strip_article`). A span
    ends after the diacritics of its last letter. Occurrences may overlap; an empty surface has
    none.
    """
    words = key_of(surface)[0].split()
    if not words:
        return []
    key, index = matching_key(text)
    pattern = re.compile(_SPACE_RE.join(re.escape(word) for word in words))
    prefixes = proclitic_prefixes(proclitics, strip_article) if is_arabic_language(lang) else None
    spans: list[tuple[int, int]] = []
    match = pattern.search(key)
    while match:
        begin, finish = match.span()
        if _free_end(key, index, finish) and _free_start(key, index, begin, prefixes):
            spans.append((index[begin], _end_with_marks(text, index[finish - 1] + 1)))
        match = pattern.search(key, begin + 1)
    return spans


def _free_end(key: str, index: tuple[int, ...], finish: int) -> bool:
    """Return True if no word continues past key position `finish`."""
    if finish >= len(key):
        return True
    if index[finish] == index[finish - 1]:  # the match ends inside one casefolded character
        return False
    after = key[finish]
    if is_word_char(after):
        return False
    return not (
        after in NUMBER_JOINERS
        and key[finish - 1].isdecimal()
        and finish + 1 < len(key)
        and key[finish + 1].isdecimal()
    )


def _free_start(
    key: str, index: tuple[int, ...], begin: int, prefixes: frozenset[str] | None
) -> bool:
    """Return True if no word runs into key position `begin`, or only allowed proclitics do."""
    if begin == 0:
        return True
    if index[begin] == index[begin - 1]:
        return False
    before = key[begin - 1]
    if before in NUMBER_JOINERS and key[begin].isdecimal():
        return not (begin >= 2 and key[begin - 2].isdecimal())
    if not is_word_char(before):
        return True
    if prefixes is None:
        return False
    word_start = begin
    while word_start > 0 and is_word_char(key[word_start - 1]):
        word_start -= 1
    return key[word_start:begin] in prefixes


def _end_with_marks(text: str, end: int) -> int:
    """Return `end` moved past the combining marks (diacritics) that follow it."""
    while end < len(text) and unicodedata.category(text[end]) == "Mn":
        end += 1
    return end


def normalize_number(token: str) -> str | None:
    """Return the canonical digits of a written number, or None if `token` is not one.

    Digits of any script become ASCII; ٬, narrow/no-break spaces and repeated separators group
    thousands (1,140 / 1.140 / ١١٤٠ → "1140"; 21,110 → "21110"); ٫, a separator after another kind,
    or one not followed by exactly three digits is the decimal point (3.5, 3,5, ٣٫٥ → "3.5").
    A lone . or , before three digits is read as grouping: "1.140" is 1140, not 1.14. Leading
    zeros and trailing decimal zeros go; a leading - or − is kept.
    """
    text = token.strip()
    sign = ""
    if text[:1] in ("-", "−", "+"):
        sign = "-" if text[0] != "+" else ""
        text = text[1:]
    if not NUMBER_TOKEN_RE.fullmatch(text):
        return None
    marked = "".join(_number_char(char) for char in text)
    parsed = _split_number(marked)
    if parsed is None:
        return None
    whole, fraction = parsed
    whole = whole.lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    value = f"{whole}.{fraction}" if fraction else whole
    return value if value == "0" or not sign else sign + value


def _number_char(char: str) -> str:
    """Return an ASCII digit, "_" for a grouping mark, "d" for ٫, or the separator itself."""
    if char.isdecimal():
        return str(unicodedata.decimal(char))
    if char == "٬" or char in _GROUPING_SPACES:
        return "_"
    return "d" if char == "٫" else char


def _split_number(marked: str) -> tuple[str, str] | None:
    """Split digits with separators (_ grouping, d decimal, . or ,) into whole and fraction."""
    separators = [char for char in marked if not char.isdigit()]
    if not separators:
        return marked, ""
    groups = re.split(r"[^0-9]", marked)
    decimal_at: int | None = None
    last = separators[-1]
    if last == "d" or (last != "_" and separators.count(last) == 1):
        others = separators[:-1]
        if last == "d" or others or len(groups[-1]) != 3 or _bad_lead(groups[0]):
            decimal_at = len(separators) - 1
    grouping = separators if decimal_at is None else separators[:decimal_at]
    if "d" in grouping or len(set(grouping)) > 1:
        return None
    whole_groups = groups if decimal_at is None else groups[: decimal_at + 1]
    if grouping and (_bad_lead(whole_groups[0]) or any(len(g) != 3 for g in whole_groups[1:])):
        return None
    fraction = "" if decimal_at is None else groups[-1]
    return "".join(whole_groups), fraction


def _bad_lead(group: str) -> bool:
    """Return True if `group` cannot open a number grouped by thousands."""
    return len(group) > 3 or group.startswith("0")
