"""Arabic-aware search keys and selection snapping: diacritics, letter variants, proclitics.

The search key (:func:`normalize_for_matching`) is for matching and search only; stored text never
changes. Snapping (:func:`snap_selection`) first grows or trims a selection to whole words, then,
for Arabic, drops the proclitics attached to the first word (و ف then ب ل ك, optionally ال).

Clitic heuristic. A leading clitic letter is only dropped with evidence that it is not the first
letter of the word; lacking evidence the word is kept whole, because cutting a real letter off a
name (لويد → ويد) is worse than leaving a clitic the annotator can see. Evidence, first that
applies:

1. the rest equals a name already tagged (``known_names``) → strip;
2. the whole word is in a small list of words that begin with a clitic letter (وزير, وزارة,
   واشنطن, بالغ, والد…) → keep; so is a word the Arabic dictionary (:mod:`annotator.text.lexicon`)
   knows whole but not without its first letter (وادي);
3. the rest starts with hamza on alef (أ إ آ: وإسرائيل, لإيران), with the article ال and at least
   two more letters (والفلسطينيين), or repeats the clitic letter (ووزير, ببيروت; not لل, which is
   also ل + the article) → strip;
4. the rest, at least three letters long, occurs elsewhere in the text as a word of its own or
   after the article (بمسار when مسار occurs) → strip;
5. the conjunction و alone, when the rest has at least three letters and does not start with a
   bare alef, except before the verbal-noun shapes است…, ان…, اـتـ… (واستهداف) → strip.

Measured on 46 seed words that start with a clitic letter (the table in
tests/test_arabic.py): 38 snap as an annotator wants. The 8 misses all keep a clitic ب or ل before
a word with no other sign of it (لفرانس, بحسب, لمناقشة, لخيارات, بموجبه, بوتيرة, لحل, لمرحلة);
none cuts a letter off a word. لفرانس برس snaps right once فرانس برس is a known name. Other known
misses: a bare-alef word after و in texts that drop the hamza (واكد) unless the rest occurs
elsewhere; an unlisted name shaped like و + verbal noun (واتفورد) loses its و; للبنان with
``strip_article`` becomes بنان unless لبنان occurs in the text.

Names the text gives no sign of (لموسكو, لترامب) are settled by the aligned translation, in
:mod:`annotator.snapping`, which the window uses.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from functools import lru_cache
from typing import Final

from annotator.errors import InputError
from annotator.text.lexicon import is_word

__all__ = [
    "ARABIC_LANGUAGES",
    "DEFAULT_PROCLITICS",
    "NUMBER_JOINERS",
    "clitic_lookalike",
    "is_arabic_language",
    "is_word_char",
    "key_of",
    "matching_key",
    "normalize_for_matching",
    "proclitic_prefixes",
    "snap_selection",
]

DEFAULT_PROCLITICS: Final = ("و", "ف", "ب", "ل", "ك")
ARABIC_LANGUAGES: Final[frozenset[str]] = frozenset(
    {"ar", "ara", "arb", "arz", "apc", "ajp", "acm", "acq", "aeb", "afb", "apd", "arq", "ary",
     "ayl", "ayp", "shu"}
)  # fmt: skip
# Between two digits these keep a number one word: 1,140 / 3.5 / ٣٫٥ / ١٬١٤٠.
NUMBER_JOINERS: Final = frozenset(",.٫٬")

_CONJUNCTIONS: Final = frozenset("وف")
_ARTICLE: Final = "ال"
_HAMZA_ALEFS: Final = frozenset("أإآ")
_BARE_ALEF: Final = "ا"

_REMOVED: Final = frozenset(
    [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670", "\u0640"]
    + [chr(c) for c in range(0x06D6, 0x06EE)]
    # Invisible joiners and bidi controls: they must not split a word in the key.
    + ["\u061c", "\u200c", "\u200d", "\u200e", "\u200f", "\ufeff"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)
_REPLACED: Final[dict[str, str]] = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه",
    "ی": "ي", "ک": "ك",  # Persian yeh and keheh typed in Arabic text
    "٫": ".", "٬": ",",  # Arabic decimal and thousands separators
}  # fmt: skip

_KEY_WORD_RE: Final = re.compile(r"[^\W_]+")


def is_arabic_language(lang: str) -> bool:
    """Return True if `lang` (BCP 47: "ar", "ar-EG", "arz") is Arabic written in Arabic script."""
    subtags = lang.strip().lower().replace("_", "-").split("-")
    scripts = [tag for tag in subtags[1:] if len(tag) == 4 and tag.isalpha()]
    return subtags[0] in ARABIC_LANGUAGES and all(tag == "arab" for tag in scripts)


def is_word_char(char: str) -> bool:
    """Return True if `char` belongs to a word: a letter, a digit or a combining mark."""
    return char.isalnum() or unicodedata.category(char)[0] == "M"


def normalize_for_matching(text: str) -> tuple[str, list[int]]:
    """Return the search key of `text` and, for each key index, the index it came from in `text`.

    The key drops Arabic diacritics (U+064B–U+065F, U+0670, U+06D6–U+06ED), tatweel, ALM, ZWNJ,
    ZWJ and bidi controls; writes أ إ آ ٱ as ا, ى as ي, ة as ه, Persian ی ک as ي ك, ٫ ٬ as . , and
    every decimal digit as an ASCII digit; casefolds the rest (ß gives two key characters that
    both map to its index). A removed character has no key index.
    """
    key, index = key_of(text)
    return key, list(index)


@lru_cache(maxsize=16)
def matching_key(text: str) -> tuple[str, tuple[int, ...]]:
    """Return :func:`normalize_for_matching` of `text` as an immutable pair, cached per text."""
    return key_of(text)


def key_of(text: str) -> tuple[str, tuple[int, ...]]:
    """Return :func:`normalize_for_matching` of `text` as an immutable pair, without caching."""
    if text.isascii():
        return text.lower(), tuple(range(len(text)))
    parts: list[str] = []
    index: list[int] = []
    for position, char in enumerate(text):
        if char in _REMOVED:
            continue
        replaced = _REPLACED.get(char)
        if replaced is None:
            if char.isascii():
                replaced = char.lower()
            elif char.isdecimal():
                replaced = str(unicodedata.decimal(char))
            else:
                replaced = char.casefold()
        parts.append(replaced)
        index.extend([position] * len(replaced))
    return "".join(parts), tuple(index)


def _expand(stems: Iterable[str], suffixes: Iterable[str]) -> frozenset[str]:
    """Return the search keys of every stem followed by every suffix."""
    suffix_list = list(suffixes)
    return frozenset(key_of(stem + suffix)[0] for stem in stems for suffix in suffix_list)


# Frequent news words whose first letter is a root letter though it looks like a clitic.
_ROOT_WORDS: Final = _expand(
    (
        "وزير", "وزار", "وزراء", "وكال", "واشنطن", "وسط", "وفق", "وقف", "وضع", "وصل", "وصول",
        "وجود", "وحد", "وطن", "وطني", "ولاي", "ولي", "وثيق", "وراء", "ورق", "وقت", "وقع", "وقائع",
        "وفد", "وفا", "وعد", "وليد", "وائل", "وادي", "وارسو", "وكيل", "واسع", "واضح", "واقع",
        "واحد", "وارد", "واجب", "وسيل", "وسائل", "وساط", "وسيط", "وقود", "وظيف", "وظائف", "وباء",
        "وصف", "ويلز", "ويليام", "وليام", "وانغ", "ووهان", "واتساب", "وتير", "والد", "والي",
        "بأس", "كأس", "فأر", "فأس", "بالغ", "بالون",
    ),
    ("", "ة", "ات", "ي", "ية", "ين", "ون", "ا", "ان", "ها", "ه", "هم"),
)  # fmt: skip


def clitic_lookalike(key: str) -> bool:
    """Return True if the word keyed `key` is a listed word whose first letter only looks clitic."""
    return key in _ROOT_WORDS


def proclitic_prefixes(proclitics: Collection[str], strip_article: bool) -> frozenset[str]:
    """Return the keys of every clitic sequence allowed before a word (و, وب, ول…; ال if asked)."""
    conjunctions, inner = _split_proclitics(proclitics)
    prefixes = {c + p for c in ("", *conjunctions) for p in ("", *inner)}
    if strip_article:
        prefixes |= {c + _ARTICLE for c in prefixes}
        if "ل" in inner:  # ل + ال is written لل
            prefixes |= {c + "لل" for c in ("", *conjunctions)}
    prefixes.discard("")
    return frozenset(prefixes)


def _split_proclitics(proclitics: Collection[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split the clitic letters into outer conjunctions (و ف) and inner ones (ب ل ك, others)."""
    for clitic in proclitics:
        if len(clitic) != 1:
            raise InputError(f"a proclitic must be one letter, got {clitic!r}")
    keys = [key_of(clitic)[0] for clitic in proclitics]
    conjunctions = tuple(k for k in keys if k in _CONJUNCTIONS)
    inner = tuple(k for k in keys if k not in _CONJUNCTIONS)
    return conjunctions, inner


@lru_cache(maxsize=8)
def _attested(text: str) -> frozenset[str]:
    """Return the key of every word of `text`, and of every word without its article."""
    words = set(_KEY_WORD_RE.findall(matching_key(text)[0]))
    words |= {w[len(_ARTICLE) :] for w in words if w.startswith(_ARTICLE) and len(w) > 4}
    return frozenset(words)


def _is_joined(text: str, pos: int) -> bool:
    """Return True if `pos` falls inside a word (between two of its characters)."""
    if pos <= 0 or pos >= len(text):
        return False
    before, after = text[pos - 1], text[pos]
    if is_word_char(before) and is_word_char(after):
        return True
    if after in NUMBER_JOINERS and before.isdecimal():
        return pos + 1 < len(text) and text[pos + 1].isdecimal()
    if before in NUMBER_JOINERS and after.isdecimal():
        return pos >= 2 and text[pos - 2].isdecimal()
    return False


def _check_range(text: str, start: int, end: int) -> None:
    """Raise InputError unless 0 <= start <= end <= len(text)."""
    if not 0 <= start <= end <= len(text):
        raise InputError(f"selection {start}–{end} is outside the text (length {len(text)})")


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim non-word characters off both ends, then grow each end that cuts a word."""
    while start < end and not is_word_char(text[start]):
        start += 1
    while end > start and not is_word_char(text[end - 1]):
        end -= 1
    while _is_joined(text, start):
        start -= 1
    while _is_joined(text, end):
        end += 1
    return start, end


# Single quotes and apostrophes (’ ') are left out: Israel’s and States’ are possessives.
_OPENERS = {"(": ")", "[": "]", "{": "}", "«": "»", "“": "”", "‹": "›"}
_CLOSERS = {closer: opener for opener, closer in _OPENERS.items()}
_SYMMETRIC_QUOTES = frozenset('"')
_SIGNS_BEFORE_NUMBER = frozenset("$€£¥₪")
_SIGNS_AFTER_NUMBER = frozenset("%٪‰")


def trim_whitespace(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the span without whitespace at either end (a mention never has any)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _unbalanced(span: str) -> tuple[list[int], list[int]]:
    """Return the offsets of openers with no closer after them and closers with no opener."""
    open_stack: list[int] = []
    orphans: list[int] = []
    quotes: dict[str, list[int]] = {}
    for k, char in enumerate(span):
        if char in _OPENERS:
            open_stack.append(k)
        elif char in _CLOSERS:
            if open_stack and span[open_stack[-1]] == _CLOSERS[char]:
                open_stack.pop()
            else:
                orphans.append(k)
        elif char in _SYMMETRIC_QUOTES:
            quotes.setdefault(char, []).append(k)
    odd = [positions[-1] for positions in quotes.values() if len(positions) % 2]
    return sorted(open_stack + odd), orphans


def balance_and_signs(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the span with its brackets and quotes paired and a number's signs kept.

    An opener whose closer lies right after the span takes the closer in ("(ABC" → "(ABC)");
    a closer whose opener lies right before it takes the opener in. A pair that cannot be
    completed is dropped with what it encloses ("Xword (ABC" without a closer → "Xword").
    Currency signs before digits and percent signs after them stay with the number.
    """
    if start < end and text[start].isdigit() and text[start - 1 : start] in _SIGNS_BEFORE_NUMBER:
        start -= 1
    if start < end and text[end - 1].isdigit() and text[end : end + 1] in _SIGNS_AFTER_NUMBER:
        end += 1
    for _ in range(4):  # each round fixes one edge; nesting deeper than that is not a name
        openers, closers = _unbalanced(text[start:end])
        if not openers and not closers:
            break
        if openers and end < len(text) and _completes(text[end], text[start + openers[-1]]):
            end += 1
        elif closers and start > 0 and _completes(text[start + closers[0]], text[start - 1]):
            start -= 1
        elif openers:
            start, end = trim_whitespace(text, start, start + openers[0])
        else:
            start, end = trim_whitespace(text, start + closers[-1] + 1, end)
    return start, end


def _completes(closer: str, opener: str) -> bool:
    """Whether `closer` closes `opener` (a straight quote closes itself)."""
    return _OPENERS.get(opener) == closer or (opener == closer and opener in _SYMMETRIC_QUOTES)


def snap_selection(
    text: str,
    start: int,
    end: int,
    lang: str,
    *,
    proclitics: Collection[str] = DEFAULT_PROCLITICS,
    strip_article: bool = False,
    known_names: Collection[str] = (),
) -> tuple[int, int]:
    """Return the selection start–end snapped to whole words, minus the first word's proclitics.

    Words are runs of letters, digits and marks (a number keeps its inner , . ٫ ٬); a partial
    word grows to the whole word, and spaces, quotes, brackets and punctuation at either end are
    dropped. A possessive stays with its word (Israel’s). For Arabic (`lang`), the proclitics of
    the first word are dropped as the module docstring describes, and a first word that is only
    clitics (بـ) is dropped. A selection without any word character gives an empty span.
    """
    _check_range(text, start, end)
    start, end = _word_bounds(text, start, end)
    if start == end:
        return start, end
    if not is_arabic_language(lang):
        return balance_and_signs(text, start, end)
    conjunctions, inner = _split_proclitics(proclitics)
    start = _skip_bare_clitic(text, start, end, conjunctions, inner)
    first_end = start
    while first_end < end and is_word_char(text[first_end]):
        first_end += 1
    word_key, word_index = key_of(text[start:first_end])
    if not word_key:
        return balance_and_signs(text, start, end)
    known = frozenset(" ".join(key_of(name)[0].split()) for name in known_names)
    rest_key = " ".join(key_of(text[first_end:end])[0].split())
    clitics = _CliticContext(text, word_key, text[start:first_end], word_index, known, rest_key)
    strip = clitics.strip_length(conjunctions, inner, strip_article)
    return balance_and_signs(text, start + word_index[strip] if strip else start, end)


def _skip_bare_clitic(
    text: str, start: int, end: int, conjunctions: tuple[str, ...], inner: tuple[str, ...]
) -> int:
    """Return the start of the second word if the first is only clitics (بـ “دعم), else `start`."""
    first_end = start
    while first_end < end and is_word_char(text[first_end]):
        first_end += 1
    key = key_of(text[start:first_end])[0]
    if not key or key not in {c + p for c in ("", *conjunctions) for p in ("", *inner)}:
        return start
    following = first_end
    while following < end and not is_word_char(text[following]):
        following += 1
    return following if following < end else start


class _CliticContext:
    """The first word of a selection and what the text says about it, to decide on its clitics."""

    def __init__(
        self,
        text: str,
        key: str,
        original: str,
        index: tuple[int, ...],
        known: frozenset[str],
        rest_key: str,
    ) -> None:
        self.text = text
        self.key = key
        self.original = original
        self.index = index
        self.known = known
        self.rest_key = rest_key

    def strip_length(
        self, conjunctions: tuple[str, ...], inner: tuple[str, ...], strip_article: bool
    ) -> int:
        """Return how many key characters of the word are proclitics to drop."""
        candidates = sorted(
            (
                (c, p)
                for c in ("", *conjunctions)
                for p in ("", *inner)
                if (c or p) and self.key.startswith(c + p)
            ),
            key=lambda pair: -len(pair[0] + pair[1]),
        )
        strip = next((len(c + p) for c, p in candidates if self._accepts(c, p)), 0)
        if strip_article:
            strip += self._article_length(strip, inner)
        return strip

    def _accepts(self, conjunction: str, inner: str) -> bool:
        """Return True if the evidence says `conjunction + inner` are clitics on this word."""
        size = len(conjunction + inner)
        rest = self.key[size:]
        if len(rest) < 2:
            return False
        if rest in self.known or (self.rest_key and f"{rest} {self.rest_key}" in self.known):
            return True
        if clitic_lookalike(self.key):
            return False
        if size == 1 and is_word(self.key) and not is_word(rest):
            return False  # the dictionary knows the whole word (وادي): the letter is its own
        last = inner or conjunction
        if self.original[self.index[size]] in _HAMZA_ALEFS:
            return True
        if rest.startswith(_ARTICLE) and len(rest) >= 4:
            return True
        if rest[0] == last and last != "ل":
            return True
        if len(rest) >= 3 and rest in _attested(self.text):
            return True
        return not inner and conjunction == "و" and self._waw_default(rest)

    @staticmethod
    def _waw_default(rest: str) -> bool:
        """Return True if و before `rest` is taken as the conjunction without other evidence."""
        if len(rest) < 3:
            return False
        if not rest.startswith(_BARE_ALEF):
            return True
        return len(rest) >= 5 and (rest.startswith(("است", "ان")) or "ت" in rest[1:3])

    def _article_length(self, strip: int, inner: tuple[str, ...]) -> int:
        """Return the length of the article after the clitics (ال, or لل after nothing/و/ف)."""
        rest = self.key[strip:]
        if rest.startswith(_ARTICLE) and len(rest) >= 5:
            return len(_ARTICLE)
        stripped_inner = any(self.key[:strip].endswith(p) for p in inner)
        if "ل" in inner and not stripped_inner and rest.startswith("لل") and len(rest) >= 5:
            return 2
        return 0
