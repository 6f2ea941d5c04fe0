"""The annotator core: document pairs, their store, segmentation, alignment (never imports Qt)."""

from __future__ import annotations

__version__ = "0.1.0"
