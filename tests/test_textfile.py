from __future__ import annotations

import errno
import hashlib
import os
import pickle
import unicodedata
from pathlib import Path

import arabic_reshaper
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.errors import InputError
from annotator.text.script import detect_direction
from annotator.text.textfile import (
    PRESENTATION_FORM_RANGES,
    DecodedText,
    TextFileError,
    decode_bytes,
    has_presentation_forms,
    read_text_file,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"  # the shipped copy of the seed pair
# Arabic, Latin, a non-BMP emoji (a surrogate pair in UTF-16), Arabic-Indic digits, a diacritic.
SAMPLE = "وزير الدفاع Lloyd Austin 🙂 في ١٧٠١ اتصالاً\nsecond line\n"
BIDI_CONTROLS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def _write(tmp_path: Path, data: bytes, name: str = "doc.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _refusal(data: bytes, name: str = "doc.txt") -> TextFileError:
    with pytest.raises(TextFileError) as info:
        decode_bytes(data, name)
    return info.value


# --- accepted encodings ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (b"\xff\xfe" + SAMPLE.encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + SAMPLE.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_every_accepted_encoding_round_trips(tmp_path: Path, data: bytes, encoding: str) -> None:
    decoded = read_text_file(_write(tmp_path, data))
    assert decoded == DecodedText(
        text=SAMPLE,
        encoding=encoding,
        checksum=hashlib.sha256(SAMPLE.encode("utf-8")).hexdigest(),
        normalization="NFC",
        changes=(),
    )


def test_read_text_file_accepts_str_paths(tmp_path: Path) -> None:
    path = _write(tmp_path, SAMPLE.encode("utf-8"))
    assert read_text_file(str(path)).text == SAMPLE


def test_checksum_is_the_same_for_the_same_text_in_any_encoding_and_line_ends() -> None:
    variants = [
        SAMPLE.encode("utf-8"),
        b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"),
        b"\xff\xfe" + SAMPLE.replace("\n", "\r\n").encode("utf-16-le"),
        b"\xfe\xff" + SAMPLE.replace("\n", "\r").encode("utf-16-be"),
    ]
    checksums = {decode_bytes(data, "doc.txt").checksum for data in variants}
    assert checksums == {hashlib.sha256(SAMPLE.encode("utf-8")).hexdigest()}
    assert decode_bytes(variants[0], "doc.txt").checksum == decode_bytes(variants[0], "x").checksum
    assert decode_bytes(b"other text", "doc.txt").checksum not in checksums


# --- refused inputs: file name, byte offset, reason ----------------------------------------


@pytest.mark.parametrize(
    ("data", "offset", "reason_part"),
    [
        # Latin-1 "café au lait": 0xe9 announces a 3-byte sequence that is not there.
        (b"caf\xe9 au lait", 3, "byte 0xe9 is followed by 0x20"),
        (b"ab\xffcd", 2, "invalid UTF-8 start byte 0xff"),
        (b"\xef\xbb\xbfab\x80", 5, "invalid UTF-8 start byte 0x80"),
        ("نص ".encode() + b"\xc3\x41", 5, "byte 0xc3 is followed by 0x41"),
        (b"ab\xe2\x82", 2, "file ends in the middle of a UTF-8 sequence starting with 0xe2"),
        # surrogates encoded in UTF-8 (CESU-8) are not UTF-8
        (b"a\xed\xa0\x80", 1, "invalid UTF-8"),
    ],
)
def test_undecodable_utf8_names_file_offset_and_reason(
    data: bytes, offset: int, reason_part: str
) -> None:
    error = _refusal(data, "corpus/ar/0001.txt")
    assert isinstance(error, InputError)
    assert error.path == "corpus/ar/0001.txt"
    assert error.offset == offset
    assert reason_part in error.reason
    assert str(error) == f"corpus/ar/0001.txt: byte {offset}: {error.reason}"


def test_latin1_refusal_tells_the_user_what_to_do() -> None:
    error = _refusal(b"caf\xe9 au lait")
    assert error.reason.endswith("(not UTF-8 or UTF-16 with a BOM; re-save the file as UTF-8)")


@pytest.mark.parametrize(
    ("data", "offset", "order"),
    [
        ("hello world\r\n".encode("utf-16-le"), 1, "LE"),
        ("hello world\r\n".encode("utf-16-be"), 0, "BE"),
        # Arabic letters in UTF-16 are all bytes below 0x80: only the space gives it away.
        ("مرحبا بالعالم".encode("utf-16-be"), 10, "BE"),
        ("مرحبا بالعالم".encode("utf-16-le"), 11, "LE"),
        # 0xe9 is not valid UTF-8 here: the decode error itself is explained as UTF-16.
        ("un café".encode("utf-16-be"), 13, "BE"),
    ],
)
def test_utf16_without_bom_is_named_as_such(data: bytes, offset: int, order: str) -> None:
    error = _refusal(data)
    assert error.offset == offset
    assert error.reason == (
        f"looks like UTF-16-{order} without a byte order mark; re-save the file as UTF-8"
    )


@pytest.mark.parametrize(
    ("name", "codec", "order"),
    [
        ("austin-gallant-call.ar.txt", "utf-16-le", "LE"),
        ("austin-gallant-call.ar.txt", "utf-16-be", "BE"),
        ("austin-gallant-call.en.txt", "utf-16-le", "LE"),
    ],
)
def test_seed_saved_as_utf16_without_bom_is_named_as_such(
    name: str, codec: str, order: str
) -> None:
    error = _refusal((SEEDS / name).read_text("utf-8").encode(codec))
    assert error.reason.startswith(f"looks like UTF-16-{order} without a byte order mark")


@pytest.mark.parametrize(
    ("data", "offset"),
    [
        (b"abc\x00def", 3),
        ("مر\x00".encode(), 4),
        (b"\xef\xbb\xbf" + "مر\x00".encode(), 7),
        (b"\xff\xfe" + "ab\x00".encode("utf-16-le"), 6),
        (b"\xfe\xff" + "🙂\x00".encode("utf-16-be"), 6),
    ],
)
def test_nul_is_refused_at_its_byte_offset_in_the_file(data: bytes, offset: int) -> None:
    error = _refusal(data)
    assert error.offset == offset
    assert "NUL character (U+0000)" in error.reason


@pytest.mark.parametrize(
    ("data", "offset", "reason_part"),
    [
        (b"\xff\xfe" + b"\x00\xd8a\x00", 2, "invalid UTF-16"),  # a lone high surrogate
        (b"\xfe\xff" + "ab".encode("utf-16-be") + b"x", 6, "odd number of bytes"),
    ],
)
def test_broken_utf16_with_bom_names_offset(data: bytes, offset: int, reason_part: str) -> None:
    error = _refusal(data)
    assert (error.offset, reason_part in error.reason) == (offset, True)


@pytest.mark.parametrize("bom", [b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"])
def test_utf32_is_refused_with_a_clear_reason(bom: bytes) -> None:
    codec = "utf-32-le" if bom[0] == 0xFF else "utf-32-be"
    error = _refusal(bom + "نص".encode(codec))
    assert error.offset == 0
    assert "UTF-32" in error.reason and "not supported" in error.reason


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b" \r\n\t\n",
        b"\xfe\xff" + " \u3000\r\n".encode("utf-16-be"),
        "\ufeff\ufeff \n".encode(),
    ],
)
def test_empty_and_whitespace_only_files_are_refused(data: bytes) -> None:
    error = _refusal(data, "empty.txt")
    assert error.offset is None
    assert str(error).startswith("empty.txt: file is empty")


def test_missing_file_names_it_and_the_os_reason(tmp_path: Path) -> None:
    path = tmp_path / "missing.txt"
    with pytest.raises(TextFileError) as info:
        read_text_file(path)
    assert str(info.value) == f"{path}: cannot read: {os.strerror(errno.ENOENT)}"
    assert info.value.offset is None


def test_directory_is_refused_as_what_it_is(tmp_path: Path) -> None:
    with pytest.raises(TextFileError) as info:
        read_text_file(tmp_path)
    assert str(info.value) == f"{tmp_path}: not a regular file (a folder)"


def test_text_file_error_survives_pickling_for_worker_processes() -> None:
    error = _refusal(b"ab\xffcd", "a.txt")
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.path, copy.offset, copy.reason) == (
        TextFileError,
        str(error),
        "a.txt",
        2,
        error.reason,
    )


# --- canonical form ---------------------------------------------------------------------------


def test_crlf_and_lone_cr_become_lf() -> None:
    decoded = decode_bytes(b"one\r\ntwo\rthree\r\r\nfour\n", "doc.txt")
    assert decoded.text == "one\ntwo\nthree\n\nfour\n"
    assert decoded.changes == ("2 CRLF line ends → LF", "2 CR line ends → LF")


def test_nfc_composes_alef_and_hamza_above() -> None:
    decoded = decode_bytes("سأل ا\u0654حمد".encode(), "doc.txt")
    assert decoded.text == "سأل أحمد"
    assert decoded.changes == ("NFC changed 1 character",)


def test_nfc_puts_fatha_before_shadda() -> None:
    shadda_first = "مح\u0645\u0651\u064eد"
    decoded = decode_bytes(shadda_first.encode(), "doc.txt")
    assert decoded.text == "مح\u0645\u064e\u0651د"
    assert decoded.changes == ("NFC changed 1 character",)


def test_nfc_change_count_covers_every_line() -> None:
    text = "ا\u0654\nبب\nا\u0654 و\u0654 \u0645\u0651\u064e\n"
    decoded = decode_bytes(text.encode(), "doc.txt")
    assert decoded.text == unicodedata.normalize("NFC", text)
    assert decoded.changes == ("NFC changed 4 characters",)


def test_presentation_forms_are_folded_to_base_letters() -> None:
    decoded = decode_bytes(f"{chr(0xFEFB)} {chr(0xFE8D)}{chr(0xFEDF)}{chr(0xFEE0)}".encode(), "d")
    assert decoded.text == "لا الل"
    assert decoded.changes == ("4 Arabic presentation forms folded to base letters",)
    assert not has_presentation_forms(decoded.text)


def test_reshaped_text_comes_back_as_logical_letters() -> None:
    original = "السلام عليكم ورحمة الله، لا إله إلا هو"
    reshaped = arabic_reshaper.reshape(original)
    assert has_presentation_forms(reshaped)
    decoded = decode_bytes(reshaped.encode(), "reshaped.txt")
    assert decoded.text == original
    assert decoded.changes[0].endswith("Arabic presentation forms folded to base letters")


def test_allah_ligature_is_folded_but_nothing_else_gets_nfkc() -> None:
    # NFKC of the whole text would also turn ² ﬁ ① into 2 fi 1: only U+FDF2 may change.
    decoded = decode_bytes("x² ﬁ ① \ufdf2 ١٧".encode(), "doc.txt")
    assert decoded.text == "x² ﬁ ① \u0627\u0644\u0644\u0647 ١٧"
    assert decoded.changes == ("1 Arabic presentation form folded to base letters",)


def test_folded_form_then_composes_with_a_following_mark() -> None:
    decoded = decode_bytes("\ufe8d\u0654".encode(), "doc.txt")  # alef isolated form + hamza above
    assert decoded.text == "أ"
    assert len(decoded.changes) == 2


def test_range_characters_without_base_letters_are_kept() -> None:
    text = "\ufdfd \ufd3eنص\ufd3f"  # bismillah ligature, ornate parentheses
    decoded = decode_bytes(text.encode(), "doc.txt")
    assert decoded.text == text
    assert decoded.changes == ()
    assert not has_presentation_forms(text)


def test_has_presentation_forms() -> None:
    assert PRESENTATION_FORM_RANGES == ((0xFB50, 0xFDFF), (0xFE70, 0xFEFE))
    for form in ("\ufb50", "\ufdf2", "\ufe70", "\ufefb", "\ufefc"):
        assert has_presentation_forms(f"نص {form} نص")
    for clean in ("", "السلام عليكم", "\ufeff", "ﬁ", "\ufdfd"):
        assert not has_presentation_forms(clean)


def test_bom_is_stripped_at_start_and_stray_ones_removed() -> None:
    decoded = decode_bytes("\ufeffنص\ufeff نص".encode("utf-8-sig"), "doc.txt")
    assert decoded.encoding == "utf-8-sig"
    assert decoded.text == "نص نص"
    assert decoded.changes == ("2 stray U+FEFF (zero width no-break space) removed",)
    plain = decode_bytes(b"ab\xef\xbb\xbfc", "doc.txt")
    assert (plain.encoding, plain.text) == ("utf-8", "abc")


def test_bidi_controls_are_kept() -> None:
    text = f"قال{BIDI_CONTROLS} Austin\u200f: «نعم»\u200e"
    for encoding in ("utf-8", "utf-16"):
        decoded = decode_bytes(text.encode(encoding), "doc.txt")
        assert decoded.text == text
        assert decoded.changes == ()


def test_seed_documents_decode_unchanged() -> None:
    english = read_text_file(SEEDS / "austin-gallant-call.en.txt")
    arabic = read_text_file(SEEDS / "austin-gallant-call.ar.txt")
    for decoded in (english, arabic):
        assert (decoded.encoding, decoded.changes) == ("utf-8", ())
    assert english.text.startswith("Austin discusses with Gallant")
    assert arabic.text.startswith("أجرى وزير الدفاع الأميركي")
    assert (detect_direction(english.text), detect_direction(arabic.text)) == ("ltr", "rtl")


_texts = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1
).filter(lambda text: not text.isspace() and text.replace("\ufeff", "").strip() != "")


@settings(max_examples=150, deadline=None)
@given(_texts)
def test_output_is_canonical_and_decoding_it_again_changes_nothing(text: str) -> None:
    decoded = decode_bytes(text.encode("utf-8"), "doc.txt")
    out = decoded.text
    assert unicodedata.is_normalized("NFC", out)
    assert "\r" not in out and "\ufeff" not in out and "\x00" not in out
    assert not has_presentation_forms(out)
    assert decode_bytes(b"\xfe\xff" + text.encode("utf-16-be"), "doc.txt").text == out
    again = decode_bytes(out.encode("utf-8"), "doc.txt")
    assert (again.text, again.changes, again.checksum) == (out, (), decoded.checksum)
