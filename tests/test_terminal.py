from __future__ import annotations

import unicodedata

import pytest
from bidi import get_display
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.errors import InputError
from annotator.text.terminal import (
    Column,
    _line_levels,
    _reorder,
    _resolved_levels,
    _shape,
    display_width,
    render_side_by_side,
    visual_line,
    wrap_logical,
)

# First sentence of the seed's Arabic article (seeds/austin-gallant-call.ar.txt).
SEED_AR = (
    "أجرى وزير الدفاع الأميركي لويد أوستن الخميس اتصالاً هاتفياً بوزير الدفاع الإسرائيلي "
    "يوآف غالانت لمناقشة الحملة العسكرية الإسرائيلية في غزة والاستعدادات لمرحلة الاستقرار "
    "التي ستتبع العمليات القتالية الكبرى."
)
SEED_EN = (
    "US Defense Secretary Lloyd Austin made a phone call Thursday with Israeli Defense Minister "
    "Yoav Gallant to discuss the Israeli military campaign in Gaza and preparations for the "
    "stabilization phase that will follow major combat operations."
)
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
EN = Column("ltr", "English")
AR = Column("rtl", "العربية")


def unshaped(visual: str) -> str:
    """Presentation forms back to base letters, still in visual order, to compare orders by hand."""
    out = []
    for char in visual:
        letters = unicodedata.normalize("NFKC", char)
        # A lam-alef ligature expands in logical order; in visual order it reads reversed.
        out.append(letters[::-1] if "\ufef5" <= char <= "\ufefc" else letters)
    return "".join(out)


def without_controls(text: str) -> str:
    return "".join(char for char in text if char not in BIDI_CONTROLS)


# --- visual_line ---------------------------------------------------------------------------------


def test_pure_ltr_is_unchanged() -> None:
    text = "Austin met Gallant (again) on 12/10, [ok] <fine> 50%."
    assert visual_line(text, "ltr") == text


def test_pure_arabic_is_shaped_and_reversed() -> None:
    # مرحبا: meem initial, reh final, hah initial, beh medial, alef final; read right to left.
    assert visual_line("مرحبا", "rtl") == "\ufe8e\ufe92\ufea3\ufeae\ufee3"
    # وزير: reh final, yeh initial (zain never joins forward), zain and waw isolated.
    assert visual_line("وزير", "rtl") == "\ufeae\ufef3\ufeaf\ufeed"
    line = visual_line("وزير الدفاع", "rtl")
    assert unshaped(line) == "عافدلا ريزو"
    assert line[0] == "\ufec9"  # ain isolated (alef before it never joins forward), leftmost


def test_digits_and_latin_keep_their_order_inside_arabic() -> None:
    line = visual_line("القرار الدولي 1701 الذي", "rtl")
    assert unshaped(line) == "يذلا 1701 يلودلا رارقلا"
    name = visual_line("قال لويد Lloyd Austin في 2023", "rtl")
    assert unshaped(name) == "2023 يف Lloyd Austin ديول لاق"


def test_brackets_and_quotes_are_mirrored_in_rtl_runs() -> None:
    assert unshaped(visual_line("قال (مرحبا) «نعم»", "rtl")) == "«معن» (ابحرم) لاق"
    assert unshaped(visual_line("قال (Austin) اليوم", "rtl")) == "مويلا (Austin) لاق"
    assert unshaped(visual_line("[غزة]", "ltr")) == "[ةزغ]"


def test_arabic_name_inside_english_is_reversed_in_place() -> None:
    line = visual_line("Minister يوآف غالانت said", "ltr")
    assert unshaped(line) == "Minister تنالاغ فآوي said"


def test_harakat_follow_their_base_after_reordering() -> None:
    # ا ت ص ا لا ً : the tanween must come right after the lam-alef it sits on.
    assert visual_line("اتصالاً", "rtl") == "\ufefb\u064b\ufe8e\ufebc\ufe97\ufe8d"
    assert display_width(visual_line("اتصالاً", "rtl")) == 5


def test_zwj_keeps_joining_forms_without_breaking_the_reshaper() -> None:
    # arabic-reshaper 3.0 raises IndexError on ZWJ before a lam-alef when ligatures are on.
    assert visual_line("ب\u200d", "rtl") == "\ufe91"  # beh initial, the ZWJ consumed
    assert visual_line("  \u200dلا", "rtl") == "\ufe8e\ufee0  "  # alef final, lam medial


def test_bidi_controls_steer_then_disappear() -> None:
    text = f"The {RLI}name اسم{PDI} here\u200f"
    line = visual_line(text, "ltr")
    assert not set(line) & BIDI_CONTROLS
    assert unshaped(line) == "The مسا name here"


def test_visual_line_refuses_line_breaks() -> None:
    with pytest.raises(ValueError, match="single line"):
        visual_line("سطر\nآخر", "rtl")


def test_visual_line_refuses_unknown_direction() -> None:
    with pytest.raises(InputError):
        visual_line("abc", "up")  # type: ignore[arg-type]


MIRROR_CANON = str.maketrans({")": "(", "]": "[", "»": "«", ">": "<", "}": "{"})
ALPHABET = st.sampled_from(
    list("ab Z  بتسلا")
    + list("אב12١٢,.:-+/%")
    + list("()[]«»<>")
    + ["\u064e", "\u05b0", "\t", "\u200d"]
    + sorted(BIDI_CONTROLS)
)


def canonical(text: str) -> str:
    """Order-only view: bracket pairs folded together, marks and controls removed."""
    return "".join(
        char
        for char in text.translate(MIRROR_CANON)
        if char not in BIDI_CONTROLS and unicodedata.bidirectional(char) != "NSM"
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=30).map("".join), st.sampled_from(["ltr", "rtl"]))
def test_order_matches_python_bidi(text: str, direction: str) -> None:
    shaped = _shape(text)
    expected = get_display(shaped, base_dir="R" if direction == "rtl" else "L") if text else ""
    assert canonical(visual_line(text, direction)) == canonical(expected)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, min_size=1, max_size=30).map("".join), st.sampled_from(["L", "R"]))
def test_level_based_order_reproduces_python_bidi_exactly(text: str, base_dir: str) -> None:
    # L3/L4 are computed on our own L1+L2 order; it must be python-bidi's order, controls included.
    resolved = _resolved_levels(text, base_dir)
    levels = _line_levels(text, resolved, 1 if base_dir == "R" else 0)
    order = _reorder(levels, resolved)
    assert "".join(text[index] for index in order) == get_display(text, base_dir=base_dir)


# --- display_width -------------------------------------------------------------------------------


def test_display_width() -> None:
    assert display_width("abc") == 3
    assert display_width("\u064b\u0651\u064e") == 0  # tanween, shadda, fatha
    assert display_width("كتابٌ") == 4
    assert display_width("中文") == 4
    assert display_width("Ａ") == 2  # fullwidth
    assert display_width("😀") == 2
    assert display_width("e\u0301") == 1
    assert display_width(f"{RLI}{PDI}\u200e\u200f\u061c\u202b\u202c\u200d\t") == 0
    assert display_width("\ufefb") == 1  # lam-alef ligature is one cell


# --- wrap_logical --------------------------------------------------------------------------------


def test_wrap_breaks_at_spaces_and_drops_them() -> None:
    assert wrap_logical("the quick brown fox", 10) == ["the quick", "brown fox"]
    assert wrap_logical("  a  b  ", 10) == ["a  b"]
    assert wrap_logical("", 10) == []
    assert wrap_logical("   ", 10) == []


def test_wrap_hard_breaks_a_long_word() -> None:
    assert wrap_logical("x " + "a" * 25, 10) == ["x", "a" * 10, "a" * 10, "a" * 5]


def test_wrap_keeps_marks_with_their_base_and_counts_wide_chars() -> None:
    lines = wrap_logical("بَ" * 7, 4)
    assert lines == ["بَ" * 4, "بَ" * 3]
    assert wrap_logical("中文字", 3) == ["中", "文", "字"]


def test_wrap_does_not_break_no_break_spaces() -> None:
    assert wrap_logical("1\u00a0701 x", 6) == ["1\u00a0701", "x"]


def test_wrap_shows_controls_as_spaces() -> None:
    assert wrap_logical("a\nb\tc\x1b[31md", 20) == ["a b c [31md"]


def test_wrap_refuses_width_below_two() -> None:
    with pytest.raises(InputError):
        wrap_logical("abc", 1)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from([*"ab ت中\u064e\u00a0 \n", RLI, PDI]), max_size=60),
    st.integers(min_value=2, max_value=12),
)
def test_wrap_never_exceeds_width_and_loses_nothing(text: str, width: int) -> None:
    lines = wrap_logical(text, width)
    assert all(display_width(line) <= width for line in lines)
    assert all(line and line[0] != " " and line[-1] != " " for line in lines)

    def ink(value: str) -> str:
        return "".join(char for char in value if not char.isspace() or char == "\u00a0")

    assert ink("".join(lines)) == ink(text)


# --- render_side_by_side -------------------------------------------------------------------------


def test_side_by_side_with_an_empty_side() -> None:
    lines = render_side_by_side([("1", ["Leave a comment"], [])], EN, AR, 40, "visual")
    # 40 = label 1 + gutter 3 + left 16 + gutter 3 + right 17
    assert lines == [
        " " + " │ " + "English".ljust(16) + " │ " + " " * 10 + "ﺔﻴﺑﺮﻌﻟﺍ",
        "─" + "─┼─" + "─" * 16 + "─┼─" + "─" * 17,
        "1" + " │ " + "Leave a comment".ljust(16) + " │ " + " " * 17,
    ]


def test_rows_wrap_rtl_right_aligned_and_sentences_start_new_lines() -> None:
    rows = [("2:1", ["One two three four.", "Five."], ["واحد اثنان ثلاثة"])]
    lines = render_side_by_side(rows, EN, AR, 34, "visual")  # cells of 12 and 13 columns
    assert {display_width(line) for line in lines} == {34}
    body = [line.split(" │ ") for line in lines[2:]]
    assert [label for label, _, _ in body] == ["2:1", "   ", "   "]
    assert [left.rstrip() for _, left, _ in body] == ["One two", "three four.", "Five."]
    assert [unshaped(right.lstrip()) for _, _, right in body] == ["نانثا دحاو", "ةثالث", ""]
    assert all(right.endswith(right.strip()) for _, _, right in body)  # right-aligned


def test_rows_are_separated_by_a_rule() -> None:
    rows = [("1", ["a"], ["ب"]), ("2", ["c"], ["د"])]
    lines = render_side_by_side(rows, EN, AR, 30, "visual")
    rule = "─" * 1 + "─┼─" + "─" * 11 + "─┼─" + "─" * 12
    assert lines[1] == rule
    assert lines[3] == rule
    assert len(lines) == 5


def test_logical_mode_keeps_logical_order_in_isolates() -> None:
    rows = [("1", ["Austin (US)"], ["قال أوستن (الأميركي) 1701"])]
    lines = render_side_by_side(rows, EN, AR, 60, "logical")
    _, left, right = lines[2].split(" │ ")
    assert left.rstrip() == f"{LRI}Austin (US){PDI}"
    assert right == " " * (right.index(RLI)) + f"{RLI}قال أوستن (الأميركي) 1701{PDI}"
    assert (display_width(left), display_width(right)) == (26, 27)
    assert not any("\ufb50" <= char <= "\ufeff" for line in lines for char in line)


def test_logical_mode_balances_stray_isolate_controls() -> None:
    rows = [(None, [f"x{PDI}y {RLI}z"], ["ب"])]
    left = render_side_by_side(rows, EN, AR, 40, "logical")[2].split(" │ ")[0]
    assert left.rstrip() == f"{LRI}x{FSI}{PDI}y {RLI}z{PDI}{PDI}"


def _columns_of(line: str, char: str) -> list[int]:
    """Display columns at which `char` appears."""
    return [display_width(line[:i]) for i, c in enumerate(line) if c == char]


def test_logical_mode_isolates_keep_columns_apart_in_a_bidi_terminal() -> None:
    # Model a bidi terminal with python-bidi: each printed line is one LTR paragraph.
    both_rtl = Column("rtl", "ع")
    rows = [("1", ["يسار"], ["يمين"])]
    line = render_side_by_side(rows, both_rtl, both_rtl, 30, "logical")[2]
    shown = get_display(line, base_dir="L")
    assert _columns_of(shown, "│") == _columns_of(line, "│")
    left_cell, right_cell = shown.split(" │ ")[1:]
    assert without_controls(left_cell).strip() == "راسي"
    assert without_controls(right_cell).strip() == "نيمي"
    # Without the isolates the terminal would swap the two cells across the gutter.
    bare = get_display(without_controls(line), base_dir="L")
    assert bare.split(" │ ")[1].strip() == "نيمي"


@pytest.mark.parametrize("width", [40, 80, 200])
@pytest.mark.parametrize("mode", ["visual", "logical"])
def test_seed_sentence_renders_at_common_widths(width: int, mode: str) -> None:
    rows = [("1", [SEED_EN], [SEED_AR])]
    lines = render_side_by_side(rows, EN, AR, width, mode)  # type: ignore[arg-type]
    assert {display_width(line) for line in lines} == {width}
    text = "".join(lines)
    if mode == "visual":
        assert not any("\u0621" <= char <= "\u064a" for char in text)  # every letter shaped
        assert "ﻲﻠﻴﺋﺍﺮﺳﻹﺍ" in text  # الإسرائيلي reversed and shaped
    else:
        assert "الإسرائيلي" in text


ROW_TEXT = st.text(alphabet=st.sampled_from([*"ab ت中\u064e()1 ", RLI, PDI, "\n"]), max_size=50)
ROWS = st.lists(
    st.tuples(
        st.one_of(st.none(), st.sampled_from(["1", "12", "3:2"])),
        st.lists(ROW_TEXT, max_size=2),
        st.lists(ROW_TEXT, max_size=2),
    ),
    max_size=4,
)


@settings(max_examples=100, deadline=None)
@given(
    ROWS,
    st.sampled_from(["ltr", "rtl"]),
    st.integers(min_value=20, max_value=90),
    st.sampled_from(["visual", "logical"]),
)
def test_every_line_has_the_full_width(
    rows: list[tuple[str | None, list[str], list[str]]], left_dir: str, width: int, mode: str
) -> None:
    left = Column(left_dir, "Left")  # type: ignore[arg-type]
    lines = render_side_by_side(rows, left, AR, width, mode)  # type: ignore[arg-type]
    assert {display_width(line) for line in lines} == {width}
    assert not any(char in line for line in lines for char in "\n\t")


def test_too_narrow_is_refused() -> None:
    with pytest.raises(InputError, match="too narrow"):
        render_side_by_side([("10", ["a"], ["b"])], EN, AR, 11, "visual")


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(InputError, match="render mode"):
        render_side_by_side([], EN, AR, 40, "html")  # type: ignore[arg-type]
