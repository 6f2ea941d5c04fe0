"""Bundled fonts: registered at start-up so Arabic and Latin text never depend on the machine."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import fontpkg_noto_sans
import fontpkg_noto_sans_arabic
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics

BUNDLED = (fontpkg_noto_sans, fontpkg_noto_sans_arabic)
DEFAULT_POINT_SIZE = 13
_registered: list[str] = []


class FontError(RuntimeError):
    """A bundled font file could not be registered with Qt."""


def register_bundled_fonts() -> list[str]:
    """Register the bundled font files with Qt once and return their family names in order."""
    if _registered:
        return list(_registered)
    for package in BUNDLED:
        files = sorted(Path(package.ROOT, "files").glob("*.ttf"))
        if not files:
            raise FontError(f"{package.__name__}: no font file found")
        for path in files:
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id < 0:
                raise FontError(f"{path}: Qt could not load this font")
            for family in QFontDatabase.applicationFontFamilies(font_id):
                if family not in _registered:
                    _registered.append(family)
    return list(_registered)


def text_font(point_size: int = DEFAULT_POINT_SIZE) -> QFont:
    """Return the font for document text: Noto Sans, falling back to Noto Sans Arabic."""
    families = register_bundled_fonts()
    font = QFont()
    font.setFamilies(families)
    font.setPointSize(point_size)
    return font


def unsupported_characters(text: str, font: QFont, sample: int = 20_000) -> list[str]:
    """Return the distinct characters of `text` (up to `sample`) that no installed font has.

    The bundled chain is asked first; a character it lacks is looked up in every font of the
    system, which Qt falls back to when it draws (an emoji usually comes from there).
    """
    families = [*font.families(), QFont().defaultFamily()]
    metrics = [QFontMetrics(QFont(family)) for family in families]
    lacking: list[str] = []
    for ch in sorted(set(text[:sample])):
        if ch.isspace() or not ch.isprintable() or unicodedata.category(ch) == "Cf":
            continue
        if not any(m.inFontUcs4(ord(ch)) for m in metrics):
            lacking.append(ch)
    if not lacking:
        return []
    system = [QFontMetrics(QFont(family)) for family in QFontDatabase.families()]
    return [ch for ch in lacking if not any(m.inFontUcs4(ord(ch)) for m in system)]
