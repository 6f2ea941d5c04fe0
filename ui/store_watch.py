"""Others' changes appear: the navigator reloads when someone else changed the store.

Every change is one audit event, so the newest event id is a change counter for any engine:
a cheap indexed query every two seconds. When events by another person arrived (an assignment,
a layer marked done, a gold adjudicated, pairs imported), the navigator is reloaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from sqlalchemy import func, select

from annotator.errors import AnnotatorError
from annotator.model import AuditEvent
from annotator.review.roles import identity_name

if TYPE_CHECKING:
    from ui.main_window import MainWindow

POLL_MS = 2000


class StoreWatch(QObject):
    """Poll the audit trail; reload the navigator after another person's changes."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.last = self._newest()
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def _newest(self) -> int:
        with self.window.store.read() as session:
            return session.scalar(select(func.max(AuditEvent.id))) or 0

    def poll(self) -> None:
        """Look for new events; reload the navigator if another person made some."""
        me = identity_name(self.window.annotator_name).lower()
        try:
            with self.window.store.read() as session:
                rows = session.execute(
                    select(AuditEvent.id, AuditEvent.actor)
                    .where(AuditEvent.id > self.last)
                    .order_by(AuditEvent.id)
                    .limit(1000)
                ).all()
        except AnnotatorError:
            return  # the store is busy or gone for a moment: next time
        if not rows:
            return
        self.last = rows[-1][0]
        if any(identity_name(actor).lower() != me for _, actor in rows):
            self.window.reload_navigator()
