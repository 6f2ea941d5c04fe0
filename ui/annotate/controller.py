"""The entity activity of the window: tag, relabel, resize and link mentions, with suggestions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QTreeWidget,
    QTreeWidgetItem,
)
from sqlalchemy import select

from annotator.alignment.pair_alignment import linked_names
from annotator.commands import Batch, Command
from annotator.commands.entities import (
    ChangeLabel,
    DeleteMention,
    LinkMentions,
    ResizeMention,
    SetNoCounterpart,
    TagCounterpart,
    TagMention,
    Unlink,
)
from annotator.mention_overlap import MentionSpan, resolve_suggestions, same_label_overlaps
from annotator.model import Layer, Link, Mention, Side
from annotator.snapping import snap_with_translation
from annotator.store.failures import StoreUnreachableError
from annotator.suggestions import Suggestion, build_known_links, suggest_counterparts
from annotator.text.arabic import trim_whitespace
from annotator.text.matching import find_occurrences
from ui.actions import Actions
from ui.pair_layout import Highlight

if TYPE_CHECKING:
    from ui.main_window import MainWindow

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


def other_side(side: Side) -> Side:
    """Return the other side of the pair."""
    return Side.TARGET if side is Side.SOURCE else Side.SOURCE


class EntityController(QObject):
    """Owns the label palette, the mention list, the entity actions and the label keys."""

    def __init__(self, window: MainWindow, actions: Actions) -> None:
        super().__init__(window)
        self.window = window
        self.schema: dict[str, dict[str, str]] = {}
        self.snapping: dict[str, object] = {}
        self.mentions: dict[int, MentionInfo] = {}
        self.links: dict[int, tuple[int, int]] = {}
        self.active_mention: int | None = None
        self.link_from: int | None = None
        self.suggestions: list[Suggestion] = []
        self.suggestion_for: int | None = None
        self.labels = QListWidget()
        self.labels.itemActivated.connect(self._label_activated)
        self.labels.itemClicked.connect(self._label_activated)
        self.mention_list = QTreeWidget()
        self.mention_list.setHeaderLabels(["Mention", "Label", "Counterpart"])
        self.mention_list.itemActivated.connect(self._mention_item_activated)
        self._make_actions(actions)

    def _make_actions(self, actions: Actions) -> None:
        actions.add(
            "Delete the mention",
            [QKeySequence.StandardKey.Delete, "Backspace"],
            self.delete_active,
            "Edit",
        )
        actions.add(
            "Link the mention (then click or pick its counterpart)",
            "Ctrl+K",
            self.start_link,
            "Edit",
        )
        actions.add(
            "Mark the mention as having no counterpart",
            "Ctrl+0",
            self.toggle_no_counterpart,
            "Edit",
        )
        # Return is the pair view's (see eventFilter): a window-wide shortcut would take it
        # from every text field of the window, the find bar's among them.
        actions.add(
            "Accept the suggested counterpart",
            ["Return", "Enter"],
            self.accept_suggestion,
            "Edit",
            Qt.ShortcutContext.WidgetShortcut,
        )
        actions.add(
            "Tag all occurrences of the mention in this pair",
            "Ctrl+T",
            self.tag_all_occurrences,
            "Edit",
        )
        for text, keys, end_edge, right in (
            ("Extend the mention by a character (visually right)", "Alt+Right", True, True),
            ("Shrink/extend the mention's far edge to the left", "Alt+Left", True, False),
            ("Move the mention's start edge right", "Alt+Shift+Right", False, True),
            ("Move the mention's start edge left", "Alt+Shift+Left", False, False),
        ):
            actions.add(text, keys, self._resizer(end_edge, right), "Edit")
        actions.add("Next mention", "Ctrl+Down", lambda: self.step_mention(1), "Go")
        actions.add("Previous mention", "Ctrl+Up", lambda: self.step_mention(-1), "Go")

    def _resizer(self, end_edge: bool, visual_right: bool) -> Callable[[], None]:
        """Return a slot moving one edge of the active mention (triggered's argument ignored)."""

        def resize(*_: object) -> None:
            self.resize_active(end_edge=end_edge, visual_right=visual_right)

        return resize

    def _status(self, message: str, timeout: int = 0) -> None:
        self.window.statusBar().showMessage(message, timeout)

    # --- a pair is opened

    def open_layer(self, schema: dict[str, object]) -> None:
        """Take the project's label schema and snapping settings; read the layer's mentions."""
        labels = schema["labels"]
        assert isinstance(labels, list)
        self.schema = {lab["name"]: lab for lab in labels}
        self.snapping = dict(schema.get("arabic_snapping", {}))  # type: ignore[call-overload]
        self.active_mention, self.link_from = None, None
        self.suggestions, self.suggestion_for = [], None
        self._fill_labels()
        self.reload()
        view = self.window.view
        assert view is not None
        view.highlight_clicked.connect(self._highlight_clicked)
        view.text_clicked.connect(self.deactivate)
        view.selection_changed.connect(self._selection_changed)
        view.installEventFilter(self)

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

    def reload(self) -> None:
        """Re-read the layer's mentions and links, repaint highlights and the list."""
        window = self.window
        if window.layer_id is None or window.view is None:
            return
        with window.store.read() as session:
            self.mentions = {
                m.id: MentionInfo(
                    m.id, Side(m.side), m.start, m.end, m.label, m.surface, m.no_counterpart
                )
                for m in session.scalars(
                    select(Mention)
                    .where(Mention.layer_id == window.layer_id)
                    .order_by(Mention.side, Mention.start)
                )
            }
            self.links = {
                k.id: (k.source_mention_id, k.target_mention_id)
                for k in session.scalars(select(Link).where(Link.layer_id == window.layer_id))
            }
        if self.active_mention not in self.mentions:
            self.active_mention = None
        self.paint_highlights()
        self._fill_mention_list()

    def _link_colour(self, mention_id: int) -> QColor | None:
        for link_id, (a, b) in self.links.items():
            if mention_id in (a, b):
                return QColor(LINK_COLOURS[link_id % len(LINK_COLOURS)])
        return None

    def paint_highlights(self) -> None:
        """Hand the view one highlight per mention and per suggestion."""
        view = self.window.view
        assert view is not None
        marks = []
        for m in self.mentions.values():
            outline = QColor("#000000") if m.id == self.active_mention else None
            marks.append(
                Highlight(
                    m.side,
                    m.start,
                    m.end,
                    self._colour(m.label),
                    self._link_colour(m.id),
                    key=m.id,
                    outline=outline,
                )
            )
        for s in self.suggestions:
            side = (
                other_side(self.mentions[self.suggestion_for].side)
                if self.suggestion_for in self.mentions
                else Side.TARGET
            )
            marks.append(
                Highlight(side, s.start, s.end, QColor(0, 0, 0, 0), QColor("#ff00ff"), key=s)
            )
        view.set_highlights(marks)

    def _fill_mention_list(self) -> None:
        self.mention_list.clear()
        partner: dict[int, int] = {}
        for a, b in self.links.values():
            partner[a], partner[b] = b, a
        for side in Side:
            top = QTreeWidgetItem([f"{side.value} ({self.window.languages.get(side, '')})"])
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

    # --- tagging and label keys

    def _proclitics(self) -> tuple[str, ...]:
        return tuple(self.snapping.get("proclitics", ("و", "ف", "ب", "ل", "ك")))  # type: ignore[arg-type]

    def tag_selection(self, label: str, exact: bool = False) -> int | None:
        """Tag the selection with a label, snapped to the word/name unless `exact`."""
        view = self.window.view
        if view is None or view.selection is None:
            return None
        side, start, end = view.selection
        text = view.model.texts[side]
        if exact:
            start, end = trim_whitespace(text, start, end)
        else:
            known = {m.surface for m in self.mentions.values() if m.side is side}
            start, end = snap_with_translation(
                text,
                start,
                end,
                self.window.languages[side],
                counterpart=self._aligned_text(side, start),
                proclitics=self._proclitics(),
                strip_article=bool(self.snapping.get("strip_article", False)),
                known_names=known,
            )
        if end <= start:
            self._status("nothing to tag in the selection", 5000)
            return None
        if not self._confirm_overlap(side, start, end, label, text[start:end]):
            return None
        changes = self.window.run(TagMention(side.value, start, end, label))
        if changes is None:
            return None
        view.clear_selection()
        new = [m for m in changes.mentions if m in self.mentions]
        if new:
            self.active_mention = new[0]
            self._suggest(new[0])
            self.paint_highlights()
        return new[0] if new else None

    def _spans(self, side: Side) -> list[MentionSpan]:
        return [
            MentionSpan(m.id, m.start, m.end, m.label, m.surface)
            for m in self.mentions.values()
            if m.side is side
        ]

    def _confirm_overlap(self, side: Side, start: int, end: int, label: str, surface: str) -> bool:
        """Ask before a span nests in or overlaps a mention of the same label."""
        hits = same_label_overlaps(self._spans(side), start, end, label)
        if not hits or any((h.start, h.end) == (start, end) for h in hits):
            return True  # nothing to ask, or an exact duplicate the core refuses with a reason
        names = ", ".join(f"“{h.surface}”" for h in hits)
        answer = QMessageBox.question(
            self.window,
            "Same label twice?",
            f"“{surface}” overlaps {names}, which is {label} already. Tag it as a second "
            f"{label} mention anyway?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            self._status(f"not tagged: “{surface}” overlaps {names} ({label})", 8000)
            return False
        return True

    def _label_for_key(self, text: str) -> str | None:
        for name, label in self.schema.items():
            if label["key"].lower() == text.lower():
                return name
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.window.view
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
                self._apply_label(label, exact=bool(mods & Qt.KeyboardModifier.AltModifier))
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.suggestions, self.link_from = [], None
                self.paint_highlights()
                self.window.statusBar().clearMessage()  # no stale prompt after a dismissal
            plain_keys = mods & ~Qt.KeyboardModifier.KeypadModifier
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not plain_keys:
                self.accept_suggestion()
                return True
        return super().eventFilter(watched, event)

    def _apply_label(self, label: str, exact: bool = False) -> None:
        """Tag the selection, else relabel the outlined mention, else say why nothing happened."""
        view = self.window.view
        if view is not None and view.selection is not None:
            self.tag_selection(label, exact=exact)
            return
        mention = self.mentions.get(self.active_mention) if self.active_mention else None
        if mention is None:
            self._status(f"nothing selected: select text or click a mention to give it {label}")
            return
        if view is not None and not self._on_screen(mention):
            self._status(
                f"not relabelled: the active mention “{mention.surface}” is not on screen "
                "(Ctrl+Up/Down brings it back); select text or click a mention"
            )
            return
        if mention.label == label:
            self._status(f"“{mention.surface}” is already {label}", 5000)
            return
        if self.window.run(ChangeLabel(mention.id, label)) is not None:
            self._status(f"relabelled “{mention.surface}” {mention.label} → {label}", 8000)

    def _on_screen(self, mention: MentionInfo) -> bool:
        """Whether the mention's row is painted now, so the user can see its box."""
        view = self.window.view
        if view is None:
            return False
        row = view.model.row_at(mention.side, mention.start)
        return row is not None and row in view.rows_on_screen()

    def deactivate(self) -> None:
        """Drop the active mention (a click on plain text): label keys no longer reach it."""
        if self.active_mention is not None:
            self.active_mention = None
            self.link_from = None
            self.suggestions = []
            self.paint_highlights()
            self.window.statusBar().clearMessage()  # the mention's text no longer applies

    def _label_activated(self, item: QListWidgetItem) -> None:
        self._apply_label(str(item.data(Qt.ItemDataRole.UserRole)))
        if self.window.view is not None:
            self.window.view.setFocus()

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
            self.window.run(LinkMentions(a, b))
        self.active_mention = mention_id
        self.paint_highlights()
        m = self.mentions.get(mention_id)
        if m is not None:
            self._status(f"{m.label} “{m.surface}” ({m.side.value})")

    def _mention_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        mention_id = item.data(0, Qt.ItemDataRole.UserRole)
        if mention_id is not None:
            self.activate_mention(int(mention_id))

    def _selection_changed(self) -> None:
        view = self.window.view
        if view is not None and view.selection is not None:
            self.suggestions = []

    def delete_active(self) -> None:
        """Delete the active mention (and its links)."""
        if self.active_mention is not None:
            self.window.run(DeleteMention(self.active_mention))

    def resize_active(self, end_edge: bool, visual_right: bool) -> None:
        """Move one edge of the active mention by a character, in screen direction."""
        m = self.mentions.get(self.active_mention) if self.active_mention else None
        view = self.window.view
        if m is None or view is None:
            return
        rtl = view.model.direction(m.side) == "rtl"
        step = 1 if visual_right != rtl else -1
        start, end = m.start, m.end
        if end_edge:
            end += step
        else:
            start += step
        self.window.run(ResizeMention(m.id, start, end))

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

    def start_link(self) -> None:
        """Begin linking the active mention; activating one on the other side completes it."""
        if self.active_mention is None:
            self._status("click a mention first, then Ctrl+K", 5000)
            return
        self.link_from = self.active_mention
        self._status("link: click the counterpart on the other side (Esc cancels)")

    def toggle_no_counterpart(self) -> None:
        """Mark or unmark the active mention as having no counterpart."""
        m = self.mentions.get(self.active_mention) if self.active_mention else None
        if m is not None:
            self.window.run(SetNoCounterpart(m.id, not m.no_counterpart))

    def unlink_active(self) -> None:
        """Remove the links of the active mention."""
        for link_id, (a, b) in list(self.links.items()):
            if self.active_mention in (a, b):
                self.window.run(Unlink(link_id))

    def _aligned_window(self, mention: MentionInfo) -> tuple[int, int] | None:
        return self._aligned_range(mention.side, mention.start)

    def _aligned_range(self, side: Side, offset: int) -> tuple[int, int] | None:
        """Return the range of the other side's sentences in the row holding `offset`."""
        view = self.window.view
        assert view is not None
        row = view.model.row_at(side, offset)
        if row is None:
            return None
        others = view.model.row(row).side(other_side(side))
        return (others[0].start, others[-1].end) if others else None

    def _aligned_text(self, side: Side, offset: int) -> str:
        """Return the text aligned with `offset` on the other side (empty if none or unknown)."""
        try:
            found = self._aligned_range(side, offset)
        except StoreUnreachableError:  # the server is away: snap without the translation
            return ""
        view = self.window.view
        if found is None or view is None:
            return ""
        return view.model.texts[other_side(side)][found[0] : found[1]]

    def _known_links(self) -> dict[str, set[str]]:
        if self.window.layer_id is None:
            return {}
        with self.window.store.read() as session:
            layer = session.get(Layer, self.window.layer_id)
            assert layer is not None
            return build_known_links(linked_names(session, layer))

    def _suggest(self, mention_id: int) -> None:
        mention = self.mentions.get(mention_id)
        view = self.window.view
        if mention is None or view is None:
            return
        window = self._aligned_window(mention)
        self.suggestions, self.suggestion_for = [], mention_id
        if window is None:
            return
        other = other_side(mention.side)
        languages = self.window.languages
        found = suggest_counterparts(
            mention.surface,
            mention.label,
            languages[mention.side],
            view.model.texts[other],
            languages[other],
            window,
            self._known_links(),
        )
        spans = self._spans(other)
        linked = {a + b - mention_id for a, b in self.links.values() if mention_id in (a, b)}
        taken = {(m.start, m.end) for m in spans}
        self.suggestions = [
            s
            for s in resolve_suggestions(found, spans)
            if (s.mention_id is None and (s.start, s.end) not in taken)
            or (s.mention_id is not None and s.mention_id not in linked)
        ][:3]
        if self.suggestions:
            best = self.suggestions[0]
            self._status(f"Enter: link to “{best.surface}” ({best.reason}); Esc: dismiss")

    def accept_suggestion(self) -> None:
        """Tag the best suggestion with the mention's label and link the two, in one undo step."""
        if not self.suggestions or self.suggestion_for not in self.mentions:
            return
        mention = self.mentions[self.suggestion_for]
        best = self.suggestions[0]
        other = other_side(mention.side)
        self.suggestions = []
        if best.mention_id is not None:  # already tagged: link the two, tag nothing
            pair = (mention.id, best.mention_id)
            source, target = pair if mention.side is Side.SOURCE else pair[::-1]
            if self.window.run(LinkMentions(source, target)):
                self._status(f"linked “{mention.surface}” ↔ “{best.surface}”", 5000)
            return
        command = TagCounterpart(
            mention.id,
            other.value,
            best.start,
            best.end,
            mention.label,
            text=f"Tag and link “{mention.surface}” ↔ “{best.surface}”",
        )
        if self.window.run(command):
            self._status(f"linked “{mention.surface}” ↔ “{best.surface}”", 5000)

    def tag_all_occurrences(self) -> None:
        """Tag every untagged occurrence of the active mention's text on its side, as one step."""
        m = self.mentions.get(self.active_mention) if self.active_mention else None
        view = self.window.view
        if m is None or view is None:
            return
        text = view.model.texts[m.side]
        taken = {(x.start, x.end, x.label) for x in self.mentions.values() if x.side is m.side}
        spans = find_occurrences(
            text,
            m.surface,
            self.window.languages[m.side],
            proclitics=self._proclitics(),
            strip_article=bool(self.snapping.get("strip_article", False)),
        )
        commands: list[Command] = [
            TagMention(m.side.value, s, e, m.label)
            for s, e in spans
            if (s, e, m.label) not in taken
        ]
        if not commands:
            self._status(f"every occurrence of “{m.surface}” is tagged", 5000)
            return
        self.window.run(Batch(f"Tag all {len(commands)} occurrences of “{m.surface}”", commands))
