from __future__ import annotations

import re
from collections.abc import Collection

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.errors import InputError
from annotator.text.arabic import (
    DEFAULT_PROCLITICS,
    balance_and_signs,
    is_arabic_language,
    key_of,
    normalize_for_matching,
    proclitic_prefixes,
    snap_selection,
    trim_whitespace,
)
from tests.conftest import SEED_AR, SEED_EN

AR = SEED_AR.read_text(encoding="utf-8")
EN = SEED_EN.read_text(encoding="utf-8")


# --- normalize_for_matching -------------------------------------------------------------------


def test_key_drops_tanween_and_maps_back_to_the_letters() -> None:
    key, index = normalize_for_matching("اتصالاً هاتفياً")
    assert key == "اتصالا هاتفيا"
    # ً at 6 and at 14 have no key position; everything else keeps its own index.
    assert index == [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13]


def test_key_drops_every_listed_mark_and_tatweel() -> None:
    marks = "".join(chr(c) for c in range(0x064B, 0x0660)) + "\u0670"
    quranic = "".join(chr(c) for c in range(0x06D6, 0x06EE))
    key, index = normalize_for_matching("ب" + marks + "ـ" + quranic + "ت")
    assert key == "بت"
    assert index == [0, 2 + len(marks) + len(quranic)]


def test_key_unifies_alef_ya_ta_marbuta_and_persian_letters() -> None:
    key, index = normalize_for_matching("أإآٱا ى ة ی ک")
    assert key == "ااااا ي ه ي ك"
    assert index == list(range(13))


def test_key_writes_digits_of_any_script_in_ascii() -> None:
    key, index = normalize_for_matching("١٧٠١ ۲۰۰۶ ٣٫٥ ١٬١٤٠")
    assert key == "1701 2006 3.5 1,140"
    assert index == list(range(19))


def test_key_casefolds_latin_and_maps_an_expansion_to_its_source() -> None:
    key, index = normalize_for_matching("Straße GAZA")
    assert key == "strasse gaza"
    assert index == [0, 1, 2, 3, 4, 4, 5, 6, 7, 8, 9, 10]


def test_key_drops_bidi_controls_and_joiners_inside_a_word() -> None:
    key, index = normalize_for_matching("غز\u200fة \u2067Gaza\u2069")
    assert key == "غزه gaza"
    assert index == [0, 1, 3, 4, 6, 7, 8, 9]


def test_key_of_an_ascii_text_is_its_lowercase() -> None:
    assert normalize_for_matching("Lloyd Austin") == ("lloyd austin", list(range(12)))


_TEXT = st.text(
    alphabet=st.sampled_from([*"أإآٱاىةیکبوـًٌَُِّْٰ١٢٫٬ßİAbc 😀\u200f\u2067,.", "\u06d6", "\u0301"]),
    max_size=40,
)


@given(_TEXT)
def test_key_is_built_one_character_at_a_time(text: str) -> None:
    key, index = normalize_for_matching(text)
    assert key == "".join(key_of(char)[0] for char in text)
    expected_index = [i for i, char in enumerate(text) for _ in key_of(char)[0]]
    assert index == expected_index


def test_stored_text_is_not_touched() -> None:
    text = "وإسرائيلَ"
    normalize_for_matching(text)
    assert text == "وإسرائيلَ"


# --- language --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("ar", True), ("ar-EG", True), ("arz", True), ("ar_SA", True), ("ar-Arab", True),
     ("ar-Latn", False), ("fa", False), ("ur", False), ("en", False), ("he", False)],
)  # fmt: skip
def test_arabic_language_tags(lang: str, expected: bool) -> None:
    assert is_arabic_language(lang) is expected


def test_proclitic_prefixes_stack_conjunction_then_preposition() -> None:
    assert proclitic_prefixes(("و", "ب"), strip_article=False) == {"و", "ب", "وب"}
    with_article = proclitic_prefixes(("و", "ل"), strip_article=True)
    assert {"وال", "لل", "ولل", "ال", "ول"} <= with_article


def test_a_proclitic_must_be_one_letter() -> None:
    with pytest.raises(InputError):
        snap_selection(AR, 0, 4, "ar", proclitics=("ال",))


# --- snapping: whole words --------------------------------------------------------------------


def _snap(
    text: str,
    selected: str,
    lang: str,
    *,
    proclitics: Collection[str] = DEFAULT_PROCLITICS,
    strip_article: bool = False,
    known_names: Collection[str] = (),
) -> str:
    start = text.index(selected)
    begin, end = snap_selection(
        text, start, start + len(selected), lang,
        proclitics=proclitics, strip_article=strip_article, known_names=known_names,
    )  # fmt: skip
    return text[begin:end]


def _at(text: str, word: str) -> int:
    match = re.search(rf"(?<![\w\u064b-\u065f]){re.escape(word)}(?![\w\u064b-\u065f])", text)
    assert match is not None, word
    return match.start()


@pytest.mark.parametrize(
    ("selected", "expected"),
    [
        ("ustin ma", "Austin made"),  # both ends grow (WebAnno #278: part of a word)
        ("Gallan", "Gallant"),
        ("“supporting Gaza", "supporting Gaza"),  # WebAnno #265: the quote goes, the words stay
        ("Palestinians,”", "Palestinians"),
        (" Hamas ", "Hamas"),
        ("Israeli-Lebanese", "Israeli-Lebanese"),  # an inner hyphen stays
        ("Israeli-Leb", "Israeli-Lebanese"),
        ("Lebanese", "Lebanese"),  # a selection that stops at the hyphen is respected
        ("States’ det", "States’ determination"),
        ("Israel’s", "Israel’s"),  # the possessive stays with its word
        ("srael’", "Israel"),  # a trailing apostrophe is punctuation
        ("1,14", "1,140"),  # a number keeps its thousands separator
        ("21,1", "21,110"),
        ("1701,", "1701"),
    ],
)
def test_english_selection_snaps_to_whole_words(selected: str, expected: str) -> None:
    assert _snap(EN, selected, "en") == expected


def test_brackets_and_arabic_punctuation_are_trimmed() -> None:
    assert _snap("see (Hezbollah) now", "(Hezbollah)", "en") == "Hezbollah"
    assert _snap("قال «حماس»، ثم", "«حماس»،", "ar") == "حماس"


def test_a_caret_inside_a_word_selects_the_word() -> None:
    start = EN.index("Gallant") + 3
    begin, end = snap_selection(EN, start, start, "en")
    assert EN[begin:end] == "Gallant"


def test_a_selection_without_letters_is_empty() -> None:
    start = EN.index("“")
    begin, end = snap_selection(EN, start, start + 1, "en")
    assert begin == end
    begin, end = snap_selection(EN, start - 1, start + 1, "en")  # " “"
    assert begin == end


def test_english_keeps_letters_that_look_like_arabic_clitics() -> None:
    assert _snap(EN, "Lloyd Austin", "en") == "Lloyd Austin"


@pytest.mark.parametrize("bounds", [(-1, 3), (3, 2), (0, 10**6)])
def test_a_selection_outside_the_text_is_refused(bounds: tuple[int, int]) -> None:
    with pytest.raises(InputError):
        snap_selection(EN, *bounds, "en")


def test_selecting_the_last_character_of_an_arabic_word_selects_the_word() -> None:
    # INCEpTION #2837: a right-to-left selection marked only the last character.
    start = _at(AR, "غالانت") + len("غالانت") - 1
    begin, end = snap_selection(AR, start, start + 1, "ar")
    assert AR[begin:end] == "غالانت"


def test_arabic_diacritics_stay_inside_the_snapped_word() -> None:
    assert _snap(AR, "اتصالا", "ar") == "اتصالاً"
    assert _snap(AR, "هاتفياً ب", "ar") == "هاتفياً بوزير"


# --- snapping: Arabic proclitics, measured on the seed ----------------------------------------

# Each seed word with the word an annotator wants: the name or word without its proclitics.
SEED_WORDS: list[tuple[str, str]] = [
    ("لبنان", "لبنان"), ("بين", "بين"), ("وزير", "وزير"), ("وزيرا", "وزيرا"),
    ("وزارة", "وزارة"), ("وإسرائيل", "إسرائيل"), ("لإيران", "إيران"), ("بإسرائيل", "إسرائيل"),
    ("والفلسطينيين", "الفلسطينيين"), ("لفرانس", "فرانس"), ("الإسرائيلية", "الإسرائيلية"),
    ("وكتائب", "كتائب"), ("وفصائل", "فصائل"),
    ("وسوريا", "سوريا"), ("وحزب", "حزب"), ("والحوثيون", "الحوثيون"), ("لويد", "لويد"),
    ("وسط", "وسط"), ("وفق", "وفق"), ("واسعة", "واسعة"), ("فشل", "فشل"), ("في", "في"),
    ("فيها", "فيها"), ("برس", "برس"), ("برية", "برية"), ("بعد", "بعد"), ("بيان", "بيان"),
    ("بينهم", "بينهم"), ("وأكد", "أكد"), ("واستهداف", "استهداف"), ("بوزير", "وزير"),
    ("بمسار", "مسار"), ("بعمليات", "عمليات"), ("وبدأت", "بدأت"), ("وبحر", "بحر"),
    ("وستة", "ستة"), ("بإبعاد", "إبعاد"), ("باللجوء", "اللجوء"), ("للقرار", "للقرار"),
    ("بحسب", "حسب"), ("لمناقشة", "مناقشة"), ("لخيارات", "خيارات"), ("بموجبه", "موجبه"),
    ("بوتيرة", "وتيرة"), ("لحل", "حل"), ("لمرحلة", "مرحلة"),
]  # fmt: skip
# What the heuristic returns instead: a clitic ب or ل before a word with no other sign of it.
# It never cuts a letter off a word: every miss keeps the clitic.
KNOWN_MISSES = {
    "لفرانس": "لفرانس", "بحسب": "بحسب", "لمناقشة": "لمناقشة", "لخيارات": "لخيارات",
    "بموجبه": "بموجبه", "بوتيرة": "بوتيرة", "لحل": "لحل", "لمرحلة": "لمرحلة",
}  # fmt: skip


@pytest.mark.parametrize(("word", "wanted"), SEED_WORDS)
def test_seed_word_snaps_to_its_stem_or_to_the_documented_miss(word: str, wanted: str) -> None:
    start = _at(AR, word)
    begin, end = snap_selection(AR, start, start + len(word), "ar")
    assert AR[begin:end] == KNOWN_MISSES.get(word, wanted)
    assert end == start + len(word)


def test_seed_table_accuracy() -> None:
    right = 0
    for word, wanted in SEED_WORDS:
        start = _at(AR, word)
        begin, end = snap_selection(AR, start, start + len(word), "ar")
        right += AR[begin:end] == wanted
    assert (right, len(SEED_WORDS)) == (38, 46)
    assert all(len(miss) > len(dict(SEED_WORDS)[word]) for word, miss in KNOWN_MISSES.items())


@pytest.mark.parametrize(
    ("text", "selected", "expected"),
    [
        ("بين سوريا ولبنان", "ولبنان", "لبنان"),
        ("كتائب عراقية", "كتائب", "كتائب"),
        ("فصائل عراقية", "فصائل", "فصائل"),
        ("زار ووزير الخارجية", "ووزير", "وزير"),  # a doubled letter: the first is the clitic
        ("وصل ببيروت أمس", "ببيروت", "بيروت"),
        ("وصل إلى بيروت", "بيروت", "بيروت"),
        ("من واشنطن", "واشنطن", "واشنطن"),
        ("قال والده", "والده", "والده"),
        ("رجل بالغ", "بالغ", "بالغ"),
        ("وبإسرائيل", "وبإسرائيل", "إسرائيل"),  # two stacked clitics
        ("فبإسرائيل", "فبإسرائيل", "إسرائيل"),
        ("فالحرب", "فالحرب", "الحرب"),
        ("فلسطين", "فلسطين", "فلسطين"),
        ("والله", "والله", "الله"),
        ("وبين", "وبين", "بين"),  # و goes, the ب of بين stays
        ("للبنان", "للبنان", "للبنان"),  # ل + لبنان or لل + بنان: kept
        ("قال للبنان إن لبنان", "للبنان", "لبنان"),  # لبنان occurs: the first ل goes
        ("وَإِسْرَائِيلَ", "وَإِسْرَائِيلَ", "إِسْرَائِيلَ"),  # the clitic's vowel goes with it
        ("بـإسرائيل", "بـإسرائيل", "إسرائيل"),  # and a tatweel after it
        ("وواتساب", "وواتساب", "واتساب"),
        ("عبر واتساب", "واتساب", "واتساب"),
        ("واستهداف", "واستهداف", "استهداف"),  # و + the verbal noun of form X
        ("وانسحاب", "وانسحاب", "انسحاب"),  # form VII
        ("واتفاق", "واتفاق", "اتفاق"),  # form VIII
        ("واضح", "واضح", "واضح"),
    ],
)
def test_arabic_clitic_cases_outside_the_seed(text: str, selected: str, expected: str) -> None:
    assert _snap(text, selected, "ar") == expected


def test_multi_word_selection_strips_only_the_first_words_clitics() -> None:
    assert _snap(AR, "وحزب الله", "ar") == "حزب الله"
    assert _snap(AR, "والحوثيون وكتائب", "ar") == "الحوثيون وكتائب"


def test_a_first_word_made_only_of_a_clitic_is_dropped() -> None:
    assert _snap(AR, "بـ “دعم غزة", "ar") == "دعم غزة"


def test_known_names_make_the_clitic_go() -> None:
    assert _snap(AR, "لفرانس برس", "ar") == "لفرانس برس"
    assert _snap(AR, "لفرانس برس", "ar", known_names=["فرانس برس"]) == "فرانس برس"
    assert _snap(AR, "لفرانس", "ar", known_names=["فرانس"]) == "فرانس"
    # Known names compare on search keys: spaces, hamza and diacritics do not matter.
    assert _snap(AR, "بحسب", "ar", known_names=["حَسْب"]) == "حسب"
    assert _snap(AR, "لفرانس برس", "ar", known_names=["فرانس  برس"]) == "فرانس برس"


def test_strip_article_also_drops_al() -> None:
    assert _snap(AR, "والفلسطينيين", "ar", strip_article=True) == "فلسطينيين"
    assert _snap(AR, "الإسرائيلية", "ar", strip_article=True) == "إسرائيلية"
    assert _snap(AR, "للقرار", "ar", strip_article=True) == "قرار"
    assert _snap("وللقرار", "وللقرار", "ar", strip_article=True) == "قرار"
    assert _snap("بالقرار", "بالقرار", "ar", strip_article=True) == "قرار"
    assert _snap("والله", "والله", "ar", strip_article=True) == "الله"  # too short to be ال + word


def test_only_the_configured_proclitics_go() -> None:
    assert _snap(AR, "لإيران", "ar", proclitics=("و",)) == "لإيران"
    assert _snap(AR, "وإسرائيل", "ar", proclitics=("و",)) == "إسرائيل"
    assert _snap(AR, "وإسرائيل", "ar", proclitics=()) == "وإسرائيل"


def test_other_languages_get_whole_words_only() -> None:
    assert _snap(AR, "وإسرائيل", "fa") == "وإسرائيل"
    assert _snap(AR, "وإسرائيل", "ar-Latn") == "وإسرائيل"


@pytest.mark.parametrize(
    "text,start,end,expected",
    [
        ("Xword (ABC) x", 0, 10, "Xword (ABC)"),  # the closer right after: kept as a pair
        ("Xword (ABC x", 0, 10, "Xword"),  # no closer: the opener goes with what it opens
        ("say «yes» now", 4, 8, "«yes»"),
        ("a ABC) b", 2, 8, "b"),  # a closer without its opener goes with what it closes
        ('he said "no" then', 8, 11, '"no"'),
        ("rose 15% today", 5, 7, "15%"),
        ("cost $300 now", 6, 9, "$300"),
        ("بلغ ٣٠٪ اليوم", 4, 6, "٣٠٪"),
        ("from €12 on", 6, 8, "€12"),
    ],
)
def test_brackets_pair_and_numbers_keep_their_signs(
    text: str, start: int, end: int, expected: str
) -> None:
    a, b = balance_and_signs(text, start, end)
    assert text[a:b] == expected


def test_trim_whitespace_only_trims_the_edges() -> None:
    text = " بيروت اليوم "
    a, b = trim_whitespace(text, 0, len(text))
    assert text[a:b] == "بيروت اليوم"
    assert trim_whitespace("   ", 0, 3)[0] == trim_whitespace("   ", 0, 3)[1]
