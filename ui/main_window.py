"""The annotation window: navigator, the pair in rows, labels, mentions and links, undo."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QColor, QKeyEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)
from sqlalchemy import select

from annotator.alignment.beads import AlignedBead
from annotator.alignment.pair_alignment import layer_sentences, linked_names
from annotator.arabic import snap_selection
from annotator.commands import Batch, Changes, Command, Editor
from annotator.commands_alignment import (
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
from annotator.commands_entities import (
    ChangeLabel,
    DeleteMention,
    LinkMentions,
    ResizeMention,
    SetNoCounterpart,
    TagCounterpart,
    TagMention,
    Unlink,
)
from annotator.commands_realign import ApplyAlignment
from annotator.errors import AnnotatorError, ConflictError
from annotator.layers import (
    BeadRow,
    alignment,
    bead_counts,
    bead_rows,
    ensure_annotator_layer,
    layer_progress,
    next_bead_row,
)
from annotator.matching import find_occurrences
from annotator.model import (
    Annotator,
    BeadStatus,
    DocumentPair,
    Layer,
    Link,
    Mention,
    Project,
    Side,
)
from annotator.projects import get_or_create_annotator
from annotator.store import Store
from annotator.suggestions import Suggestion, build_known_links, suggest_counterparts
from ui import undo
from ui.align_worker import AlignJob, AlignWorker
from ui.fonts import text_font, unsupported_characters
from ui.help_overlay import HelpOverlay
from ui.pair_model import PairRowsModel
from ui.pair_view import Highlight, PairView
from ui.settings import Settings

PAIR_ROLE = Qt.ItemDataRole.UserRole + 1
LAYER_ROLE = Qt.ItemDataRole.UserRole + 2
LINK_COLOURS = [
    "#d62728",
    "#1f77b4",
    "#2ca02c",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#ff7f0e",
    "#7f7f7f",
]


@dataclass(frozen=True)
class MentionInfo:
    """A mention as the window shows it."""

    id: int
    side: Side
    start: int
    end: int
    label: str
    surface: str
    no_counterpart: bool


class MainWindow(QMainWindow):
    """Open a pair from the navigator and annotate it in your own layer."""

    def __init__(self, store: Store, annotator_name: str, settings: Settings | None = None) -> None:
        super().__init__()
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
        self.schema: dict[str, dict[str, str]] = {}
        self.snapping: dict[str, object] = {}
        self.languages: dict[Side, str] = {}
        self.mentions: dict[int, MentionInfo] = {}
        self.links: dict[int, tuple[int, int]] = {}
        self.active_mention: int | None = None
        self.link_from: int | None = None
        self.suggestions: list[Suggestion] = []
        self.suggestion_for: int | None = None

        self.navigator = QTreeWidget()
        self.navigator.setHeaderLabels(["Projects and pairs", "Status"])
        self.navigator.itemActivated.connect(self._navigator_activated)
        self.navigator.itemDoubleClicked.connect(self._navigator_activated)
        self._dock("Navigator", self.navigator, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.labels = QListWidget()
        self.labels.itemActivated.connect(self._label_activated)
        self.labels.itemClicked.connect(self._label_activated)
        self._dock("Labels", self.labels, Qt.DockWidgetArea.RightDockWidgetArea)
        self.mention_list = QTreeWidget()
        self.mention_list.setHeaderLabels(["Mention", "Label", "Counterpart"])
        self.mention_list.itemActivated.connect(self._mention_item_activated)
        self._dock("Mentions and links", self.mention_list, Qt.DockWidgetArea.RightDockWidgetArea)
        self.placeholder = QLabel("Open a pair from the navigator (double-click or Enter).")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(self.placeholder)
        self.help = HelpOverlay(self)
        self.counts = QLabel()
        self.statusBar().addPermanentWidget(self.counts)
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(0)
        self._counts_timer.timeout.connect(self.show_counts)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # the aligner reports no steps: a busy indicator
        self.progress.setMaximumWidth(160)
        self.cancel_button = QPushButton("Cancel alignment")
        self.cancel_button.clicked.connect(self.cancel_alignment)
        for widget in (self.progress, self.cancel_button):
            self.statusBar().addPermanentWidget(widget)
            widget.hide()
        self.worker: AlignWorker | None = None
        self._make_actions()
        self.resize(1500, 900)
        self.reload_navigator()

    # --- construction

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _action(
        self,
        text: str,
        keys: QKeySequence | str | list[QKeySequence | str],
        slot: object,
        menu: str,
    ) -> QAction:
        action = QAction(text, self)
        sequences = keys if isinstance(keys, list) else [keys]
        action.setShortcuts([QKeySequence(k) for k in sequences])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)  # type: ignore[arg-type]
        if menu not in self.menus:
            self.menus[menu] = self.menuBar().addMenu(menu)
        self.menus[menu].addAction(action)
        self.help.add(", ".join(QKeySequence(k).toString() for k in sequences), text)
        return action

    def _make_actions(self) -> None:
        self.menus: dict[str, QMenu] = {}
        undo_action = self.undo_stack.createUndoAction(self, "Undo")
        undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        redo_action = self.undo_stack.createRedoAction(self, "Redo")
        redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit = self.menuBar().addMenu("Edit")
        self.menus["Edit"] = edit
        edit.addAction(undo_action)
        edit.addAction(redo_action)
        self.help.add("Ctrl+Z", "Undo")
        self.help.add("Ctrl+Shift+Z, Ctrl+Y", "Redo")
        self._action(
            "Delete the mention",
            [QKeySequence.StandardKey.Delete, "Backspace"],
            self.delete_active,
            "Edit",
        )
        self._action(
            "Link the mention (then click or pick its counterpart)",
            "Ctrl+K",
            self.start_link,
            "Edit",
        )
        self._action(
            "Mark the mention as having no counterpart",
            "Ctrl+0",
            self.toggle_no_counterpart,
            "Edit",
        )
        self._action(
            "Accept the suggested counterpart", ["Return", "Enter"], self.accept_suggestion, "Edit"
        )
        self._action(
            "Tag all occurrences of the mention in this pair",
            "Ctrl+T",
            self.tag_all_occurrences,
            "Edit",
        )
        self._action(
            "Extend the mention by a character (visually right)",
            "Alt+Right",
            lambda: self.resize_active(end_edge=True, visual_right=True),
            "Edit",
        )
        self._action(
            "Shrink/extend the mention's far edge to the left",
            "Alt+Left",
            lambda: self.resize_active(end_edge=True, visual_right=False),
            "Edit",
        )
        self._action(
            "Move the mention's start edge right",
            "Alt+Shift+Right",
            lambda: self.resize_active(end_edge=False, visual_right=True),
            "Edit",
        )
        self._action(
            "Move the mention's start edge left",
            "Alt+Shift+Left",
            lambda: self.resize_active(end_edge=False, visual_right=False),
            "Edit",
        )
        alignment_actions = [
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
        self.row_actions = [
            self._action(text, keys, slot, "Alignment") for text, keys, slot in alignment_actions
        ]
        self._action("Next unconfirmed bead", "Ctrl+J", lambda: self.next_bead("unconfirmed"), "Go")
        self._action("Next low-score bead", "Ctrl+L", lambda: self.next_bead("low"), "Go")
        self._action("Next bead that is not 1:1", "Ctrl+N", lambda: self.next_bead("non11"), "Go")
        self._action("Next mention", "Ctrl+Down", lambda: self.step_mention(1), "Go")
        self._action("Previous mention", "Ctrl+Up", lambda: self.step_mention(-1), "Go")
        self._action(
            "Larger text",
            [QKeySequence.StandardKey.ZoomIn, "Ctrl+="],
            lambda: self.change_font_size(+1),
            "View",
        )
        self._action(
            "Smaller text",
            QKeySequence.StandardKey.ZoomOut,
            lambda: self.change_font_size(-1),
            "View",
        )
        self._action("Keyboard shortcuts", ["F1", "Ctrl+/"], self.help.toggle, "View")
        self._action("Go to the navigator", "Ctrl+1", self.navigator.setFocus, "Go")
        self._action("Go to the text", "Ctrl+2", self.focus_text, "Go")
        self._action("Go to the label palette", "Ctrl+3", self.labels.setFocus, "Go")
        self._action(
            "Go to the mentions and links list", "Ctrl+4", self.mention_list.setFocus, "Go"
        )
        self.help.add("label key (p, o, g …)", "Tag the selection (snapped to the word/name)")
        self.help.add("Alt + label key", "Tag exactly the selected characters")
        self.help.add("label key on a mention", "Change its label")
        self.help.add("Shift+arrows, Ctrl+Shift+arrows", "Select by character, by word")
        self.help.add("Tab", "Switch between the source and target pane")
        self.help.add("Escape", "Drop the selection, suggestion or link in progress")

    # --- navigator

    def reload_navigator(self) -> None:
        """List projects, their pairs, and each pair's layers with status and progress."""
        self.navigator.clear()
        with self.store.read() as session:
            for project in session.scalars(select(Project).order_by(Project.id)):
                top = QTreeWidgetItem(
                    [project.name, f"{project.source_lang} → {project.target_lang}"]
                )
                self.navigator.addTopLevelItem(top)
                for pair in project.pairs:
                    item = QTreeWidgetItem([pair.name, f"{len(pair.layers)} layers"])
                    item.setData(0, PAIR_ROLE, pair.id)
                    top.addChild(item)
                    for layer in pair.layers:
                        p = layer_progress(session, layer)
                        child = QTreeWidgetItem(
                            [
                                layer.owner_label,
                                f"{layer.status} · {p.mentions} mentions · {p.links} links · "
                                f"{p.confirmed_beads}/{p.beads} beads confirmed",
                            ]
                        )
                        child.setData(0, PAIR_ROLE, pair.id)
                        child.setData(0, LAYER_ROLE, layer.id)
                        item.addChild(child)
                top.setExpanded(True)
        self.navigator.resizeColumnToContents(0)

    def _navigator_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        pair_id = item.data(0, PAIR_ROLE)
        if pair_id is not None:
            self.open_pair(int(pair_id))

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
            layer = ensure_annotator_layer(session, pair, annotator)
            layer_id = layer.id
            project = pair.project
            self.schema = {lab["name"]: lab for lab in project.label_schema["labels"]}
            self.snapping = dict(project.label_schema.get("arabic_snapping", {}))
            self.languages = {Side.SOURCE: pair.source.language, Side.TARGET: pair.target.language}
            title = f"{project.name} · {pair.name}"
        self.pair_id, self.layer_id = pair_id, layer_id
        self.editor = Editor(self.store, layer_id, self.annotator_name)
        self.undo_stack.clear()
        model = PairRowsModel(self.store, layer_id)
        self.view = PairView(model, point_size=self.settings.point_size)
        self.view.highlight_clicked.connect(self._highlight_clicked)
        self.view.selection_changed.connect(self._selection_changed)
        self.view.installEventFilter(self)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.view.addActions(self.row_actions)
        self.setCentralWidget(self.view)
        self.view.setFocus()
        self._fill_labels()
        self.reload_annotations()
        self.reload_navigator()
        self._warn_missing_fonts(model)
        self.show_counts()
        self.statusBar().showMessage(f"{title} · your layer ({self.annotator_name})")

    def _warn_missing_fonts(self, model: PairRowsModel) -> None:
        font = text_font(self.settings.point_size)
        for side in Side:
            missing = unsupported_characters(model.texts[side], font)
            if missing:
                shown = " ".join(missing[:8])
                QMessageBox.warning(
                    self,
                    "Missing font",
                    f"No installed font has these characters of the {side.value} text: {shown}. "
                    "They may show as boxes; install a font for that script.",
                )

    def _fill_labels(self) -> None:
        self.labels.clear()
        for name, label in self.schema.items():
            item = QListWidgetItem(f"{label['key']}   {name} — {label.get('title', '')}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setBackground(self._colour(name, 90))
            self.labels.addItem(item)

    def _colour(self, label: str, alpha: int = 110) -> QColor:
        colour = QColor(self.schema.get(label, {}).get("color", "#999999"))
        colour.setAlpha(alpha)
        return colour

    # --- reading the layer's annotations

    def reload_annotations(self, _changes: Changes | None = None) -> None:
        """Re-read the layer's mentions and links, repaint highlights and the list."""
        if self.layer_id is None or self.view is None:
            return
        with self.store.read() as session:
            self.mentions = {
                m.id: MentionInfo(
                    m.id, Side(m.side), m.start, m.end, m.label, m.surface, m.no_counterpart
                )
                for m in session.scalars(
                    select(Mention)
                    .where(Mention.layer_id == self.layer_id)
                    .order_by(Mention.side, Mention.start)
                )
            }
            self.links = {
                k.id: (k.source_mention_id, k.target_mention_id)
                for k in session.scalars(select(Link).where(Link.layer_id == self.layer_id))
            }
        if self.active_mention not in self.mentions:
            self.active_mention = None
        self._paint_highlights()
        self._fill_mention_list()

    def _link_colour(self, mention_id: int) -> QColor | None:
        for link_id, (a, b) in self.links.items():
            if mention_id in (a, b):
                return QColor(LINK_COLOURS[link_id % len(LINK_COLOURS)])
        return None

    def _paint_highlights(self) -> None:
        assert self.view is not None
        marks = []
        for m in self.mentions.values():
            underline = self._link_colour(m.id)
            if m.id == self.active_mention:
                underline = QColor("#000000")
            marks.append(
                Highlight(m.side, m.start, m.end, self._colour(m.label), underline, key=m.id)
            )
        for s in self.suggestions:
            side = (
                self._other(self.mentions[self.suggestion_for].side)
                if self.suggestion_for in self.mentions
                else Side.TARGET
            )
            marks.append(
                Highlight(side, s.start, s.end, QColor(0, 0, 0, 0), QColor("#ff00ff"), key=s)
            )
        self.view.set_highlights(marks)

    def _fill_mention_list(self) -> None:
        self.mention_list.clear()
        partner: dict[int, int] = {}
        for a, b in self.links.values():
            partner[a], partner[b] = b, a
        for side in Side:
            top = QTreeWidgetItem([f"{side.value} ({self.languages.get(side, '')})"])
            self.mention_list.addTopLevelItem(top)
            for m in self.mentions.values():
                if m.side is not side:
                    continue
                other = partner.get(m.id)
                counterpart = (
                    "no counterpart"
                    if m.no_counterpart
                    else self.mentions[other].surface
                    if other in self.mentions
                    else "—"
                )
                item = QTreeWidgetItem([m.surface, m.label, counterpart])
                item.setData(0, Qt.ItemDataRole.UserRole, m.id)
                item.setBackground(1, self._colour(m.label))
                top.addChild(item)
            top.setExpanded(True)

    # --- running commands

    def run(self, command: Command) -> Changes | None:
        """Run a core command through the undo stack; show a refusal instead of raising."""
        if self.editor is None:
            return None
        try:
            return undo.run(
                self.undo_stack, self.editor, command, self._changed, self._history_lost
            )
        except ConflictError as exc:
            self.editor.reload()
            self._history_lost(exc)
            return None
        except AnnotatorError as exc:
            self.statusBar().showMessage(f"refused: {exc}", 8000)
            return None

    def _changed(self, changes: Changes) -> None:
        """Refresh what a command changed: rows and sentences, then highlights and counts."""
        rows = changes.rows_changed or bool(changes.beads) or bool(changes.segments)
        if self.view is not None and rows:
            top = self.view.verticalScrollBar().value()
            self.view.model.reload(changes.rows_changed)
            self.view.scroll_to_row(min(top, max(0, self.view.model.rowCount() - 1)))
        if changes.mentions or changes.links or not rows:
            self.reload_annotations()
        if rows:  # bead counts only move when rows or sentences do, not on entity edits
            # Recounting scans every sentence of the layer: do it after the rows are repainted,
            # once for a burst of edits.
            self._counts_timer.start()

    def _history_lost(self, exc: AnnotatorError) -> None:
        QTimer.singleShot(0, self.undo_stack.clear)  # not from inside the stack's own undo()
        if self.view is not None:
            self.view.model.reload(True)
        self.reload_annotations()
        self.statusBar().showMessage(f"{exc} — undo history cleared", 10000)

    def tag_selection(self, label: str, exact: bool = False) -> int | None:
        """Tag the selection with a label, snapped to the word/name unless `exact`."""
        if self.view is None or self.view.selection is None:
            return None
        side, start, end = self.view.selection
        text = self.view.model.texts[side]
        if not exact:
            known = {m.surface for m in self.mentions.values() if m.side is side}
            start, end = snap_selection(
                text,
                start,
                end,
                self.languages[side],
                proclitics=tuple(self.snapping.get("proclitics", ("و", "ف", "ب", "ل", "ك"))),
                strip_article=bool(self.snapping.get("strip_article", False)),
                known_names=known,
            )
        if end <= start:
            self.statusBar().showMessage("nothing to tag in the selection", 5000)
            return None
        changes = self.run(TagMention(side.value, start, end, label))
        if changes is None:
            return None
        self.view.clear_selection()
        new = [m for m in changes.mentions if m in self.mentions]
        if new:
            self.active_mention = new[0]
            self._suggest(new[0])
            self._paint_highlights()
        return new[0] if new else None

    def _label_for_key(self, text: str) -> str | None:
        for name, label in self.schema.items():
            if label["key"].lower() == text.lower():
                return name
        return None

    def eventFilter(self, watched: object, event: object) -> bool:
        if (
            watched is self.view
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
        ):
            mods = event.modifiers()
            plain = not mods & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier
            )
            label = self._label_for_key(event.text()) if event.text() and plain else None
            if label is None and plain and mods & Qt.KeyboardModifier.AltModifier:
                key_text = QKeySequence(event.key()).toString().lower()
                label = self._label_for_key(key_text)
            if label is not None:
                exact = bool(mods & Qt.KeyboardModifier.AltModifier)
                if self.view is not None and self.view.selection is not None:
                    self.tag_selection(label, exact=exact)
                elif self.active_mention is not None:
                    self.run(ChangeLabel(self.active_mention, label))
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.suggestions, self.link_from = [], None
                self._paint_highlights()
        return super().eventFilter(watched, event)  # type: ignore[arg-type]

    def _label_activated(self, item: QListWidgetItem) -> None:
        label = str(item.data(Qt.ItemDataRole.UserRole))
        if self.view is not None and self.view.selection is not None:
            self.tag_selection(label)
        elif self.active_mention is not None:
            self.run(ChangeLabel(self.active_mention, label))
        if self.view is not None:
            self.view.setFocus()

    # --- mentions: activate, delete, resize, step

    def _highlight_clicked(self, highlight: Highlight) -> None:
        if isinstance(highlight.key, int):
            self.activate_mention(highlight.key)

    def activate_mention(self, mention_id: int) -> None:
        """Make a mention the active one; completes a link started with Ctrl+K."""
        if (
            self.link_from is not None
            and mention_id in self.mentions
            and self.mentions[mention_id].side is not self.mentions[self.link_from].side
        ):
            a, b = self.link_from, mention_id
            if self.mentions[a].side is Side.TARGET:
                a, b = b, a
            self.link_from = None
            self.run(LinkMentions(a, b))
        self.active_mention = mention_id
        self._paint_highlights()
        m = self.mentions.get(mention_id)
        if m is not None:
            self.statusBar().showMessage(f"{m.label} “{m.surface}” ({m.side.value})")

    def _mention_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        mention_id = item.data(0, Qt.ItemDataRole.UserRole)
        if mention_id is not None:
            self.activate_mention(int(mention_id))

    def _selection_changed(self) -> None:
        if self.view is not None and self.view.selection is not None:
            self.suggestions = []

    def delete_active(self) -> None:
        """Delete the active mention (and its links)."""
        if self.active_mention is not None:
            self.run(DeleteMention(self.active_mention))

    def resize_active(self, end_edge: bool, visual_right: bool) -> None:
        """Move one edge of the active mention by a character, in screen direction."""
        m = self.mentions.get(self.active_mention) if self.active_mention else None
        if m is None or self.view is None:
            return
        rtl = self.view.model.direction(m.side) == "rtl"
        step = 1 if visual_right != rtl else -1
        start, end = m.start, m.end
        if end_edge:
            end += step
        else:
            start += step
        self.run(ResizeMention(m.id, start, end))

    def step_mention(self, delta: int) -> None:
        """Activate the next or previous mention in document order."""
        ids = [m.id for m in sorted(self.mentions.values(), key=lambda m: (m.side, m.start))]
        if not ids:
            return
        if self.active_mention not in ids:
            self.activate_mention(ids[0 if delta > 0 else -1])
            return
        index = (ids.index(self.active_mention) + delta) % len(ids)
        self.activate_mention(ids[index])

    # --- links and suggestions

    @staticmethod
    def _other(side: Side) -> Side:
        return Side.TARGET if side is Side.SOURCE else Side.SOURCE

    def start_link(self) -> None:
        """Begin linking the active mention; activating one on the other side completes it."""
        if self.active_mention is None:
            self.statusBar().showMessage("click a mention first, then Ctrl+K", 5000)
            return
        self.link_from = self.active_mention
        self.statusBar().showMessage("link: click the counterpart on the other side (Esc cancels)")

    def toggle_no_counterpart(self) -> None:
        """Mark or unmark the active mention as having no counterpart."""
        m = self.mentions.get(self.active_mention) if self.active_mention else None
        if m is not None:
            self.run(SetNoCounterpart(m.id, not m.no_counterpart))

    def unlink_active(self) -> None:
        """Remove the links of the active mention."""
        for link_id, (a, b) in list(self.links.items()):
            if self.active_mention in (a, b):
                self.run(Unlink(link_id))

    def _aligned_window(self, mention: MentionInfo) -> tuple[int, int] | None:
        assert self.view is not None
        model = self.view.model
        row = model.row_at(mention.side, mention.start)
        if row is None:
            return None
        others = model.row(row).side(self._other(mention.side))
        return (others[0].start, others[-1].end) if others else None

    def _known_links(self) -> dict[str, set[str]]:
        if self.pair_id is None:
            return {}
        with self.store.read() as session:
            pair = session.get(DocumentPair, self.pair_id)
            assert pair is not None
            return build_known_links(linked_names(session, pair))

    def _suggest(self, mention_id: int) -> None:
        mention = self.mentions.get(mention_id)
        if mention is None or self.view is None:
            return
        window = self._aligned_window(mention)
        self.suggestions, self.suggestion_for = [], mention_id
        if window is None:
            return
        other = self._other(mention.side)
        taken = {(m.start, m.end) for m in self.mentions.values() if m.side is other}
        found = suggest_counterparts(
            mention.surface,
            mention.label,
            self.languages[mention.side],
            self.view.model.texts[other],
            self.languages[other],
            window,
            self._known_links(),
        )
        self.suggestions = [s for s in found if (s.start, s.end) not in taken][:3]
        if self.suggestions:
            best = self.suggestions[0]
            self.statusBar().showMessage(
                f"Enter: link to “{best.surface}” ({best.reason}); Esc: dismiss"
            )

    def accept_suggestion(self) -> None:
        """Tag the best suggestion with the mention's label and link the two, in one undo step."""
        if not self.suggestions or self.suggestion_for not in self.mentions:
            return
        mention = self.mentions[self.suggestion_for]
        best = self.suggestions[0]
        other = self._other(mention.side)
        self.suggestions = []
        command = TagCounterpart(
            mention.id,
            other.value,
            best.start,
            best.end,
            mention.label,
            text=f"Tag and link “{mention.surface}” ↔ “{best.surface}”",
        )
        if self.run(command):
            self.statusBar().showMessage(f"linked “{mention.surface}” ↔ “{best.surface}”", 5000)

    def tag_all_occurrences(self) -> None:
        """Tag every untagged occurrence of the active mention's text on its side, as one step."""
        m = self.mentions.get(self.active_mention) if self.active_mention else None
        if m is None or self.view is None:
            return
        text = self.view.model.texts[m.side]
        taken = {(x.start, x.end, x.label) for x in self.mentions.values() if x.side is m.side}
        spans = find_occurrences(
            text,
            m.surface,
            self.languages[m.side],
            proclitics=tuple(self.snapping.get("proclitics", ("و", "ف", "ب", "ل", "ك"))),
            strip_article=bool(self.snapping.get("strip_article", False)),
        )
        commands: list[Command] = [
            TagMention(m.side.value, s, e, m.label)
            for s, e in spans
            if (s, e, m.label) not in taken
        ]
        if not commands:
            self.statusBar().showMessage(f"every occurrence of “{m.surface}” is tagged", 5000)
            return
        self.run(Batch(f"Tag all {len(commands)} occurrences of “{m.surface}”", commands))

    # --- alignment editing at the caret

    def _at_caret(self) -> tuple[BeadRow, Side, int, int] | None:
        """Return the caret's row, side, sentence index within the row and document offset."""
        if self.view is None or self.view.caret is None:
            self.statusBar().showMessage("put the caret in a row first (click or arrows)", 5000)
            return None
        side, offset = self.view.caret
        row = self.view.model.row_at(side, offset)
        if row is None:
            return None
        data = self.view.model.row(row)
        refs = data.side(side)
        index = next((k for k, r in enumerate(refs) if r.start <= offset <= r.end), 0)
        if data.bead_id is None:
            self.statusBar().showMessage("this layer is not aligned yet", 5000)
            return None
        return data, side, index, offset

    def edit_row(self, command: type[Command]) -> None:
        """Run a row command (shift, move, detach) on the caret's bead and side."""
        found = self._at_caret()
        if found is not None:
            data, side, _, _ = found
            self.run(command(data.bead_id, side.value))  # type: ignore[call-arg]

    def merge_rows(self) -> None:
        """Merge the caret's row with the next."""
        found = self._at_caret()
        if found is not None:
            self.run(MergeBeads(found[0].bead_id))

    def split_row(self) -> None:
        """Split the caret's row so that the caret's sentence starts a new row on its side."""
        found = self._at_caret()
        if found is None:
            return
        data, side, index, _ = found
        if index == 0:
            self.statusBar().showMessage("the caret's sentence already starts the row", 5000)
            return
        other = len(data.side(Side.TARGET if side is Side.SOURCE else Side.SOURCE))
        counts = (index, other) if side is Side.SOURCE else (other, index)
        self.run(SplitBead(data.bead_id, *counts))

    def split_sentence(self) -> None:
        """Split the caret's sentence at the caret."""
        found = self._at_caret()
        if found is not None:
            data, side, index, offset = found
            self.run(SplitSentence(data.side(side)[index].id, offset))

    def merge_sentence(self) -> None:
        """Merge the caret's sentence with the next one of its side."""
        found = self._at_caret()
        if found is not None:
            data, side, index, _ = found
            self.run(MergeSentenceWithNext(data.side(side)[index].id))

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
            self.run(SetBeadStatus([data.bead_id], status))

    def confirm_up_to(self) -> None:
        """Confirm every row from the first to the caret's."""
        found = self._at_caret()
        if found is not None:
            self.run(ConfirmUpTo(found[0].bead_id))

    # --- running the aligner

    def start_alignment(self, from_caret: bool) -> None:
        """Re-align the pair (or from the caret's row) in a thread, keeping confirmed rows."""
        if self.view is None or self.layer_id is None or self.worker is not None:
            return
        start = self.current_row() if from_caret else 0
        with self.store.read() as session:
            layer = session.get(Layer, self.layer_id)
            assert layer is not None
            beads = alignment(session, layer)
            statuses = [row.status for row in bead_rows(session, layer)]
            job = AlignJob(
                layer_sentences(session, layer),
                beads,
                [status == BeadStatus.CONFIRMED.value for status in statuses],
                start,
            )
        worker = AlignWorker(self.store, job)
        worker.aligned.connect(self._alignment_done)
        worker.failed.connect(self._alignment_failed)
        worker.finished.connect(self._worker_finished)
        self.worker = worker
        self.progress.show()
        self.cancel_button.show()
        self.statusBar().showMessage("aligning… (the window stays usable; Cancel stops waiting)")
        worker.start()

    def cancel_alignment(self) -> None:
        """Stop waiting for the aligner: its result will be dropped, nothing is written."""
        if self.worker is not None:
            self.worker.cancelled = True
            self.progress.hide()
            self.cancel_button.hide()
            self.statusBar().showMessage("alignment cancelled; nothing was changed", 5000)

    def _alignment_done(self, beads: list[AlignedBead], vectors: dict[str, Any]) -> None:
        worker = self.worker
        if worker is None or worker.cancelled:
            return
        changes = self.run(ApplyAlignment(beads, vectors))
        if changes is not None:
            self.statusBar().showMessage(f"aligned: {len(beads)} rows", 5000)

    def _alignment_failed(self, message: str) -> None:
        if self.worker is not None and not self.worker.cancelled:
            self.statusBar().showMessage(f"alignment failed: {message}", 10000)

    def _worker_finished(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        if self.worker is not None:
            self.worker.deleteLater()
        self.worker = None

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.worker is not None:
            self.worker.cancelled = True
            self.worker.wait()
        super().closeEvent(event)

    def current_row(self) -> int:
        """Return the row of the caret, else the top row."""
        assert self.view is not None
        if self.view.caret is not None:
            row = self.view.model.row_at(*self.view.caret)
            if row is not None:
                return row
        return self.view.verticalScrollBar().value()

    def next_bead(self, kind: str) -> None:
        """Jump to the next unconfirmed, low-score or non-1:1 bead after the current row."""
        if self.view is None or self.layer_id is None:
            return
        with self.store.read() as session:
            layer = session.get(Layer, self.layer_id)
            assert layer is not None
            row = next_bead_row(session, layer, self.current_row(), kind, self.view.low_score)
        if row is None:
            names = {"unconfirmed": "unconfirmed", "low": "low-score", "non11": "non-1:1"}
            self.statusBar().showMessage(f"no further {names[kind]} bead", 5000)
            return
        refs = self.view.model.row(row).source or self.view.model.row(row).target
        side = Side.SOURCE if self.view.model.row(row).source else Side.TARGET
        self.view.set_caret(side, refs[0].start)
        self.view.scroll_to_row(row)
        self.show_counts()

    def show_counts(self) -> None:
        """Show how many beads are unconfirmed, low-score and not 1:1 in the status bar."""
        if self.view is None or self.layer_id is None:
            return
        with self.store.read() as session:
            layer = session.get(Layer, self.layer_id)
            assert layer is not None
            c = bead_counts(session, layer, self.view.low_score)
        self.counts.setText(
            f"{c['beads']} beads · {c['unconfirmed']} unconfirmed · "
            f"{c['low']} low score · {c['non11']} not 1:1"
        )

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
