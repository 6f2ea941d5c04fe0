"""Serialising writers on PostgreSQL where SQLite's single write lock already does it.

SQLite writers take the whole store's lock at BEGIN IMMEDIATE, so two never interleave. On a
PostgreSQL server they would: two edits of one layer could both pass the version check, two
imports of one folder could both find a pair absent. A transaction-scoped advisory lock on
(scope, key) makes such writers wait for each other; it is released at commit or rollback.
"""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session


def serialize(session: Session | Connection, scope: str, key: int = 0) -> None:
    """Wait for, then hold until the transaction ends, the lock on (scope, key) (PostgreSQL)."""
    bind = session.get_bind() if isinstance(session, Session) else session
    if bind.dialect.name != "postgresql":
        return  # SQLite: the writer already holds the store's only write lock
    session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:scope), :key)"), {"scope": scope, "key": key}
    )
