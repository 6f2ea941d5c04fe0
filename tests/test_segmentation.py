from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.text.segmentation import (
    SUPPORTED_LANGUAGES,
    line_sentences,
    paragraph_spans,
    split_sentences,
)

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
ARABIC_SEED = SEEDS_DIR / "austin-gallant-call.ar.txt"
ENGLISH_SEED = SEEDS_DIR / "austin-gallant-call.en.txt"

_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def sentences(text: str, lang: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text, lang)]


def _cut(paragraph: str, before: str) -> list[str]:
    """Split a paragraph in two at the space before `before`."""
    head, tail = paragraph.split(" " + before, 1)
    return [head, before + tail]


# --- seeds -------------------------------------------------------------------------------------


def test_arabic_seed_has_eight_paragraphs_and_nine_sentences() -> None:
    text = ARABIC_SEED.read_text(encoding="utf-8")
    lines = text.split("\n")
    assert len(paragraph_spans(text)) == 8
    expected = [*lines[:6], *_cut(lines[6], "كما جرى"), lines[7]]
    assert expected[6].endswith("الإسرائيلية.")
    assert sentences(text, "ar") == expected
    assert len(expected) == 9


def test_english_seed_has_thirteen_sentences() -> None:
    text = ENGLISH_SEED.read_text(encoding="utf-8")
    paragraphs = text.strip().split("\n\n")
    assert len(paragraph_spans(text)) == len(paragraphs) == 10
    expected = [
        *paragraphs[:4],
        *_cut(paragraphs[4], "American and international forces"),
        *_cut(paragraphs[5], "wide if international"),
        paragraphs[6],
        *_cut(paragraphs[7], "During the attack,"),
        *paragraphs[8:],
    ]
    assert expected[4].endswith("in which they are located.")
    assert expected[6].endswith("military options.")
    assert expected[0].startswith("Austin discusses with Gallant")
    assert expected[-1] == "Leave a comment"
    assert sentences(text, "en") == expected
    assert len(expected) == 13


# --- English -----------------------------------------------------------------------------------
# Each case lists the expected sentences; the input is them joined by one space.

ENGLISH = [
    ["Mr. Smith met Dr. Jones at 5 p.m. on Jan. 5.", "They talked."],
    ["The U.S. economy grew.", "It was fast."],
    ["He lives in the U.S.", "The weather is fine."],
    ["U.S. Sen. Elizabeth Warren spoke on Sunday."],
    ["Gen. Smith and St. Paul met Gov. Brown."],
    ["Apple Inc. said so.", "Acme Inc.", "The end."],
    ["Tools, e.g. hammers, i.e. heavy ones, etc. and more."],
    ["See No. 7 and Roe v. Wade here."],
    ["It costs 3.5 dollars.", "That is cheap."],
    ["About 1,140 people died.", "Others fled."],
    ["J. R. R. Tolkien wrote it.", "George W. Bush read it."],
    ["J. A. Smith came."],
    ["They chose plan B.", "The rest followed."],
    ["Wait... what happened?", "Nothing…", "Then we left."],
    ["He said (…) nothing."],
    ['"He left."', "She said nothing."],
    ['"Are you OK?" he asked.'],
    ["She said “no.”", "Then she left."],
    ["(This is inside.)", "Next one."],
    ["Really?", "Yes!", "Great.", "What?!", "Fine."],
    ["military options.", "wide if efforts fail."],
    ["Visit example.com today.", "Thanks."],
]


@pytest.mark.parametrize("expected", ENGLISH, ids=lambda case: case[0][:30])
def test_english_tricky_cases(expected: list[str]) -> None:
    assert sentences(" ".join(expected), "en") == expected


def test_non_bmp_characters_keep_offsets_exact() -> None:
    text = "I love it 😀. Next one 🎉! 𝐁old 😀."
    spans = split_sentences(text, "en")
    assert [text[s:e] for s, e in spans] == ["I love it 😀.", "Next one 🎉!", "𝐁old 😀."]
    assert spans == [(0, 12), (13, 24), (25, 32)]


def test_leading_ellipsis_does_not_make_a_sentence_of_its_own() -> None:
    assert sentences("… Then he left. Done.", "en") == ["… Then he left.", "Done."]
    assert sentences("... ثم غادر.", "ar") == ["... ثم غادر."]


def test_emoji_only_sentence_is_kept() -> None:
    assert sentences("🎉🎉. Done.", "en") == ["🎉🎉.", "Done."]


# --- French and German -------------------------------------------------------------------------

FRENCH = [
    ["M. Dupont est arrivé.", "Il est parti."],
    ["« Il est parti. »", "Elle pleure."],
    ["Mme Curie vit à Paris, etc.", "Le reste suit."],
    ["Vraiment ?", "Oui !"],
]

GERMAN = [
    ["Am 3. Oktober feiern wir.", "Das ist schön."],
    ["Er kam im 19. Jahrhundert an."],
    ["Das kostet z.B. 5 Euro usw.", "Der Rest fehlt."],
    ["Haus Nr. 5 ist da.", "Dr. Meier wohnt dort."],
    ["Er wurde Dritter mit 3 Mio. Euro Umsatz."],
    ["„Komm.“", "Er ging."],
]


@pytest.mark.parametrize("expected", FRENCH, ids=lambda case: case[0][:30])
def test_french_cases(expected: list[str]) -> None:
    assert sentences(" ".join(expected), "fr") == expected


@pytest.mark.parametrize("expected", GERMAN, ids=lambda case: case[0][:30])
def test_german_cases(expected: list[str]) -> None:
    assert sentences(" ".join(expected), "de") == expected


def test_ordinal_rule_applies_only_to_german() -> None:
    text = "He was born in 1950. Der Spiegel said so."
    assert sentences(text, "en") == ["He was born in 1950.", "Der Spiegel said so."]
    assert sentences("Zeit 3. Abschnitt.", "de") == ["Zeit 3. Abschnitt."]
    assert sentences("Zeit 3. Abschnitt.", "xx") == ["Zeit 3.", "Abschnitt."]


# --- Arabic ------------------------------------------------------------------------------------

ARABIC = [
    ["قال، ثم ذهب؛ وعاد.", "هل أتى؟", "نعم!"],
    ["بلغ العدد ١٢٣٫٥ مليون.", "وارتفع 3.5 بالمئة."],
    ["انتهت الحرب في عام ٢٠٠٦.", "وقال المسؤول ذلك."],
    ["انتهت عام 2006م.", "وبعد ذلك عاد."],
    ["التقى George W. Bush بالرئيس.", "ثم غادر."],
    ["بنيت عام 500 ق.م.", "وكانت كبيرة."],
    ['قال "انتهى الأمر."', "ثم غادر."],
    ["وصفوه بـ “دعم غزة والفلسطينيين”، ويربطون مسارها."],
    ["(وهو أمر مهم.)", "وأضاف أنه سيعود."],
    ["وانتظر…", "ثم غادر."],
    ["قال (...) إن الأمر انتهى."],
    ["حضر د. أحمد الاجتماع.", "وغادر مبكراً."],
    ["هل ذهبت ؟", "نعم ذهبت ."],
    ["انتهى الأمر.\u200f", "وبدأ غيره."],
]


@pytest.mark.parametrize("expected", ARABIC, ids=lambda case: case[0][:30])
def test_arabic_tricky_cases(expected: list[str]) -> None:
    assert sentences(" ".join(expected), "ar") == expected


# --- paragraphs, lines, edge inputs ------------------------------------------------------------


def test_blank_lines_separate_paragraphs_and_single_newlines_are_soft() -> None:
    text = "  Intro line\n\nMr.\nSmith went\nhome. Done.\n \t\nLast one  \n"
    assert [text[s:e] for s, e in paragraph_spans(text)] == [
        "Intro line",
        "Mr.\nSmith went\nhome. Done.",
        "Last one",
    ]
    assert sentences(text, "en") == ["Intro line", "Mr.\nSmith went\nhome.", "Done.", "Last one"]


def test_without_blank_lines_every_line_is_a_paragraph() -> None:
    text = "\nOne line. Two\nThree\n\n"
    assert [text[s:e] for s, e in paragraph_spans(text)] == ["One line. Two", "Three"]
    assert sentences(text, "en") == ["One line.", "Two", "Three"]


def test_abbreviation_never_joins_across_a_paragraph_break() -> None:
    assert sentences("See Dr.\n\nSmith came.", "en") == ["See Dr.", "Smith came."]
    assert sentences("He met Mr.\nJones", "en") == ["He met Mr.", "Jones"]


def test_stray_carriage_returns_count_as_whitespace() -> None:
    text = "One.\r\n\r\nTwo. Three.\r\n"
    assert sentences(text, "en") == ["One.", "Two.", "Three."]
    assert "\r" not in "".join(sentences(text, "en"))


@pytest.mark.parametrize("text", ["", " ", "\n\n\n", "  \t\n \u00a0\n\u3000 "])
@pytest.mark.parametrize("lang", ["en", "ar", "fr", "de", "xx"])
def test_empty_and_whitespace_only_text_has_no_sentences(text: str, lang: str) -> None:
    assert split_sentences(text, lang) == []
    assert paragraph_spans(text) == []
    assert line_sentences(text) == []


def test_line_sentences_take_each_non_blank_line() -> None:
    text = " First. Still first\n\n  Second?\nThird \n"
    expected = ["First. Still first", "Second?", "Third"]
    assert [text[s:e] for s, e in line_sentences(text)] == expected


def test_language_codes_are_normalised_and_unknown_codes_get_generic_rules() -> None:
    assert {"ar", "en", "fr", "de"} <= SUPPORTED_LANGUAGES
    text = "Mr. Smith came. He left."
    assert sentences(text, "EN-us") == sentences(text, "en_GB") == ["Mr. Smith came.", "He left."]
    assert sentences("Dr. Who came. Ok.", "xx") == ["Dr. Who came.", "Ok."]


def test_cjk_full_stops_need_no_space() -> None:
    assert sentences("你好。我很好！谢谢？", "zh") == ["你好。", "我很好！", "谢谢？"]


# --- properties --------------------------------------------------------------------------------

_ALPHABET = [
    *"aZ .!?;,'\"()…\n\t»",
    *["Dr", "U.S", "3.5", "١٢", "مرحبا", "، ", "؟", "😀", "\u00a0", "\u200f", "\u2028"],
]
_TEXTS = st.lists(st.sampled_from(_ALPHABET), max_size=60).map("".join)


def _has_internal_blank_line(text: str) -> bool:
    lines = text.split("\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return any(not lines[i].strip() for i in range(filled[0], filled[-1])) if filled else False


@settings(max_examples=300, deadline=None)
@given(text=_TEXTS, lang=st.sampled_from(["en", "ar", "fr", "de", "xx"]))
def test_sentence_spans_partition_the_paragraph_text(text: str, lang: str) -> None:
    paragraphs = paragraph_spans(text)
    spans = split_sentences(text, lang)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip()
        assert not _BLANK_LINE.search(piece)
        assert sum(p_start <= start and end <= p_end for p_start, p_end in paragraphs) == 1
        if not _has_internal_blank_line(text):
            assert "\n" not in piece
        previous_end = end
    covered = {i for start, end in spans for i in range(start, end)}
    content = {i for i, char in enumerate(text) if not char.isspace()}
    assert content <= covered


@settings(max_examples=200, deadline=None)
@given(text=_TEXTS)
def test_paragraph_and_line_spans_are_stripped_and_ordered(text: str) -> None:
    for spans in (paragraph_spans(text), line_sentences(text)):
        previous_end = 0
        for start, end in spans:
            assert previous_end <= start < end <= len(text)
            piece = text[start:end]
            assert piece == piece.strip()
            assert not _BLANK_LINE.search(piece)
            previous_end = end
    for start, end in line_sentences(text):
        assert "\n" not in text[start:end]
