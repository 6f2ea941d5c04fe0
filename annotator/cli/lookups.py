"""Finding what a command names: a stored pair by id, a layer of it by kind, owner or id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from annotator.model import DocumentPair, Layer
    from annotator.pairing import FolderPairs


def get_pair(session: Session, pair_id: int) -> DocumentPair:
    """Return the stored pair with this id, or raise InputError pointing at `annotator list`."""
    from annotator.model import DocumentPair

    pair = session.get(DocumentPair, pair_id)
    if pair is None:
        raise InputError(f"no pair {pair_id}; `annotator list PROJECT` shows the pairs")
    return pair


def pick_layer(pair: DocumentPair, ref: str) -> Layer:
    """Return the pair's layer named by kind, owner or id, or raise InputError listing them."""
    from annotator.model import LayerKind

    for layer in pair.layers:
        if ref in (layer.kind, layer.owner_label, str(layer.id)) and (
            ref != LayerKind.ANNOTATOR.value
        ):
            return layer
    names = ", ".join(sorted({layer.owner_label for layer in pair.layers}))
    raise InputError(f"pair {pair.id} has no layer {ref!r} (layers: {names})")


def find_pair(session: Session, ref: str, project_ref: str | None = None) -> DocumentPair:
    """Return the pair with this id, or this name in the project (the only one if omitted)."""
    from sqlalchemy import select

    from annotator.model import DocumentPair
    from annotator.projects import find_project

    if ref.isdigit():
        return get_pair(session, int(ref))
    project = find_project(session, project_ref)
    pair = session.scalar(
        select(DocumentPair).where(DocumentPair.project_id == project.id, DocumentPair.name == ref)
    )
    if pair is None:
        raise InputError(f"no pair {ref!r} in project {project.name!r}")
    return pair


def parse_suffixes(value: str | None) -> tuple[str, str] | None:
    """Return the SRC,TGT file-name suffixes given on the command line, or None."""
    if value is None:
        return None
    parts = [part.strip().lstrip(".") for part in value.split(",")]
    if len(parts) != 2 or not all(parts):
        raise InputError(f"--suffixes takes two suffixes, SRC,TGT (e.g. eng,ara), not {value!r}")
    return parts[0], parts[1]


def warn_skipped(found: FolderPairs) -> None:
    """Print one warning line listing the files of a folder that make no pair."""
    from annotator.cli.app import err

    if found.skipped:
        err.print(
            f"warning: skipped {len(found.skipped)} file(s) that are not pairs: "
            f"{found.skipped_summary()}",
            markup=False,
        )
