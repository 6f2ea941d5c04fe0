"""Flag a pair whose automatic alignment does not look like a translation (at import).

A wrong partner file or a translation cut short shows in the proposal: many beads the aligner
is unsure of or that have one side only. Measured on NTREX en–ar (make bench's data): in the 123
real pairs at most 30 % of beads are low-score or one-sided but for one short pair (50 %); with
the partner file swapped for another article 28 of 31 pairs reach 35 %, and all 31 with the
Arabic cut in half. Text+Berg's scanned books stay at 9–24 %.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from annotator.alignment.beads import AlignedBead
from annotator.alignment.engine import LOW_CONFIDENCE

SUSPICIOUS_SHARE: Final = 0.35
MIN_BEADS: Final = 4  # a pair of a few sentences says too little either way
NOTE_PREFIX: Final = "suspicious alignment: "


def suspicion(beads: Sequence[AlignedBead]) -> str | None:
    """Return why the proposal looks wrong (the share of doubtful beads), or None if it does not."""
    if len(beads) < MIN_BEADS:
        return None
    doubtful = sum(
        1
        for bead in beads
        if not (bead.src and bead.tgt) or (bead.score is not None and bead.score < LOW_CONFIDENCE)
    )
    share = doubtful / len(beads)
    if share < SUSPICIOUS_SHARE:
        return None
    return (
        f"{share:.0%} of its {len(beads)} beads are low-score or one-sided; check that the two "
        "files are translations of each other and complete"
    )
