"""The one adapter between the core's undoable commands and Qt's QUndoStack."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.commands import Changes, Command, Editor
from annotator.errors import AnnotatorError


class CoreCommand(QUndoCommand):
    """A core command already executed by the Editor; Qt's undo and redo call the Editor's."""

    def __init__(
        self,
        editor: Editor,
        command: Command,
        on_changes: Callable[[Changes], None],
        on_failure: Callable[[AnnotatorError], None],
    ) -> None:
        super().__init__(command.text)
        self.editor = editor
        self.on_changes = on_changes
        self.on_failure = on_failure
        self._executed = True

    def redo(self) -> None:
        if self._executed:  # QUndoStack.push() calls redo(); the command ran before the push
            self._executed = False
            return
        self._step(self.editor.redo)

    def undo(self) -> None:
        self._step(self.editor.undo)

    def _step(self, step: Callable[[], Changes | None]) -> None:
        try:
            changes = step()
        except AnnotatorError as exc:
            # The store refused (someone else changed the layer): Qt's stack has already moved,
            # so both histories are dropped and the caller reloads what is stored.
            self.editor.reload()
            self.on_failure(exc)
            return
        if changes is not None:
            self.on_changes(changes)


def run(
    stack: QUndoStack,
    editor: Editor,
    command: Command,
    on_changes: Callable[[Changes], None],
    on_failure: Callable[[AnnotatorError], None],
) -> Changes:
    """Execute a command in the store (raising, with nothing changed, if refused), then push it."""
    changes = editor.execute(command)
    stack.push(CoreCommand(editor, command, on_changes, on_failure))
    on_changes(changes)
    return changes
