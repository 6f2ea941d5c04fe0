"""Who annotates: asked once and remembered, or named for one run with --as."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from annotator.audit import command_line_actor
from ui.settings import Settings


def ask_identity(parent: QWidget | None = None, current: str | None = None) -> str | None:
    """Ask who is annotating; every action is recorded under that name. None: no name given."""
    default = current or command_line_actor().replace(" (command line)", "")
    name, ok = QInputDialog.getText(
        parent,
        "Who are you?",
        "Your name as an annotator (every change you make is recorded under it):",
        text=default,
    )
    return name.strip() if ok and name.strip() else None


def ask_password(question: str, refusal: str | None) -> str | None:
    """Ask for a team server login's password (after a refusal, say it); None: cancelled."""
    label = question if refusal is None else f"{refusal}\n\n{question}"
    password, ok = QInputDialog.getText(
        None, "annotator: sign in", label, QLineEdit.EchoMode.Password
    )
    return password if ok and password else None


def choose_identity(
    user: str | None, settings: Settings, ask: Callable[[], str | None] = ask_identity
) -> str | None:
    """Return who annotates in this run.

    `--as NAME` names this run only and is never saved; otherwise the saved name, else the
    name asked for (and then saved). None when the user gave no name.
    """
    if user:
        return user
    if settings.annotator_name:
        return settings.annotator_name
    name = ask()
    if name:
        settings.annotator_name = name
    return name


NO_NAME = (
    "annotator records every change under the name of who made it, so that annotators' layers "
    "stay apart and the audit trail says who did what. No name was given, so nothing was "
    "opened; start annotator again and enter a name (or pass --as NAME for one run)."
)
