"""TMX 1.4b: one translation unit per bead, valid against the TMX 1.4b DTD.

The header carries every required attribute; `o-tmf` names our format ("annotator"), not an
encoding. Each `tu` has a `tuv` with `xml:lang` per side holding one `seg`; an n:m bead's
sentences are joined with one space and the unit says `segtype="block"` (a 1:1 bead is a
sentence). One-sided beads are skipped and counted, or written as a one-`tuv` unit with
--keep-one-sided. `prop`s (x-pair, x-bead, x-status, x-score) keep where each unit came from.
Characters XML 1.0 cannot hold (most C0 controls) are written as spaces and reported. No
creation date is written, so one layer always exports to the same bytes.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

from annotator import __version__
from annotator.formats.document import ExportBead, ExportPair
from annotator.formats.options import ExportOptions
from annotator.formats.report import ExportReport
from annotator.formats.textsafe import xml_text


class TmxWriter:
    """Streams a TMX document: the header on the first pair, units as pairs come."""

    def __init__(self, path: Path, options: ExportOptions, report: ExportReport) -> None:
        self.options = options
        self.report = report
        self.stream = path.open("w", encoding="utf-8", newline="\n")
        self.started = False
        report.files.append(path)

    def _text(self, text: str) -> str:
        return xml_text(text, self.report)

    def _start(self, pair: ExportPair) -> None:
        attributes = {
            "creationtool": "annotator",
            "creationtoolversion": __version__,
            "segtype": "sentence",
            "o-tmf": "annotator",
            "adminlang": "en",
            "srclang": pair.source.language,
            "datatype": "plaintext",
        }
        header = " ".join(f"{key}={quoteattr(value)}" for key, value in attributes.items())
        self.stream.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
            '<tmx version="1.4">\n'
            f"<header {header}/>\n<body>\n"
        )
        self.started = True

    def write(self, pair: ExportPair) -> None:
        """Append one unit per bead of the pair."""
        if not self.started:
            self._start(pair)
        report = self.report
        report.cannot_carry("mentions and links (use jsonl), paragraph breaks")
        report.mentions += len(pair.mentions)
        report.links += len(pair.links)
        for index, bead in enumerate(pair.beads):
            if bead.one_sided and not self.options.keep_one_sided:
                report.one_sided_skipped += 1
                continue
            report.wrote_bead(bead)
            self.stream.write(self._unit(pair, index, bead))

    def _unit(self, pair: ExportPair, index: int, bead: ExportBead) -> str:
        segtype = "" if len(bead.source) <= 1 and len(bead.target) <= 1 else ' segtype="block"'
        props = [("x-pair", pair.name), ("x-bead", str(index)), ("x-status", bead.status)]
        if bead.score is not None:
            props.append(("x-score", f"{bead.score:.4f}"))
        parts = [f"<tu{segtype}>"]
        parts += [f'<prop type="{kind}">{self._text(value)}</prop>' for kind, value in props]
        for side in ("source", "target"):
            ids = bead.source if side == "source" else bead.target
            if ids:
                language = pair.side(side).language
                text = self._text(pair.bead_text(bead, side))
                parts.append(f"<tuv xml:lang={quoteattr(language)}><seg>{text}</seg></tuv>")
        parts.append("</tu>\n")
        return "".join(parts)

    def close(self) -> None:
        """End the body and the document."""
        if self.started:
            self.stream.write("</body>\n</tmx>\n")
        self.stream.close()
