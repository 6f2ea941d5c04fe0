"""Read an input text file into the one canonical form the store keeps.

The stored text is what every offset counts into, so everything that could make two readers of the
same file disagree is settled here, once: the encoding (UTF-8 with or without a BOM, UTF-16 with a
BOM), line ends (CRLF and lone CR become LF, as Qt folds CRLF into one character), Unicode NFC
(never NFKC), Arabic presentation forms folded to their base letters, stray U+FEFF removed, NUL
refused. Bidi control characters are kept as they are.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from typing import Final

from annotator.errors import InputError

__all__ = [
    "PRESENTATION_FORM_RANGES",
    "DecodedText",
    "TextFileError",
    "decode_bytes",
    "has_presentation_forms",
    "read_text_file",
    "unusable_file",
]

PRESENTATION_FORM_RANGES: Final[tuple[tuple[int, int], ...]] = (
    (0xFB50, 0xFDFF),  # Arabic Presentation Forms-A
    (0xFE70, 0xFEFE),  # Arabic Presentation Forms-B (U+FEFF, the BOM, is handled on its own)
)

NORMALIZATION: Final = "NFC"

_REENCODE_HINT: Final = "not UTF-8 or UTF-16 with a BOM; re-save the file as UTF-8"
_UTF8_BOM: Final = b"\xef\xbb\xbf"
_UTF16_BOMS: Final = ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_UTF32_BOMS: Final = ((b"\xff\xfe\x00\x00", "LE"), (b"\x00\x00\xfe\xff", "BE"))
_SNIFF_BYTES: Final = 65536
MAX_DOCUMENT_BYTES: Final = 20_000_000  # per file; `annotator import --max-size` raises it
MAX_NON_STARTERS: Final = 30  # UAX #15 stream-safe text format
GRAPHEME_JOINER: Final = "\u034f"


def _foldable_class() -> str:
    """Return a regex character class of the code points in the ranges that have a decomposition."""
    parts: list[str] = []
    for first, last in PRESENTATION_FORM_RANGES:
        run_start: int | None = None
        for code in range(first, last + 2):
            foldable = code <= last and unicodedata.decomposition(chr(code)) != ""
            if foldable and run_start is None:
                run_start = code
            elif not foldable and run_start is not None:
                parts.append(f"\\u{run_start:04x}-\\u{code - 1:04x}")
                run_start = None
    return "[" + "".join(parts) + "]"


# Only code points with a compatibility decomposition are presentation forms of letters; the rest of
# the ranges (ornate parentheses, honorific ligatures such as U+FDFD, Arabic symbols, noncharacters)
# have no base-letter equivalent and are kept.
_PRESENTATION_FORM_RE: Final = re.compile(_foldable_class() + "+")
# Two plain ranges scan about twice as fast as the exact class: a cheap first look.
_IN_RANGES_RE: Final = re.compile(
    "[" + "".join(f"\\u{first:04x}-\\u{last:04x}" for first, last in PRESENTATION_FORM_RANGES) + "]"
)


@dataclass(frozen=True)
class DecodedText:
    """A decoded input file in canonical form, with what import had to change to get there."""

    text: str
    encoding: str
    checksum: str
    normalization: str
    changes: tuple[str, ...]


class TextFileError(InputError):
    """An input text file was refused: `<file name>: byte <offset>: <reason>`."""

    def __init__(self, path: str, offset: int | None, reason: str) -> None:
        where = f"{path}: " if offset is None else f"{path}: byte {offset}: "
        super().__init__(where + reason)
        self.path = path
        self.offset = offset
        self.reason = reason

    def __reduce__(self) -> tuple[type[TextFileError], tuple[str, int | None, str]]:
        return (type(self), (self.path, self.offset, self.reason))


def has_presentation_forms(text: str) -> bool:
    """Return True if `text` holds an Arabic presentation form that folds to base letters."""
    return _PRESENTATION_FORM_RE.search(text) is not None


def read_text_file(
    path: str | os.PathLike[str], max_bytes: int = MAX_DOCUMENT_BYTES
) -> DecodedText:
    """Read and decode the file at `path`; raise TextFileError naming it if it cannot be used.

    What is not a regular file (a FIFO, a device, a folder) is refused before it is opened,
    and so is a file over max_bytes: neither can hang the import or fill the memory.
    """
    name = os.fspath(path)
    try:
        info = os.stat(name)  # follows symlinks: a loop or a dangling link fails here
    except OSError as exc:
        raise TextFileError(name, None, f"cannot read: {_os_reason(exc)}") from None
    if not stat.S_ISREG(info.st_mode):
        raise TextFileError(name, None, f"not a regular file ({_file_kind(info.st_mode)})")
    if info.st_size > max_bytes:
        raise TextFileError(
            name,
            None,
            f"{info.st_size / 1e6:.1f} MB is over the {max_bytes / 1e6:g} MB limit per document "
            "(raise it with --max-size MB)",
        )
    try:
        with open(name, "rb") as handle:
            data = handle.read(max_bytes + 1)  # the file may have grown since stat
    except OSError as exc:
        raise TextFileError(name, None, f"cannot read: {_os_reason(exc)}") from None
    if len(data) > max_bytes:
        raise TextFileError(name, None, f"grew over the {max_bytes / 1e6:g} MB limit while read")
    return decode_bytes(data, name)


def unusable_file(path: str | os.PathLike[str]) -> str | None:
    """Return what makes the path unusable as a text file ("a folder"…), None if it is usable."""
    try:
        info = os.stat(path)
    except OSError as exc:
        return _os_reason(exc)
    if not stat.S_ISREG(info.st_mode):
        return f"{_file_kind(info.st_mode)}, not a file"
    return None


def _os_reason(exc: OSError) -> str:
    """Return the reason of an OS error in words, naming a symlink loop as one."""
    if exc.errno == errno.ELOOP:
        return "a loop of symbolic links"
    if exc.errno == errno.ENOENT and os.path.islink(exc.filename or ""):
        return "a symbolic link to nothing (its target does not exist)"
    return str(exc.strerror or exc)


def _file_kind(mode: int) -> str:
    """Return what a non-regular file is, for people."""
    for test, kind in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return kind
    return "not a plain file"


def decode_bytes(data: bytes, name: str) -> DecodedText:
    """Decode file contents `data` (`name` in errors) to canonical text, or raise TextFileError."""
    encoding, bom_length = _detect_encoding(data, name)
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    try:
        raw = data[bom_length:].decode(codec)
    except UnicodeDecodeError as exc:
        offset = bom_length + exc.start
        raise TextFileError(name, offset, _decode_reason(data, encoding, exc)) from None

    nul = raw.find("\x00")
    if nul >= 0:
        offset = bom_length + len(raw[:nul].encode(codec))
        raise TextFileError(name, offset, _nul_reason(data, encoding))

    text, changes = _canonicalize(raw)
    if not text:
        raise TextFileError(name, None, "file is empty")
    if text.isspace():
        raise TextFileError(name, None, "file is empty (whitespace only)")
    checksum = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return DecodedText(text, encoding, checksum, NORMALIZATION, tuple(changes))


def _detect_encoding(data: bytes, name: str) -> tuple[str, int]:
    """Return the encoding named by the BOM (UTF-8 without one) and the BOM's length in bytes."""
    for bom, order in _UTF32_BOMS:
        if data.startswith(bom):
            reason = f"UTF-32 ({order}) byte order mark: UTF-32 is not supported; re-save as UTF-8"
            raise TextFileError(name, 0, reason)
    if data.startswith(_UTF8_BOM):
        return "utf-8-sig", len(_UTF8_BOM)
    for bom, encoding in _UTF16_BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return "utf-8", 0


def _decode_reason(data: bytes, encoding: str, exc: UnicodeDecodeError) -> str:
    """Explain a decoding failure in words a user can act on."""
    bad = exc.object[exc.start]
    if encoding.startswith("utf-16"):
        if exc.reason == "truncated data":
            return "file ends in the middle of a UTF-16 code unit (odd number of bytes)"
        return f"invalid UTF-16: {exc.reason} (the file has a UTF-16 byte order mark)"
    utf16_order = _utf16_without_bom(data) if encoding == "utf-8" else None
    if utf16_order is not None:
        return _utf16_reason(utf16_order)
    if exc.reason == "invalid start byte":
        return f"invalid UTF-8 start byte 0x{bad:02x} ({_REENCODE_HINT})"
    if exc.reason == "invalid continuation byte":
        after = exc.object[exc.end] if exc.end < len(exc.object) else None
        follow = f" is followed by 0x{after:02x}" if after is not None else " is cut short"
        return f"invalid UTF-8 sequence: byte 0x{bad:02x}{follow} ({_REENCODE_HINT})"
    if exc.reason == "unexpected end of data":
        return f"file ends in the middle of a UTF-8 sequence starting with 0x{bad:02x}"
    return f"invalid UTF-8 at byte 0x{bad:02x}: {exc.reason} ({_REENCODE_HINT})"


def _utf16_reason(order: str) -> str:
    """Explain that the file looks like UTF-16 in byte order `order` but has no BOM."""
    return f"looks like UTF-16-{order} without a byte order mark; re-save the file as UTF-8"


def _nul_reason(data: bytes, encoding: str) -> str:
    """Explain why a NUL character is refused, naming UTF-16 without a BOM when it looks like it."""
    utf16_order = _utf16_without_bom(data) if encoding == "utf-8" else None
    if utf16_order is not None:
        return _utf16_reason(utf16_order)
    return "NUL character (U+0000) is not allowed in text (the database cannot store it)"


def _utf16_without_bom(data: bytes) -> str | None:
    """Return "LE" or "BE" if `data` looks like UTF-16 without a BOM, else None."""
    sample = data[:_SNIFF_BYTES]
    if len(sample) < 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if _looks_like_high_bytes(odd) and odd.count(0) and not _has_nul_share(even, 0.01):
        return "LE"
    if _looks_like_high_bytes(even) and even.count(0) and not _has_nul_share(odd, 0.01):
        return "BE"
    return None


def _looks_like_high_bytes(half: bytes) -> bool:
    """Return True if `half` is almost all NUL and one other value, as UTF-16 high bytes are."""
    # Text in one script has high bytes 0x00 (ASCII: spaces, line ends, digits) and one block
    # value (0x06 for Arabic, 0x05 for Hebrew); UTF-8 bytes at one parity are far more varied.
    counts = sorted((half.count(value) for value in set(half) - {0}), reverse=True)
    dominant = half.count(0) + (counts[0] if counts else 0)
    return dominant >= 0.9 * len(half)


def _has_nul_share(half: bytes, share: float) -> bool:
    """Return True if more than `share` of the bytes in `half` are NUL."""
    return half.count(0) > share * len(half)


def _canonicalize(text: str) -> tuple[str, list[str]]:
    """Return `text` in stored form and notes of what changed (order matters: NFC comes last)."""
    changes: list[str] = []
    stray_boms = text.count("\ufeff")
    if stray_boms:
        text = text.replace("\ufeff", "")
        changes.append(f"{stray_boms} stray U+FEFF (zero width no-break space) removed")
    crlf = text.count("\r\n")
    if crlf:
        text = text.replace("\r\n", "\n")
        changes.append(f"{_plural(crlf, 'CRLF line end')} → LF")
    lone_cr = text.count("\r")
    if lone_cr:
        text = text.replace("\r", "\n")
        changes.append(f"{_plural(lone_cr, 'CR line end')} → LF")
    if _IN_RANGES_RE.search(text) is not None:
        text, folded = _fold_presentation_forms(text)
        if folded:
            changes.append(f"{_plural(folded, 'Arabic presentation form')} folded to base letters")
    if not unicodedata.is_normalized("NFC", text):
        text, joiners = _stream_safe(text)
        if joiners:
            changes.append(
                f"{_plural(joiners, 'U+034F (combining grapheme joiner)')} inserted into runs of "
                f"more than {MAX_NON_STARTERS} combining marks (Unicode stream-safe format)"
            )
        text, nfc_changed = _normalize_nfc(text)
        changes.append(f"NFC changed {_plural(nfc_changed, 'character')}")
    return text, changes


def _plural(count: int, noun: str) -> str:
    """Return `count` and `noun`, with an "s" unless the count is one."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _fold_presentation_forms(text: str) -> tuple[str, int]:
    """Replace each presentation form by its compatibility (NFKC) equivalent; return the count."""
    folded = 0

    def fold(match: re.Match[str]) -> str:
        nonlocal folded
        folded += len(match.group())
        return unicodedata.normalize("NFKC", match.group())

    return _PRESENTATION_FORM_RE.sub(fold, text), folded


@functools.cache
def _long_mark_run() -> re.Pattern[str]:
    """Return a pattern for runs of more than MAX_NON_STARTERS non-starters (built once)."""
    parts: list[str] = []
    run_start: int | None = None
    for code in range(0x110001):
        mark = code <= 0x10FFFF and unicodedata.combining(chr(code)) != 0
        if mark and run_start is None:
            run_start = code
        elif not mark and run_start is not None:
            parts.append(f"{re.escape(chr(run_start))}-{re.escape(chr(code - 1))}")
            run_start = None
    return re.compile("[" + "".join(parts) + "]{" + str(MAX_NON_STARTERS + 1) + ",}")


def _stream_safe(text: str) -> tuple[str, int]:
    """Insert U+034F after every MAX_NON_STARTERS marks of a longer run (UAX #15 stream-safe).

    NFC sorts each run of combining marks, in time quadratic in the run's length: a file of
    800,000 stacked marks took minutes. No real text stacks 30 marks on one letter.
    """
    inserted = 0

    def cut(match: re.Match[str]) -> str:
        nonlocal inserted
        run = match.group()
        pieces = [run[k : k + MAX_NON_STARTERS] for k in range(0, len(run), MAX_NON_STARTERS)]
        inserted += len(pieces) - 1
        return GRAPHEME_JOINER.join(pieces)

    return _long_mark_run().sub(cut, text), inserted


def _normalize_nfc(text: str) -> tuple[str, int]:
    """Return `text` in NFC and how many characters changed, working only on lines that change."""
    # A line end is a starter that composes with nothing, so NFC line by line equals NFC of the
    # whole, and most lines are already in NFC: this is several times faster on Arabic.
    lines = text.split("\n")
    changed = 0
    for index, line in enumerate(lines):
        if not unicodedata.is_normalized("NFC", line):
            changed += _count_nfc_changes(line)
            lines[index] = unicodedata.normalize("NFC", line)
    return "\n".join(lines), changed


def _count_nfc_changes(line: str) -> int:
    """Count the characters (a base and its marks) NFC rewrites in `line`, at least one."""
    in_line = 0
    cluster = ""
    for char in line:
        if cluster and unicodedata.combining(char) == 0:
            in_line += not unicodedata.is_normalized("NFC", cluster)
            cluster = ""
        cluster += char
    in_line += not unicodedata.is_normalized("NFC", cluster)
    # Compositions across two starters (Hangul jamo, some Indic vowels) change no one cluster.
    return max(in_line, 1)
