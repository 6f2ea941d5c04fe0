"""Applying an aligner's proposal to a layer as one undoable command."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from annotator.alignment.beads import AlignedBead
from annotator.alignment.embedding_cache import write_vectors
from annotator.commands import Changes, Command
from annotator.layer_writes import replace_alignment
from annotator.layers import alignment
from annotator.model import Bead, BeadStatus, Layer, Segment
from annotator.store.invariants import check_layer_alignment


@dataclass(frozen=True)
class _Snapshot:
    """A layer's beads and which bead each sentence is in."""

    beads: tuple[tuple[int, int, str, float | None], ...]  # id, position, status, score
    members: tuple[tuple[int, int | None], ...]  # segment id, bead id

    @classmethod
    def of(cls, session: Session, layer: Layer) -> _Snapshot:
        beads = session.execute(
            select(Bead.id, Bead.position, Bead.status, Bead.score)
            .where(Bead.layer_id == layer.id)
            .order_by(Bead.position)
        ).all()
        members = session.execute(
            select(Segment.id, Segment.bead_id).where(Segment.layer_id == layer.id)
        ).all()
        return cls(tuple(tuple(b) for b in beads), tuple(tuple(m) for m in members))  # type: ignore[misc]

    def restore(self, session: Session, layer: Layer) -> None:
        """Put the beads and sentence memberships back exactly, ids included."""
        session.execute(update(Segment).where(Segment.layer_id == layer.id).values(bead_id=None))
        session.execute(delete(Bead).where(Bead.layer_id == layer.id))
        if self.beads:
            session.execute(
                insert(Bead),
                [
                    {"id": i, "layer_id": layer.id, "position": p, "status": s, "score": sc}
                    for i, p, s, sc in self.beads
                ],
            )
        assigned = [{"id": seg, "bead_id": bead} for seg, bead in self.members if bead is not None]
        if assigned:
            session.execute(update(Segment), assigned)
        session.expire(layer, ["segments", "beads"])
        check_layer_alignment(session, layer.id)


@dataclass(eq=False)
class ApplyAlignment(Command):
    """Replace the layer's beads with a proposal; beads confirmed before stay confirmed.

    `vectors` (model name → text key → vector) are embeddings the aligner computed; they are
    cached in the store in the same transaction.
    """

    beads: Sequence[AlignedBead]
    vectors: Mapping[str, Mapping[str, npt.NDArray[np.float32]]] = field(default_factory=dict)
    _before: _Snapshot | None = field(default=None, init=False)
    _after: _Snapshot | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.text = f"Re-align ({len(self.beads)} rows)"

    def do(self, session: Session, layer: Layer) -> Changes:
        """Write the proposal (or, on redo, exactly the rows the first run wrote)."""
        if self._after is None:
            before = _Snapshot.of(session, layer)
            statuses = dict(
                zip(
                    ((b.src, b.tgt) for b in alignment(session, layer)),
                    (status for _, _, status, _ in before.beads),
                    strict=True,
                )
            )
            replace_alignment(session, layer, self.beads)
            keep = [
                i
                for i, b in enumerate(self.beads)
                if statuses.get((b.src, b.tgt)) == BeadStatus.CONFIRMED.value
            ]
            if keep:
                session.execute(
                    update(Bead)
                    .where(Bead.layer_id == layer.id, Bead.position.in_(keep))
                    .values(status=BeadStatus.CONFIRMED.value)
                )
            for model, vectors in self.vectors.items():
                write_vectors(session, model, vectors)
            self._before, self._after = before, _Snapshot.of(session, layer)
        else:
            self._after.restore(session, layer)
        return Changes(layer_id=layer.id, rows_changed=True)

    def undo(self, session: Session, layer: Layer) -> Changes:
        """Put back the beads as they were."""
        if self._before is None:
            raise RuntimeError("undo() before do()")
        self._before.restore(session, layer)
        return Changes(layer_id=layer.id, rows_changed=True)

    def reset(self) -> None:
        """Forget the rows of a failed first run."""
        self._before = self._after = None

    def audit_detail(self) -> dict[str, Any]:
        """Return how many beads were proposed."""
        return {"beads": len(self.beads)}
