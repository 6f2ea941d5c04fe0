"""Adjudication commands on a pair's gold layer, each one undoable step in the editor.

- `StartGold`: fill the gold from a merge of the annotators' layers: what at least `quorum`
  of them agree on (all, by default) goes in; every other place is open. Beads of an open
  place hold the first annotator's version as a placeholder (status automatic) so the gold
  always covers the text; mentions and links of an open place stay out. Run again, it fills
  only undecided places and keeps every decision and what it put in the gold.
- `Decide`: settle one place: take an annotator's version, take none ("nothing belongs here":
  no mention, no link, or the place's sentences unaligned), or keep the gold as edited by hand
  (`manual`). A link taken enters with both its mentions.
Every step is recorded in the audit trail with the place and the choice; undo restores the
gold as it was, decisions included.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from annotator.commands.editor import Changes, Command
from annotator.errors import InputError, IntegrityError
from annotator.model import Layer, LayerKind
from annotator.review.gold import (
    QUORUM,
    GoldContent,
    current_merge,
    read_gold,
    restore,
    versions,
    write_beads,
    write_decisions,
    write_entities,
)
from annotator.review.gold import (
    merged as merged_layers,
)
from annotator.review.places import Merge, Place, SpanBead, check_quorum, link_key
from annotator.review.roles import find_annotator

NONE = "none"
MANUAL = "manual"


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _bead_in(bead: SpanBead, place: Place) -> bool:
    """Return whether the bead shares text, on the same side, with a version of the place."""
    units = place.beads()
    return any(
        _overlaps(a, b) for side in (0, 1) for a in bead[side] for unit in units for b in unit[side]
    )


def _place_range(place: Place) -> tuple[str, int, int]:
    mentions = [m for m, _ in place.mentions()]
    return mentions[0][0], min(m[1] for m in mentions), max(m[2] for m in mentions)


def _cover(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return the text the spans cover, spans joined across whitespace-only gaps."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(set(spans)):  # the annotators' layers repeat most sentences
        if out and not text[out[-1][1] : start].strip():
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def check_same_text(
    texts: tuple[str, str], before: list[tuple[SpanBead, str]], after: list[tuple[SpanBead, str]]
) -> None:
    """Raise IntegrityError if regrouping beads would drop or add text on either side."""
    for side in (0, 1):
        was = _cover(texts[side], [s for bead, _ in before for s in bead[side]])
        now = _cover(texts[side], [s for bead, _ in after for s in bead[side]])
        if was != now:
            raise IntegrityError(
                f"the gold's beads would no longer cover the same {('source', 'target')[side]} "
                "text; nothing was changed"
            )


def _sort_beads(beads: list[tuple[SpanBead, str]]) -> list[tuple[SpanBead, str]]:
    """Return beads in source text order, each target-only bead before the first later one."""
    ordered = sorted(item for item in beads if item[0][0])
    for item in sorted(item for item in beads if not item[0][0]):
        at = len(ordered)
        for k, other in enumerate(ordered):
            if other[0][1] and other[0][1][0][0] > item[0][1][0][0]:
                at = k
                break
        ordered.insert(at, item)
    return ordered


def _apply_bead_choice(
    beads: list[tuple[SpanBead, str]], place: Place, choice: str
) -> list[tuple[SpanBead, str]]:
    kept = [item for item in beads if not _bead_in(item[0], place)]
    new: list[tuple[SpanBead, str]]
    if choice == NONE:  # the first version's sentences, each unaligned
        first = next(name for name, units in place.versions if units)
        units = place.beads(first)
        sources = sorted({s for unit in units for s in unit[0]})
        targets = sorted({t for unit in units for t in unit[1]})
        new = [(((s,), ()), "confirmed") for s in sources]
        new += [(((), (t,)), "confirmed") for t in targets]
    else:
        new = [(unit, "confirmed") for unit in place.beads(choice)]
    return _sort_beads(kept + new)


def _apply_entity_choice(
    content: GoldContent, place: Place, choice: str
) -> tuple[list[tuple[Any, bool]], list[Any]]:
    mentions = list(content.mentions)
    links = list(content.links)
    if place.kind == "mention":
        side, start, end = _place_range(place)
        gone = {m for m, _ in mentions if m[0] == side and m[1] < end and start < m[2]}
        mentions = [(m, f) for m, f in mentions if m not in gone]
        if choice != NONE:
            mentions += list(place.mentions(choice))
        have = {m for m, _ in mentions}  # a link stays while both its ends are still there
        links = [k for k in links if k[0] in have and k[1] in have]
    else:
        link = place.link()
        links = [k for k in links if k != link]
        if choice != NONE and place.version(choice):
            have = {m for m, _ in mentions}
            for end_key in link:
                if end_key not in have:
                    mentions.append((end_key, False))
            links.append(link)
    return sorted(mentions), links


class _GoldCommand(Command):
    """A step on the gold that undo reverts by restoring the snapshot taken before it."""

    def __init__(self) -> None:
        self._before: GoldContent | None = None
        self._after: GoldContent | None = None

    def _check(self, layer: Layer) -> None:
        if layer.kind != LayerKind.GOLD.value:
            raise InputError(f"layer {layer.id} is not a gold layer")

    def undo(self, session: Session, layer: Layer) -> Changes:
        """Put the gold back as it was before the step."""
        if self._before is None:
            raise InputError("nothing to undo")
        restore(session, layer, self._before)
        return _all_changed(layer)

    def reset(self) -> None:
        """Forget the snapshots."""
        self._before = self._after = None


def _all_changed(layer: Layer) -> Changes:
    return Changes(layer.id, sides=frozenset({"source", "target"}), rows_changed=True)


class StartGold(_GoldCommand):
    """Fill the gold from the annotators' layers: the agreed units, placeholders elsewhere."""

    action = "start_gold"

    def __init__(self, quorum: int | None = None) -> None:
        super().__init__()
        self.quorum = quorum
        self.text = "Start the gold from the annotators' layers"
        self.places = 0

    def do(self, session: Session, layer: Layer) -> Changes:
        """Merge; keep decided places as the gold has them."""
        self._check(layer)
        pair = layer.pair
        found = versions(session, pair)
        check_quorum(self.quorum, max(len(found), 1))
        before = read_gold(session, layer)
        self._before = before
        decisions = [d for d in before.decisions if d[0] != QUORUM]
        if self.quorum is not None:
            decisions.append((QUORUM, "-", str(self.quorum), None))
        merged = merged_layers(session, pair, self.quorum)  # cached: the screen reuses it
        decided = {(kind, place): choice for kind, place, choice, _ in decisions}
        beads = [(bead, "confirmed") for bead in merged.beads]
        mentions = list(merged.mentions)
        links = list(merged.links)
        for place in merged.places:
            if place.kind == "bead":
                if (place.kind, place.key) in decided:
                    beads += [item for item in before.beads if _bead_in(item[0], place)]
                else:  # a placeholder: the first annotator's version, not confirmed
                    first = next(name for name, units in place.versions if units)
                    beads += [(unit, "automatic") for unit in place.beads(first)]
            elif (place.kind, place.key) in decided:
                kept = _kept_entities(before, place)
                mentions = sorted(set(mentions) | set(kept[0]))
                links = sorted(set(links) | set(kept[1]))
        texts = (pair.source.text, pair.target.text)
        every = [(bead, "") for v in found for bead in v.beads or ()]
        if every:  # the merged gold covers what the annotators aligned, no more, no less
            check_same_text(texts, every, beads)
        write_beads(session, layer, _sort_beads(beads))
        write_entities(session, layer, mentions, [k for k in links if _ends_in(k, mentions)])
        write_decisions(session, layer, decisions)
        self.places = len(merged.places)
        return _all_changed(layer)

    def audit_detail(self) -> dict[str, Any]:
        """Return the quorum and how many places were found."""
        return {"quorum": self.quorum, "places": self.places}


def _ends_in(link: Any, mentions: list[Any]) -> bool:
    have = {m for m, _ in mentions}
    return link[0] in have and link[1] in have


def _kept_entities(before: GoldContent, place: Place) -> tuple[list[Any], list[Any]]:
    """Return what the gold holds of a decided entity place (kept by a re-merge)."""
    if place.kind == "link":
        link = place.link()
        if link in before.links:
            ends = [(m, f) for m, f in before.mentions if m in link]
            return ends, [link]
        return [], []
    side, start, end = _place_range(place)
    kept = [(m, f) for m, f in before.mentions if m[0] == side and m[1] < end and start < m[2]]
    keys = {m for m, _ in kept}
    return kept, [k for k in before.links if k[0] in keys or k[1] in keys]


class Decide(_GoldCommand):
    """Settle one open (or decided) place: take an annotator's version, none, or manual."""

    action = "decide"

    def __init__(self, place: str, choice: str, by: str = "") -> None:
        super().__init__()
        self.place = place
        self.choice = choice
        self.by = by
        self.text = f"Decide {place}: {choice}"

    def do(self, session: Session, layer: Layer) -> Changes:
        """Apply the choice to the gold and record the decision."""
        self._check(layer)
        merged: Merge = current_merge(session, layer)
        place = next((p for p in merged.places if p.key == self.place), None)
        if place is None:
            raise InputError(f"no place {self.place!r} in pair {layer.pair_id} (see the list)")
        names = [name for name, _ in place.versions]
        if self.choice not in (NONE, MANUAL) and self.choice.lower() not in (
            n.lower() for n in names
        ):
            raise InputError(f"choose one of {', '.join(names)}, none or manual")
        before = read_gold(session, layer)
        self._before = before
        if self.choice != MANUAL:
            if place.kind == "bead":
                regrouped = _apply_bead_choice(list(before.beads), place, self.choice)
                texts = (layer.pair.source.text, layer.pair.target.text)
                check_same_text(texts, list(before.beads), regrouped)
                write_beads(session, layer, regrouped)

            else:
                mentions, links = _apply_entity_choice(before, place, self.choice)
                write_entities(session, layer, mentions, links)
                lost = set(before.links) - set(links)
                if lost:  # a link that lost an end is open again, never silently decided
                    reopened = {link_key(k) for k in lost}
                    before_decisions = [
                        d for d in before.decisions if not (d[0] == "link" and d[1] in reopened)
                    ]
                    before = GoldContent(
                        before.beads, before.mentions, before.links, tuple(before_decisions)
                    )
        actor = find_annotator(session, self.by) if self.by else None
        decisions = [d for d in before.decisions if (d[0], d[1]) != (place.kind, place.key)]
        decisions.append((place.kind, place.key, self.choice, actor.id if actor else None))
        write_decisions(session, layer, decisions)
        return _all_changed(layer)

    def audit_detail(self) -> dict[str, Any]:
        """Return the place and the choice."""
        return {"place": self.place, "choice": self.choice}
