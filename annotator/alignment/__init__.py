"""Sentence alignment: beads, their text format, benchmark scoring and automatic aligners."""

from __future__ import annotations
