"""Re-segmenting a stored pair's automatic layer without silently changing how it was cut.

A pair imported with --presegmented holds the user's own sentences (one per line), and
alignments made on them depend on them: re-segmenting it by rules would change them behind the
user's back. So the default keeps the kind of segmentation the layer has; rules or lines only
when asked, and the report says what changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from annotator.audit import record
from annotator.importing import propose_alignment
from annotator.layer_writes import replace_segmentation
from annotator.layers import automatic_layer, sentence_spans
from annotator.model import DocumentPair, Side
from annotator.text.segmentation import line_sentences, split_sentences

Mode = Literal["keep", "rules", "lines"]


@dataclass(frozen=True)
class ResegmentReport:
    """What re-segmenting did: the segmentation used, sentences before and after per side."""

    used: Literal["rules", "lines"]
    before: tuple[int, int]
    after: tuple[int, int]
    changed: bool

    def describe(self, pair_id: int) -> str:
        """Return one line for the user: what was kept or changed."""
        kind = "one sentence per line" if self.used == "lines" else "sentence rules"
        if not self.changed:
            return (
                f"pair {pair_id}: segmentation unchanged ({kind}: {self.after[0]} source and "
                f"{self.after[1]} target sentences); automatic alignment proposed again"
            )
        return (
            f"pair {pair_id}: re-segmented by {kind}: source {self.before[0]} → {self.after[0]}, "
            f"target {self.before[1]} → {self.after[1]} sentences; automatic alignment redone"
        )


def current_mode(session: Session, pair: DocumentPair) -> Literal["rules", "lines"]:
    """Return "lines" when the automatic layer's sentences are exactly the texts' lines."""
    layer = automatic_layer(session, pair)
    for side in Side:
        if sentence_spans(session, layer, side) != line_sentences(pair.document(side).text):
            return "rules"
    return "lines"


def resegment_pair(session: Session, pair: DocumentPair, mode: Mode, actor: str) -> ResegmentReport:
    """Segment the pair's automatic layer again (keep: the kind it has) and re-align it."""
    layer = automatic_layer(session, pair)
    used = current_mode(session, pair) if mode == "keep" else mode
    languages = {Side.SOURCE: pair.source.language, Side.TARGET: pair.target.language}
    before = tuple(len(sentence_spans(session, layer, side)) for side in Side)
    changed = False
    after = []
    for side in Side:
        text = pair.document(side).text
        spans = line_sentences(text) if used == "lines" else split_sentences(text, languages[side])
        changed = changed or spans != sentence_spans(session, layer, side)
        replace_segmentation(session, layer, side, spans)
        after.append(len(spans))
    propose_alignment(session, layer)
    record(
        session,
        actor,
        "resegment",
        project_id=pair.project_id,
        pair_id=pair.id,
        layer_id=layer.id,
        sentences=after,
        segmentation=used,
        changed=changed,
    )
    return ResegmentReport(used, (before[0], before[1]), (after[0], after[1]), changed)
