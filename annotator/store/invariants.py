"""Checks run on every write: offsets inside the text, surfaces that match, documents never edited.

`install()` hooks `check_flush` into every SQLAlchemy session's flush, so no code path can store
a range outside its document, a mention whose surface differs from `text[start:end]`, or text with
presentation forms; `check_layer_alignment` verifies a layer's sentences and bead partition.
"""

from __future__ import annotations

import hashlib
import itertools
import unicodedata
from collections import defaultdict
from typing import Any

from sqlalchemy import event, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, UOWTransaction

from annotator.errors import IntegrityError
from annotator.model import Bead, Document, Layer, Link, Mention, Segment, Side
from annotator.text.textfile import has_presentation_forms

_installed = False


def install() -> None:
    """Register the flush-time checks on every Session (idempotent)."""
    global _installed
    if not _installed:
        event.listen(Session, "before_flush", check_flush)
        _installed = True


def check_document_text(text: str) -> None:
    """Raise IntegrityError unless the text is NFC, LF-only, without NUL or presentation forms."""
    if "\x00" in text:
        raise IntegrityError("document text contains NUL characters")
    if "\r" in text:
        raise IntegrityError("document text contains CR characters (newlines must be LF)")
    if not unicodedata.is_normalized("NFC", text):
        raise IntegrityError("document text is not NFC-normalised")
    if has_presentation_forms(text):
        raise IntegrityError("document text contains Arabic presentation forms (reshaped text)")


def _check_document(doc: Document, is_new: bool) -> None:
    state = sa_inspect(doc)
    if not is_new:
        changed = [a.key for a in state.attrs if a.history.has_changes()]
        forbidden = set(changed) & {"text", "checksum", "char_count", "normalization"}
        if forbidden:
            raise IntegrityError(f"document {doc.id}: text is never edited after import")
        return
    check_document_text(doc.text)
    if doc.char_count != len(doc.text):
        raise IntegrityError("document char_count does not match its text")
    if doc.checksum != hashlib.sha256(doc.text.encode("utf-8")).hexdigest():
        raise IntegrityError("document checksum does not match its text")


class _Texts:
    """Document texts per (layer, side), fetched once per flush."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[tuple[int, str], str] = {}

    def layer_of(self, obj: Segment | Mention | Link) -> Layer:
        layer: Layer | None = obj.layer
        if layer is None and obj.layer_id is not None:
            layer = self.session.get(Layer, obj.layer_id)
        if layer is None:
            raise IntegrityError(f"{type(obj).__name__.lower()} has no layer")
        return layer

    def text(self, layer: Layer, side: str) -> str:
        key = (id(layer), side)
        if key not in self.cache:
            try:
                self.cache[key] = layer.pair.document(Side(side)).text
            except ValueError:
                raise IntegrityError(f"unknown side {side!r}") from None
        return self.cache[key]


def _check_range(kind: str, start: int, end: int, text: str) -> None:
    if not (isinstance(start, int) and isinstance(end, int)) or not 0 <= start < end <= len(text):
        raise IntegrityError(
            f"{kind} range [{start}, {end}) is outside the text (0..{len(text)}) or empty"
        )


def _span_changed(mention: Mention, is_new: bool) -> bool:
    """Whether a mention is new or its range moved (older rows are not refused on relabel)."""
    if is_new:
        return True
    state = sa_inspect(mention)
    return bool(state.attrs.start.history.has_changes() or state.attrs.end.history.has_changes())


def check_flush(session: Session, _flush_context: UOWTransaction, _instances: Any) -> None:
    """Validate every new or changed document, segment, mention and link before it is written."""
    texts = _Texts(session)
    with session.no_autoflush:
        for obj in list(session.new) + list(session.dirty):
            is_new = obj in session.new
            if isinstance(obj, Document):
                _check_document(obj, is_new)
            elif isinstance(obj, Segment):
                layer = texts.layer_of(obj)
                _check_range("sentence", obj.start, obj.end, texts.text(layer, obj.side))
            elif isinstance(obj, Mention):
                layer = texts.layer_of(obj)
                text = texts.text(layer, obj.side)
                _check_range("mention", obj.start, obj.end, text)
                if text[obj.start : obj.end] != obj.surface:
                    raise IntegrityError(
                        f"mention surface {obj.surface!r} does not match the text "
                        f"{text[obj.start : obj.end]!r} at [{obj.start}, {obj.end})"
                    )
                if obj.surface != obj.surface.strip() and _span_changed(obj, is_new):
                    raise IntegrityError(
                        f"a mention never starts or ends with whitespace: {obj.surface!r}"
                    )
                labels = {str(lab["name"]) for lab in layer.pair.project.label_schema["labels"]}
                if obj.label not in labels:
                    raise IntegrityError(f"label {obj.label!r} is not in the project's schema")
            elif isinstance(obj, Link):
                src, tgt = obj.source_mention, obj.target_mention
                if src.side != Side.SOURCE or tgt.side != Side.TARGET:
                    raise IntegrityError("a link goes from a source mention to a target mention")
                layer = texts.layer_of(obj)
                if src.layer is not layer or tgt.layer is not layer:
                    raise IntegrityError("a link and both its mentions must be in one layer")


def check_layer_alignment(session: Session, layer_id: int) -> None:
    """Raise IntegrityError unless sentences are disjoint and beads partition both sides in order.

    A layer without beads is unaligned; with beads, every sentence of each side is in exactly one
    bead, the bead order follows the text order (unless the layer was imported with crossing
    beads), and no bead is empty on both sides.
    """
    session.flush()
    rows = session.execute(  # iterated, not listed: a layer can hold 200,000 sentences
        select(Segment.side, Segment.start, Segment.end, Segment.bead_id)
        .where(Segment.layer_id == layer_id)
        .order_by(Segment.side, Segment.start)
    )
    beads = session.execute(
        select(Bead.id, Bead.position).where(Bead.layer_id == layer_id).order_by(Bead.position)
    ).all()
    crossing = bool(session.scalar(select(Layer.crossing).where(Layer.id == layer_id)))
    by_side: dict[str, list[tuple[int, int, int | None]]] = defaultdict(list)
    for side, start, end, bead_id in rows:
        by_side[side].append((start, end, bead_id))
    for side, segs in by_side.items():
        for (_, prev_end, _), (start, _, _) in itertools.pairwise(segs):
            if start < prev_end:
                raise IntegrityError(f"layer {layer_id}: {side} sentences overlap at {start}")
    if not beads:
        if any(b is not None for segs in by_side.values() for _, _, b in segs):
            raise IntegrityError(f"layer {layer_id}: a sentence points at a bead of no layer")
        return
    positions = [p for _, p in beads]
    if positions != list(range(len(positions))):
        raise IntegrityError(f"layer {layer_id}: bead positions are not 0..{len(beads) - 1}")
    rank = {bead_id: i for i, (bead_id, _) in enumerate(beads)}
    used: set[int] = set()
    for side, segs in by_side.items():
        last = -1
        for start, _, bead_id in segs:
            if bead_id is None or bead_id not in rank:
                raise IntegrityError(
                    f"layer {layer_id}: {side} sentence at {start} is in no bead of the layer"
                )
            if rank[bead_id] < last and not crossing:
                raise IntegrityError(
                    f"layer {layer_id}: {side} sentence at {start} breaks the bead order"
                )
            last = rank[bead_id]
            used.add(bead_id)
    if len(used) != len(beads):
        raise IntegrityError(f"layer {layer_id}: {len(beads) - len(used)} bead(s) hold no sentence")
