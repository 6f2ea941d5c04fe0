"""One pair's layer as every format writes and reads it: texts, sentences, beads, mentions, links.

Exports build it from the store one pair at a time (`read_pair`), so an export of a thousand
pairs holds one pair in memory; importers build it from a file and `annotator.layer_import`
stores it. Offsets are code points into the text, as everywhere in annotator.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.layers import alignment, bead_rows, sentence_spans
from annotator.model import DocumentPair, Layer, Link, Mention, Side


@dataclass(frozen=True)
class ExportSide:
    """One document of the pair: its language, direction, text and sentence spans."""

    language: str
    direction: str
    text: str
    sentences: tuple[tuple[int, int], ...]

    def sentence(self, k: int) -> str:
        """Return sentence k's text."""
        start, end = self.sentences[k]
        return self.text[start:end]


@dataclass(frozen=True)
class ExportBead:
    """A bead: sentence indices per side, its status and the aligner's score."""

    source: tuple[int, ...]
    target: tuple[int, ...]
    status: str
    score: float | None

    @property
    def one_sided(self) -> bool:
        """Whether one side is empty (1:0 or 0:1)."""
        return not (self.source and self.target)

    @property
    def kind(self) -> str:
        """Return the bead type as '2:1'."""
        return f"{len(self.source)}:{len(self.target)}"


@dataclass(frozen=True)
class ExportMention:
    """A mention: id (for links), side, offsets, label, surface, no-counterpart flag."""

    id: int
    side: str
    start: int
    end: int
    label: str
    surface: str
    no_counterpart: bool


@dataclass(frozen=True)
class ExportPair:
    """Everything a format may write about one pair's layer (or an importer read from a file).

    Mention ids only need to be unique within the pair: links refer to them. source_name and
    target_name are the files an importer read; crossing says the beads may cross.
    """

    project: str
    pair_id: int
    name: str
    layer_kind: str
    layer_owner: str
    layer_status: str
    source: ExportSide
    target: ExportSide
    beads: tuple[ExportBead, ...]
    mentions: tuple[ExportMention, ...]
    links: tuple[tuple[int, int], ...]
    source_name: str = ""
    target_name: str = ""
    crossing: bool = False

    def side(self, side: Side | str) -> ExportSide:
        """Return one side."""
        return self.source if Side(side) is Side.SOURCE else self.target

    def bead_text(self, bead: ExportBead, side: Side | str) -> str:
        """Return a bead's sentences on one side joined with one space."""
        doc = self.side(side)
        ids = bead.source if Side(side) is Side.SOURCE else bead.target
        return " ".join(doc.sentence(k) for k in ids)


def read_pair(
    session: Session,
    pair: DocumentPair,
    layer: Layer | None,
    *,
    confirmed_only: bool = False,
    absent: str = "gold",
) -> ExportPair:
    """Read one pair's layer from the store; confirmed_only keeps only confirmed beads.

    With no layer (a pair whose asked-for layer `absent` does not exist), the texts come with
    no sentences, beads or mentions: the export says the layer was empty.
    """
    if layer is None:
        source, target = (
            ExportSide(doc.language, doc.direction, doc.text, ())
            for doc in (pair.source, pair.target)
        )
        kind = absent if absent in ("gold", "automatic") else "annotator"
        return ExportPair(
            pair.project.name, pair.id, pair.name, kind, absent, "new", source, target, (), (), ()
        )
    sides = []
    for side in Side:
        document = pair.document(side)
        sides.append(
            ExportSide(
                document.language,
                document.direction,
                document.text,
                tuple(sentence_spans(session, layer, side)),
            )
        )
    aligned = alignment(session, layer)
    statuses = [row.status for row in bead_rows(session, layer)] if aligned else []
    beads = tuple(
        ExportBead(b.src, b.tgt, status, b.score)
        for b, status in zip(aligned, statuses, strict=True)
        if not confirmed_only or status == "confirmed"
    )
    mentions = tuple(
        ExportMention(m.id, m.side, m.start, m.end, m.label, m.surface, m.no_counterpart)
        for m in session.scalars(
            select(Mention)
            .where(Mention.layer_id == layer.id)
            .order_by(Mention.side, Mention.start, Mention.end)
        )
    )
    links = tuple(
        (k.source_mention_id, k.target_mention_id)
        for k in session.scalars(select(Link).where(Link.layer_id == layer.id).order_by(Link.id))
    )
    return ExportPair(
        pair.project.name,
        pair.id,
        pair.name,
        layer.kind,
        layer.owner_label,
        layer.status,
        sides[0],
        sides[1],
        beads,
        mentions,
        links,
        crossing=layer.crossing,
    )
