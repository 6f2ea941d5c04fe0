"""Others' changes appear: the navigator reloads when someone else changed the store.

Every change is an audit event. On PostgreSQL each event is also a notification on the channel
annotator_changes (migration 0009), which the window LISTENs to; on SQLite the newest event id
is the change counter, a cheap indexed query. Either is looked at every two seconds, and when
another person's changes arrived (an assignment, a layer marked done, a gold adjudicated, pairs
imported) the navigator is reloaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from annotator.errors import AnnotatorError
from annotator.model import AuditEvent
from annotator.review.roles import identity_name

if TYPE_CHECKING:
    from ui.main_window import MainWindow

POLL_MS = 2000
CHANNEL = "annotator_changes"
MISSED = "\x00anyone"  # stands for changes made while no one listened: reload to be sure


class StoreWatch(QObject):
    """Reload the navigator after another person's changes: notifications or a counter."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.listener: Any = None  # the pooled connection that LISTENs (PostgreSQL)
        self.listens = window.store.engine.dialect.name == "postgresql"
        if self.listens:
            self._listen()
        self.last = self._newest()
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def _listen(self) -> bool:
        """LISTEN on a connection of its own; False when the server cannot be reached now."""
        import psycopg

        try:
            listener = self.window.store.engine.raw_connection()
        except (DBAPIError, psycopg.Error):  # the pool lets the driver's own error through
            return False
        try:
            listener.driver_connection.autocommit = True
            listener.driver_connection.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error:
            listener.invalidate()
            return False
        self.listener = listener
        return True

    def _newest(self) -> int:
        with self.window.store.read() as session:
            return session.scalar(select(func.max(AuditEvent.id))) or 0

    def _actors(self) -> list[str]:
        """Return who made the changes since the last look."""
        if self.listens:
            import psycopg

            if self.listener is None:  # lost with the server: listen again once it is back
                return [MISSED] if self._listen() else []
            try:
                return [n.payload for n in self.listener.driver_connection.notifies(timeout=0)]
            except psycopg.Error:  # the server went away: the next look listens again
                self.listener.invalidate()
                self.listener = None
                return []
        with self.window.store.read() as session:
            rows = session.execute(
                select(AuditEvent.id, AuditEvent.actor)
                .where(AuditEvent.id > self.last)
                .order_by(AuditEvent.id)
                .limit(1000)
            ).all()
        if rows:
            self.last = rows[-1][0]
        return [actor for _, actor in rows]

    def poll(self) -> None:
        """Reload the navigator if another person changed the store since the last look."""
        me = identity_name(self.window.annotator_name).lower()
        try:
            actors = self._actors()
        except AnnotatorError:
            return  # the store is busy for a moment: next time
        if any(identity_name(actor).lower() != me for actor in actors):
            self.window.reload_navigator()

    def close(self) -> None:
        """Stop looking and give the listening connection back."""
        self.timer.stop()
        if self.listener is not None:
            self.listener.close()
            self.listener = None
