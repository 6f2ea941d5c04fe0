"""Undoable alignment and segmentation edits on one layer: InterText-style row and text operations.

Commands name rows by bead id and sentences by segment id: ids stay valid across edits, row
numbers do not. Beads keep positions 0..n-1; inserting or removing a bead renumbers the beads
after it with one set-based UPDATE. A bead whose sentences change loses its aligner score (None:
the score judged other sentences); statuses stay, except that a merged bead is confirmed only if
both parts were. Entity mentions are on the text, not on sentences: nothing here touches them,
and a sentence split inside a mention is refused. Every step ends with a partition check of the
rows it touched and their neighbours (see `_check_edit`), which, on a layer that was valid, proves
what `annotator.store.invariants.check_layer_alignment` checks, at a cost independent of layer size.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, delete, func, insert, select, update
from sqlalchemy.orm import Session

from annotator.commands import Changes, Command, checked_int, checked_side
from annotator.errors import ConflictError, InputError, IntegrityError
from annotator.model import Bead, BeadStatus, Layer, Mention, Segment, Side

_NO_SYNC = {"synchronize_session": False}
_CHUNK = 500  # ids per IN (...) list, far below SQLite's bound-parameter limit


@dataclass(frozen=True)
class _BeadImage:
    """A bead's column values; a negative id names a bead not inserted yet."""

    id: int
    position: int
    status: str
    score: float | None


@dataclass(frozen=True)
class _SegmentImage:
    """A sentence's column values; a negative id names a sentence not inserted yet."""

    id: int
    side: str
    start: int
    end: int
    bead_id: int | None


_BeadChange = tuple[_BeadImage | None, _BeadImage | None]  # (before, after); None: no such row
_SegmentChange = tuple[_SegmentImage | None, _SegmentImage | None]


def _image_id(change: _BeadChange | _SegmentChange) -> int:
    image = change[1] if change[1] is not None else change[0]
    assert image is not None
    return image.id


@dataclass(frozen=True)
class _Delta:
    """An edit as row images before and after, and a shift of the positions of other beads."""

    beads: tuple[_BeadChange, ...]
    segments: tuple[_SegmentChange, ...]
    shift: tuple[int, int] | None = None  # (from, by): beads at position >= from move by `by`

    def reversed(self) -> _Delta:
        """Return the edit that takes the after-state back to the before-state."""
        shift = None if self.shift is None else (self.shift[0] + self.shift[1], -self.shift[1])
        return _Delta(
            tuple((a, b) for b, a in self.beads), tuple((a, b) for b, a in self.segments), shift
        )

    def changes(self, layer_id: int) -> Changes:
        """Return what the edit changed (the same record for do, undo and redo)."""
        return Changes(
            layer_id,
            beads=frozenset(_image_id(c) for c in self.beads),
            segments=frozenset(_image_id(c) for c in self.segments),
            sides=frozenset(
                image.side for change in self.segments for image in change if image is not None
            ),
            rows_changed=self.shift is not None,
        )


class _Plan:
    """Builds a `_Delta` from images loaded in the current transaction."""

    def __init__(self) -> None:
        self.beads: dict[int, _BeadChange] = {}
        self.segments: dict[int, _SegmentChange] = {}
        self.shift: tuple[int, int] | None = None
        self._next_new = 0

    def _new_id(self) -> int:
        self._next_new -= 1
        return self._next_new

    def bead(self, before: _BeadImage, **values: Any) -> None:
        """Record a bead as touched, with new column values (none: unchanged)."""
        old, current = self.beads.get(before.id, (before, before))
        assert current is not None, "bead already removed in this plan"
        self.beads[before.id] = (old, replace(current, **values))

    def edited(self, *beads: _BeadImage) -> None:
        """Record beads whose sentences change: they lose their aligner score."""
        for bead in beads:
            self.bead(bead, score=None)

    def remove_bead(self, before: _BeadImage) -> None:
        """Delete a bead (its sentences must have moved) and close the gap in positions."""
        assert self.shift is None, "an edit inserts or removes one row at most"
        self.beads[before.id] = (self.beads.get(before.id, (before, None))[0], None)
        self.shift = (before.position + 1, -1)

    def add_bead(self, position: int, status: str) -> int:
        """Insert a bead at `position`, moving that bead and later ones down; return its id."""
        assert self.shift is None, "an edit inserts or removes one row at most"
        new = _BeadImage(self._new_id(), position, status, None)
        self.beads[new.id] = (None, new)
        self.shift = (position, 1)
        return new.id

    def segment(self, before: _SegmentImage, **values: Any) -> None:
        """Record a sentence as touched, with new column values."""
        old, current = self.segments.get(before.id, (before, before))
        assert current is not None, "sentence already removed in this plan"
        self.segments[before.id] = (old, replace(current, **values))

    def move(self, segments: Iterable[_SegmentImage], bead_id: int) -> None:
        """Assign sentences to another bead."""
        for seg in segments:
            self.segment(seg, bead_id=bead_id)

    def add_segment(self, side: str, start: int, end: int, bead_id: int | None) -> None:
        """Insert a sentence."""
        new = _SegmentImage(self._new_id(), side, start, end, bead_id)
        self.segments[new.id] = (None, new)

    def remove_segment(self, before: _SegmentImage) -> None:
        """Delete a sentence."""
        self.segments[before.id] = (before, None)

    def delta(self) -> _Delta:
        """Return the planned edit; touched beads at or after the shift move with the others."""
        beads = list(self.beads.values())
        if self.shift is not None:
            start, by = self.shift
            beads = [
                (b, replace(a, position=b.position + by))
                if b is not None and a is not None and b.position >= start
                else (b, a)
                for b, a in beads
            ]
        return _Delta(tuple(beads), tuple(self.segments.values()), self.shift)


# -- reading --------------------------------------------------------------------------------------


def _bead_status(status: BeadStatus | str) -> BeadStatus:
    try:
        return BeadStatus(status)
    except ValueError:
        known = ", ".join(s.value for s in BeadStatus)
        raise InputError(f"unknown bead status {status!r} (one of {known})") from None


_BEAD_COLUMNS = (Bead.id, Bead.position, Bead.status, Bead.score)
_SEGMENT_COLUMNS = (Segment.id, Segment.side, Segment.start, Segment.end, Segment.bead_id)


def _bead(session: Session, layer: Layer, bead_id: int) -> _BeadImage:
    row = session.execute(
        select(*_BEAD_COLUMNS).where(Bead.id == bead_id, Bead.layer_id == layer.id)
    ).first()
    if row is None:
        raise InputError(f"layer {layer.id} has no bead {bead_id}")
    return _BeadImage(*row)


def _bead_at(session: Session, layer: Layer, position: int) -> _BeadImage | None:
    row = session.execute(
        select(*_BEAD_COLUMNS).where(Bead.layer_id == layer.id, Bead.position == position)
    ).first()
    return _BeadImage(*row) if row is not None else None


def _neighbour(session: Session, layer: Layer, bead: _BeadImage, step: int) -> _BeadImage:
    found = _bead_at(session, layer, bead.position + step) if bead.position + step >= 0 else None
    if found is None:
        where = "first" if step < 0 else "last"
        other = "previous" if step < 0 else "next"
        raise InputError(f"row {bead.position + 1} is the {where} row: there is no {other} row")
    return found


def _members(session: Session, bead_id: int) -> list[_SegmentImage]:
    rows = session.execute(
        select(*_SEGMENT_COLUMNS).where(Segment.bead_id == bead_id).order_by(Segment.start)
    ).all()
    return [_SegmentImage(*row) for row in rows]


def _on(segments: Sequence[_SegmentImage], side: str) -> list[_SegmentImage]:
    return [s for s in segments if s.side == side]


def _segment(session: Session, layer: Layer, segment_id: int) -> _SegmentImage:
    row = session.execute(
        select(*_SEGMENT_COLUMNS).where(Segment.id == segment_id, Segment.layer_id == layer.id)
    ).first()
    if row is None:
        raise InputError(f"layer {layer.id} has no sentence {segment_id}")
    return _SegmentImage(*row)


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for k in range(0, len(ids), _CHUNK):
        yield list(ids[k : k + _CHUNK])


# -- writing --------------------------------------------------------------------------------------


def _verify(session: Session, layer_id: int, delta: _Delta) -> None:
    """Refuse (ConflictError) unless the touched rows are exactly as `delta` expects before it."""
    beads: dict[int, tuple[int, object]] = {}
    segments: dict[int, tuple[int, object]] = {}
    bead_ids = [i for i in map(_image_id, delta.beads) if i > 0]
    segment_ids = [i for i in map(_image_id, delta.segments) if i > 0]
    for chunk in _chunks(bead_ids):
        for row in session.execute(select(Bead.layer_id, *_BEAD_COLUMNS).where(Bead.id.in_(chunk))):
            beads[row.id] = (row.layer_id, _BeadImage(*row[1:]))
    for chunk in _chunks(segment_ids):
        query = select(Segment.layer_id, *_SEGMENT_COLUMNS).where(Segment.id.in_(chunk))
        for seg in session.execute(query):
            segments[seg.id] = (seg.layer_id, _SegmentImage(*seg[1:]))
    expected: list[tuple[str, int, object, dict[int, tuple[int, object]]]] = [
        *(("bead", _image_id(c), c[0], beads) for c in delta.beads),
        *(("sentence", _image_id(c), c[0], segments) for c in delta.segments),
    ]
    for noun, key, before, current in expected:
        if key < 0:
            continue
        if before is None and key in current:
            raise ConflictError(f"{noun} {key} cannot be restored: its id is in use; reload")
        if before is not None and current.get(key) != (layer_id, before):
            raise ConflictError(f"{noun} {key} was changed outside this editor; reload")


def _apply(session: Session, layer: Layer, delta: _Delta) -> _Delta:
    """Write the after-state of `delta` and return it with the ids that new rows received."""
    session.flush()
    _verify(session, layer.id, delta)
    gone = [b.id for b, a in delta.segments if a is None and b is not None]
    for chunk in _chunks(gone):
        session.execute(delete(Segment).where(Segment.id.in_(chunk)), execution_options=_NO_SYNC)
    if delta.shift is not None:
        start, by = delta.shift
        session.execute(
            update(Bead)
            .where(Bead.layer_id == layer.id, Bead.position >= start)
            .values(position=Bead.position + by),
            execution_options=_NO_SYNC,
        )
    beads, ids = _write_beads(session, layer, delta.beads)
    segments = _write_segments(session, layer, delta.segments, ids)
    removed = [b.id for b, a in delta.beads if a is None and b is not None]
    if removed:
        held = session.scalar(
            select(func.count()).select_from(Segment).where(Segment.bead_id.in_(removed))
        )
        if held:
            raise IntegrityError(f"layer {layer.id}: a removed bead still holds sentences")
        session.execute(delete(Bead).where(Bead.id.in_(removed)), execution_options=_NO_SYNC)
    _expire(session, layer)
    return _Delta(tuple(beads), tuple(segments), delta.shift)


def _write_beads(
    session: Session, layer: Layer, changes: Sequence[_BeadChange]
) -> tuple[list[_BeadChange], dict[int, int]]:
    """Insert and update beads; return the changes with real ids, and planned id -> real id."""
    ids: dict[int, int] = {}
    written: list[_BeadChange] = []
    for before, after in changes:
        if after is not None:
            values = {"position": after.position, "status": after.status, "score": after.score}
            if before is None:
                new_id = _insert(session, Bead, after.id, layer_id=layer.id, **values)
                ids[after.id] = new_id
                after = replace(after, id=new_id)
            else:
                session.execute(
                    update(Bead).where(Bead.id == after.id).values(**values),
                    execution_options=_NO_SYNC,
                )
        written.append((before, after))
    return written, ids


def _write_segments(
    session: Session, layer: Layer, changes: Sequence[_SegmentChange], ids: dict[int, int]
) -> list[_SegmentChange]:
    """Insert and update sentences, pointing planned bead ids at the inserted beads."""
    written: list[_SegmentChange] = []
    for before, after in changes:
        if after is not None:
            if after.bead_id is not None:
                after = replace(after, bead_id=ids.get(after.bead_id, after.bead_id))
            values = {
                "side": after.side,
                "start": after.start,
                "end": after.end,
                "bead_id": after.bead_id,
            }
            if before is None:
                new_id = _insert(session, Segment, after.id, layer_id=layer.id, **values)
                after = replace(after, id=new_id)
            else:
                session.execute(
                    update(Segment).where(Segment.id == after.id).values(**values),
                    execution_options=_NO_SYNC,
                )
        written.append((before, after))
    return written


def _insert(session: Session, model: type[Bead] | type[Segment], key: int, **values: Any) -> int:
    """Insert a row under its recorded id (redo, undo), or a fresh one when `key` is negative."""
    if key > 0:
        values["id"] = key
    new_id = session.scalar(insert(model).values(**values).returning(model.id))
    assert new_id is not None
    return int(new_id)


def _expire(session: Session, layer: Layer) -> None:
    """Make the ORM forget bead and sentence state the set-based statements made stale."""
    session.expire(layer, ["beads", "segments"])
    for obj in list(session.identity_map.values()):
        if isinstance(obj, (Bead, Segment)):
            session.expire(obj)


# -- checking -------------------------------------------------------------------------------------


def _check_edit(session: Session, layer_id: int, delta: _Delta) -> None:
    """Raise IntegrityError unless the touched rows and their neighbours form a valid partition.

    On a layer that satisfied `check_layer_alignment` before the edit this is equivalent to it:
    positions are 0..n-1 (count and bounds globally, exact around the touched beads and the shift),
    touched beads are non-empty, and on each side every sentence of a touched bead, and every
    touched sentence, does not overlap its text neighbours and keeps bead order with them.
    """
    session.flush()
    count, low, high = session.execute(
        select(func.count(), func.min(Bead.position), func.max(Bead.position)).where(
            Bead.layer_id == layer_id
        )
    ).one()
    if count and (low, high) != (0, count - 1):
        raise IntegrityError(f"layer {layer_id}: bead positions are not 0..{count - 1}")
    beads = [a for _, a in delta.beads if a is not None]
    marks = [b.position for b in beads]
    if delta.shift is not None:
        marks += [delta.shift[0] - 1, delta.shift[0] + delta.shift[1]]
    if count and marks:
        window = (max(min(marks) - 1, 0), min(max(marks) + 1, count - 1))
        found = session.scalars(
            select(Bead.position)
            .where(Bead.layer_id == layer_id, Bead.position.between(*window))
            .order_by(Bead.position)
        ).all()
        if list(found) != list(range(window[0], window[1] + 1)):
            raise IntegrityError(
                f"layer {layer_id}: bead positions {window[0]}..{window[1]} are not each used once"
            )
    bead_ids = [b.id for b in beads]
    sizes = (
        dict(
            session.execute(
                select(Segment.bead_id, func.count())
                .where(Segment.bead_id.in_(bead_ids))
                .group_by(Segment.bead_id)
            ).all()
        )
        if bead_ids
        else {}
    )
    for bead_id in bead_ids:
        if not sizes.get(bead_id):
            raise IntegrityError(f"layer {layer_id}: bead {bead_id} holds no sentence")
    touched = [a for _, a in delta.segments if a is not None]
    if bead_ids:
        touched += [
            _SegmentImage(*row)
            for row in session.execute(
                select(*_SEGMENT_COLUMNS).where(Segment.bead_id.in_(bead_ids))
            )
        ]
    ordered = not session.scalar(select(Layer.crossing).where(Layer.id == layer_id))
    for side in Side:
        starts = [s.start for s in touched if s.side == side.value]
        if starts:
            _check_run(
                session, layer_id, side.value, min(starts), max(starts), bool(count), ordered
            )


def _check_run(
    session: Session,
    layer_id: int,
    side: str,
    first: int,
    last: int,
    aligned: bool,
    ordered: bool = True,
) -> None:
    """Check non-overlap and bead order of one side's sentences with start in [first, last].

    The sentence before `first` and the one after `last` are included.
    """
    columns = (Segment.start, Segment.end, Segment.bead_id, Bead.position)
    base = (
        select(*columns)
        .outerjoin(Bead, (Bead.id == Segment.bead_id) & (Bead.layer_id == layer_id))
        .where(Segment.layer_id == layer_id, Segment.side == side)
    )
    before = session.execute(
        base.where(Segment.start < first).order_by(Segment.start.desc()).limit(1)
    ).all()
    inside = session.execute(
        base.where(Segment.start.between(first, last)).order_by(Segment.start)
    ).all()
    after = session.execute(base.where(Segment.start > last).order_by(Segment.start).limit(1)).all()
    previous_end, previous_position = -1, -1
    for start, end, bead_id, position in [*before, *inside, *after]:
        if start < previous_end:
            raise IntegrityError(f"layer {layer_id}: {side} sentences overlap at {start}")
        if aligned:
            if position is None:
                raise IntegrityError(
                    f"layer {layer_id}: {side} sentence at {start} is in no bead of the layer"
                )
            if position < previous_position and ordered:  # imported crossing beads may cross
                raise IntegrityError(
                    f"layer {layer_id}: {side} sentence at {start} breaks the bead order"
                )
            previous_position = position
        elif bead_id is not None:
            raise IntegrityError(f"layer {layer_id}: a sentence points at a bead of no layer")
        previous_end = end


# -- the commands ---------------------------------------------------------------------------------


class _AlignmentEdit(Command):
    """A structural edit: planned once from the rows it reads, then replayed from row images."""

    _delta: _Delta | None = None

    @abc.abstractmethod
    def _plan(self, session: Session, layer: Layer) -> _Plan:
        """Read what the edit needs, refuse it (InputError) if it cannot be done, plan it."""

    def do(self, session: Session, layer: Layer) -> Changes:
        """Apply the edit (replaying the first run's rows and ids on redo) and check the result."""
        if self._delta is None:
            session.flush()
            delta = _apply(session, layer, self._plan(session, layer).delta())
        else:
            delta = _apply(session, layer, self._delta)
        _check_edit(session, layer.id, delta)
        self._delta = delta
        return delta.changes(layer.id)

    def undo(self, session: Session, layer: Layer) -> Changes:
        """Put back exactly the rows as they were before `do()`, ids and positions included."""
        if self._delta is None:
            raise RuntimeError(f"{self.action}: undo() before do()")
        back = _apply(session, layer, self._delta.reversed())
        _check_edit(session, layer.id, back)
        return self._delta.changes(layer.id)

    def reset(self) -> None:
        """Forget the planned rows, so the next `do()` plans again."""
        self._delta = None

    def audit_detail(self) -> dict[str, Any]:
        """Return the command's parameters (its dataclass fields)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]


def _row_label(bead: _BeadImage) -> str:
    return f"row {bead.position + 1}"


@dataclass(eq=False)
class _SideMove(_AlignmentEdit):
    """Move sentences of a bead's side into a neighbour bead; an emptied bead is removed."""

    bead_id: int
    side: str
    _step: ClassVar[int]  # -1: into the previous bead, 1: into the next
    _whole: ClassVar[bool]  # the whole side, or only the sentence next to the neighbour
    _what: ClassVar[str]  # label, e.g. "first {side} sentence"

    def __post_init__(self) -> None:
        self.bead_id = checked_int(self.bead_id, "bead_id")
        self.side = checked_side(self.side)
        self.text = f"Move {self._what.format(side=self.side)} {self._direction}"

    @property
    def _direction(self) -> str:
        return "up" if self._step < 0 else "down"

    def _plan(self, session: Session, layer: Layer) -> _Plan:
        bead = _bead(session, layer, self.bead_id)
        members = _members(session, bead.id)
        on_side = _on(members, self.side)
        moving = on_side if self._whole else on_side[:1] if self._step < 0 else on_side[-1:]
        if not moving:
            raise InputError(
                f"{_row_label(bead)} has no {self.side} sentence to move {self._direction}"
            )
        other = _neighbour(session, layer, bead, self._step)
        plan = _Plan()
        plan.move(moving, other.id)
        plan.edited(bead, other)
        if len(moving) == len(members):
            plan.remove_bead(bead)
        what = self._what.format(side=self.side)
        self.text = f"Move {what} of {_row_label(bead)} {self._direction}"
        return plan


class ShiftFirstUp(_SideMove):
    """Move the first sentence of a bead's side to the end of the previous bead."""

    _step, _whole, _what = -1, False, "first {side} sentence"


class ShiftLastDown(_SideMove):
    """Move the last sentence of a bead's side to the start of the next bead."""

    _step, _whole, _what = 1, False, "last {side} sentence"


class MoveSideUp(_SideMove):
    """Move all sentences of a bead's side to the end of the previous bead."""

    _step, _whole, _what = -1, True, "{side} text"


class MoveSideDown(_SideMove):
    """Move all sentences of a bead's side to the start of the next bead."""

    _step, _whole, _what = 1, True, "{side} text"


@dataclass(eq=False)
class MergeBeads(_AlignmentEdit):
    """Merge a bead with the next one; the merged bead keeps this bead's id.

    It is confirmed only if both were.
    """

    bead_id: int

    def __post_init__(self) -> None:
        self.bead_id = checked_int(self.bead_id, "bead_id")
        self.text = "Merge rows"

    def _plan(self, session: Session, layer: Layer) -> _Plan:
        bead = _bead(session, layer, self.bead_id)
        following = _neighbour(session, layer, bead, 1)
        plan = _Plan()
        plan.move(_members(session, following.id), bead.id)
        confirmed = BeadStatus.CONFIRMED.value
        both = bead.status == following.status == confirmed
        plan.bead(bead, score=None, status=confirmed if both else BeadStatus.AUTOMATIC.value)
        plan.remove_bead(following)
        self.text = f"Merge {_row_label(bead)} with the next row"
        return plan


def _plan_split(
    session: Session, layer: Layer, bead: _BeadImage, src_count: int, tgt_count: int
) -> _Plan:
    members = _members(session, bead.id)
    src, tgt = _on(members, Side.SOURCE.value), _on(members, Side.TARGET.value)
    if not (0 <= src_count <= len(src) and 0 <= tgt_count <= len(tgt)):
        raise InputError(
            f"{_row_label(bead)} has {len(src)}:{len(tgt)} sentences; "
            f"cannot keep {src_count}:{tgt_count} of them"
        )
    if src_count + tgt_count == 0 or src_count + tgt_count == len(members):
        raise InputError(
            f"splitting {_row_label(bead)} after {src_count}:{tgt_count} sentences "
            "leaves an empty row"
        )
    plan = _Plan()
    new_id = plan.add_bead(bead.position + 1, bead.status)
    plan.move([*src[src_count:], *tgt[tgt_count:]], new_id)
    plan.edited(bead)
    return plan


@dataclass(eq=False)
class SplitBead(_AlignmentEdit):
    """Split a bead after its first src_count source and tgt_count target sentences.

    The second part is a new bead right after, with the same status; neither part may be empty.
    """

    bead_id: int
    src_count: int
    tgt_count: int

    def __post_init__(self) -> None:
        self.bead_id = checked_int(self.bead_id, "bead_id")
        self.src_count = checked_int(self.src_count, "src_count")
        self.tgt_count = checked_int(self.tgt_count, "tgt_count")
        self.text = "Split row"

    def _plan(self, session: Session, layer: Layer) -> _Plan:
        bead = _bead(session, layer, self.bead_id)
        plan = _plan_split(session, layer, bead, self.src_count, self.tgt_count)
        self.text = f"Split {_row_label(bead)} after {self.src_count}:{self.tgt_count}"
        return plan

    @property
    def new_bead_id(self) -> int | None:
        """Return the id of the bead `do()` created (None before the first `do()`)."""
        return _created_bead(self._delta)


def _created_bead(delta: _Delta | None) -> int | None:
    if delta is None:
        return None
    return next((a.id for b, a in delta.beads if b is None and a is not None), None)


@dataclass(eq=False)
class InsertEmptySide(_AlignmentEdit):
    """Detach a bead's `side` sentences into a new bead right after (1:1 becomes 1:0 + 0:1).

    The bead needs sentences on both sides.
    """

    bead_id: int
    side: str

    def __post_init__(self) -> None:
        self.bead_id = checked_int(self.bead_id, "bead_id")
        self.side = checked_side(self.side)
        self.text = f"Detach {self.side} text"

    def _plan(self, session: Session, layer: Layer) -> _Plan:
        bead = _bead(session, layer, self.bead_id)
        members = _members(session, bead.id)
        src, tgt = _on(members, Side.SOURCE.value), _on(members, Side.TARGET.value)
        if not src or not tgt:
            has = "source" if src else "target"
            raise InputError(f"{_row_label(bead)} has only {has} sentences: nothing to detach")
        counts = (0, len(tgt)) if self.side == Side.SOURCE else (len(src), 0)
        plan = _plan_split(session, layer, bead, *counts)
        self.text = f"Detach {self.side} text of {_row_label(bead)} into a new row"
        return plan

    @property
    def new_bead_id(self) -> int | None:
        """Return the id of the bead `do()` created (None before the first `do()`)."""
        return _created_bead(self._delta)


@dataclass(eq=False)
class SplitSentence(_AlignmentEdit):
    """Split a sentence at a text offset strictly inside it; both parts stay in its bead.

    Whitespace around the cut is trimmed from both parts, which must not be empty; the first part
    keeps the sentence's id. A cut inside an entity mention of the layer (or inside the whitespace
    trimmed around the cut, when a mention spans it) is refused.
    """

    segment_id: int
    offset: int

    def __post_init__(self) -> None:
        self.segment_id = checked_int(self.segment_id, "segment_id")
        self.offset = checked_int(self.offset, "offset")
        self.text = "Split sentence"

    def _plan(self, session: Session, layer: Layer) -> _Plan:
        seg = _segment(session, layer, self.segment_id)
        if not seg.start < self.offset < seg.end:
            raise InputError(
                f"offset {self.offset} is not inside sentence {seg.id} [{seg.start}, {seg.end})"
            )
        text = layer.pair.document(seg.side).text
        left_end, right_start = self.offset, self.offset
        while left_end > seg.start and text[left_end - 1].isspace():
            left_end -= 1
        while right_start < seg.end and text[right_start].isspace():
            right_start += 1
        if left_end == seg.start or right_start == seg.end:
            raise InputError(f"splitting sentence {seg.id} at {self.offset} leaves an empty part")
        inside = session.execute(
            select(Mention.label, Mention.surface, Mention.start, Mention.end)
            .where(
                Mention.layer_id == layer.id,
                Mention.side == seg.side,
                Mention.start < right_start,
                Mention.end > left_end,
            )
            .order_by(Mention.start)
            .limit(1)
        ).first()
        if inside is not None:
            label, surface, start, end = inside
            raise InputError(
                f"a sentence split inside a mention is refused: {label} “{surface}” "
                f"[{start}, {end}) spans offset {self.offset}"
            )
        plan = _Plan()
        plan.segment(seg, end=left_end)
        plan.add_segment(seg.side, right_start, seg.end, seg.bead_id)
        if seg.bead_id is not None:
            plan.bead(_bead(session, layer, seg.bead_id))
        self.text = f"Split {seg.side} sentence at {self.offset}"
        return plan

    @property
    def new_segment_id(self) -> int | None:
        """Return the id of the second part's sentence (None before the first `do()`)."""
        if self._delta is None:
            return None
        return next((a.id for b, a in self._delta.segments if b is None and a is not None), None)


@dataclass(eq=False)
class MergeSentenceWithNext(_AlignmentEdit):
    """Merge a sentence with the next sentence of its side, which must be in the same bead.

    The merged sentence keeps this sentence's id and runs to the end of the next one. Sentences in
    different beads are refused with a message to merge the rows first (an implicit row merge would
    hide a structural change inside a text edit).
    """

    segment_id: int

    def __post_init__(self) -> None:
        self.segment_id = checked_int(self.segment_id, "segment_id")
        self.text = "Merge sentence with the next"

    def _plan(self, session: Session, layer: Layer) -> _Plan:
        seg = _segment(session, layer, self.segment_id)
        row = session.execute(
            select(*_SEGMENT_COLUMNS)
            .where(
                Segment.layer_id == layer.id, Segment.side == seg.side, Segment.start > seg.start
            )
            .order_by(Segment.start)
            .limit(1)
        ).first()
        if row is None:
            raise InputError(f"sentence {seg.id} is the last {seg.side} sentence: nothing to merge")
        following = _SegmentImage(*row)
        if following.bead_id != seg.bead_id:
            raise InputError(
                f"sentence {seg.id} and the next {seg.side} sentence are in different rows: "
                "merge the rows first"
            )
        plan = _Plan()
        plan.segment(seg, end=following.end)
        plan.remove_segment(following)
        if seg.bead_id is not None:
            plan.bead(_bead(session, layer, seg.bead_id))
        self.text = f"Merge {seg.side} sentence at {seg.start} with the next"
        return plan


# -- bead status ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _StatusRun:
    """Beads at consecutive positions that had the same status before a status change."""

    first: int
    last: int
    status: str


def _runs(rows: Sequence[tuple[int, int, str]]) -> list[_StatusRun]:
    """Group (id, position, status) rows, sorted by position, into runs."""
    runs: list[_StatusRun] = []
    for _, position, status in rows:
        if runs and runs[-1].last == position - 1 and runs[-1].status == status:
            runs[-1] = replace(runs[-1], last=position)
        else:
            runs.append(_StatusRun(position, position, status))
    return runs


class _StatusEdit(Command):
    """Set the status of a set of beads; undo puts each bead's previous status back.

    The beads changed are kept as runs of positions, so confirming thousands of rows is undone
    with a few set-based UPDATEs.
    """

    status: BeadStatus
    _changed: tuple[frozenset[int], list[_StatusRun]] | None = None

    @abc.abstractmethod
    def _scope(self, session: Session, layer: Layer) -> list[ColumnElement[bool]]:
        """Return the conditions that select the beads this command sets (refusing bad ids)."""

    @abc.abstractmethod
    def _nothing(self) -> str:
        """Return the refusal message when every selected bead already has the status."""

    def do(self, session: Session, layer: Layer) -> Changes:
        """Set the status of the selected beads that differ; refuse when none differs."""
        session.flush()
        where = [Bead.layer_id == layer.id, Bead.status != self.status.value]
        scope = self._scope(session, layer)
        rows: list[tuple[int, int, str]] = []
        for condition in scope:
            rows.extend(
                (i, p, s)
                for i, p, s in session.execute(
                    select(Bead.id, Bead.position, Bead.status).where(*where, condition)
                )
            )
        if not rows:
            raise InputError(self._nothing())
        for condition in scope:
            session.execute(
                update(Bead).where(*where, condition).values(status=self.status.value),
                execution_options=_NO_SYNC,
            )
        _expire(session, layer)
        rows.sort(key=lambda row: row[1])
        self._changed = (frozenset(i for i, _, _ in rows), _runs(rows))
        return Changes(layer.id, beads=self._changed[0])

    def undo(self, session: Session, layer: Layer) -> Changes:
        """Put back the previous statuses."""
        if self._changed is None:
            raise RuntimeError(f"{self.action}: undo() before do()")
        session.flush()
        ids, runs = self._changed
        for run in runs:
            result = session.execute(
                update(Bead)
                .where(
                    Bead.layer_id == layer.id,
                    Bead.position.between(run.first, run.last),
                    Bead.status == self.status.value,
                )
                .values(status=run.status),
                execution_options=_NO_SYNC,
            )
            if result.rowcount != run.last - run.first + 1:  # type: ignore[attr-defined]
                raise ConflictError(f"layer {layer.id}: rows were changed elsewhere; reload")
        _expire(session, layer)
        return Changes(layer.id, beads=ids)

    def reset(self) -> None:
        """Forget the beads changed."""
        self._changed = None


@dataclass(eq=False)
class SetBeadStatus(_StatusEdit):
    """Set the status (automatic or confirmed) of the given beads."""

    bead_ids: Sequence[int]
    status: BeadStatus = field(default=BeadStatus.CONFIRMED)

    def __post_init__(self) -> None:
        self.status = _bead_status(self.status)
        self.bead_ids = tuple(checked_int(i, "bead id") for i in self.bead_ids)
        if not self.bead_ids:
            raise InputError("no bead given")
        count = len(set(self.bead_ids))
        rows = "row" if count == 1 else "rows"
        self.text = f"Mark {count} {rows} {self.status.value}"

    def _scope(self, session: Session, layer: Layer) -> list[ColumnElement[bool]]:
        ids = sorted(set(self.bead_ids))
        found: set[int] = set()
        for chunk in _chunks(ids):
            found.update(
                session.scalars(
                    select(Bead.id).where(Bead.id.in_(chunk), Bead.layer_id == layer.id)
                )
            )
        missing = [i for i in ids if i not in found]
        if missing:
            shown = ", ".join(str(i) for i in missing[:5])
            raise InputError(f"layer {layer.id} has no bead {shown}")
        return [Bead.id.in_(chunk) for chunk in _chunks(ids)]

    def _nothing(self) -> str:
        return f"the rows are already {self.status.value}"

    def audit_detail(self) -> dict[str, Any]:
        """Return the beads and the status."""
        return {"bead_ids": sorted(set(self.bead_ids)), "status": self.status.value}


@dataclass(eq=False)
class ConfirmUpTo(_StatusEdit):
    """Confirm every bead from the first row down to this bead's row."""

    bead_id: int
    status: BeadStatus = field(default=BeadStatus.CONFIRMED, init=False)

    def __post_init__(self) -> None:
        self.bead_id = checked_int(self.bead_id, "bead_id")
        self.text = "Confirm rows"

    def _scope(self, session: Session, layer: Layer) -> list[ColumnElement[bool]]:
        bead = _bead(session, layer, self.bead_id)
        self.text = f"Confirm rows 1–{bead.position + 1}"
        return [Bead.position <= bead.position]

    def _nothing(self) -> str:
        return f"{self.text.removeprefix('Confirm ')} are already confirmed"

    def audit_detail(self) -> dict[str, Any]:
        """Return the bead."""
        return {"bead_id": self.bead_id}
