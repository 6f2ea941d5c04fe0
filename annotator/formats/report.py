"""What an export wrote and what its format could not carry, for the one-screen report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.formats.document import ExportBead, ExportPair


@dataclass
class ExportReport:
    """Counts of what was written, and the losses of the format (each said once)."""

    format: str
    layer: str
    pairs: int = 0
    empty_pairs: list[str] = field(default_factory=list)
    beads: Counter[str] = field(default_factory=Counter)
    one_sided_written: int = 0
    one_sided_skipped: int = 0
    mentions: int = 0
    dropped: int = 0
    links: int = 0
    lost: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def wrote_bead(self, bead: ExportBead) -> None:
        """Count one bead written."""
        self.beads[bead.kind] += 1
        self.one_sided_written += bead.one_sided

    def wrote_pair(self, pair: ExportPair) -> None:
        """Count a pair written whole: every bead, mention and link."""
        for bead in pair.beads:
            self.wrote_bead(bead)
        self.mentions += len(pair.mentions)
        self.links += len(pair.links)

    def cannot_carry(self, what: str) -> None:
        """Note once that the format drops `what`."""
        if what not in self.lost:
            self.lost.append(what)

    def lines(self) -> list[str]:
        """Return the report, a line each."""
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.beads.items())) or "none"
        out = [
            f"{self.format} export of the {self.layer} layer: {self.pairs} pair(s)",
            f"beads: {sum(self.beads.values())} ({kinds})",
            f"one-sided beads: {self.one_sided_written} written, {self.one_sided_skipped} skipped",
            f"mentions: {self.mentions}, links: {self.links}",
        ]
        if self.dropped:
            out.append(f"mentions the format could not hold (not written): {self.dropped}")
        if self.empty_pairs:
            shown = ", ".join(self.empty_pairs[:5])
            more = f" and {len(self.empty_pairs) - 5} more" if len(self.empty_pairs) > 5 else ""
            out.append(f"pairs with an empty layer (exported empty): {shown}{more}")
        for what in self.lost:
            out.append(f"not carried by {self.format}: {what}")
        out.append("written: " + ", ".join(str(path) for path in self.files))
        return out
