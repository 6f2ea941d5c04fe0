"""Annotating entities: tagging, relabelling, resizing, links and counterpart suggestions."""
