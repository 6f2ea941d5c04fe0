"""Options every export format reads (each uses what applies to it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExportOptions:
    """keep_one_sided: write 1:0 and 0:1 beads where the format can; utf16_offsets: add them."""

    keep_one_sided: bool = False
    utf16_offsets: bool = False
