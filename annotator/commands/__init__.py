"""Named, undoable operations on a layer (Anki's OpChanges idea) and the Editor that runs them.

`editor`: Changes, Command, Batch, SetLayerStatus and Editor; `entities`: mentions and links;
`alignment`: bead and sentence edits; `realign`: applying a fresh aligner proposal.
"""

from __future__ import annotations

from annotator.commands.editor import (
    Batch,
    Changes,
    Command,
    Editor,
    SetLayerStatus,
    checked_int,
    checked_side,
)

__all__ = ["Batch", "Changes", "Command", "Editor", "SetLayerStatus", "checked_int", "checked_side"]
