"""Review ▸ …: a reviewer builds a pair's gold in the same rows view annotators work in.

The gold layer fills the main panes (so Arabic renders and selects exactly as when annotating,
and hand edits use the ordinary tools); the Disagreements panel lists every place where the
annotators differ, with each annotator's version and the decision. Rows of open places are
tinted orange, decided ones green; open mention places are outlined in the text. F8 and
Shift+F8 move between open places, Alt+1…Alt+5 take an annotator's version, Alt+0 takes none,
Ctrl+Alt+M keeps the gold as edited. Names can be hidden and shuffled (anonymous review).
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem

from annotator.errors import AnnotatorError
from annotator.gc_pause import without_gc_pauses
from annotator.layers import ensure_gold_layer, find_layer
from annotator.model import DocumentPair, Layer, LayerKind, Side
from annotator.review.adjudication import MANUAL, NONE, Decide, StartGold
from annotator.review.agreement import LayerData, read_layer
from annotator.review.gold import (
    GoldContent,
    has_beads,
    merged,
    quorum_of,
    read_gold,
    versions,
)
from annotator.review.places import NOBODY, Place, Version, merge
from annotator.review.roles import identity_name, is_reviewer
from ui.actions import Actions
from ui.pair_layout import Highlight
from ui.review.agreement_view import AgreementDialog

if TYPE_CHECKING:
    from ui.main_window import MainWindow

OPEN = QColor(255, 159, 28, 60)
DECIDED = QColor(44, 160, 44, 45)
OUTLINE = QColor("#ff7f0e")


class ReviewController:
    """The Review menu, the Disagreements panel and the decisions they make on the gold."""

    def __init__(self, window: MainWindow, actions: Actions) -> None:
        self.window = window
        self.gold_id: int | None = None
        self.places: list[Place] = []
        self.decided: dict[tuple[str, str], str] = {}
        self.current = -1
        self.anonymous = False
        self.order: list[str] = []  # annotators as shown: Alt+1 takes order[0]
        self.agreement: AgreementDialog | None = None
        self._row_starts: dict[Side, list[tuple[int, int, int]]] = {}
        self.panel = QTreeWidget()
        self.panel.setHeaderLabels(["Place", "Decision"])
        self.panel.setColumnWidth(0, 260)
        self.panel.itemActivated.connect(self._activated)
        self.panel.itemClicked.connect(self._activated)
        self.dock = window.add_dock(
            "Disagreements", self.panel, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.dock.hide()  # shown while a gold is reviewed
        self.status = QLabel()
        window.statusBar().addPermanentWidget(self.status)
        self.status.hide()
        add = actions.add
        add("Review this pair (the gold)", "Ctrl+Shift+R", self.open_review, "Review")
        add("Next disagreement", "F8", lambda: self.go(+1), "Review")
        add("Previous disagreement", "Shift+F8", lambda: self.go(-1), "Review")
        for k in range(1, 6):
            add(f"Take annotator {k}'s version", f"Alt+{k}", self._taker(k - 1), "Review")
        add("Take none (nothing belongs here)", "Alt+0", lambda: self.decide(NONE), "Review")
        add("Keep the gold as edited here", "Ctrl+Alt+M", lambda: self.decide(MANUAL), "Review")
        add("Merge again (fills undecided places)", "Ctrl+Shift+M", self.remerge, "Review")
        add("Mark the gold adjudicated", "Ctrl+Shift+J", self.adjudicate, "Review")
        add("Hide and shuffle annotator names", "Ctrl+Shift+H", self.toggle_anonymous, "Review")
        add("Agreement…", "Ctrl+Shift+G", self.show_agreement, "Review")
        add("Mark my layer done", "Ctrl+Shift+K", lambda: self._own_status("done"), "Review")
        add("Reopen my layer", "Ctrl+Shift+O", lambda: self._own_status("in_progress"), "Review")
        add(
            "Where the gold differs from my layer", "Ctrl+Shift+D", self.compare_with_gold, "Review"
        )

    def _taker(self, k: int) -> Callable[[], None]:
        return lambda: self.take_annotator(k)

    # --- entering and leaving

    @without_gc_pauses
    def open_review(self) -> None:
        """Open the gold of the current pair, merging the annotators' layers if it is new."""
        window = self.window
        if window.pair_id is None:
            window.statusBar().showMessage("open a pair first", 5000)
            return
        try:
            with window.store.write() as session:
                if not is_reviewer(session, window.annotator_name):
                    window.statusBar().showMessage(
                        f"only a reviewer builds the gold; {window.annotator_name} is an annotator",
                        8000,
                    )
                    return
                pair = session.get(DocumentPair, window.pair_id)
                assert pair is not None
                names = [v.name for v in versions(session, pair)]
                gold = find_layer(session, pair, LayerKind.GOLD)
                fresh = gold is None or not has_beads(session, gold)
                if fresh and not names:  # an empty gold would show nothing and help nobody
                    window.statusBar().showMessage(NOBODY, 8000)
                    return
                gold = ensure_gold_layer(session, pair)  # once, if two reviewers start it
                gold_id, pair_id = gold.id, pair.id
        except AnnotatorError as exc:
            window.statusBar().showMessage(f"refused: {exc}", 8000)
            return
        window.show_layer(pair_id, gold_id, "the gold (review)")
        self.gold_id = gold_id
        labels = next((d for d in window.docks if d.objectName() == "Labels"), None)
        if labels is not None:  # beside the label palette, as a tab of its own
            window.tabifyDockWidget(labels, self.dock)
        self.dock.show()
        self.dock.raise_()
        self.status.show()
        self.order = sorted(names, key=str.lower)
        if self.anonymous:
            random.shuffle(self.order)
        if fresh:
            window.run(StartGold())  # refreshes the places after the command
        else:
            self.refresh()

    def left(self) -> None:
        """Forget the review when another layer is opened."""
        self.gold_id = None
        self.places = []
        self.panel.clear()
        self.dock.hide()
        self.status.hide()

    def compare_with_gold(self) -> None:
        """Show, read-only, where the adjudicated gold differs from the open layer."""
        window = self.window
        if window.pair_id is None or window.layer_id is None:
            return
        with window.store.read() as session:
            layer = session.get(Layer, window.layer_id)
            assert layer is not None
            pair = layer.pair
            gold = find_layer(session, pair, LayerKind.GOLD)
            if gold is None or gold.status != "adjudicated":
                window.statusBar().showMessage("this pair's gold is not adjudicated yet", 8000)
                return
            mine, theirs = read_layer(session, layer), read_layer(session, gold)
            texts = {"source": pair.source.text, "target": pair.target.text}
            me = layer.owner_label
        self.gold_id = None  # read-only: no decision can be taken from here
        self._row_starts = {}  # the open layer is not the gold: rows are looked up
        self.order = [me, "gold"]
        self.decided = {}
        self.places = list(
            merge(
                (texts["source"], texts["target"]),
                [_version_of(me, mine), _version_of("gold", theirs)],
            ).places
        )
        self._fill_panel(texts)
        self._paint()
        self.dock.show()
        self.dock.raise_()
        self.status.setText(
            f"{len(self.places)} place(s) where the gold differs from your layer · "
        )
        self.status.show()

    def _own_status(self, status: str) -> None:
        """Mark the open (own) layer done, or reopen it; the core says no when it may not."""
        from annotator.commands import SetLayerStatus

        window = self.window
        if window.layer_id is None or self.gold_id is not None:
            window.statusBar().showMessage("open your own layer of a pair first", 5000)
            return
        if window.run(SetLayerStatus(status)):
            shown = status.replace("_", " ")
            window.statusBar().showMessage(f"your layer is now {shown}", 8000)

    def after_command(self) -> None:
        """Refresh after any command while the gold is open (decisions rewrite mentions too)."""
        if self.gold_id is not None and self.window.layer_id == self.gold_id:
            self.window.entities.reload()
            self.refresh()

    # --- the places

    def _label(self, name: str) -> str:
        if not self.anonymous:
            return name
        return f"annotator {self.order.index(name) + 1}" if name in self.order else name

    @without_gc_pauses
    def refresh(self) -> None:
        """Recompute the places and decisions; fill the panel, tint rows, count open ones."""
        window = self.window
        if self.gold_id is None or window.view is None:
            return
        with window.store.read() as session:
            gold = session.get(Layer, self.gold_id)
            assert gold is not None
            pair = gold.pair
            texts = {"source": pair.source.text, "target": pair.target.text}
            content = read_gold(session, gold)
            if not versions(session, pair):
                self.places, self.decided = [], {}
            else:
                self.places = list(merged(session, pair, quorum_of(content)).places)
                self.decided = {(k, p): c for k, p, c, _ in content.decisions}
        self._index_rows(content)
        self._fill_panel(texts)
        self._paint()
        self._count()

    def _fill_panel(self, texts: dict[str, str]) -> None:
        self.panel.clear()
        for index, place in enumerate(self.places):
            choice = self.decided.get((place.kind, place.key))
            shown = self._label(choice) if choice and choice not in (NONE, MANUAL) else choice
            mark = "✓" if choice else "●"  # the decision column may be scrolled away
            item = QTreeWidgetItem([f"{mark} {_title(place, texts)}", shown or "open"])
            item.setData(0, Qt.ItemDataRole.UserRole, index)
            item.setBackground(1, QBrush(DECIDED if choice else OPEN))
            names = [n for n in self.order if any(n == v for v, _ in place.versions)]
            for k, name in enumerate(names, start=1):
                child = QTreeWidgetItem(
                    [f"Alt+{k} {self._label(name)}: {_version(place, name, texts)}"]
                )
                child.setData(0, Qt.ItemDataRole.UserRole, index)
                item.addChild(child)
            self.panel.addTopLevelItem(item)
            item.setExpanded(True)

    def _index_rows(self, content: GoldContent) -> None:
        """Note where each gold row's sentences start: the gold's rows are its beads, in order."""
        self._row_starts = {Side.SOURCE: [], Side.TARGET: []}
        for row, (bead, _) in enumerate(content.beads):
            for side, spans in ((Side.SOURCE, bead[0]), (Side.TARGET, bead[1])):
                self._row_starts[side] += [(start, end, row) for start, end in spans]
        for starts in self._row_starts.values():
            starts.sort()

    def _row_at(self, side: Side, offset: int) -> int | None:
        starts = self._row_starts.get(side, [])
        k = bisect.bisect_right(starts, (offset, 1 << 62, 1 << 62)) - 1
        if k >= 0 and starts[k][0] <= offset < starts[k][1]:
            return starts[k][2]
        if self.window.view is not None and self.gold_id is None:  # comparing: not the gold
            return self.window.view.model.row_at(side, offset)
        return None

    def _rows(self, place: Place) -> list[int]:
        """Return the rows a place touches: those of the first text of each side."""
        starts: list[tuple[Side, int]] = []
        if place.kind == "bead":
            for side, k in ((Side.SOURCE, 0), (Side.TARGET, 1)):
                spans = [span for bead in place.beads() for span in bead[k]]
                if spans:
                    starts.append((side, min(spans)[0]))
                    starts.append((side, max(spans)[0]))
        else:
            units = (
                place.mentions() if place.kind == "mention" else [(m, False) for m in place.link()]
            )
            starts += [(Side(m[0]), m[1]) for m, _ in units]
        rows = {self._row_at(side, offset) for side, offset in starts}
        found = sorted(r for r in rows if r is not None)
        return list(range(found[0], found[-1] + 1)) if found else []

    def _paint(self) -> None:
        view = self.window.view
        assert view is not None
        marks: dict[int, QColor] = {}
        outlines = []
        for place in self.places:
            decided = (place.kind, place.key) in self.decided
            for row in self._rows(place):
                if not decided or row not in marks:
                    marks[row] = DECIDED if decided else OPEN
            if place.kind == "mention" and not decided:
                for m, _ in place.mentions():
                    outlines.append(
                        Highlight(Side(m[0]), m[1], m[2], QColor(0, 0, 0, 0), outline=OUTLINE)
                    )
        view.set_overlays(outlines, marks)

    def open_count(self) -> int:
        """Return how many places have no decision."""
        return sum(1 for p in self.places if (p.kind, p.key) not in self.decided)

    def _count(self) -> None:
        self.status.setText(f"{self.open_count()} open disagreement(s) of {len(self.places)} · ")

    # --- moving and deciding

    def go(self, step: int) -> None:
        """Move to the next (or previous) open place and show it."""
        if not self.places:
            return
        n = len(self.places)
        for k in range(1, n + 1):
            index = (self.current + step * k) % n
            if (self.places[index].kind, self.places[index].key) not in self.decided:
                self._select(index)
                return
        self.window.statusBar().showMessage("no open disagreement left", 5000)

    def _select(self, index: int) -> None:
        self.current = index
        item = self.panel.topLevelItem(index)
        if item is not None:
            self.panel.setCurrentItem(item)
        rows = self._rows(self.places[index])
        view = self.window.view
        if rows and view is not None:
            view.scroll_to_row(max(0, rows[0] - 1))

    def _activated(self, item: QTreeWidgetItem) -> None:
        index = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(index, int):
            self._select(index)

    def take_annotator(self, k: int) -> None:
        """Take the k-th shown annotator's version of the current place."""
        if 0 <= k < len(self.order):
            self.decide(self.order[k])

    def decide(self, choice: str) -> None:
        """Decide the current place (the first open one if none is current)."""
        if self.gold_id is None or not self.places:
            return
        if not 0 <= self.current < len(self.places):
            self.go(+1)
        if not 0 <= self.current < len(self.places):
            return
        place = self.places[self.current]
        key = place.key
        if self.window.run(Decide(key, choice, identity_name(self.window.annotator_name))):
            self.window.statusBar().showMessage(f"{key}: {self._label(choice)}", 5000)
            self.go(+1)

    def remerge(self) -> None:
        """Merge again: undecided places are filled anew, decisions stay."""
        if self.gold_id is not None:
            self.window.run(StartGold())

    def adjudicate(self) -> None:
        """Mark the gold adjudicated (refused, with the reason, while a place is open)."""
        from annotator.commands import SetLayerStatus

        if self.gold_id is not None and self.window.run(SetLayerStatus("adjudicated")):
            self.window.statusBar().showMessage("the gold is adjudicated", 8000)

    def toggle_anonymous(self) -> None:
        """Hide annotator names and shuffle their order, or show them again."""
        self.anonymous = not self.anonymous
        if self.anonymous:
            random.shuffle(self.order)
        else:
            self.order.sort(key=str.lower)
        self.refresh()

    def show_agreement(self) -> None:
        """Show the agreement tables and heat maps of the current pair's project."""
        window = self.window
        if window.pair_id is None:
            return
        with window.store.read() as session:
            pair = session.get(DocumentPair, window.pair_id)
            assert pair is not None
            project_id = pair.project_id
        self.agreement = AgreementDialog(window, window.store, project_id, window.annotator_name)
        self.agreement.show()


def _version_of(name: str, data: LayerData) -> Version:
    beads = data.beads.beads if data.beads is not None else None
    return Version(name, beads, data.entities.mentions, data.entities.links)


def _title(place: Place, texts: dict[str, str]) -> str:
    if place.kind == "bead":
        spans = [s for src, _ in place.beads() for s in src]
        start = min((s for s, _ in spans), default=0)
        return f"alignment: {texts['source'][start : start + 40]}…"
    if place.kind == "mention":
        m = place.mentions()[0][0]
        return f"mention: {texts[m[0]][m[1] : m[2]]}"
    a, b = place.link()
    return f"link: {texts[a[0]][a[1] : a[2]]} ~ {texts[b[0]][b[1] : b[2]]}"


def _version(place: Place, name: str, texts: dict[str, str]) -> str:
    units = place.version(name)
    if not units:
        return "nothing"
    if place.kind == "bead":
        return " | ".join(
            f"{len(src)}:{len(tgt)} {texts['source'][src[0][0] : src[0][1]][:30] if src else '—'}"
            for src, tgt in place.beads(name)
        )
    if place.kind == "mention":
        return "; ".join(f"{texts[m[0]][m[1] : m[2]]} ({m[3]})" for m, _ in place.mentions(name))
    return "linked"
