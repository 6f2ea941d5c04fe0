"""The side file for cross-lingual links, which neither CoNLL nor brat can hold.

`links.tsv`, one row per link: the pair, then each end's mention id (brat's T-id in that side's
.ann file, or annotator's mention id), offsets (code points), label and surface.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from annotator.formats.document import ExportMention, ExportPair
from annotator.formats.parallel import one_line
from annotator.formats.report import ExportReport

HEADER = (
    "pair\tsource_id\tsource_start\tsource_end\tsource_label\tsource_surface"
    "\ttarget_id\ttarget_start\ttarget_end\ttarget_label\ttarget_surface\n"
)


class LinkFile:
    """Appends each pair's links to FOLDER/links.tsv (created on the first link)."""

    def __init__(self, folder: Path, report: ExportReport) -> None:
        self.path = folder / "links.tsv"
        self.report = report
        self.stream: IO[str] | None = None

    def write(self, pair: ExportPair, names: dict[int, str] | None = None) -> None:
        """Write the pair's links; names maps mention ids to the ids the other files use."""
        if not pair.links:
            return
        if self.stream is None:
            self.stream = self.path.open("w", encoding="utf-8", newline="\n")
            self.stream.write(HEADER)
            self.report.files.append(self.path)
            self.report.cannot_carry(f"cross-lingual links (written to {self.path.name})")
        by_id = {m.id: m for m in pair.mentions}

        def columns(m: ExportMention) -> str:
            name = names.get(m.id, str(m.id)) if names is not None else str(m.id)
            return f"{name}\t{m.start}\t{m.end}\t{m.label}\t{one_line(m.surface)}"

        stream = self.stream
        for a, b in pair.links:
            stream.write(f"{one_line(pair.name)}\t{columns(by_id[a])}\t{columns(by_id[b])}\n")

    def close(self) -> None:
        """Close the file if one was written."""
        if self.stream is not None:
            self.stream.close()
