"""Counterpart suggestions: where a mention tagged on one side probably is on the other side.

Three signals, searched only inside the window (the aligned sentences) and ranked best first:

- "linked before": a counterpart already linked to the same name in the project (score 1.0);
- "same number": a number equal to one in the mention, whatever the digits and grouping (0.95 if
  the mention is only the number, else 0.8);
- "transliteration": words whose sound skeleton is close to the mention's (0.9 × similarity).

Sound skeletons (:func:`phonetic_skeleton`) map Arabic letters and English spellings to one
alphabet of consonant classes (B P F M N L R T D S Z C=sh J K G X=kh H W Y) plus V for any vowel,
long vowel, hamza or ain; repeats collapse, so "Gallant" and غالانت both give GVLVNT. Similarity
(:func:`skeleton_similarity`) is one minus a weighted edit distance over the larger weight: vowels
cost little to insert or drop (Arabic omits short vowels), close classes (T/D, S/Z, G/J, K/X…) cost
half. Arabic candidates are tried without proclitics, article and plural or nisba endings, English
ones without a plural s; each stripped ending lowers the similarity a little, so the bare name wins
a tie. A candidate must not start or end with a lowercase letter or a function word.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from annotator.errors import InputError
from annotator.text.arabic import (
    DEFAULT_PROCLITICS,
    clitic_lookalike,
    is_arabic_language,
    is_word_char,
    key_of,
    proclitic_prefixes,
)
from annotator.text.matching import NUMBER_TOKEN_RE, find_occurrences, normalize_number

__all__ = [
    "LINKED_BEFORE",
    "SAME_NUMBER",
    "TRANSLITERATION",
    "TRANSLITERATION_THRESHOLD",
    "Suggestion",
    "build_known_links",
    "phonetic_skeleton",
    "skeleton_similarity",
    "suggest_counterparts",
]

LINKED_BEFORE: Final = "linked before"
SAME_NUMBER: Final = "same number"
TRANSLITERATION: Final = "transliteration"
TRANSLITERATION_THRESHOLD: Final = 0.78

_LINKED_SCORE: Final = 1.0
_NUMBER_SCORE: Final = 0.95
_NUMBER_IN_MENTION_SCORE: Final = 0.8
_TRANSLITERATION_WEIGHT: Final = 0.9
_AFFIX_PENALTY: Final = 0.05
_ARTICLE_PENALTY: Final = 0.02
_MAX_WORDS: Final = 4
_HEAD_TOLERANCE: Final = 0.6

_VOWEL: Final = "V"
_ARABIC_CLASSES: Final[dict[str, str]] = {
    "ب": "B", "پ": "P", "ف": "F", "ڤ": "F", "م": "M", "ن": "N", "ل": "L", "ر": "R",
    "ت": "T", "ط": "T", "ث": "T", "د": "D", "ض": "D", "ذ": "Z", "ظ": "Z", "ز": "Z",
    "س": "S", "ص": "S", "ش": "C", "ژ": "J", "ج": "J", "چ": "TC", "ك": "K", "ک": "K", "ق": "K",
    "غ": "G", "گ": "G", "ه": "H", "ح": "H", "خ": "X",
    "ع": "V", "ء": "V", "أ": "V", "إ": "V", "آ": "V", "ٱ": "V", "ئ": "V", "ؤ": "V", "ا": "V",
    "ى": "V", "ة": "V",
}  # fmt: skip
_ARABIC_SEMIVOWELS: Final = {"و": "W", "ي": "Y", "ی": "Y"}
_LATIN_DIGRAPHS: Final[dict[str, str]] = {
    "sh": "C", "ch": "TC", "th": "T", "ph": "F", "kh": "X", "gh": "G", "ck": "K", "qu": "K",
    "dh": "D", "zh": "J",
}  # fmt: skip
_LATIN_CLASSES: Final[dict[str, str]] = {
    "b": "B", "p": "P", "f": "F", "v": "F", "m": "M", "n": "N", "l": "L", "r": "R", "t": "T",
    "d": "D", "s": "S", "z": "Z", "k": "K", "q": "K", "g": "G", "j": "J", "h": "H", "x": "KS",
    "a": "V", "e": "V", "i": "V", "o": "V", "u": "V",
}  # fmt: skip
_INDEL_COST: Final[dict[str, float]] = {"V": 0.2, "W": 0.5, "Y": 0.5, "H": 0.6}
_CLOSE_CLASSES: Final[dict[frozenset[str], float]] = {
    frozenset(pair): cost
    for pair, cost in (
        ("TD", 0.5), ("SZ", 0.4), ("SC", 0.4), ("ZJ", 0.5), ("ZD", 0.5), ("GJ", 0.3), ("KG", 0.5),
        ("KX", 0.4), ("XH", 0.4), ("GX", 0.5), ("BF", 0.6), ("PB", 0.3), ("PF", 0.3), ("FW", 0.6),
        ("WV", 0.3), ("YV", 0.3), ("HV", 0.5), ("CJ", 0.5),
    )
}  # fmt: skip
_ARABIC_ENDINGS: Final = ("يين", "يون", "ين", "ون", "يه", "ات", "ي", "ه")  # on search keys
_FUNCTION_WORDS: Final = frozenset(
    key_of(word)[0]
    for word in (
        "the", "a", "an", "in", "on", "at", "of", "and", "or", "but", "to", "for", "with", "by",
        "as", "it", "its", "this", "that", "these", "those", "he", "she", "they", "we", "from",
        "في", "من", "على", "إلى", "عن", "مع", "أن", "إن", "التي", "الذي", "الذين", "لا", "ما",
        "بين", "أو", "ثم", "قد", "كان", "هذا", "هذه", "ذلك", "بعد", "قبل", "حتى", "منذ",
    )
)  # fmt: skip
_REPEAT_RE: Final = re.compile(r"(.)\1+")
_GAP_RE: Final = re.compile(r"[^\S\r\n]*[-‐‑]?[^\S\r\n]*")


@dataclass(frozen=True)
class Suggestion:
    """A span of the target text proposed as the counterpart of a mention, and why."""

    start: int
    end: int
    surface: str
    label: str
    reason: str
    score: float
    mention_id: int | None = None  # an existing mention of the span: link it instead of tagging


@dataclass(frozen=True)
class _Token:
    """A word of a text: its span and search key, and its key-to-text index map."""

    start: int
    end: int
    text: str
    key: str
    index: tuple[int, ...]


@dataclass(frozen=True)
class _Variant:
    """One reading of a word or phrase: where its span starts, its skeleton and its penalty."""

    start: int
    skeleton: str
    penalty: float


def build_known_links(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """Return the `known_links` mapping for linked (surface, counterpart) pairs, both directions."""
    links: dict[str, set[str]] = {}
    for left, right in pairs:
        links.setdefault(_surface_key(left), set()).add(right)
        links.setdefault(_surface_key(right), set()).add(left)
    return links


def _surface_key(surface: str) -> str:
    """Return the search key of a surface with its spaces collapsed."""
    return " ".join(key_of(surface)[0].split())


def suggest_counterparts(
    mention_surface: str,
    mention_label: str,
    source_lang: str,
    target_text: str,
    target_lang: str,
    window: tuple[int, int],
    known_links: Mapping[str, Collection[str]],
    *,
    proclitics: Collection[str] = DEFAULT_PROCLITICS,
    strip_article: bool = False,
    threshold: float = TRANSLITERATION_THRESHOLD,
) -> list[Suggestion]:
    """Return counterparts of a mention found inside `window` of `target_text`, best first.

    `known_links` maps the search key of a surface (spaces collapsed, see
    :func:`build_known_links`) to the surfaces it was linked to. Overlapping suggestions keep the
    best; a transliteration needs `threshold` similarity. Spans follow the snapping rules: no
    proclitics, and no article only with `strip_article`.
    """
    start, end = window
    if not 0 <= start <= end <= len(target_text):
        raise InputError(f"window {start}–{end} is outside the text (length {len(target_text)})")
    found: list[Suggestion] = []
    found += _linked(mention_surface, target_text, target_lang, window, known_links, proclitics,
                     strip_article)  # fmt: skip
    found += _numbers(mention_surface, target_text, window)
    if any(char.isalpha() for char in mention_surface):
        found += _transliterations(
            mention_surface, source_lang, target_text, target_lang, window, proclitics,
            strip_article, threshold,
        )  # fmt: skip
    return _best_without_overlap(found, mention_label, target_text)


def _linked(
    mention: str,
    text: str,
    lang: str,
    window: tuple[int, int],
    known_links: Mapping[str, Collection[str]],
    proclitics: Collection[str],
    strip_article: bool,
) -> list[Suggestion]:
    """Return the occurrences in the window of every surface already linked to the mention."""
    start, end = window
    window_text = text[start:end]
    found = []
    for counterpart in known_links.get(_surface_key(mention), ()):
        spans = find_occurrences(
            window_text, counterpart, lang, proclitics=proclitics, strip_article=strip_article
        )
        for begin, finish in spans:
            if _whole_in_window(text, window, start + begin, start + finish):
                found.append(_raw(start + begin, start + finish, LINKED_BEFORE, _LINKED_SCORE))
    return found


def _numbers(mention: str, text: str, window: tuple[int, int]) -> list[Suggestion]:
    """Return the numbers in the window equal to a number of the mention."""
    tokens = [match.group() for match in NUMBER_TOKEN_RE.finditer(mention)]
    wanted = {normalize_number(token) for token in tokens} - {None}
    if not wanted:
        return []
    score = _NUMBER_SCORE if tokens == [mention.strip()] else _NUMBER_IN_MENTION_SCORE
    found = []
    for match in NUMBER_TOKEN_RE.finditer(text, *window):
        begin, finish = match.span()
        if normalize_number(match.group()) in wanted and _whole_in_window(
            text, window, begin, finish
        ):
            found.append(_raw(begin, finish, SAME_NUMBER, score))
    return found


def _raw(start: int, end: int, reason: str, score: float) -> Suggestion:
    """Return a suggestion whose surface and label are filled in at the end."""
    return Suggestion(start, end, "", "", reason, score)


def _whole_in_window(text: str, window: tuple[int, int], start: int, end: int) -> bool:
    """Return False if the span runs into a word cut by an edge of the window."""
    if start == window[0] and start > 0 and is_word_char(text[start - 1]):
        return False
    return not (end == window[1] and end < len(text) and is_word_char(text[end]))


def _best_without_overlap(found: list[Suggestion], label: str, text: str) -> list[Suggestion]:
    """Keep the best of overlapping suggestions; return them best first, then in text order."""
    kept: list[Suggestion] = []
    for item in sorted(found, key=lambda s: (-s.score, s.start, s.end)):
        if all(item.end <= other.start or other.end <= item.start for other in kept):
            kept.append(item)
    return [
        Suggestion(s.start, s.end, text[s.start : s.end], label, s.reason, round(s.score, 4))
        for s in kept
    ]


def _tokens(text: str, start: int, end: int) -> list[_Token]:
    """Return the words of text[start:end] that contain a letter, cut words excluded."""
    tokens = []
    pos = start
    while pos < end:
        if not is_word_char(text[pos]):
            pos += 1
            continue
        begin = pos
        while pos < end and is_word_char(text[pos]):
            pos += 1
        cut = (begin == start and begin > 0 and is_word_char(text[begin - 1])) or (
            pos == end and pos < len(text) and is_word_char(text[pos])
        )
        word = text[begin:pos]
        if not cut and any(char.isalpha() for char in word):
            key, index = key_of(word)
            tokens.append(_Token(begin, pos, word, key, index))
    return tokens


def phonetic_skeleton(text: str) -> str:
    """Return the sound skeleton of `text` (Arabic or Latin script words, concatenated)."""
    pos = 0
    parts = []
    while pos < len(text):
        if not is_word_char(text[pos]):
            pos += 1
            continue
        begin = pos
        while pos < len(text) and is_word_char(text[pos]):
            pos += 1
        parts.append(_word_skeleton(text[begin:pos]))
    return _collapse("".join(parts))


def _word_skeleton(word: str) -> str:
    """Return the skeleton of one word, read as Arabic or as Latin by its first letter."""
    letters = [char for char in word if char.isalpha() and char != "\u0640"]
    if not letters:
        return ""
    if not _is_arabic(letters[0]):
        return _collapse(_latin_skeleton(word))
    symbols = [_arabic_symbol(char) for char in letters]
    return _collapse(symbols[0][0] + "".join(inside for _, inside in symbols[1:]))


def _arabic_symbol(char: str) -> tuple[str, str]:
    """Return the skeleton symbol of an Arabic letter at the start of a word and inside one."""
    semivowel = _ARABIC_SEMIVOWELS.get(char)
    if semivowel is not None:
        return semivowel, _VOWEL
    symbol = _ARABIC_CLASSES.get(char) or _LATIN_CLASSES.get(char.lower(), "")
    return symbol, symbol


def _latin_skeleton(word: str) -> str:
    """Return the skeleton of a Latin-script word from its English-like spelling."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    plain = "".join(char for char in decomposed if char.isalpha() and char.isascii())
    out = []
    pos = 0
    while pos < len(plain):
        digraph = _LATIN_DIGRAPHS.get(plain[pos : pos + 2])
        if digraph is not None:
            out.append(digraph)
            pos += 2
            continue
        char = plain[pos]
        following = plain[pos + 1 : pos + 2]
        if char in "yw":
            out.append(("Y" if char == "y" else "W") if pos == 0 else _VOWEL)
        elif char == "c":
            out.append("S" if following and following in "eiy" else "K")
        else:
            out.append(_LATIN_CLASSES.get(char, ""))
        pos += 1
    return "".join(out)


def _collapse(skeleton: str) -> str:
    """Return `skeleton` with runs of one symbol written once."""
    return _REPEAT_RE.sub(r"\1", skeleton)


def _weight(skeleton: str) -> float:
    """Return the cost of writing `skeleton` from nothing."""
    return sum(_INDEL_COST.get(char, 1.0) for char in skeleton)


def _substitution(a: str, b: str) -> float:
    """Return the cost of reading class `a` as class `b`."""
    if a == b:
        return 0.0
    return _CLOSE_CLASSES.get(frozenset((a, b)), 1.0)


def skeleton_similarity(a: str, b: str, *, floor: float = 0.0) -> float:
    """Return 1 − weighted edit distance / larger weight of two skeletons, in [0, 1].

    Any value below `floor` may come back as 0.0 (the computation stops early).
    """
    weight_a, weight_b = _weight(a), _weight(b)
    largest = max(weight_a, weight_b)
    # Every edit changes the weight difference by at most its cost: a cheap upper bound first.
    if largest == 0 or min(weight_a, weight_b) / largest < floor:
        return 0.0
    budget = (1.0 - floor) * largest
    insert_b = [_INDEL_COST.get(char, 1.0) for char in b]
    previous = [0.0]
    for cost in insert_b:
        previous.append(previous[-1] + cost)
    for char_a in a:
        drop_a = _INDEL_COST.get(char_a, 1.0)
        current = [previous[0] + drop_a]
        for column, char_b in enumerate(b, start=1):
            current.append(
                min(
                    previous[column] + drop_a,
                    current[column - 1] + insert_b[column - 1],
                    previous[column - 1] + _substitution(char_a, char_b),
                )
            )
        if min(current) > budget:
            return 0.0
        previous = current
    return max(0.0, 1.0 - previous[-1] / largest)


def _first_consonant(skeleton: str) -> str:
    """Return the first symbol of `skeleton` that is not a vowel, or ""."""
    return skeleton.lstrip(_VOWEL)[:1]


def _arabic_variants(
    token: _Token, prefixes: frozenset[str], strip_article: bool, first: bool, last: bool
) -> list[_Variant]:
    """Return the readings of an Arabic word, each ending or article dropped costing a penalty.

    A first word loses its proclitics and article, a last word its plural or nisba endings; a
    variant starts where its span would (after the proclitics, after the article if stripped).
    """
    key = token.key
    initials, symbols = _arabic_symbols(token)
    starts = [0]
    if first and not clitic_lookalike(key):
        starts += [len(p) for p in prefixes if key.startswith(p) and len(key) > len(p) + 1]
    ends = [(len(key), 0.0)]
    if last:
        ends += [(len(key) - len(e), _AFFIX_PENALTY) for e in _ARABIC_ENDINGS if key.endswith(e)]
    variants = []
    for key_start in starts:
        bodies = [(key_start, 0.0)]
        if first and key.startswith("ال", key_start) and len(key) - key_start >= 4:
            bodies.append((key_start + 2, _ARTICLE_PENALTY))
        for body, penalty in bodies:
            span_start = token.start + token.index[body if strip_article else key_start]
            variants += [
                _Variant(span_start, _collapse(initials[body] + "".join(symbols[body + 1 : end])),
                         penalty + end_penalty)
                for end, end_penalty in ends
                if end - body >= 2 or end == len(key)
            ]  # fmt: skip
    return variants


def _arabic_symbols(token: _Token) -> tuple[list[str], list[str]]:
    """Return each key character's skeleton symbol at the start of a word, and inside one."""
    pairs = [_arabic_symbol(token.text[position]) for position in token.index]
    return [initial for initial, _ in pairs], [inside for _, inside in pairs]


def _latin_variants(token: _Token, last: bool) -> list[_Variant]:
    """Return the readings of a Latin-script word: as written, and without a plural s if last."""
    variants = [_Variant(token.start, _word_skeleton(token.text), 0.0)]
    key = token.key
    if last and len(key) > 3 and key.endswith("s") and key[-2] not in "aosu":
        variants.append(_Variant(token.start, _word_skeleton(token.text[:-1]), _AFFIX_PENALTY))
    return variants


class _Readings:
    """The readings of the words of a text, computed once per word and role in a phrase."""

    def __init__(
        self, tokens: list[_Token], arabic: bool, prefixes: frozenset[str], strip_article: bool
    ) -> None:
        self.tokens = tokens
        self.arabic = arabic
        self.prefixes = prefixes
        self.strip_article = strip_article
        self._cache: dict[tuple[int, bool, bool], list[_Variant]] = {}

    def word(self, position: int, first: bool, last: bool) -> list[_Variant]:
        """Return the readings of the word at `position` as a first and/or last word."""
        cache_key = (position, first, last)
        if cache_key not in self._cache:
            token = self.tokens[position]
            if not (self.arabic and _is_arabic(token.text)):
                variants = _latin_variants(token, last)
            elif not first and not last:
                variants = [_Variant(token.start, _word_skeleton(token.text), 0.0)]
            else:
                variants = _arabic_variants(token, self.prefixes, self.strip_article, first, last)
            self._cache[cache_key] = variants
        return self._cache[cache_key]

    def phrase(self, begin: int, count: int) -> list[_Variant]:
        """Return the readings of `count` words from `begin`: head readings × tail readings."""
        if count == 1:
            return self.word(begin, True, True)
        middle = "".join(
            self.word(position, False, False)[0].skeleton
            for position in range(begin + 1, begin + count - 1)
        )
        return [
            _Variant(head.start, _collapse(head.skeleton + middle + tail.skeleton),
                     head.penalty + tail.penalty)
            for head in self.word(begin, True, False)
            for tail in self.word(begin + count - 1, False, True)
        ]  # fmt: skip


class _Scorer:
    """Similarity of candidate skeletons to the mention's readings, cached per skeleton."""

    def __init__(self, mention: list[_Variant], threshold: float) -> None:
        self.mention = mention
        self.threshold = threshold
        self.heads = frozenset(_first_consonant(wanted.skeleton) for wanted in mention)
        self._cache: dict[str, float] = {}

    def may_start(self, skeletons: Iterable[str]) -> bool:
        """Return True if one of the skeletons starts like a mention reading (see `score`)."""
        firsts = {_first_consonant(skeleton) for skeleton in skeletons}
        pairs = itertools.product(firsts, self.heads)
        return "" in firsts or any(_close_heads(first, head) for first, head in pairs)

    def score(self, skeleton: str) -> float:
        """Return the best similarity of `skeleton` to a mention reading, minus its penalty."""
        if skeleton not in self._cache:
            best = 0.0
            first = _first_consonant(skeleton)
            for wanted in self.mention:
                # Transliteration keeps the first consonant, or a close one: skip the rest.
                if not _close_heads(first, _first_consonant(wanted.skeleton)):
                    continue
                similarity = skeleton_similarity(wanted.skeleton, skeleton, floor=self.threshold)
                best = max(best, similarity - wanted.penalty)
            self._cache[skeleton] = best
        return self._cache[skeleton]


def _close_heads(a: str, b: str) -> bool:
    """Return True if two first consonants may transliterate each other."""
    return _substitution(a, b) <= _HEAD_TOLERANCE


def _mention_variants(mention: str, lang: str) -> tuple[list[_Variant], int]:
    """Return the readings of the mention (no "the", possessive, clitics…) and its word count."""
    text = re.sub(r"['’]s$", "", mention.strip())
    tokens = _tokens(text, 0, len(text))
    if tokens and tokens[0].key == "the" and len(tokens) > 1:
        tokens = tokens[1:]
    if not tokens:
        return [], 0
    arabic = is_arabic_language(lang) or any(_is_arabic(token.text) for token in tokens)
    prefixes = proclitic_prefixes(DEFAULT_PROCLITICS, True) if arabic else frozenset()
    readings = _Readings(tokens, arabic, prefixes, strip_article=False)
    return [v for v in readings.phrase(0, len(tokens)) if v.skeleton], len(tokens)


def _is_arabic(text: str) -> bool:
    """Return True if `text` holds an Arabic letter."""
    return any("\u0600" <= char <= "\u06ff" for char in text)


def _transliterations(
    mention: str,
    source_lang: str,
    text: str,
    target_lang: str,
    window: tuple[int, int],
    proclitics: Collection[str],
    strip_article: bool,
    threshold: float,
) -> list[Suggestion]:
    """Return the phrases of the window whose skeleton is close to the mention's."""
    mention_variants, size = _mention_variants(mention, source_lang)
    if not mention_variants:
        return []
    scorer = _Scorer(mention_variants, threshold)
    tokens = _tokens(text, *window)
    arabic = is_arabic_language(target_lang)
    prefixes = proclitic_prefixes(proclitics, strip_article=False) if arabic else frozenset()
    readings = _Readings(tokens, arabic, prefixes, strip_article)
    found = []
    counts = range(max(1, size - 1), min(size + 1, _MAX_WORDS) + 1)
    for begin in range(len(tokens)):
        heads = [v.skeleton for v in readings.word(begin, True, False)]
        if not scorer.may_start(heads):
            continue
        for count in counts:
            if begin + count > len(tokens) or not _plausible(tokens[begin : begin + count], text):
                continue
            best, best_start = 0.0, tokens[begin].start
            for variant in readings.phrase(begin, count):
                score = scorer.score(variant.skeleton) - variant.penalty
                if score > best:
                    best, best_start = score, variant.start
            if best >= threshold:
                end = tokens[begin + count - 1].end
                found.append(_raw(best_start, end, TRANSLITERATION, _TRANSLITERATION_WEIGHT * best))
    return found


def _plausible(phrase: list[_Token], text: str) -> bool:
    """Return True if the words can form a name: one line, no lowercase or function word edges."""
    for edge in (phrase[0], phrase[-1]):
        if edge.text[0].islower() or edge.key in _FUNCTION_WORDS:
            return False
    return all(
        _GAP_RE.fullmatch(text, before.end, after.start) is not None
        for before, after in itertools.pairwise(phrase)
    )
