"""Offsets at the Qt boundary: Qt counts UTF-16 code units, the store counts code points."""

from __future__ import annotations

from bisect import bisect_right


class Utf16Map:
    """Convert between code-point and UTF-16 offsets within one string."""

    def __init__(self, text: str) -> None:
        # Positions (code points) of characters outside the BMP; each takes two UTF-16 units.
        self.astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        self.astral_set = frozenset(self.astral)
        self.length = len(text)

    def to_utf16(self, index: int) -> int:
        """Return the UTF-16 offset of code-point offset `index`."""
        if not self.astral:
            return index
        return index + bisect_right(self.astral, index - 1)

    def to_code_point(self, unit: int) -> int:
        """Return the code-point offset at UTF-16 offset `unit` (mid-pair: the pair's start)."""
        if not self.astral:
            return unit
        lo, hi = 0, self.length
        while lo < hi:  # smallest index whose UTF-16 offset is >= unit
            mid = (lo + hi) // 2
            if self.to_utf16(mid) < unit:
                lo = mid + 1
            else:
                hi = mid
        return lo if self.to_utf16(lo) == unit else lo - 1

    @property
    def utf16_length(self) -> int:
        """Return the string's length in UTF-16 units."""
        return self.length + len(self.astral)
