"""Snapping an Arabic selection with the aligned translation as extra evidence for clitics.

:func:`annotator.text.arabic.snap_selection` decides on a leading و ف ب ل ك from the word, the
document and a dictionary. A name the dictionary does not know (لموسكو after "to") has one more
witness: the translation. If the selection read without its first letter(s) sounds like a name
in the aligned sentence (Moscow) clearly better than with them, the letters are clitics; if it
sounds right only with them (وادي حلفا ↔ Wadi Halfa), they belong to the name.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Final

from annotator.suggestions import phonetic_skeleton, skeleton_similarity
from annotator.text.arabic import (
    DEFAULT_PROCLITICS,
    clitic_lookalike,
    is_arabic_language,
    is_word_char,
    key_of,
    snap_selection,
)
from annotator.text.lexicon import is_word

# A reading must sound this much like a phrase of the translation, and this much more than every
# other reading. Set on the 49 NTREX names of tests/data/ntrex_arabic_names.tsv, where the right
# reading scores 0.75-1.0 and beats the next by 0.06 or more.
SOUNDS_ALIKE: Final = 0.75
MARGIN: Final = 0.05
_CONJUNCTIONS: Final = frozenset("وف")
_LATIN_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")  # France-Presse: two words


def _phrases(counterpart: str, words: int) -> list[str]:
    """Return the runs of `words` consecutive Latin words of the translation."""
    tokens = _LATIN_WORD.findall(counterpart)
    return [" ".join(tokens[k : k + words]) for k in range(len(tokens) - words + 1)]


def _likeness(reading: str, phrases: Collection[str]) -> float:
    """Return how much the reading sounds like its best phrase of the translation."""
    skeleton = phonetic_skeleton(reading)
    return max((skeleton_similarity(skeleton, phonetic_skeleton(p)) for p in phrases), default=0.0)


def snap_with_translation(
    text: str,
    start: int,
    end: int,
    lang: str,
    *,
    counterpart: str = "",
    proclitics: Collection[str] = DEFAULT_PROCLITICS,
    strip_article: bool = False,
    known_names: Collection[str] = (),
) -> tuple[int, int]:
    """Return `snap_selection`'s span, with its leading clitics decided by the translation.

    `counterpart` is the text aligned with the selection on the other side. Readings that keep
    or drop up to two leading proclitic letters of the first word are compared with its phrases
    of as many words; the clearly best-sounding reading wins, otherwise the snapped span stays.
    """
    snapped = snap_selection(
        text,
        start,
        end,
        lang,
        proclitics=proclitics,
        strip_article=strip_article,
        known_names=known_names,
    )
    begin, finish = snapped
    if not counterpart or not is_arabic_language(lang) or begin == finish:
        return snapped
    word_start = begin
    while word_start > 0 and is_word_char(text[word_start - 1]):
        word_start -= 1
    starts = _clitic_starts(text, word_start, finish, frozenset("".join(proclitics)))
    first_word = key_of(text[word_start:finish].split()[0])[0]
    if begin == word_start and (is_word(first_word) or clitic_lookalike(first_word)):
        return snapped  # a dictionary word (وزيرا) keeps its letters, whatever it sounds like
    if len(starts) == 1:
        return snapped
    words = len(text[begin:finish].split())
    phrases = _phrases(counterpart, words)
    if not phrases:
        return snapped
    scores = {s: _likeness(text[s:finish], phrases) for s in starts}
    best = max(scores, key=lambda s: scores[s])
    runner_up = max((v for s, v in scores.items() if s != best), default=0.0)
    if best != begin and scores[best] >= SOUNDS_ALIKE and scores[best] - runner_up >= MARGIN:
        return best, finish
    return snapped


def _clitic_starts(text: str, word_start: int, end: int, proclitics: frozenset[str]) -> list[int]:
    """Return where the word may start: as written, after a clitic, after و/ف + ب/ل/ك.

    Every reading keeps at least three characters.
    """
    starts = [word_start]
    first = text[word_start]
    if first in proclitics and word_start + 4 <= end:
        starts.append(word_start + 1)
        second = text[word_start + 1]
        inner = proclitics - _CONJUNCTIONS
        if first in _CONJUNCTIONS and second in inner and word_start + 5 <= end:
            starts.append(word_start + 2)
    return starts
