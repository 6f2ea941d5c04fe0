"""The navigator: projects, pairs and layers with their status, and removing or renaming them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, Qt, QTimer
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QTreeWidget, QTreeWidgetItem
from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.alignment.health import NOTE_PREFIX
from annotator.assignments import my_pairs
from annotator.errors import AnnotatorError
from annotator.layers import layer_progress
from annotator.model import Document, DocumentPair, Layer, Project
from annotator.projects import find_project
from annotator.removal import (
    pair_summary,
    remove_pair,
    remove_project,
    rename_pair,
    rename_project,
)
from annotator.store.failures import StoreUnreachableError

if TYPE_CHECKING:
    from ui.main_window import MainWindow

PROJECT_ROLE = Qt.ItemDataRole.UserRole + 3
ADMINS_ONLY = "On a team server only an administrator imports, removes or renames pairs"
PAIR_ROLE = Qt.ItemDataRole.UserRole + 1
LAYER_ROLE = Qt.ItemDataRole.UserRole + 2
MY_PAIRS = "My pairs"  # the first group: what a reviewer gave me to do


def count(number: int, noun: str) -> str:
    """Return '1 layer', '2 layers'."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


class Navigator(QObject):
    """The tree of projects, pairs and layers; Enter opens a pair, the menu removes or renames."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Projects and pairs", "Status"])
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemDoubleClicked.connect(self._activated)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)  # once per burst of edits
        self._timer.timeout.connect(self.refresh_open_layer)

    # --- contents

    def reload(self) -> None:
        """List projects, their pairs, and each pair's layers with status and progress."""
        self.tree.clear()
        with self.window.store.read() as session:
            mine = my_pairs(session, self.window.annotator_name)
            if mine:  # what a reviewer gave me to do, with my status, before everything else
                top = QTreeWidgetItem([MY_PAIRS, count(len(mine), "pair")])
                self.tree.addTopLevelItem(top)
                for assigned in mine:
                    item = QTreeWidgetItem(
                        [f"{assigned.name} ({assigned.project})", assigned.status]
                    )
                    item.setData(0, PAIR_ROLE, assigned.pair_id)
                    top.addChild(item)
                top.setExpanded(True)
            doubts = self._doubts(session)
            for project in session.scalars(select(Project).order_by(Project.id)):
                top = QTreeWidgetItem(
                    [project.name, f"{project.source_lang} → {project.target_lang}"]
                )
                top.setData(0, PROJECT_ROLE, project.id)
                self.tree.addTopLevelItem(top)
                for pair in project.pairs:
                    status = count(len(pair.layers), "layer")
                    item = QTreeWidgetItem([pair.name, status])
                    item.setData(0, PAIR_ROLE, pair.id)
                    if pair.id in doubts:  # flagged at import: a wrong partner, a cut text?
                        item.setText(1, f"⚠ check the alignment · {status}")
                        for column in (0, 1):
                            item.setToolTip(column, doubts[pair.id])
                    top.addChild(item)
                    for layer in pair.layers:
                        child = QTreeWidgetItem([layer.owner_label, self._status(session, layer)])
                        child.setData(0, PAIR_ROLE, pair.id)
                        child.setData(0, LAYER_ROLE, layer.id)
                        item.addChild(child)
                top.setExpanded(True)
        self.tree.resizeColumnToContents(0)

    @staticmethod
    def _doubts(session: Session) -> dict[int, str]:
        """Return the import's doubt about each pair whose proposal looked wrong."""
        rows = session.execute(
            select(DocumentPair.id, Document.import_notes).join(
                Document, Document.id == DocumentPair.source_document_id
            )
        ).all()
        return {
            pair_id: note
            for pair_id, notes in rows
            for note in notes or []
            if note.startswith(NOTE_PREFIX)
        }

    @staticmethod
    def _status(session: Session, layer: Layer) -> str:
        p = layer_progress(session, layer)
        return (
            f"{layer.status} · {count(p.mentions, 'mention')} · {count(p.links, 'link')} · "
            f"{p.confirmed_beads}/{p.beads} beads confirmed"
        )

    def layer_changed(self) -> None:
        """Note that the open layer changed: its line is refreshed shortly, once per burst."""
        self._timer.start()

    def refresh_open_layer(self) -> None:
        """Bring the open layer's line up to date (counts, status)."""
        layer_id = self.window.layer_id
        if layer_id is None:
            return
        try:
            with self.window.store.read() as session:
                layer = session.get(Layer, layer_id)
                if layer is None:
                    return
                text = self._status(session, layer)
                mine = layer.annotator_id == self.window.annotator_id
                status, pair_id = layer.status, layer.pair_id
        except StoreUnreachableError:  # a timer's refresh: the next edit's brings it up to date
            return
        flags = Qt.MatchFlag.MatchWildcard | Qt.MatchFlag.MatchRecursive
        for item in self.tree.findItems("*", flags, 0):
            if item.data(0, LAYER_ROLE) == layer_id:
                item.setText(1, text)
        top = self.tree.topLevelItem(0)
        if mine and top is not None and top.text(0) == MY_PAIRS:  # my status of my pair
            for k in range(top.childCount()):
                if top.child(k).data(0, PAIR_ROLE) == pair_id:
                    top.child(k).setText(1, status)

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        pair_id = item.data(0, PAIR_ROLE)
        if pair_id is not None:
            self.window.open_pair(int(pair_id))

    # --- remove and rename

    def _menu(self, point: QPoint) -> None:
        item = self.tree.itemAt(point)
        menu = self.context_menu(item) if item is not None else None
        if menu is not None:
            menu.exec(self.tree.viewport().mapToGlobal(point))

    def context_menu(self, item: QTreeWidgetItem) -> QMenu | None:
        """Return the menu of a pair or project line (rename, remove); None for other lines."""
        if item.data(0, LAYER_ROLE) is not None:
            return None
        menu = QMenu(self.tree)
        pair_id, project_id = item.data(0, PAIR_ROLE), item.data(0, PROJECT_ROLE)
        if pair_id is not None:
            menu.addAction("Rename pair…", lambda: self.rename_pair(int(pair_id)))
            menu.addAction("Remove pair…", lambda: self.remove_pair(int(pair_id)))
        elif project_id is not None:
            menu.addAction("Rename project…", lambda: self.rename_project(int(project_id)))
            menu.addAction("Remove project…", lambda: self.remove_project(int(project_id)))
        else:
            return None
        if not self.window.manages_pairs:
            menu.setToolTipsVisible(True)
            for action in menu.actions():
                action.setEnabled(False)
                action.setToolTip(ADMINS_ONLY)
        return menu

    def _ask(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self.window, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def _done(self, message: str) -> None:
        self.reload()
        self.window.statusBar().showMessage(message, 8000)

    def remove_pair(self, pair_id: int) -> None:
        """Say what goes (every layer, with its mentions and links), then remove the pair."""
        store = self.window.store
        with store.read() as session:
            pair = session.get(DocumentPair, pair_id)
            if pair is None:
                return
            summary = pair_summary(session, pair)
        if not self._ask(
            "Remove pair", f"Remove this pair? This cannot be undone.\n\n{summary.describe()}"
        ):
            return
        try:
            with store.write() as session:
                pair = session.get(DocumentPair, pair_id)
                assert pair is not None
                remove_pair(session, pair, self.window.annotator_name)
        except AnnotatorError as exc:
            self.window.statusBar().showMessage(f"not removed: {exc}", 15000)
            return
        if self.window.pair_id == pair_id:
            self.window.close_pair()
        self._done(f"removed pair {summary.name!r}")

    def remove_project(self, project_id: int) -> None:
        """Say what goes (every pair and layer), then remove the project."""
        store = self.window.store
        with store.read() as session:
            project = session.get(Project, project_id)
            if project is None:
                return
            name = project.name
            summaries = [pair_summary(session, pair) for pair in project.pairs]
        details = "\n".join(s.describe() for s in summaries) or "(no pairs)"
        if not self._ask(
            "Remove project",
            f"Remove project {name!r} and its {count(len(summaries), 'pair')}? This cannot be "
            f"undone.\n\n{details}",
        ):
            return
        try:
            with store.write() as session:
                project = find_project(session, str(project_id))
                remove_project(session, project, self.window.annotator_name)
        except AnnotatorError as exc:
            self.window.statusBar().showMessage(f"not removed: {exc}", 15000)
            return
        if self.window.pair_id in {s.pair_id for s in summaries}:
            self.window.close_pair()
        self._done(f"removed project {name!r}")

    def rename_pair(self, pair_id: int) -> None:
        """Ask for a new name and rename the pair."""
        self._rename("pair", DocumentPair, pair_id, rename_pair)

    def rename_project(self, project_id: int) -> None:
        """Ask for a new name and rename the project."""
        self._rename("project", Project, project_id, rename_project)

    def _rename(
        self,
        kind: str,
        model: type[DocumentPair] | type[Project],
        row_id: int,
        rename: Callable[[Session, Any, str, str], None],
    ) -> None:
        """Ask for a new name of a pair or project; a refused name is said in the status bar."""
        with self.window.store.read() as session:
            row = session.get(model, row_id)
            old = row.name if row is not None else ""
        name, ok = QInputDialog.getText(self.window, f"Rename {kind}", "New name:", text=old)
        if not ok or name.strip() in ("", old):
            return
        try:
            with self.window.store.write() as session:
                row = session.get(model, row_id)
                assert row is not None
                rename(session, row, name, self.window.annotator_name)
        except AnnotatorError as exc:
            self.window.statusBar().showMessage(f"not renamed: {exc}", 8000)
            return
        self._done(f"renamed {kind} {old!r} → {name.strip()!r}")
