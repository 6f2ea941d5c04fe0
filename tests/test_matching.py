from __future__ import annotations

import pytest

from annotator.text.matching import find_occurrences, normalize_number
from tests.conftest import SEED_AR, SEED_EN

AR = SEED_AR.read_text(encoding="utf-8")
EN = SEED_EN.read_text(encoding="utf-8")


def _surfaces(text: str, surface: str, lang: str, *, strip_article: bool = False) -> list[str]:
    spans = find_occurrences(text, surface, lang, strip_article=strip_article)
    return [text[start:end] for start, end in spans]


# --- Arabic, on the seed ---------------------------------------------------------------------


def test_every_israel_of_the_seed_is_found_without_its_clitics() -> None:
    # أمن إسرائيل، وإسرائيل، بإسرائيل، لبنان وإسرائيل، وتطالب إسرائيل، جنوب إسرائيل،
    # وفق إسرائيل، وتشن إسرائيل; never الإسرائيلي / الإسرائيلية (Recogito #663).
    spans = find_occurrences(AR, "إسرائيل", "ar")
    assert len(spans) == 8
    assert {AR[start:end] for start, end in spans} == {"إسرائيل"}
    clitics = [AR[start - 1] for start, _ in spans if AR[start - 1] != " "]
    assert sorted(clitics) == sorted(["و", "ب", "و"])


def test_adjectives_do_not_match_the_country() -> None:
    text = "الإسرائيلية إسرائيلية إسرائيليون الاسرائيلي"
    assert find_occurrences(text, "إسرائيل", "ar") == []


def test_a_multi_word_name_matches_with_a_clitic_on_its_first_word() -> None:
    assert _surfaces(AR, "حزب الله", "ar") == ["حزب الله"] * 5
    starts = [start for start, _ in find_occurrences(AR, "حزب الله", "ar")]
    assert [AR[start - 1] for start in starts].count("و") == 1  # الجيش الإسرائيلي وحزب الله


def test_name_with_article_and_stacked_clitics() -> None:
    assert _surfaces(AR, "الفلسطينيين", "ar") == ["الفلسطينيين"]
    assert _surfaces(AR, "الحوثيون", "ar") == ["الحوثيون", "الحوثيون"]
    assert _surfaces("وبإسرائيل فلإيران", "إسرائيل", "ar") == ["إسرائيل"]
    assert _surfaces("وبإسرائيل فلإيران", "إيران", "ar") == ["إيران"]


def test_the_article_counts_as_a_clitic_only_when_asked() -> None:
    assert find_occurrences(AR, "فلسطينيين", "ar") == []
    assert _surfaces(AR, "فلسطينيين", "ar", strip_article=True) == ["فلسطينيين"]
    text = "للفلسطينيين"  # ل + ال with the alef dropped
    assert _surfaces(text, "فلسطينيين", "ar", strip_article=True) == ["فلسطينيين"]
    assert find_occurrences(text, "فلسطينيين", "ar") == []


def test_a_name_that_starts_with_a_clitic_letter_keeps_it() -> None:
    assert _surfaces(AR, "لبنان", "ar") == ["لبنان", "لبنان"]
    assert _surfaces("بين سوريا ولبنان وللبنان", "لبنان", "ar") == ["لبنان", "لبنان"]


def test_only_configured_proclitics_attach() -> None:
    assert _surfaces(AR, "إيران", "ar") == ["إيران", "إيران"]  # مع إيران, لإيران
    spans = find_occurrences(AR, "إيران", "ar", proclitics=("و",))
    assert [AR[start - 1] for start, _ in spans] == [" "]


def test_without_arabic_rules_a_clitic_blocks_the_match() -> None:
    assert len(find_occurrences(AR, "إسرائيل", "en")) == 5


def test_diacritics_tatweel_and_alef_variants_are_ignored() -> None:
    text = "في غزةَ اليوم وفي غـزة"
    assert _surfaces(text, "غزة", "ar") == ["غزةَ", "غـزة"]  # the span keeps the final fatha
    assert _surfaces(AR, "اسرائيل", "ar") == ["إسرائيل"] * 8
    assert _surfaces(AR, "اتصالا هاتفيا", "ar") == ["اتصالاً هاتفياً"]


def test_arabic_indic_digits_match_ascii_digits() -> None:
    text = "القرار ١٧٠١ والقرار 1701"
    assert _surfaces(text, "1701", "ar") == ["١٧٠١", "1701"]
    assert _surfaces(text, "١٧٠١", "ar") == ["١٧٠١", "1701"]


# --- English ---------------------------------------------------------------------------------


def test_english_whole_words_only() -> None:
    assert _surfaces(EN, "Israel", "en") == ["Israel"] * 7  # not Israeli, not Israeli-Lebanese
    assert _surfaces(EN, "Israeli", "en") == ["Israeli"] * 7  # one in Israeli-Lebanese
    assert _surfaces(EN, "Houthi", "en") == ["Houthi"]  # not Houthis


def test_possessive_and_hyphen_do_not_hide_a_name() -> None:
    assert _surfaces(EN, "Hezbollah", "en") == ["Hezbollah"] * 5  # one is Hezbollah’s
    assert _surfaces(EN, "Lebanese", "en") == ["Lebanese"]  # in Israeli-Lebanese


def test_case_is_ignored() -> None:
    assert _surfaces("GAZA and gaza", "Gaza", "en") == ["GAZA", "gaza"]
    assert _surfaces("STRASSE", "straße", "de") == ["STRASSE"]
    assert _surfaces("Straße", "strasse", "de") == ["Straße"]
    assert find_occurrences("Straße", "stras", "de") == []  # never half of ß


def test_multi_word_surface_crosses_spaces_but_not_lines() -> None:
    assert _surfaces(EN, "Lloyd Austin", "en") == ["Lloyd Austin"]
    assert _surfaces("Lloyd  Austin", "lloyd austin", "en") == ["Lloyd  Austin"]
    assert _surfaces("Lloyd\u00a0Austin", "Lloyd Austin", "en") == ["Lloyd\u00a0Austin"]
    assert find_occurrences("Lloyd\nAustin", "Lloyd Austin", "en") == []
    assert _surfaces(EN, "  Red   Sea ", "en") == ["Red Sea", "Red Sea"]


def test_a_number_is_not_found_inside_a_longer_number() -> None:
    assert _surfaces(EN, "1,140", "en") == ["1,140"]
    assert find_occurrences(EN, "140", "en") == []
    assert find_occurrences(EN, "1", "en") == []
    assert find_occurrences("3.5 km", "5", "en") == []
    assert _surfaces("in 2006, 129 were", "2006", "en") == ["2006"]


def test_offsets_count_code_points_past_astral_characters() -> None:
    # Label Studio #2007: offsets drifted after emoji in mixed Arabic and Latin text.
    text = "😀 Gaza 𝐀 غزة 😀 وغزة"
    spans = find_occurrences(text, "غزة", "ar")
    assert spans == [(9, 12), (16, 19)]
    assert all(text[start:end] == "غزة" for start, end in spans)


def test_bidi_controls_inside_the_text_do_not_block_a_match() -> None:
    text = "\u2067حزب\u200f الله\u2069"
    assert _surfaces(text, "حزب الله", "ar") == ["حزب\u200f الله"]


def test_overlapping_occurrences_are_all_returned() -> None:
    assert find_occurrences("a a a", "a a", "en") == [(0, 3), (2, 5)]


@pytest.mark.parametrize("surface", ["", "   ", "\u064e"])
def test_an_empty_surface_has_no_occurrence(surface: str) -> None:
    assert find_occurrences(AR, surface, "ar") == []


def test_punctuation_in_the_surface_is_literal() -> None:
    assert _surfaces("the U.S. and USA", "U.S.", "en") == ["U.S."]
    assert find_occurrences("the USA", "U.S.", "en") == []


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "canonical"),
    [
        ("1,140", "1140"), ("1140", "1140"), ("١١٤٠", "1140"), ("۱۱۴۰", "1140"),
        ("1.140", "1140"), ("21,110", "21110"), ("2006", "2006"), ("1,140,000", "1140000"),
        ("1.140.000", "1140000"), ("١٬١٤٠", "1140"), ("1\u202f140", "1140"), ("1\u00a0140", "1140"),
        ("3.5", "3.5"), ("٣٫٥", "3.5"), ("3,5", "3.5"), ("0.125", "0.125"), ("1,14", "1.14"),
        ("1,140.50", "1140.5"), ("1.140,5", "1140.5"), ("٣٫٠", "3"), ("007", "7"), ("0", "0"),
        ("-3.0", "-3"), ("−12", "-12"), ("+4", "4"), ("-0", "0"), ("  27 ", "27"),
        ("1234.567", "1234.567"), ("١٢٣٤٫٥٦٧", "1234.567"),
    ],
)  # fmt: skip
def test_numbers_normalise_to_canonical_digits(token: str, canonical: str) -> None:
    assert normalize_number(token) == canonical


@pytest.mark.parametrize(
    "token",
    ["", "abc", "12a", "1,14,000", "1,140.000.5", "1.140,000.5", "٣٫٥٫١", "1,,140", ",140",
     "140,", "1 140", "0,140,000", "1٫140٬000"],
)  # fmt: skip
def test_non_numbers_give_none(token: str) -> None:
    assert normalize_number(token) is None


def test_english_and_arabic_seed_numbers_agree() -> None:
    english = ["1701", "2006", "1,140", "250", "129", "27", "21,110"]
    arabic = ["1701", "2006", "1140", "250", "129", "27", "21110"]
    assert [normalize_number(n) for n in english] == [normalize_number(n) for n in arabic]
