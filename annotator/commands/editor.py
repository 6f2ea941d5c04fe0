"""Undoable commands on one layer, and the Editor that runs each as one committed transaction.

A command's `do()` applies a change inside the caller's transaction and returns a `Changes`
record; `undo()` reverts it. Redo calls `do()` again, which re-creates rows with the ids the
first run gave them, so commands further up the history keep pointing at the right rows.
Entity commands (tag, link, ...) are in `annotator.commands.entities`.
"""

from __future__ import annotations

import abc
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from annotator.audit import record
from annotator.errors import ConflictError, InputError
from annotator.model import Annotator, Layer, LayerKind, LayerStatus, Side, utc_now
from annotator.review.roles import check_edit, check_status_change, started_editing
from annotator.store import Store
from annotator.store.serialize import serialize


@dataclass(frozen=True)
class Changes:
    """What a command changed, so a UI refreshes only that."""

    layer_id: int
    mentions: frozenset[int] = frozenset()  # ids created, changed or deleted
    links: frozenset[int] = frozenset()
    beads: frozenset[int] = frozenset()
    segments: frozenset[int] = frozenset()
    sides: frozenset[str] = frozenset()  # sides whose annotations changed ("source"/"target")
    rows_changed: bool = False  # bead rows inserted/removed/reordered
    layer_status: bool = False  # the layer's status changed

    def merged(self, other: Changes) -> Changes:
        """Return the union of two change records of the same layer."""
        if other.layer_id != self.layer_id:
            raise ValueError(f"cannot merge changes of layers {self.layer_id} and {other.layer_id}")
        return Changes(
            self.layer_id,
            mentions=self.mentions | other.mentions,
            links=self.links | other.links,
            beads=self.beads | other.beads,
            segments=self.segments | other.segments,
            sides=self.sides | other.sides,
            rows_changed=self.rows_changed or other.rows_changed,
            layer_status=self.layer_status or other.layer_status,
        )

    def as_detail(self) -> dict[str, Any]:
        """Return the non-empty fields as JSON-ready values (sorted lists) for the audit trail."""
        detail: dict[str, Any] = {}
        for name in ("mentions", "links", "beads", "segments", "sides"):
            values: frozenset[Any] = getattr(self, name)
            if values:
                detail[name] = sorted(values)
        if self.rows_changed:
            detail["rows_changed"] = True
        if self.layer_status:
            detail["layer_status"] = True
        return detail


def checked_side(side: str) -> str:
    """Return a side's value ('source' or 'target'), or raise InputError."""
    try:
        return Side(side).value
    except ValueError:
        raise InputError(f"unknown side {side!r} (source or target)") from None


def checked_int(value: object, name: str, kind: str = "an integer") -> int:
    """Return `value` if it is an int (not a bool), else raise InputError naming `name`."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise InputError(f"{name} must be {kind}, got {value!r}")
    return value


def _snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class Command(abc.ABC):
    """One undoable change to a layer; `do()` runs again after `undo()` to redo it."""

    text: str = ""  # human label for the undo menu, e.g. "Tag PER “لويد أوستن”"

    @abc.abstractmethod
    def do(self, session: Session, layer: Layer) -> Changes:
        """Apply (or re-apply) the change in the session's transaction and say what changed."""

    @abc.abstractmethod
    def undo(self, session: Session, layer: Layer) -> Changes:
        """Revert the last `do()` in the session's transaction and say what changed."""

    def reset(self) -> None:  # noqa: B027 (optional hook: a command may capture nothing)
        """Forget what an earlier `do()` captured, so the next `do()` is a first execution."""

    def audit_detail(self) -> dict[str, Any]:
        """Return the command's parameters (JSON-ready) for the audit trail."""
        return {}

    @property
    def action(self) -> str:
        """Return the audit action name: the class name in snake_case."""
        return _snake_case(type(self).__name__)


class Batch(Command):
    """Several commands run, undone and redone as one step (e.g. tag all occurrences)."""

    def __init__(self, text: str, commands: Sequence[Command]) -> None:
        self.text = text
        self.commands = tuple(commands)

    def do(self, session: Session, layer: Layer) -> Changes:
        """Run every command in order; refuse an empty batch."""
        if not self.commands:
            raise InputError(f"{self.text}: nothing to do")
        changes = Changes(layer.id)
        for command in self.commands:
            changes = changes.merged(command.do(session, layer))
        return changes

    def undo(self, session: Session, layer: Layer) -> Changes:
        """Undo every command in reverse order."""
        changes = Changes(layer.id)
        for command in reversed(self.commands):
            changes = changes.merged(command.undo(session, layer))
        return changes

    def reset(self) -> None:
        """Reset every command of the batch."""
        for command in self.commands:
            command.reset()

    def audit_detail(self) -> dict[str, Any]:
        """Return the actions and parameters of the batched commands."""
        return {"commands": [{"action": c.action, **c.audit_detail()} for c in self.commands]}


class SetLayerStatus(Command):
    """Set the layer's progress status; `adjudicated` only on a gold layer."""

    def __init__(self, status: LayerStatus | str) -> None:
        try:
            self.status = LayerStatus(status)
        except ValueError:
            known = ", ".join(s.value for s in LayerStatus)
            raise InputError(f"unknown layer status {status!r} (one of {known})") from None
        self.text = f"Mark layer {self.status.value.replace('_', ' ')}"
        self._previous: str | None = None

    def do(self, session: Session, layer: Layer) -> Changes:
        """Set the status; refuse an unchanged status or adjudicating a non-gold layer."""
        if self.status is LayerStatus.ADJUDICATED and layer.kind != LayerKind.GOLD:
            raise InputError(f"layer {layer.id}: only a gold layer can be adjudicated")
        if layer.status == self.status:
            raise InputError(f"layer {layer.id} is already {self.status.value}")
        self._previous = layer.status
        layer.status = self.status.value
        return Changes(layer.id, layer_status=True)

    def undo(self, session: Session, layer: Layer) -> Changes:
        """Put the previous status back."""
        if self._previous is None or layer.status != self.status:
            raise ConflictError(f"layer {layer.id}: status is not {self.status.value}; reload")
        layer.status = self._previous
        return Changes(layer.id, layer_status=True)

    @property
    def previous(self) -> str | None:
        """Return the status before the command ran (None before it ran)."""
        return self._previous

    def reset(self) -> None:
        """Forget the previous status."""
        self._previous = None

    def audit_detail(self) -> dict[str, Any]:
        """Return the new and previous status."""
        return {"status": self.status.value, "previous": self._previous}


Step = Callable[[Session, Layer], Changes]


class Editor:
    """Runs commands on one layer as one write transaction each, with an undo and redo history."""

    def __init__(self, store: Store, layer_id: int, actor: Annotator | str) -> None:
        self.store = store
        self.layer_id = layer_id
        self._actor_id = actor.id if isinstance(actor, Annotator) else None
        self._actor_name = actor.name if isinstance(actor, Annotator) else actor
        self._undo: list[Command] = []
        self._redo: list[Command] = []
        self._started: set[int] = set()  # commands whose run moved the layer from new
        with store.read() as session:
            layer = session.get(Layer, layer_id)
            if layer is None:
                raise InputError(f"no layer {layer_id}")
            self.pair_id = layer.pair_id
            self.project_id = layer.pair.project_id
            self._version = layer.version

    @property
    def version(self) -> int:
        """Return the layer version this editor last saw (its own last commit or load)."""
        return self._version

    @property
    def can_undo(self) -> bool:
        """Tell whether there is a command to undo."""
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        """Tell whether there is an undone command to redo."""
        return bool(self._redo)

    @property
    def undo_text(self) -> str | None:
        """Return the label of the command `undo()` would revert."""
        return self._undo[-1].text if self._undo else None

    @property
    def redo_text(self) -> str | None:
        """Return the label of the command `redo()` would re-apply."""
        return self._redo[-1].text if self._redo else None

    def execute(self, command: Command) -> Changes:
        """Run a new command in one committed transaction, push it for undo and clear redo."""
        if any(command is c for c in (*self._undo, *self._redo)):
            raise ValueError("this command object is already in the editor's history")
        command.reset()
        try:
            changes = self._commit(command, command.action, command.do)
        except BaseException:
            command.reset()
            raise
        self._undo.append(command)
        self._redo.clear()
        return changes

    def undo(self) -> Changes | None:
        """Revert the last command in one committed transaction; None when there is none."""
        if not self._undo:
            return None
        command = self._undo[-1]
        changes = self._commit(command, f"undo:{command.action}", command.undo)
        self._redo.append(self._undo.pop())
        return changes

    def redo(self) -> Changes | None:
        """Re-apply the last undone command in one committed transaction; None if there is none."""
        if not self._redo:
            return None
        command = self._redo[-1]
        changes = self._commit(command, f"redo:{command.action}", command.do)
        self._undo.append(self._redo.pop())
        return changes

    def reload(self) -> None:
        """Accept the layer as it is now in the store and drop the history (after a conflict)."""
        with self.store.read() as session:
            layer = session.get(Layer, self.layer_id)
            if layer is None:
                raise ConflictError(f"layer {self.layer_id} was deleted by someone else")
            self._version = layer.version
        self._undo.clear()
        self._redo.clear()
        self._started.clear()

    def _locked_layer(self, session: Session) -> Layer:
        # One writer per layer at a time on PostgreSQL (SQLite's BEGIN IMMEDIATE already is):
        # the second waits here, then finds the version moved and gets a conflict.
        serialize(session, "layer", self.layer_id)
        layer = session.get(Layer, self.layer_id, populate_existing=True)
        if layer is None:
            raise ConflictError(f"layer {self.layer_id} was deleted by someone else")
        if layer.version != self._version:
            raise ConflictError(
                f"layer {self.layer_id} was changed by someone else "
                f"(version {layer.version}, expected {self._version}); reload"
            )
        return layer

    def _commit(self, command: Command, action: str, step: Step) -> Changes:
        try:
            with self.store.write() as session:
                layer = self._locked_layer(session)
                who = self._actor_name
                if isinstance(command, SetLayerStatus):
                    previous = command.previous
                    undoing = action.startswith("undo:") and previous is not None
                    target = LayerStatus(previous) if previous and undoing else command.status
                    check_status_change(session, layer, target, who)
                else:
                    check_edit(session, layer, who)
                changes = step(session, layer)
                if isinstance(command, SetLayerStatus):
                    pass
                elif action.startswith("undo:"):
                    if id(command) in self._started:  # undoing the first edit: new again
                        layer.status = LayerStatus.NEW.value
                        self._started.discard(id(command))
                elif started_editing(layer):
                    self._started.add(id(command))
                # Touching the row makes the ORM bump `version` (its version_id_col).
                layer.updated_at = utc_now()
                actor = (
                    session.get(Annotator, self._actor_id) if self._actor_id is not None else None
                )
                record(
                    session,
                    actor if actor is not None else self._actor_name,
                    action,
                    project_id=self.project_id,
                    pair_id=self.pair_id,
                    layer_id=self.layer_id,
                    text=command.text,
                    params=command.audit_detail(),
                    changed=changes.as_detail(),
                )
                session.flush()
                version = layer.version
        except StaleDataError:
            raise ConflictError(
                f"layer {self.layer_id} was changed by someone else while saving; reload"
            ) from None
        self._version = version
        return changes
