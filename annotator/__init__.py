"""annotator core: bilingual document pairs, their store, segmentation, alignment and formats (no Qt)."""

from __future__ import annotations

__version__ = "0.1.0"
