"""Plain parallel text: Moses (two files, line i ↔ line i) and a single TSV file.

One bead per line, the sentences of an n:m bead joined with one space. A one-sided bead is
skipped by default and counted: Moses' clean-corpus-n.perl drops a line whose other side is
empty, silently. Line breaks and tabs inside a sentence become spaces (one line per bead).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO

from annotator.formats.document import ExportPair
from annotator.formats.options import ExportOptions
from annotator.formats.report import ExportReport

_BREAKS = re.compile(r"[\t\r\n\u2028\u2029\x0b\x0c\x85]+")


def one_line(text: str) -> str:
    """Return text with every line or column break replaced by one space."""
    return _BREAKS.sub(" ", text)


class _BeadLines:
    """Shared by both writers: which beads go out, and the report's bead counts."""

    def __init__(self, options: ExportOptions, report: ExportReport) -> None:
        self.options = options
        self.report = report

    def rows(self, pair: ExportPair) -> list[tuple[str, str]]:
        report = self.report
        report.cannot_carry("mentions, links, bead status and scores, paragraph breaks")
        report.mentions += len(pair.mentions)
        report.links += len(pair.links)
        rows = []
        for bead in pair.beads:
            if bead.one_sided and not self.options.keep_one_sided:
                report.one_sided_skipped += 1
                continue
            report.wrote_bead(bead)
            rows.append(
                (one_line(pair.bead_text(bead, "source")), one_line(pair.bead_text(bead, "target")))
            )
        return rows


class MosesWriter:
    """Writes PATH.SRC and PATH.TGT (the pairs' languages), one bead per line."""

    def __init__(self, path: Path, options: ExportOptions, report: ExportReport) -> None:
        self.path = path
        self.lines = _BeadLines(options, report)
        self.report = report
        self.files: tuple[IO[str], IO[str]] | None = None

    def write(self, pair: ExportPair) -> None:
        """Append the pair's beads to both files."""
        if self.files is None:
            names = [Path(f"{self.path}.{side.language}") for side in (pair.source, pair.target)]
            self.files = (
                names[0].open("w", encoding="utf-8", newline="\n"),
                names[1].open("w", encoding="utf-8", newline="\n"),
            )
            self.report.files.extend(names)
        for source, target in self.lines.rows(pair):
            self.files[0].write(source + "\n")
            self.files[1].write(target + "\n")

    def close(self) -> None:
        """Close both files."""
        if self.files is not None:
            for stream in self.files:
                stream.close()


class TsvWriter:
    """Writes one file: source TAB target, one bead per line, with a header line."""

    def __init__(self, path: Path, options: ExportOptions, report: ExportReport) -> None:
        self.lines = _BeadLines(options, report)
        self.stream = path.open("w", encoding="utf-8", newline="\n")
        self.header = False
        report.files.append(path)

    def write(self, pair: ExportPair) -> None:
        """Append the pair's beads as rows."""
        if not self.header:
            self.stream.write(f"{pair.source.language}\t{pair.target.language}\n")
            self.header = True
        for source, target in self.lines.rows(pair):
            self.stream.write(f"{source}\t{target}\n")

    def close(self) -> None:
        """Close the file."""
        self.stream.close()
