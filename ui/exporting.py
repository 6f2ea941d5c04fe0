"""File ▸ Export…: format, layer, pairs and destination, run in a thread with progress and Cancel.

The export runs the same `run_export` as `annotator export`, in a read session of its own:
Cancel stops it after the current pair and removes the files it had begun; the report it ends
with is shown as the CLI prints it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QWidget,
)
from sqlalchemy import select

from annotator.errors import AnnotatorError
from annotator.formats import (
    FORMATS,
    ExportCancelledError,
    ExportOptions,
    ExportReport,
    ExportRequest,
    run_export,
)
from annotator.model import Annotator, DocumentPair, Project
from annotator.store import Store
from ui.background import finish, progress_dialog, show_step

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class ExportWorker(QThread):
    """Export in a thread: progress(done, total, name), then finished_export(report, error)."""

    progress = Signal(int, int, str)
    finished_export = Signal(object, str)

    def __init__(self, store: Store, project_id: int, request: ExportRequest) -> None:
        super().__init__()
        self.store = store
        self.project_id = project_id
        self.request = request
        self.cancelled = False

    def run(self) -> None:
        try:
            with self.store.read() as session:
                project = session.get(Project, self.project_id)
                if project is None:
                    raise AnnotatorError("the project is gone")
                report = run_export(
                    session,
                    project,
                    self.request,
                    progress=self.progress.emit,
                    cancelled=lambda: self.cancelled,
                )
        except ExportCancelledError as exc:
            self.finished_export.emit(None, f"{exc}; the files begun were removed")
        except AnnotatorError as exc:
            self.finished_export.emit(None, f"nothing was exported: {exc}")
        except Exception as exc:  # reported in the window; the thread must not die silently
            self.finished_export.emit(None, f"nothing was exported: {type(exc).__name__}: {exc}")
        else:
            self.finished_export.emit(report, "")


class ExportDialog(QDialog):
    """Choose the project, format, layer, pairs (all or some), options and destination."""

    def __init__(self, parent: QWidget, store: Store, project_id: int | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.store = store
        self.project = QComboBox()
        self.format = QComboBox()
        for name, chosen in FORMATS.items():
            self.format.addItem(f"{name} — {chosen.summary}", name)
        self.layer = QComboBox()
        self.layer.setEditable(True)
        self.pairs = QListWidget()
        self.pairs.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.all_pairs = QCheckBox("Also pairs whose gold is not adjudicated (exported empty)")
        self.confirmed_only = QCheckBox("Only confirmed beads")
        self.keep_one_sided = QCheckBox("Keep one-sided beads (tmx, moses, tsv)")
        self.destination = QLineEdit()
        with store.read() as session:
            for project in session.scalars(select(Project).order_by(Project.id)):
                self.project.addItem(
                    f"{project.name} ({project.source_lang} → {project.target_lang})", project.id
                )
            self.annotators = list(session.scalars(select(Annotator.name).order_by(Annotator.name)))
        if project_id is not None and self.project.findData(project_id) >= 0:
            self.project.setCurrentIndex(self.project.findData(project_id))
        for ref in ("gold", "automatic", *self.annotators):
            self.layer.addItem(ref)
        self.project.currentIndexChanged.connect(self._list_pairs)
        self._list_pairs()
        form = QFormLayout(self)
        form.addRow("Project:", self.project)
        form.addRow("Format:", self.format)
        form.addRow("Layer:", self.layer)
        form.addRow("Pairs (none selected: all):", self.pairs)
        form.addRow(self.all_pairs)
        form.addRow(self.confirmed_only)
        form.addRow(self.keep_one_sided)
        form.addRow("Save to:", self._browse())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    def _list_pairs(self) -> None:
        self.pairs.clear()
        project_id = self.project.currentData()
        with self.store.read() as session:
            for pair_id, name in session.execute(
                select(DocumentPair.id, DocumentPair.name)
                .where(DocumentPair.project_id == project_id)
                .order_by(DocumentPair.id)
            ):
                item = QListWidgetItem(f"{pair_id}  {name}")
                item.setData(Qt.ItemDataRole.UserRole, str(pair_id))
                self.pairs.addItem(item)

    def _browse(self) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.destination, 1)
        button = QPushButton("Browse…")
        button.clicked.connect(self._pick)
        layout.addWidget(button)
        return row

    def _pick(self) -> None:
        name = str(self.format.currentData())
        if FORMATS[name].folder:
            chosen = QFileDialog.getExistingDirectory(self, "Folder to export into")
        else:
            chosen, _ = QFileDialog.getSaveFileName(self, "Export to")
        if chosen:
            self.destination.setText(chosen)

    def request(self) -> tuple[int, ExportRequest] | None:
        """Return the project id and what to export, or None when incomplete."""
        project_id = self.project.currentData()
        destination = self.destination.text().strip()
        layer = self.layer.currentText().strip()
        if project_id is None or not destination or not layer:
            return None
        pairs = tuple(
            str(item.data(Qt.ItemDataRole.UserRole)) for item in self.pairs.selectedItems()
        )
        options = ExportOptions(keep_one_sided=self.keep_one_sided.isChecked())
        return int(project_id), ExportRequest(
            str(self.format.currentData()),
            Path(destination),
            layer,
            pairs,
            self.all_pairs.isChecked(),
            self.confirmed_only.isChecked(),
            options,
        )


class ExportController:
    """File ▸ Export…: the dialog, the worker behind a progress dialog, and the report."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.worker: ExportWorker | None = None
        self.progress: QProgressDialog | None = None
        self.report_box: QMessageBox | None = None

    def ask(self) -> None:
        """Ask what to export, then export it in the background."""
        if self.worker is not None:
            return
        project_id = None
        if self.window.pair_id is not None:
            with self.window.store.read() as session:
                pair = session.get(DocumentPair, self.window.pair_id)
                project_id = pair.project_id if pair is not None else None
        dialog = ExportDialog(self.window, self.window.store, project_id)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        chosen = dialog.request()
        if chosen is None:
            self.window.statusBar().showMessage(
                "nothing exported: choose a layer and where to save", 8000
            )
            return
        self.start(*chosen)

    def start(self, project_id: int, request: ExportRequest) -> None:
        """Run the export in a thread behind a progress dialog whose Cancel stops it."""
        worker = ExportWorker(self.window.store, project_id, request)
        progress = progress_dialog(
            self.window, "Export", lambda: setattr(worker, "cancelled", True)
        )
        worker.progress.connect(
            lambda done, total, name: show_step(progress, done, total, f"exported {name}")
        )
        worker.finished_export.connect(self._finished)
        self.worker, self.progress = worker, progress
        progress.show()
        worker.start()

    def _finished(self, report: ExportReport | None, error: str) -> None:
        finish(self.progress, self.worker)
        self.worker = self.progress = None
        if report is None:
            self.window.statusBar().showMessage(error, 15000)
            return
        lines = report.lines()
        self.window.statusBar().showMessage(f"{lines[0]}; {lines[1]}", 15000)
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Export done",
            "\n".join(lines),
            QMessageBox.StandardButton.Ok,
            self.window,
        )
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setModal(False)
        self.report_box = box
        box.show()
