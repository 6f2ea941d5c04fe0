"""The annotation window: navigator, pair view, and one controller per activity.

`ui.annotate` handles entities and links, `ui.align` the alignment. The window owns what every
activity shares: the store, the open pair and layer, the undo stack through which every command
runs, and the refresh after a command.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QWidget,
)
from sqlalchemy import select

from annotator.commands import Changes, Command, Editor
from annotator.errors import AnnotatorError, ConflictError
from annotator.importing import ImportReport
from annotator.layers import ensure_annotator_layer
from annotator.model import Annotator, DocumentPair, Side
from annotator.projects import get_or_create_annotator
from annotator.store import Store
from annotator.store.team import TeamRole
from ui import undo
from ui.actions import Actions
from ui.align.controller import AlignmentController
from ui.annotate.controller import EntityController
from ui.background import finish, progress_dialog, show_step
from ui.exporting import ExportController
from ui.fonts import text_font, unsupported_characters
from ui.help_overlay import HelpOverlay
from ui.identity import ask_identity
from ui.importing import ImportDialog, ImportRequest, ImportWorker, describe
from ui.navigation import NavigationController
from ui.navigator import ADMINS_ONLY, Navigator
from ui.pair_model import PairRowsModel
from ui.pair_view import PairView
from ui.review.controller import ReviewController
from ui.settings import Settings
from ui.store_wait import WAIT_FOR, PendingWrites
from ui.store_watch import StoreWatch

MIN_TEXT_WIDTH = 420  # both panes stay wide enough for whole words; the panels give way


class MainWindow(QMainWindow):
    """Open a pair from the navigator and annotate it in your own layer."""

    def __init__(
        self,
        store: Store,
        annotator_name: str,
        settings: Settings | None = None,
        *,
        team_role: TeamRole | None = None,
    ) -> None:
        """Show the store's pairs to `annotator_name`; on a team server, the login's role."""
        super().__init__()
        self.team_role = team_role  # None: not a team server, the application's roles apply
        # on a team server only an administrator imports, removes and renames pairs
        self.manages_pairs = team_role in (None, TeamRole.ADMIN)
        self.store = store
        self.settings = settings or Settings()
        with store.write() as session:
            self.annotator_id = get_or_create_annotator(session, annotator_name).id
        self.annotator_name = annotator_name
        self.setWindowTitle(f"annotator — {annotator_name} — {store.describe()}")
        self.undo_stack = QUndoStack(self)
        self.editor: Editor | None = None
        self.view: PairView | None = None
        self.layer_id: int | None = None
        self.pair_id: int | None = None
        self.languages: dict[Side, str] = {}
        self.font_notice: QMessageBox | None = None
        self.docks: list[QDockWidget] = []
        self.conflict_notice: QMessageBox | None = None
        self.import_worker: ImportWorker | None = None
        self.exporting = ExportController(self)
        self.import_progress: QProgressDialog | None = None
        self.pending = PendingWrites(self, self._execute)
        self.navigator_panel = Navigator(self)
        self.navigator = self.navigator_panel.tree
        self.add_dock("Navigator", self.navigator, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.placeholder = QLabel("Open a pair from the navigator (double-click or Enter).")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(self.placeholder)
        self.help = HelpOverlay(self)
        actions = Actions(self, self.help)
        for title in ("File", "Edit", "Alignment", "Review", "Go", "View"):  # menu bar order
            actions.menu(title)
        self._file_menu(actions)
        self._edit_menu(actions)
        self.entities = EntityController(self, actions)
        self.add_dock("Labels", self.entities.labels, Qt.DockWidgetArea.RightDockWidgetArea)
        self.add_dock(
            "Mentions and links",
            self.entities.mention_list,
            Qt.DockWidgetArea.RightDockWidgetArea,
        )
        self.alignment = AlignmentController(self, actions)
        self.navigation = NavigationController(self, actions)
        self.review = ReviewController(self, actions)
        self._view_and_go_actions(actions)
        self.resize(1500, 900)
        self.reload_navigator()
        self.watch = StoreWatch(self)  # others' changes reach the navigator within seconds

    # --- construction

    def add_dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        """Add a side panel (listed under View ▸ Panels)."""
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        widget.setMinimumWidth(60)  # a narrow window squeezes the panels, not the text
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.docks.append(dock)
        return dock

    def _file_menu(self, actions: Actions) -> None:
        importing = actions.add("Import…", "Ctrl+I", self.ask_import, "File")
        if not self.manages_pairs:
            importing.setEnabled(False)
            importing.setToolTip(ADMINS_ONLY)
        actions.add("Export…", "Ctrl+Shift+E", self.exporting.ask, "File")
        switch = actions.add("Switch annotator…", "Ctrl+Shift+U", self.ask_switch_annotator, "File")
        if self.team_role is not None:  # the server knows you by your login, no other name
            switch.setEnabled(False)
            switch.setToolTip("On a team server you are your database login")
        actions.add("Quit", QKeySequence.StandardKey.Quit, self.close, "File")

    def _edit_menu(self, actions: Actions) -> None:
        undo_action = self.undo_stack.createUndoAction(self, "Undo")
        undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        redo_action = self.undo_stack.createRedoAction(self, "Redo")
        redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit = actions.menu("Edit")
        edit.addAction(undo_action)
        edit.addAction(redo_action)
        self.help.add("Ctrl+Z", "Undo")
        self.help.add("Ctrl+Shift+Z, Ctrl+Y", "Redo")

    def _view_and_go_actions(self, actions: Actions) -> None:
        actions.add(
            "Larger text",
            [QKeySequence.StandardKey.ZoomIn, "Ctrl+="],
            lambda: self.change_font_size(+1),
            "View",
        )
        actions.add(
            "Smaller text",
            QKeySequence.StandardKey.ZoomOut,
            lambda: self.change_font_size(-1),
            "View",
        )
        actions.add("Keyboard shortcuts", ["F1", "Ctrl+/"], self.help.toggle, "View")
        panels = actions.menu("View").addMenu("Panels")
        for dock in self.docks:  # show or hide each side panel
            panels.addAction(dock.toggleViewAction())
        actions.add("Go to the navigator", "Ctrl+1", self.navigator.setFocus, "Go")
        actions.add("Go to the text", "Ctrl+2", self.focus_text, "Go")
        actions.add("Go to the label palette", "Ctrl+3", self.entities.labels.setFocus, "Go")
        actions.add(
            "Go to the mentions and links list",
            "Ctrl+4",
            self.entities.mention_list.setFocus,
            "Go",
        )
        self.help.add("label key (p, o, g …)", "Tag the selection (snapped to the word/name)")
        self.help.add("Alt + label key", "Tag exactly the selected characters")
        self.help.add("label key on a mention", "Change its label")
        self.help.add("Shift+arrows, Ctrl+Shift+arrows", "Select by character, by word")
        self.help.add("Tab", "Switch between the source and target pane")
        self.help.add("Escape", "Drop the selection, suggestion or link in progress")

    # --- importing

    def ask_import(self) -> None:
        """Ask what to import, then import it in the background with progress and Cancel."""
        if self.import_worker is not None:
            return
        dialog = ImportDialog(self, self.store)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        request = dialog.request()
        if request is None:
            self.statusBar().showMessage("nothing imported: choose two files or a folder", 8000)
            return
        self.start_import(request)

    def start_import(self, request: ImportRequest) -> None:
        """Run an import in a thread behind a progress dialog whose Cancel rolls it back."""
        worker = ImportWorker(self.store, request, self.annotator_name)
        progress = progress_dialog(self, "Import", lambda: setattr(worker, "cancelled", True))
        worker.progress.connect(partial(show_step, progress))
        worker.finished_import.connect(lambda report, error: self._imported(report, error))
        self.import_worker, self.import_progress = worker, progress
        progress.show()
        worker.start()

    def _imported(self, report: ImportReport | None, error: str) -> None:
        worker = self.import_worker
        finish(self.import_progress, worker)
        self.import_worker = self.import_progress = None
        if report is None:
            self.statusBar().showMessage(error, 15000)
            return
        self.reload_navigator()
        skipped = worker.skipped if worker is not None else []
        self.statusBar().showMessage(describe(report, skipped), 15000)

    # --- who annotates

    def ask_switch_annotator(self) -> None:
        """Ask for another annotator name, remember it, and reopen the pair in that layer."""
        name = ask_identity(self, self.annotator_name)
        if name is None or name == self.annotator_name:
            return
        self.switch_annotator(name)
        self.settings.annotator_name = name

    def switch_annotator(self, name: str) -> None:
        """Work as `name` from now on: the title, the audit trail and the layer follow."""
        with self.store.write() as session:
            self.annotator_id = get_or_create_annotator(session, name).id
        self.annotator_name = name
        self.setWindowTitle(f"annotator — {name} — {self.store.describe()}")
        if self.pair_id is not None:
            self.open_pair(self.pair_id)
        else:
            self.reload_navigator()
        self.statusBar().showMessage(f"now annotating as {name}", 8000)

    # --- navigator

    def reload_navigator(self) -> None:
        """List projects, pairs and layers again."""
        self.navigator_panel.reload()

    def open_first_pair(self) -> None:
        """Open the first pair of the first project, if any."""
        with self.store.read() as session:
            first = session.scalar(select(DocumentPair.id).order_by(DocumentPair.id))
        if first is not None:
            self.open_pair(first)

    # --- opening a pair

    def open_pair(self, pair_id: int) -> None:
        """Open the pair in the user's own layer (created from the automatic one on first use)."""
        with self.store.write() as session:
            pair = session.get(DocumentPair, pair_id)
            if pair is None:
                self.statusBar().showMessage(f"no pair {pair_id}")
                return
            annotator = session.get(Annotator, self.annotator_id)
            assert annotator is not None
            layer_id = ensure_annotator_layer(session, pair, annotator).id
        self.show_layer(pair_id, layer_id, f"your layer ({self.annotator_name})")
        self.review.left()

    def show_layer(self, pair_id: int, layer_id: int, caption: str) -> None:
        """Show one layer of a pair in the rows view, edited through the undo stack."""
        with self.store.read() as session:
            pair = session.get(DocumentPair, pair_id)
            assert pair is not None
            project = pair.project
            schema = dict(project.label_schema)
            self.languages = {Side.SOURCE: pair.source.language, Side.TARGET: pair.target.language}
            title = f"{project.name} · {pair.name}"
        self.pair_id, self.layer_id = pair_id, layer_id
        self.editor = Editor(self.store, layer_id, self.annotator_name)
        self.undo_stack.clear()
        model = PairRowsModel(self.store, layer_id)
        self.view = PairView(model, point_size=self.settings.point_size)
        self.view.setMinimumWidth(MIN_TEXT_WIDTH)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.view.addActions(self.alignment.row_actions)
        self.setCentralWidget(self.view)
        self.view.setFocus()
        self.entities.open_layer(schema)
        self.reload_navigator()
        self._warn_missing_fonts(model)
        self.alignment.show_counts()
        self.statusBar().showMessage(f"{title} · {caption}")

    def close_pair(self) -> None:
        """Show no pair (the open one was removed)."""
        self.pair_id = self.layer_id = None
        self.editor, self.view = None, None
        self.undo_stack.clear()
        self.placeholder = QLabel("Open a pair from the navigator (double-click or Enter).")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(self.placeholder)
        self.alignment.counts.setText("")

    def _warn_missing_fonts(self, model: PairRowsModel) -> None:
        """Say once, without blocking the window, which characters no installed font has."""
        font = text_font(self.settings.point_size)
        found = {side: unsupported_characters(model.texts[side], font) for side in Side}
        parts = [
            f"{side.value} text: {' '.join(chars[:8])}" for side, chars in found.items() if chars
        ]
        if self.font_notice is not None:
            self.font_notice.close()
            self.font_notice = None
        if not parts:
            return
        notice = QMessageBox(
            QMessageBox.Icon.Warning,
            "Missing font",
            f"No installed font has these characters ({'; '.join(parts)}). They show as "
            "boxes; install a font for that script and open the pair again.",
            QMessageBox.StandardButton.Ok,
            self,
        )
        notice.setWindowModality(Qt.WindowModality.NonModal)
        notice.show()
        self.font_notice = notice

    # --- running commands

    def run(self, command: Command) -> Changes | None:
        """Run a core command through the undo stack; show a refusal instead of raising.

        While another program holds the store's write lock the command is kept and saved
        when the lock frees (PendingWrites), behind any kept before it.
        """
        if self.editor is None:
            return None
        if self.pending.waiting():
            self.pending.keep(command)
            return None
        try:
            return self._execute(command)
        except WAIT_FOR as refusal:  # busy, or the server away: kept and saved later
            self.pending.keep(command, refusal)
            return None
        except ConflictError as exc:
            self.editor.reload()
            self._history_lost(exc)
            return None
        except AnnotatorError as exc:
            self.statusBar().showMessage(f"refused: {exc}", 8000)
            return None

    def _execute(self, command: Command) -> Changes:
        assert self.editor is not None
        return undo.run(self.undo_stack, self.editor, command, self._changed, self._history_lost)

    def _changed(self, changes: Changes) -> None:
        """Refresh what a command changed: rows and sentences, then highlights and counts."""
        rows = changes.rows_changed or bool(changes.beads) or bool(changes.segments)
        if self.view is not None and rows:
            top = self.view.verticalScrollBar().value()
            self.view.model.reload(changes.rows_changed)
            self.view.scroll_to_row(min(top, max(0, self.view.model.rowCount() - 1)))
        if changes.mentions or changes.links or not rows:
            self.entities.reload()
        if rows:  # bead counts only move when rows or sentences do, not on entity edits
            self.alignment.rows_changed()
        self.review.after_command()
        self.navigator_panel.layer_changed()

    def _history_lost(self, exc: AnnotatorError) -> None:
        QTimer.singleShot(0, self.undo_stack.clear)  # not from inside the stack's own undo()
        if self.view is not None:
            self.view.model.reload(True)
        self.entities.reload()
        message = f"{exc} — the pair was reloaded and the undo history cleared"
        self.statusBar().showMessage(message, 10000)
        # The status bar is shared with the counters and easy to miss: say it in a box too.
        if self.conflict_notice is not None:
            self.conflict_notice.close()
        notice = QMessageBox(
            QMessageBox.Icon.Information,
            "Changed elsewhere",
            f"{message}. Your last action was not saved; do it again if it is still needed.",
            QMessageBox.StandardButton.Ok,
            self,
        )
        notice.setWindowModality(Qt.WindowModality.NonModal)
        notice.show()
        self.conflict_notice = notice

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.pending.may_close():
            event.ignore()
            return
        self.watch.close()
        self.alignment.stop()
        if self.import_worker is not None:  # cancel: the transaction rolls back
            self.import_worker.cancelled = True
            self.import_worker.wait()
        super().closeEvent(event)

    def focus_text(self) -> None:
        """Put the keyboard focus on the pair view."""
        if self.view is not None:
            self.view.setFocus()

    # --- view settings

    def change_font_size(self, delta: int) -> None:
        """Make the text larger or smaller and remember the size."""
        size = self.settings.point_size + delta
        size = max(6, min(40, size))
        self.settings.point_size = size
        if self.view is not None:
            self.view.set_point_size(size)
