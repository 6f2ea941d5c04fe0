"""File ▸ Import…: two files or a folder of pairs into a project, with progress and Cancel.

The import runs in a thread inside one write transaction, as `annotator import` does: Cancel
stops it at the next pair and rolls everything back, so a cancelled import stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)
from sqlalchemy import select

from annotator.errors import AnnotatorError, InputError
from annotator.importing import ImportOptions, ImportReport, import_into_store
from annotator.model import Project
from annotator.pairing import PairFiles, find_folder_pairs, pair_name_for
from annotator.store import Store


class ImportCancelledError(Exception):
    """Raised inside the import when the user pressed Cancel: the transaction rolls back."""


@dataclass(frozen=True)
class ImportRequest:
    """What to import: a folder, or two files; into which project; lines or running text."""

    project_id: int
    source: Path
    target: Path | None
    presegmented: bool


class ImportWorker(QThread):
    """Import in a thread: progress(done, total, text), then finished_import(report, error)."""

    progress = Signal(int, int, str)
    finished_import = Signal(object, str)

    def __init__(self, store: Store, request: ImportRequest, actor: str) -> None:
        super().__init__()
        self.store = store
        self.request = request
        self.actor = actor
        self.cancelled = False
        self.skipped: list[tuple[str, str]] = []

    def _files(self, project: Project) -> list[PairFiles]:
        request = self.request
        if request.target is None:
            found = find_folder_pairs(request.source, project.source_lang, project.target_lang)
            self.skipped = found.skipped
            return found.pairs
        name = pair_name_for(request.source, request.target)
        return [PairFiles(name, request.source, request.target)]

    def run(self) -> None:
        try:
            with self.store.read() as session:
                project = session.get(Project, self.request.project_id)
                if project is None:
                    raise InputError("the project is gone")
                files = self._files(project)
            total, done = 3 * len(files), 0

            def step(kind: str, name: str) -> None:
                nonlocal done
                if self.cancelled:
                    raise ImportCancelledError
                done += 1
                self.progress.emit(done, total, f"{kind} {name}")

            options = ImportOptions(self.request.presegmented)
            # reads and aligns without the write lock: the window's edits go on meanwhile
            report = import_into_store(
                self.store, self.request.project_id, files, self.actor, options, step
            )
        except ImportCancelledError:
            self.finished_import.emit(None, "import cancelled: nothing was imported")
        except AnnotatorError as exc:
            self.finished_import.emit(None, f"nothing was imported: {exc}")
        except Exception as exc:  # reported in the window; the thread must not die silently
            self.finished_import.emit(None, f"nothing was imported: {type(exc).__name__}: {exc}")
        else:
            self.finished_import.emit(report, "")


def describe(report: ImportReport, skipped: list[tuple[str, str]]) -> str:
    """Return the import's outcome as the status bar shows it."""
    parts = [f"{len(report.imported)} imported"]
    if report.duplicates:
        parts.append(f"{len(report.duplicates)} already present")
    if skipped:
        parts.append(f"{len(skipped)} file(s) skipped")
    if report.warnings:
        parts.append(f"{len(report.warnings)} warning(s): " + "; ".join(report.warnings[:2]))
    return ", ".join(parts)


class ImportDialog(QDialog):
    """Choose two files or a folder, the project, and whether lines are sentences."""

    def __init__(self, parent: QWidget, store: Store) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import")
        self.files_mode = QRadioButton("Two files (source and translation)")
        self.folder_mode = QRadioButton("A folder of pairs (NAME.en + NAME.ar, .txt or not)")
        self.files_mode.setChecked(True)
        self.source = QLineEdit()
        self.target = QLineEdit()
        self.folder = QLineEdit()
        self.project = QComboBox()
        with store.read() as session:
            for project in session.scalars(select(Project).order_by(Project.id)):
                label = f"{project.name} ({project.source_lang} → {project.target_lang})"
                self.project.addItem(label, project.id)
        self.presegmented = QCheckBox("One sentence per line (keep the lines as sentences)")
        form = QFormLayout(self)
        form.addRow(self.files_mode)
        form.addRow("Source file:", self._browse(self.source, folder=False))
        form.addRow("Translation:", self._browse(self.target, folder=False))
        form.addRow(self.folder_mode)
        form.addRow("Folder:", self._browse(self.folder, folder=True))
        form.addRow("Project:", self.project)
        form.addRow(self.presegmented)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    def _browse(self, field: QLineEdit, folder: bool) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(field, 1)
        button = QPushButton("Browse…")
        button.clicked.connect(lambda: self._pick(field, folder))
        layout.addWidget(button)
        return row

    def _pick(self, field: QLineEdit, folder: bool) -> None:
        if folder:
            chosen = QFileDialog.getExistingDirectory(self, "Folder of pairs")
            self.folder_mode.setChecked(True)
        else:
            chosen, _ = QFileDialog.getOpenFileName(self, "Text file")
            self.files_mode.setChecked(True)
        if chosen:
            field.setText(chosen)

    def request(self) -> ImportRequest | None:
        """Return what the dialog asks for, or None when it is incomplete."""
        project_id = self.project.currentData()
        if project_id is None:
            return None
        presegmented = self.presegmented.isChecked()
        if self.folder_mode.isChecked():
            folder = self.folder.text().strip()
            if not folder:
                return None
            return ImportRequest(int(project_id), Path(folder), None, presegmented)
        source, target = self.source.text().strip(), self.target.text().strip()
        if not source or not target:
            return None
        return ImportRequest(int(project_id), Path(source), Path(target), presegmented)
