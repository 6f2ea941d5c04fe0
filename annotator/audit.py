"""The audit trail: every change records who made it, when, and what it was."""

from __future__ import annotations

import getpass
from typing import Any

from sqlalchemy.orm import Session

from annotator.model import Annotator, AuditEvent


def command_line_actor() -> str:
    """Return the actor name for changes made from the command line: the OS user."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in the environment (some containers)
        user = "unknown"
    return f"{user} (command line)"


def record(
    session: Session,
    actor: Annotator | str,
    action: str,
    *,
    project_id: int | None = None,
    pair_id: int | None = None,
    layer_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event for a change made in this session's transaction and return it."""
    event = AuditEvent(
        annotator_id=actor.id if isinstance(actor, Annotator) else None,
        actor=actor.name if isinstance(actor, Annotator) else actor,
        action=action,
        project_id=project_id,
        pair_id=pair_id,
        layer_id=layer_id,
        detail=detail,
    )
    session.add(event)
    return event
