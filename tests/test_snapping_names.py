"""Proclitics before names, decided with a dictionary and the aligned translation (measured)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.alignment.beads import parse_beads
from annotator.snapping import snap_with_translation
from annotator.text.arabic import snap_selection
from annotator.text.lexicon import is_word, lexicon
from annotator.text.segmentation import split_sentences
from tests.bench.common import shared_dir
from tests.conftest import SEED_AR, SEED_EN
from tests.test_arabic import SEED_WORDS

NAMES = Path(__file__).parent / "data" / "ntrex_arabic_names.tsv"
PER_DOC = shared_dir() / "benchmarks" / "alignment" / "ntrex-en-ar" / "per_doc"
SEED_GOLD = """[0]:[]
[1]:[0]
[2]:[1]
[3]:[2]
[4, 5]:[3]
[6, 7]:[4]
[8]:[5]
[9]:[6]
[10]:[7]
[11]:[8]
[12]:[]"""


def _names() -> list[tuple[str, str, str, str]]:
    """The hand-checked NTREX names: Arabic line, English line, word, wanted span."""
    rows = []
    for line in NAMES.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        doc, number, word, wanted = line.split("\t")
        ar = (PER_DOC / f"{doc}.ar").read_text("utf-8").split("\n")[int(number)]
        en = (PER_DOC / f"{doc}.en").read_text("utf-8").split("\n")[int(number)]
        rows.append((ar, en, word, wanted))
    return rows


def test_the_dictionary_is_installed_and_knows_common_words() -> None:
    assert len(lexicon()) > 30_000
    assert is_word("وادي") and is_word("مناقشة") and is_word("خيارات")  # خيار + ات
    assert not is_word("لمناقشة") and not is_word("موسكو")


def test_ntrex_names_snap_right_with_the_translation() -> None:
    rows = _names()
    rules = translation = 0
    for ar, en, word, wanted in rows:
        start = ar.index(word)
        a, b = snap_selection(ar, start, start + len(word), "ar")
        rules += ar[a:b] == wanted
        a, b = snap_with_translation(ar, start, start + len(word), "ar", counterpart=en)
        translation += ar[a:b] == wanted
    # The rules alone keep ل before Trump, Rangers, Sainsbury and cut و off Waters, Woods,
    # Willoughby; the translation settles all of them.
    assert (rules, translation, len(rows)) == (41, 49, 49)


def test_seed_words_with_their_aligned_english_sentences() -> None:
    en_text, ar_text = SEED_EN.read_text("utf-8"), SEED_AR.read_text("utf-8")
    en, ar = split_sentences(en_text, "en"), split_sentences(ar_text, "ar")
    beads = parse_beads(SEED_GOLD)
    right = 0
    for word, wanted in SEED_WORDS:
        start = ar_text.index(word)
        k = next(i for i, (a, b) in enumerate(ar) if a <= start < b)
        bead = next(b for b in beads if k in b.tgt)
        english = " ".join(en_text[en[i][0] : en[i][1]] for i in bead.src)
        a, b = snap_with_translation(
            ar_text, start, start + len(word), "ar", counterpart=english
        )
        right += ar_text[a:b] == wanted
        assert b - a >= len(wanted)  # never a letter cut off a word
    assert right == 39  # 38 by rules alone (test_arabic): لفرانس برس ↔ France-Presse


@pytest.mark.parametrize(
    ("text", "word", "english", "wanted"),
    [
        ("ذهب الرئيس لموسكو أمس", "لموسكو", "The president went to Moscow", "موسكو"),
        ("وصل إلى وادي حلفا", "وادي حلفا", "He reached Wadi Halfa", "وادي حلفا"),
        ("بلغ وادي حلفا", "وادي حلفا", "", "وادي حلفا"),  # the dictionary: وادي is a word
        ("قال وزير كوريا", "كوريا", "said the minister of North Korea, Ri Yong Ho", "كوريا"),
        ("وقال وزيرا الدفاع", "وزيرا", "the Syria ministers said", "وزيرا"),
    ],
)
def test_translation_decides_and_the_dictionary_protects(
    text: str, word: str, english: str, wanted: str
) -> None:
    start = text.index(word)
    a, b = snap_with_translation(text, start, start + len(word), "ar", counterpart=english)
    assert text[a:b] == wanted
