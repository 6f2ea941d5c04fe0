"""Writing direction, dominant script and a cheap language guess for a text.

Detection reads a sample: the first `SAMPLE_CHARS` characters, which is plenty to tell the script
of a document and keeps the cost flat for long texts. Only letters count: digits, punctuation,
spaces and combining marks (Arabic diacritics) are ignored.
"""

from __future__ import annotations

import re
from typing import Final, Literal

__all__ = [
    "RTL_LANGUAGES",
    "SAMPLE_CHARS",
    "Direction",
    "detect_direction",
    "direction_for_language",
    "dominant_script",
    "guess_language",
]

Direction = Literal["ltr", "rtl"]

SAMPLE_CHARS: Final = 20_000

RTL_LANGUAGES: Final[frozenset[str]] = frozenset(
    {
        # Arabic and its varieties
        "ar", "ara", "arb", "arz", "apc", "ajp", "acm", "acq", "aeb", "afb", "apd", "arq", "ary",
        "ayl", "ayp", "shu",
        # Hebrew, Yiddish (iw and ji are the withdrawn 639-1 codes still seen in the wild)
        "he", "heb", "iw", "yi", "yid", "ydd", "yih", "ji",
        # Persian family, Urdu, Pashto and other languages normally written in Arabic script
        "fa", "fas", "per", "pes", "prs", "ur", "urd", "ps", "pus", "pbt", "pbu", "pst",
        "ckb", "sd", "snd", "ug", "uig", "ks", "kas", "bal", "bcc", "bgp", "glk", "mzn", "lrc",
        "bqi", "azb", "skr", "pnb", "khw", "ota", "hac", "sdh",
        # Thaana, Syriac, N'Ko, Samaritan, Mandaic, Aramaic, Adlam-written Fula
        "dv", "div", "syr", "syc", "aii", "nqo", "smp", "myz", "arc",
    }
)  # fmt: skip

_RTL_SCRIPT_SUBTAGS: Final = frozenset(
    {"arab", "aran", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg", "samr", "mand", "mend"}
)

_LETTER_RUN_RE: Final = re.compile(r"[^\W\d_]+")

# Blocks whose letters are strong right-to-left (bidi class R or AL).
_RTL_RE: Final = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe"
    "\U00010800-\U00010e5f\U00010e7f-\U00010fff\U0001e800-\U0001efff]"  # skips Rumi numerals
)

_SCRIPT_RANGES: Final[tuple[tuple[str, str], ...]] = (
    (
        "Latin",
        "A-Za-z\u00c0-\u024f\u1e00-\u1eff\u2c60-\u2c7f\ua720-\ua7ff\uab30-\uab6f\uff21-\uff5a",
    ),
    ("Arabic", "\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufefe"),
    ("Hebrew", "\u0590-\u05ff\ufb1d-\ufb4f"),
    ("Cyrillic", "\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f"),
    ("Greek", "\u0370-\u03ff\u1f00-\u1fff"),
    (
        "CJK",
        "\u3040-\u30ff\u3100-\u312f\u31a0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
        "\uff66-\uff9f\U00020000-\U0003134f",
    ),
    ("Hangul", "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"),
    ("Devanagari", "\u0900-\u097f"),
    ("Thai", "\u0e00-\u0e7f"),
    ("Armenian", "\u0530-\u058f"),
    ("Georgian", "\u10a0-\u10ff\u2d00-\u2d2f"),
    ("Syriac", "\u0700-\u074f"),
    ("Thaana", "\u0780-\u07bf"),
)
_SCRIPT_RES: Final = tuple((name, re.compile(f"[{chars}]")) for name, chars in _SCRIPT_RANGES)

# Letters that separate languages written in Arabic script.
_PERSIAN_YEH_KEHEH_RE: Final = re.compile("[\u06cc\u06a9]")  # ی ک
_ARABIC_YEH_KAF_RE: Final = re.compile("[\u064a\u0643]")  # ي ك
_URDU_RE: Final = re.compile("[\u0679\u0688\u0691\u06ba\u06c1\u06be\u06d2]")  # ٹ ڈ ڑ ں ہ ھ ے
_OTHER_ARABIC_SCRIPT_RE: Final = re.compile(  # Kurdish, Pashto, Sindhi, Uyghur letters
    "[\u0695\u06b5\u06c6\u06ce\u06d5\u067c\u0681\u0685\u0689\u0693\u0696\u069a\u06bc\u067a"
    "\u067b\u067d\u0680\u0684\u068a\u068c\u068d\u068e\u06b3\u06c7\u06c8\u06cb\u06d0]"
)
_YIDDISH_RE: Final = re.compile("[\u05f0-\u05f2\ufb1f]")  # װ ױ ײ ײַ

_SIMPLE_GUESSES: Final = {"Hebrew": "he", "Greek": "el", "Hangul": "ko", "Thai": "th"}


def _letters(text: str) -> str:
    """Return the letters of the sample of `text`, in order, without anything else."""
    letters = "".join(_LETTER_RUN_RE.findall(text, 0, SAMPLE_CHARS))
    if letters.isalpha() or not letters:
        return letters
    # The run pattern also lets through numbers that are not digits (², ½, Ⅻ, Rumi numerals).
    return "".join(char for char in letters if char.isalpha())


def detect_direction(text: str) -> Direction:
    """Return "rtl" if most letters of the sample are right-to-left, else "ltr" (also if none)."""
    letters = _letters(text)
    rtl = len(_RTL_RE.findall(letters))
    ltr = len(letters) - rtl
    if rtl != ltr:
        return "rtl" if rtl > ltr else "ltr"
    # A tie goes to the first letter, as the Unicode bidi algorithm picks a paragraph's direction.
    return "rtl" if letters and _RTL_RE.match(letters) else "ltr"


def direction_for_language(lang: str) -> Direction:
    """Return the direction of a BCP 47 / ISO 639 tag ("ar", "fa-IR", "az-Arab"); unknown: "ltr"."""
    subtags = lang.strip().lower().replace("_", "-").split("-")
    for subtag in subtags[1:]:
        if len(subtag) == 4 and subtag.isalpha():
            return "rtl" if subtag in _RTL_SCRIPT_SUBTAGS else "ltr"
    return "rtl" if subtags[0] in RTL_LANGUAGES else "ltr"


def _script_counts(letters: str) -> dict[str, int]:
    """Count the letters of each known script in `letters`."""
    return {name: len(pattern.findall(letters)) for name, pattern in _SCRIPT_RES}


def dominant_script(text: str) -> str:
    """Return the script most letters of the sample are in ("Arabic", "Latin", …) or "Unknown"."""
    return _dominant_script(_letters(text))


def _dominant_script(letters: str) -> str:
    """Return the script most of `letters` are in, or "Unknown"."""
    if not letters:
        return "Unknown"
    counts = _script_counts(letters)
    name, count = max(counts.items(), key=lambda item: item[1])
    known = sum(counts.values())
    # Letters of scripts not in the table count against every known one.
    return name if count > 0 and count >= len(letters) - known else "Unknown"


def guess_language(text: str) -> str | None:
    """Guess a language code from the script only: "ar"/"fa"/"ur"/"he"/…, or None if unsure.

    Limits: Latin, Cyrillic and CJK texts give None (many languages share them: the caller asks).
    Arabic script gives "fa" or "ur" only when their letters clearly outnumber Arabic usage (ی/ک
    over ي/ك; Urdu's ٹ ڈ ڑ ں ہ ے), None when Kurdish, Pashto, Sindhi or Uyghur letters show up,
    otherwise "ar"; Arabic with a few Persian letters in names stays "ar". Hebrew script gives
    "he" unless Yiddish digraphs show up (then None). Dialects are never told apart.
    """
    letters = _letters(text)
    script = _dominant_script(letters)
    if script == "Arabic":
        return _guess_arabic_script(letters)
    if script == "Hebrew" and _clearly_present(_YIDDISH_RE, letters):
        return None
    return _SIMPLE_GUESSES.get(script)


def _clearly_present(pattern: re.Pattern[str], letters: str) -> bool:
    """Return True if `pattern` matches at least 3 letters and 0.5 % of them."""
    found = len(pattern.findall(letters))
    return found >= 3 and found * 200 >= len(letters)


def _guess_arabic_script(letters: str) -> str | None:
    """Tell Arabic, Persian and Urdu apart from a sample of letters in Arabic script."""
    if _clearly_present(_OTHER_ARABIC_SCRIPT_RE, letters):
        return None
    persian = len(_PERSIAN_YEH_KEHEH_RE.findall(letters))
    arabic = len(_ARABIC_YEH_KAF_RE.findall(letters))
    if persian <= arabic or not _clearly_present(_PERSIAN_YEH_KEHEH_RE, letters):
        return "ar"
    return "ur" if _clearly_present(_URDU_RE, letters) else "fa"
