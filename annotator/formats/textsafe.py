"""Text made safe for where it goes: XML character data, and pair names as file names."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from annotator.formats.report import ExportReport

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str, report: ExportReport) -> str:
    """Return text escaped for XML; characters XML 1.0 cannot hold become spaces (reported)."""
    if _NOT_XML.search(text):
        report.cannot_carry("control characters (written as spaces)")
        text = _NOT_XML.sub(" ", text)
    return escape(text)


def safe_file_name(name: str) -> str:
    """Return a pair name safe as a file name (path separators and control characters out)."""
    cleaned = "".join("_" if ch in '/\\:*?"<>|' or ord(ch) < 32 else ch for ch in name).strip()
    return cleaned.lstrip(".") or "pair"
