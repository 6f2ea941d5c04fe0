"""Bead files as Vecalign and Bertalign read them: per pair `NAME.beads` and the sentence files.

PATH is a folder; each pair gives `NAME.SRC` and `NAME.TGT` (one sentence per line, the layer's
segmentation) and `NAME.beads` with one `[i, j]:[k]` line per bead, 0-based, one-sided beads
included (`[3]:[]`): the format carries them. Scores and statuses are not written (a bead file
is gold data; `annotator align --scores` writes the aligner's scores).
"""

from __future__ import annotations

from pathlib import Path

from annotator.alignment.beads import AlignedBead, format_bead
from annotator.formats.document import ExportPair
from annotator.formats.options import ExportOptions
from annotator.formats.parallel import one_line
from annotator.formats.report import ExportReport


class BeadFilesWriter:
    """Writes three files per pair into the folder PATH."""

    def __init__(self, path: Path, options: ExportOptions, report: ExportReport) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.report = report

    def write(self, pair: ExportPair) -> None:
        """Write the pair's sentence files and bead file."""
        report = self.report
        report.cannot_carry("mentions, links, bead status and scores")
        report.mentions += len(pair.mentions)
        report.links += len(pair.links)
        name = _file_name(pair.name)
        for side in (pair.source, pair.target):
            lines = [one_line(side.sentence(k)) for k in range(len(side.sentences))]
            target = self.path / f"{name}.{side.language}"
            target.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
            report.files.append(target)
        beads = []
        for bead in pair.beads:
            report.beads[bead.kind] += 1
            report.one_sided_written += bead.one_sided
            beads.append(format_bead(AlignedBead(bead.source, bead.target)))
        target = self.path / f"{name}.beads"
        target.write_text("".join(line + "\n" for line in beads), encoding="utf-8")
        report.files.append(target)

    def close(self) -> None:
        """Nothing stays open."""


def _file_name(name: str) -> str:
    """Return a pair name safe as a file name (path separators and control characters out)."""
    cleaned = "".join("_" if ch in '/\\:*?"<>|' or ord(ch) < 32 else ch for ch in name).strip()
    return cleaned or "pair"
