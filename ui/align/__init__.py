"""Editing the alignment: row and sentence edits at the caret, confirmation, re-alignment."""
