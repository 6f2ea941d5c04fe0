"""The registry of export formats, and choosing and reading the pairs an export writes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.errors import InputError
from annotator.formats.beadfiles import BeadFilesWriter
from annotator.formats.brat import BratWriter
from annotator.formats.conll import ConllWriter
from annotator.formats.document import ExportPair, read_pair
from annotator.formats.intertext import InterTextWriter
from annotator.formats.jsonl import JsonlWriter
from annotator.formats.options import ExportOptions
from annotator.formats.parallel import MosesWriter, TsvWriter
from annotator.formats.report import ExportReport
from annotator.formats.tmx import TmxWriter
from annotator.model import DocumentPair, Layer, LayerKind, LayerStatus, Project


class Writer(Protocol):
    """Receives the exported pairs one at a time; close() finishes the files."""

    def write(self, pair: ExportPair) -> None:
        """Write one pair."""
        ...

    def close(self) -> None:
        """Finish and close what was written."""
        ...


@dataclass(frozen=True)
class Format:
    """A format: its writer, whether PATH is a folder, and a line for --help and the menu."""

    name: str
    writer: Callable[[Path, ExportOptions, ExportReport], Writer]
    folder: bool
    summary: str


FORMATS: dict[str, Format] = {
    "jsonl": Format("jsonl", JsonlWriter, False, "one JSON record per pair: everything"),
    "moses": Format("moses", MosesWriter, False, "PATH.SRC + PATH.TGT, one bead per line"),
    "tsv": Format("tsv", TsvWriter, False, "one file: source TAB target per bead"),
    "beads": Format("beads", BeadFilesWriter, True, "a folder: NAME.beads + sentence files"),
    "tmx": Format("tmx", TmxWriter, False, "TMX 1.4b: one translation unit per bead"),
    "intertext": Format(
        "intertext", InterTextWriter, True, "a folder: InterText's two texts + alignment per pair"
    ),
    "conll": Format("conll", ConllWriter, True, "a folder: IOB2 CoNLL per language + links.tsv"),
    "brat": Format("brat", BratWriter, True, "a folder: brat .txt/.ann per side + links.tsv"),
}


def _layer_of(pair: DocumentPair, ref: str) -> Layer | None:
    """Return the pair's layer named gold, automatic or by annotator name (None if absent)."""
    for layer in pair.layers:
        if ref in (LayerKind.GOLD.value, LayerKind.AUTOMATIC.value) and layer.kind == ref:
            return layer
        if layer.kind == LayerKind.ANNOTATOR.value and layer.owner_label.lower() == ref.lower():
            return layer
    return None


def select_pairs(
    session: Session,
    project: Project,
    pair_refs: Sequence[str] = (),
    *,
    layer_ref: str = "gold",
    all_pairs: bool = False,
) -> list[tuple[int, int | None]]:
    """Return (pair id, layer id or None) of every pair to export, in pair order.

    For the gold layer only adjudicated gold counts unless all_pairs; other layers export every
    pair that has them (all_pairs: every pair, an absent layer exported empty). pair_refs (ids
    or names) narrow the choice; an unknown one is an InputError.
    """
    pairs = list(
        session.scalars(
            select(DocumentPair)
            .where(DocumentPair.project_id == project.id)
            .order_by(DocumentPair.id)
        )
    )
    if pair_refs:
        by_ref = {str(p.id): p for p in pairs} | {p.name: p for p in pairs}
        missing = [ref for ref in pair_refs if ref not in by_ref]
        if missing:
            raise InputError(f"no pair {', '.join(map(repr, missing))} in project {project.name!r}")
        chosen = {by_ref[ref].id for ref in pair_refs}
        pairs = [p for p in pairs if p.id in chosen]
    selected = []
    for pair in pairs:
        layer = _layer_of(pair, layer_ref)
        adjudicated = layer is not None and layer.status == LayerStatus.ADJUDICATED.value
        if layer_ref == LayerKind.GOLD.value and not adjudicated and not all_pairs:
            continue
        if layer is None and not all_pairs:
            continue
        selected.append((pair.id, layer.id if layer is not None else None))
    return selected


def iter_export_pairs(
    session: Session,
    selected: Sequence[tuple[int, int | None]],
    *,
    confirmed_only: bool,
    layer_ref: str = "gold",
) -> Iterator[ExportPair]:
    """Yield each selected pair read from the store, one at a time."""
    for pair_id, layer_id in selected:
        pair = session.get(DocumentPair, pair_id)
        assert pair is not None
        layer = session.get(Layer, layer_id) if layer_id is not None else None
        yield read_pair(session, pair, layer, confirmed_only=confirmed_only, absent=layer_ref)
        session.expunge_all()  # constant memory: nothing of this pair stays in the session
