from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pytest

from annotator.text.script import (
    RTL_LANGUAGES,
    SAMPLE_CHARS,
    detect_direction,
    direction_for_language,
    dominant_script,
    guess_language,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"  # the shipped copy of the seed pair
ENGLISH = (SEEDS / "austin-gallant-call.en.txt").read_text("utf-8")
ARABIC = (SEEDS / "austin-gallant-call.ar.txt").read_text("utf-8")
PERSIAN = (
    "زبان فارسی یکی از زبان‌های هندواروپایی است که در ایران، افغانستان و تاجیکستان"
    " به آن سخن می‌گویند و بیش از ۱۰۰ میلیون گوینده دارد."
)
URDU = "اردو پاکستان کی قومی زبان ہے اور یہ ہندوستان میں بھی بولی جاتی ہے۔ یہ بہت پیاری زبان ہے۔"
SORANI = "زمانی کوردی یەکێکە لە زمانە ئێرانییەکان و لە کوردستان قسەی پێدەکرێت."
HEBREW = "שלום עולם, זהו משפט בעברית עם המספר 2024."
# Yiddish: the double-vav and vav-yod digraphs (U+05F0, U+05F1) and double-yod (U+05F2).
YIDDISH = "\u05f0\u05d0\u05b8\u05e1 \u05f0\u05f1\u05e0\u05d8 \u05d3\u05d9 \u05f0\u05f2\u05d1"
MIXED_ARABIC = (
    "التقى وزير الدفاع Lloyd Austin بنظيره Yoav Gallant يوم 14 نوفمبر 2023 في Tel Aviv، "
    "وناقشا المساعدات التي بلغت 1,140 شاحنة."
)
MIXED_ENGLISH = "The word سلام means peace; Austin said it twice on 14 November 2023."


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        (ARABIC, "rtl"),
        (ENGLISH, "ltr"),
        (MIXED_ARABIC, "rtl"),
        (MIXED_ENGLISH, "ltr"),
        (HEBREW, "rtl"),
        (PERSIAN, "rtl"),
        (URDU, "rtl"),
        ("Привет, мир", "ltr"),
        ("", "ltr"),
        ("2023 - 1,140 !? ١٧٠١ ۱۲۳", "ltr"),  # digits and punctuation only: no strong letter
        # one Arabic letter with shadda and damma (marks do not count) against two Latin letters
        ("\u0628\u0651\u064f ab", "ltr"),
        ("س ² ½ Ⅻ \U00010e60", "rtl"),  # numbers that are not digits are not letters either
        ("ab سل", "ltr"),  # a tie goes to the first letter
        ("سل ab", "rtl"),
    ],
)
def test_detect_direction(text: str, direction: str) -> None:
    assert detect_direction(text) == direction


def test_detect_direction_reads_only_the_sample() -> None:
    arabic_head = "سلام " * (SAMPLE_CHARS // 5)
    assert detect_direction(arabic_head + "hello " * 50_000) == "rtl"
    assert detect_direction("x" * SAMPLE_CHARS + "سلام" * 10) == "ltr"


def test_every_strong_rtl_letter_and_only_those_count_as_rtl() -> None:
    wrong = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if chr(code).isalpha()
        and (detect_direction(chr(code)) == "rtl")
        != (unicodedata.bidirectional(chr(code)) in ("R", "AL"))
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("lang", "direction"),
    [
        ("ar", "rtl"),
        ("AR-eg", "rtl"),
        ("fa_IR", "rtl"),
        ("he", "rtl"),
        ("iw", "rtl"),
        ("ur", "rtl"),
        ("ckb", "rtl"),
        ("arz", "rtl"),
        ("az-Arab", "rtl"),
        ("pa-Arab-PK", "rtl"),
        ("ur-Latn", "ltr"),
        ("en", "ltr"),
        ("en-US", "ltr"),
        ("az", "ltr"),
        ("zh-Hans", "ltr"),
        ("", "ltr"),
        ("xx", "ltr"),
    ],
)
def test_direction_for_language(lang: str, direction: str) -> None:
    assert direction_for_language(lang) == direction


def test_rtl_languages_hold_the_common_right_to_left_codes() -> None:
    expected = {"ar", "he", "fa", "ur", "ps", "yi", "dv", "ckb", "sd", "ug", "syr", "ara", "heb"}
    assert expected <= RTL_LANGUAGES
    assert not {"en", "fr", "de", "tr", "ku", "ms", "zh"} & RTL_LANGUAGES


@pytest.mark.parametrize(
    ("text", "script"),
    [
        (ARABIC, "Arabic"),
        (MIXED_ARABIC, "Arabic"),
        (PERSIAN, "Arabic"),
        (ENGLISH, "Latin"),
        (MIXED_ENGLISH, "Latin"),
        ("Ça coûte 5 € à Zürich", "Latin"),
        (HEBREW, "Hebrew"),
        ("Привет, мир! Как дела?", "Cyrillic"),
        ("Καλημέρα κόσμε", "Greek"),
        ("你好，世界", "CJK"),
        ("こんにちは世界", "CJK"),
        ("안녕하세요 세계", "Hangul"),
        ("", "Unknown"),
        ("123, 456 !?", "Unknown"),
        ("² ½ Ⅻ", "Unknown"),
        ("ሰላም ለዓለም", "Unknown"),  # Ethiopic: not in the table
    ],
)
def test_dominant_script(text: str, script: str) -> None:
    assert dominant_script(text) == script


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (ARABIC, "ar"),
        (MIXED_ARABIC, "ar"),
        # Persian letters in a borrowed name do not make an Arabic text Persian.
        ("أعلنت شركة گوگل الأميركية يوم الخميس عن خدمة جديدة للمستخدمين في كل مكان", "ar"),
        (PERSIAN, "fa"),
        (URDU, "ur"),
        (SORANI, None),
        (HEBREW, "he"),
        (YIDDISH, None),
        ("Καλημέρα κόσμε", "el"),
        (ENGLISH, None),
        ("Привет, мир", None),
        ("你好，世界", None),
        (MIXED_ENGLISH, None),
        ("", None),
        ("2023", None),
    ],
)
def test_guess_language(text: str, language: str | None) -> None:
    assert guess_language(text) == language
