"""Building a document's text from sentences a file gives (InterText, TMX, XLIFF).

Sentences are NFC-normalised and their inner line breaks become spaces; sentences of one
paragraph are joined with a space (nothing for Chinese, Japanese and Thai, written without
spaces), paragraphs with a blank line, so annotator's own paragraph reading gives them back.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from annotator.formats.document import ExportSide
from annotator.text.script import detect_direction

_BREAKS = re.compile(r"\s*[\n\r\u2028\u2029]+\s*")
_UNSPACED = {"zh", "ja", "th", "lo", "km", "my", "bo"}


def clean_sentence(text: str) -> str:
    """Return a sentence as stored: NFC, no line breaks, no edge whitespace."""
    return _BREAKS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def assemble_side(language: str, paragraphs: Sequence[Sequence[str]]) -> ExportSide:
    """Return the side whose text holds these paragraphs of (cleaned, non-empty) sentences."""
    joiner = "" if language.split("-")[0].lower() in _UNSPACED else " "
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for p, sentences in enumerate(paragraphs):
        if p and spans:
            parts.append("\n\n")
            pos += 2
        for k, sentence in enumerate(sentences):
            if k:
                parts.append(joiner)
                pos += len(joiner)
            parts.append(sentence)
            spans.append((pos, pos + len(sentence)))
            pos += len(sentence)
    text = "".join(parts)
    return ExportSide(language, detect_direction(text), text, tuple(spans))


def assemble_lines(language: str, sentences: Sequence[str]) -> ExportSide:
    """Return the side whose text holds one sentence per line (TMX, XLIFF: no paragraphs)."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for sentence in sentences:
        spans.append((pos, pos + len(sentence)))
        parts.append(sentence + "\n")
        pos += len(sentence) + 1
    return ExportSide(language, detect_direction("".join(parts)), "".join(parts), tuple(spans))
