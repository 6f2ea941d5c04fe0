"""The alignment activity of the window: its actions, the caret's row, the aligner, the counts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton

from annotator.alignment.beads import AlignedBead
from annotator.alignment.pair_alignment import layer_sentences
from annotator.commands import Command
from annotator.commands.alignment import (
    ConfirmUpTo,
    InsertEmptySide,
    MergeBeads,
    MergeSentenceWithNext,
    MoveSideDown,
    MoveSideUp,
    SetBeadStatus,
    ShiftFirstUp,
    ShiftLastDown,
    SplitBead,
    SplitSentence,
)
from annotator.commands.realign import ApplyAlignment
from annotator.layers import BeadRow, alignment, bead_counts, bead_rows, next_bead_row
from annotator.model import BeadStatus, Layer, Side
from ui.actions import Actions
from ui.align_worker import AlignJob, AlignWorker

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class AlignmentController:
    """Owns the alignment actions and shortcuts, the re-align worker and the bead counts."""

    def __init__(self, window: MainWindow, actions: Actions) -> None:
        self.window = window
        self.counts = QLabel()
        status = window.statusBar()
        status.addPermanentWidget(self.counts)
        self._counts_timer = QTimer(window)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(0)
        self._counts_timer.timeout.connect(self.show_counts)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # the aligner reports no steps: a busy indicator
        self.progress.setMaximumWidth(160)
        self.cancel_button = QPushButton("Cancel alignment")
        self.cancel_button.clicked.connect(self.cancel_alignment)
        for widget in (self.progress, self.cancel_button):
            status.addPermanentWidget(widget)
            widget.hide()
        self.worker: AlignWorker | None = None
        self.row_actions = self._make_actions(actions)

    def _make_actions(self, actions: Actions) -> list[QAction]:
        row_actions = [
            (
                "Shift the first sentence of this side up into the previous row",
                "Ctrl+Shift+Up",
                lambda: self.edit_row(ShiftFirstUp),
            ),
            (
                "Shift the last sentence of this side down into the next row",
                "Ctrl+Shift+Down",
                lambda: self.edit_row(ShiftLastDown),
            ),
            (
                "Move this side's text up into the previous row",
                "Alt+Up",
                lambda: self.edit_row(MoveSideUp),
            ),
            (
                "Move this side's text down into the next row",
                "Alt+Down",
                lambda: self.edit_row(MoveSideDown),
            ),
            ("Merge this row with the next", "Ctrl+M", self.merge_rows),
            ("Split the row before the caret's sentence", "Ctrl+B", self.split_row),
            (
                "Detach this side into a row of its own (1:0 / 0:1)",
                "Ctrl+E",
                lambda: self.edit_row(InsertEmptySide),
            ),
            ("Split the sentence at the caret", "Alt+S", self.split_sentence),
            ("Merge the sentence with the next", "Alt+J", self.merge_sentence),
            ("Confirm this row (again: back to automatic)", "Ctrl+Return", self.toggle_confirm),
            ("Confirm every row up to this one", "Ctrl+Shift+Return", self.confirm_up_to),
            (
                "Re-align the whole pair (confirmed rows stay)",
                "Ctrl+Shift+A",
                lambda: self.start_alignment(from_caret=False),
            ),
            (
                "Re-align from the caret's row (confirmed rows stay)",
                "Ctrl+Alt+A",
                lambda: self.start_alignment(from_caret=True),
            ),
        ]
        created = [actions.add(text, keys, slot, "Alignment") for text, keys, slot in row_actions]
        actions.add("Next unconfirmed bead", "Ctrl+J", lambda: self.next_bead("unconfirmed"), "Go")
        actions.add("Next low-score bead", "Ctrl+L", lambda: self.next_bead("low"), "Go")
        actions.add("Next bead that is not 1:1", "Ctrl+N", lambda: self.next_bead("non11"), "Go")
        return created

    def _status(self, message: str, timeout: int = 0) -> None:
        self.window.statusBar().showMessage(message, timeout)

    # --- edits at the caret

    def _at_caret(self) -> tuple[BeadRow, Side, int, int] | None:
        """Return the caret's row, side, sentence index within the row and document offset."""
        view = self.window.view
        if view is None or view.caret is None:
            self._status("put the caret in a row first (click or arrows)", 5000)
            return None
        side, offset = view.caret
        row = view.model.row_at(side, offset)
        if row is None:
            return None
        data = view.model.row(row)
        refs = data.side(side)
        index = next((k for k, r in enumerate(refs) if r.start <= offset <= r.end), 0)
        if data.bead_id is None:
            self._status("this layer is not aligned yet", 5000)
            return None
        return data, side, index, offset

    def edit_row(self, command: type[Command]) -> None:
        """Run a row command (shift, move, detach) on the caret's bead and side."""
        found = self._at_caret()
        if found is not None:
            data, side, _, _ = found
            self.window.run(command(data.bead_id, side.value))  # type: ignore[call-arg]

    def merge_rows(self) -> None:
        """Merge the caret's row with the next."""
        found = self._at_caret()
        if found is not None:
            self.window.run(MergeBeads(found[0].bead_id))

    def split_row(self) -> None:
        """Split the caret's row so that the caret's sentence starts a new row on its side."""
        found = self._at_caret()
        if found is None:
            return
        data, side, index, _ = found
        if index == 0:
            self._status("the caret's sentence already starts the row", 5000)
            return
        other = len(data.side(Side.TARGET if side is Side.SOURCE else Side.SOURCE))
        counts = (index, other) if side is Side.SOURCE else (other, index)
        self.window.run(SplitBead(data.bead_id, *counts))

    def split_sentence(self) -> None:
        """Split the caret's sentence at the caret."""
        found = self._at_caret()
        if found is not None:
            data, side, index, offset = found
            self.window.run(SplitSentence(data.side(side)[index].id, offset))

    def merge_sentence(self) -> None:
        """Merge the caret's sentence with the next one of its side."""
        found = self._at_caret()
        if found is not None:
            data, side, index, _ = found
            self.window.run(MergeSentenceWithNext(data.side(side)[index].id))

    def toggle_confirm(self) -> None:
        """Confirm the caret's row, or set a confirmed row back to automatic."""
        found = self._at_caret()
        if found is not None:
            data = found[0]
            status = (
                BeadStatus.AUTOMATIC
                if data.status == BeadStatus.CONFIRMED.value
                else BeadStatus.CONFIRMED
            )
            self.window.run(SetBeadStatus([data.bead_id], status))

    def confirm_up_to(self) -> None:
        """Confirm every row from the first to the caret's."""
        found = self._at_caret()
        if found is not None:
            self.window.run(ConfirmUpTo(found[0].bead_id))

    # --- running the aligner

    def start_alignment(self, from_caret: bool) -> None:
        """Re-align the pair (or from the caret's row) in a thread, keeping confirmed rows."""
        window = self.window
        if window.view is None or window.layer_id is None or self.worker is not None:
            return
        start = self.current_row() if from_caret else 0
        with window.store.read() as session:
            layer = session.get(Layer, window.layer_id)
            assert layer is not None
            beads = alignment(session, layer)
            statuses = [row.status for row in bead_rows(session, layer)]
            job = AlignJob(
                layer_sentences(session, layer),
                beads,
                [status == BeadStatus.CONFIRMED.value for status in statuses],
                start,
            )
        worker = AlignWorker(window.store, job)
        worker.aligned.connect(self._alignment_done)
        worker.failed.connect(self._alignment_failed)
        worker.finished.connect(self._worker_finished)
        self.worker = worker
        self.progress.show()
        self.cancel_button.show()
        self._status("aligning… (the window stays usable; Cancel stops waiting)")
        worker.start()

    def cancel_alignment(self) -> None:
        """Stop waiting for the aligner: its result will be dropped, nothing is written."""
        if self.worker is not None:
            self.worker.cancelled = True
            self.progress.hide()
            self.cancel_button.hide()
            self._status("alignment cancelled; nothing was changed", 5000)

    def _alignment_done(self, beads: list[AlignedBead], vectors: dict[str, Any]) -> None:
        worker = self.worker
        if worker is None or worker.cancelled:
            return
        changes = self.window.run(ApplyAlignment(beads, vectors))
        if changes is not None:
            self._status(f"aligned: {len(beads)} rows", 5000)

    def _alignment_failed(self, message: str) -> None:
        if self.worker is not None and not self.worker.cancelled:
            self._status(f"alignment failed: {message}", 10000)

    def _worker_finished(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        if self.worker is not None:
            self.worker.deleteLater()
        self.worker = None

    def stop(self) -> None:
        """Drop a running alignment's result and wait for its thread (the window is closing)."""
        if self.worker is not None:
            self.worker.cancelled = True
            self.worker.wait()

    # --- where the caret is, jumps and counts

    def current_row(self) -> int:
        """Return the row of the caret, else the top row."""
        view = self.window.view
        assert view is not None
        if view.caret is not None:
            row = view.model.row_at(*view.caret)
            if row is not None:
                return row
        return view.verticalScrollBar().value()

    def next_bead(self, kind: str) -> None:
        """Jump to the next unconfirmed, low-score or non-1:1 bead after the current row."""
        view, layer_id = self.window.view, self.window.layer_id
        if view is None or layer_id is None:
            return
        with self.window.store.read() as session:
            layer = session.get(Layer, layer_id)
            assert layer is not None
            row = next_bead_row(session, layer, self.current_row(), kind, view.low_score)
        if row is None:
            names = {"unconfirmed": "unconfirmed", "low": "low-score", "non11": "non-1:1"}
            self._status(f"no further {names[kind]} bead", 5000)
            return
        refs = view.model.row(row).source or view.model.row(row).target
        side = Side.SOURCE if view.model.row(row).source else Side.TARGET
        view.set_caret(side, refs[0].start)
        view.scroll_to_row(row)
        self.show_counts()

    def rows_changed(self) -> None:
        """Recount after rows or sentences moved: once per burst, after the rows repaint."""
        self._counts_timer.start()

    def show_counts(self) -> None:
        """Show how many beads are unconfirmed, low-score and not 1:1 in the status bar."""
        view, layer_id = self.window.view, self.window.layer_id
        if view is None or layer_id is None:
            return
        with self.window.store.read() as session:
            layer = session.get(Layer, layer_id)
            assert layer is not None
            c = bead_counts(session, layer, view.low_score)
        self.counts.setText(
            f"{c['beads']} beads · {c['unconfirmed']} unconfirmed · "
            f"{c['low']} low score · {c['non11']} not 1:1"
        )
