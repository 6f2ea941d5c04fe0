"""Paragraph and sentence segmentation with exact code-point offsets, for Arabic and Latin scripts.

Own rules rather than a library, chosen by measurement (tests/bench/bench_segmentation.py, NTREX
en–ar, boundary F1): pysbd 0.894 en / 0.524 ar (it cuts at Arabic commas: 24 pieces for the 9
Arabic seed sentences), sentencex 0.908 en / 0.873 ar (it emits blank separators as sentences and
will not cut inside a quotation left open, as news paragraphs often leave them), these rules 0.998
en / 0.994 ar. Neither library gives offsets or respects our paragraphs.

Rules: ``.``, ``!``, ``?``, ``؟``, ``…`` (and CJK stops) end a sentence when whitespace follows,
after any closing quotes, brackets or bidi marks; ``،`` and ``؛`` never do. After ``?`` or ``!`` a
lowercase word continues the sentence ("Why?" he asked). A period after an ordinary word ends the
sentence even before a lowercase word; after a known abbreviation, an initial or a number the next
word decides (see :mod:`annotator.text.segmentation_rules`). Paragraphs are never crossed.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence

from annotator.text.segmentation_rules import RULES, RuleSet, rules_for

Span = tuple[int, int]

SUPPORTED_LANGUAGES: frozenset[str] = frozenset(RULES)

_TERMINAL_RUN = re.compile(r"[.!?؟…‼⁇⁈⁉۔。！？]+")
_NO_SPACE_NEEDED = frozenset("。！？")
# LRM, RLM, ALM and the embedding/isolate controls may trail a sentence end like a closing quote.
_BIDI_CONTROLS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_CLOSERS = frozenset("\"'”’“‘»«›‹)]}〉》」』" + _BIDI_CONTROLS)
# Punctuation and format characters (bidi marks) before the next word say nothing about its case.
_SKIPPED_BEFORE_WORD = frozenset(("Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Cf"))
_SPACES_BEFORE_GUILLEMET = frozenset(" \u00a0\u202f")
_OMISSION_OPENERS = frozenset("([")
_OMISSION_CLOSERS = frozenset(")]")
_INITIALISM = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")
_NUMBER = re.compile(r"\d[\d.,٫٬]*")
_ROMAN = re.compile(r"[IVXLC]{2,}")


def _strip(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _lines(text: str) -> list[Span]:
    spans: list[Span] = []
    start = 0
    while True:
        newline = text.find("\n", start)
        if newline < 0:
            spans.append((start, len(text)))
            return spans
        spans.append((start, newline))
        start = newline + 1


def paragraph_spans(text: str) -> list[Span]:
    """Paragraphs, stripped of surrounding whitespace, split at blank lines, else one per line.

    Only blank lines that lie between two non-blank lines count: leading or trailing blank lines
    separate nothing and do not switch a one-paragraph-per-line text to blank-line mode.
    """
    lines = line_spans(text)
    filled = [start < end for start, end in lines]
    if not _blank_between(filled):
        return [span for span, full in zip(lines, filled, strict=True) if full]
    paragraphs: list[Span] = []
    current: Span | None = None
    for span, full in zip(lines, filled, strict=True):
        if full:
            current = span if current is None else (current[0], span[1])
        elif current is not None:
            paragraphs.append(current)
            current = None
    if current is not None:
        paragraphs.append(current)
    return paragraphs


def _blank_between(filled: Sequence[bool]) -> bool:
    """Whether an unfilled line lies between two filled ones."""
    if True not in filled:
        return False
    first = filled.index(True)
    last = len(filled) - 1 - filled[::-1].index(True)
    return not all(filled[first : last + 1])


def has_blank_line_paragraphs(text: str) -> bool:
    """Whether a blank line separates two non-blank lines somewhere in the text."""
    return _blank_between([start < end for start, end in line_spans(text)])


def line_spans(text: str) -> list[Span]:
    """Every line of the text, stripped (blank lines give empty spans)."""
    return [_strip(text, start, end) for start, end in _lines(text)]


def paragraph_numbers(text: str, sentences: Sequence[Span]) -> list[int] | None:
    """Return per sentence the index of its paragraph, or None where the text has no paragraphs.

    Paragraphs are a signal only where they are real: blank lines mark them; in a text without
    blank lines, the lines are paragraphs only where they visibly hold more than one sentence
    (at least a quarter of them do). A one-sentence-per-line file without blank lines has no
    paragraph information, nor has a text whose every paragraph is one sentence (a break after
    every sentence says nothing about which sentences belong together): None.
    """
    spans = paragraph_spans(text)
    starts = [start for start, _ in spans]
    numbers = [max(0, bisect_right(starts, start) - 1) for start, _ in sentences]
    per_paragraph = [0] * len(spans)
    for number in numbers:
        per_paragraph[number] += 1
    grouped = sum(1 for count in per_paragraph if count > 1)
    if grouped == 0:
        return None
    if not has_blank_line_paragraphs(text) and 4 * grouped < len(spans):
        return None
    return numbers


def line_sentences(text: str) -> list[Span]:
    """Pre-segmented input: every non-blank line is one sentence (stripped)."""
    return [(start, end) for start, end in line_spans(text) if start < end]


def sentences_of(text: str, lang: str, presegmented: bool) -> list[Span]:
    """Return the sentences as the user asked: the lines of a presegmented text, else our rules."""
    return line_sentences(text) if presegmented else split_sentences(text, lang)


def split_sentences(text: str, lang: str) -> list[Span]:
    """Sentence spans in order, each stripped, never empty, never crossing a paragraph boundary."""
    rules = rules_for(lang)
    sentences: list[Span] = []
    for start, end in paragraph_spans(text):
        cut_from = start
        for cut in _cuts(text, start, end, rules):
            sentences.append(_strip(text, cut_from, cut))
            cut_from = cut
        sentences.append(_strip(text, cut_from, end))
    return [(start, end) for start, end in sentences if start < end]


def _is_content(char: str) -> bool:
    """Whether a character is neither punctuation, whitespace nor a control or format mark."""
    return unicodedata.category(char)[0] not in "PZC"


def _cuts(text: str, start: int, end: int, rules: RuleSet) -> list[int]:
    """Offsets inside the paragraph text[start:end] where one sentence ends and the next begins."""
    cuts: list[int] = []
    # A sentence needs content before its end: "… Then" at a paragraph start is not two sentences.
    # The scan resumes where it stopped, so long runs of punctuation stay linear.
    scanned = start
    has_content = False
    for match in _TERMINAL_RUN.finditer(text, start, end):
        run_start, run_end = match.span()
        if not has_content:
            has_content = any(_is_content(char) for char in text[scanned:run_start])
            scanned = max(scanned, run_start)
        pos = _skip_closers(text, run_end, end, rules)
        if pos < end and not text[pos].isspace() and text[pos - 1] not in _NO_SPACE_NEEDED:
            continue
        following = pos
        while following < end and text[following].isspace():
            following += 1
        if following >= end or not has_content:
            continue
        if _is_omission(text, start, run_start, run_end, pos):
            continue
        if _ends_sentence(text, match.group(), run_start, pos > run_end, following, end, rules):
            cuts.append(pos)
            scanned = following
            has_content = False
    return cuts


def _skip_closers(text: str, pos: int, end: int, rules: RuleSet) -> int:
    """Move past closing quotes and brackets right after a terminal run."""
    while pos < end:
        if text[pos] in _CLOSERS:
            pos += 1
            continue
        if rules.spaced_guillemets and text[pos] in _SPACES_BEFORE_GUILLEMET:
            after = pos
            while after < end and text[after] in _SPACES_BEFORE_GUILLEMET:
                after += 1
            if after < end and text[after] in "»›":
                pos = after + 1
                continue
        break
    return pos


def _is_omission(text: str, start: int, run_start: int, run_end: int, pos: int) -> bool:
    """Whether the run is a bracketed omission such as (...) or […]."""
    return (
        run_start > start
        and text[run_start - 1] in _OMISSION_OPENERS
        and run_end < pos
        and text[run_end] in _OMISSION_CLOSERS
    )


def _next_word(text: str, pos: int, end: int) -> tuple[str, str, int]:
    """Classify what follows a boundary candidate: (kind, word, word end).

    The kind is one of lower, upper, uncased (a script without case), digit or other.
    """
    while pos < end and unicodedata.category(text[pos]) in _SKIPPED_BEFORE_WORD:
        pos += 1
    if pos >= end:
        return "other", "", pos
    char = text[pos]
    if char.isdecimal():
        kind = "digit"
    elif not char.isalpha():
        kind = "other"
    elif char.islower():
        kind = "lower"
    elif char.isupper() or char.istitle():
        kind = "upper"
    else:
        kind = "uncased"
    word_end = pos
    while word_end < end and text[word_end].isalpha():
        word_end += 1
    return kind, text[pos:word_end], word_end


def _previous_token(text: str, run_start: int) -> str:
    """Return the whitespace-delimited token before a terminal run, without quotes or brackets."""
    token_start = run_start
    while token_start > 0 and not text[token_start - 1].isspace():
        token_start -= 1
    token = text[token_start:run_start]
    while token and unicodedata.category(token[0]) in _SKIPPED_BEFORE_WORD:
        token = token[1:]
    while token and token[-1] in _CLOSERS:
        token = token[:-1]
    return token


def _ends_sentence(
    text: str, run: str, run_start: int, closed: bool, following: int, end: int, rules: RuleSet
) -> bool:
    """Decide one candidate: a terminal run, maybe closed by quotes, with more text after it."""
    kind, word, word_end = _next_word(text, following, end)
    if any(char not in ".…" for char in run):
        return kind != "lower"
    if run != ".":
        return kind in ("upper", "uncased", "other")
    if closed and kind == "lower":
        return False
    token = _previous_token(text, run_start)
    if not token:
        return True
    if token in rules.prefix:
        return False
    if token in rules.before_number:
        return kind != "digit"
    if _NUMBER.fullmatch(token):
        if kind in ("lower", "digit"):
            return False
        return not rules.dotted_ordinals or _starts_sentence(text, kind, word, word_end, rules)
    if rules.dotted_ordinals and _ROMAN.fullmatch(token):
        return _starts_sentence(text, kind, word, word_end, rules)
    if (
        token in rules.terminal_capable
        or _INITIALISM.fullmatch(token)
        or (len(token) == 1 and token.isupper())
    ):
        return _starts_sentence(text, kind, word, word_end, rules)
    return True


def _starts_sentence(text: str, kind: str, word: str, word_end: int, rules: RuleSet) -> bool:
    """Whether the next word, after an abbreviation or initial, looks like a sentence opening."""
    if kind == "uncased":
        return True
    if kind != "upper":
        return False
    # "J. A. Smith": a capital letter followed by a period is another initial, not "A" the article.
    if len(word) == 1 and text[word_end : word_end + 1] == ".":
        return False
    return word in rules.starters
