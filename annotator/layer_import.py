"""Storing a layer read from a file (InterText, TMX, XLIFF, bead files, our JSONL) into a project.

A file's two texts are matched against the project's pairs by checksum: a second annotator's
file of the same texts adds a layer to the existing pair instead of a new pair. A new pair
gets its automatic layer as a plain import does (the file's sentences and the aligner's
proposal), unless the file itself goes into the automatic layer. A layer that already holds
annotations is never overwritten: the file is skipped and the report says why. Everything runs
in the caller's transaction, so one bad file stores nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from annotator.alignment.beads import AlignedBead
from annotator.audit import record
from annotator.errors import AnnotatorError, InputError
from annotator.formats.document import ExportPair, ExportSide
from annotator.importing import existing_pair, propose_alignment, unique_name
from annotator.layer_writes import insert_links, replace_alignment, replace_segmentation
from annotator.layers import find_layer, new_layer
from annotator.model import (
    Annotator,
    Bead,
    BeadStatus,
    Document,
    DocumentPair,
    Layer,
    LayerKind,
    LayerStatus,
    Mention,
    Project,
    Side,
)
from annotator.projects import get_or_create_annotator
from annotator.review.roles import require_reviewer
from annotator.text.script import direction_for_language
from annotator.text.tokens import count_tokens


@dataclass(frozen=True)
class LayerTarget:
    """Where a file's annotations go: the automatic layer, the gold, or an annotator's layer."""

    kind: LayerKind
    annotator: str | None = None

    @classmethod
    def parse(cls, ref: str) -> LayerTarget:
        """Return the target named by `automatic`, `gold` or an annotator's name."""
        ref = ref.strip()
        if not ref:
            raise InputError("--layer needs automatic, gold or an annotator's name")
        if ref.lower() in (LayerKind.AUTOMATIC.value, LayerKind.GOLD.value):
            return cls(LayerKind(ref.lower()))
        return cls(LayerKind.ANNOTATOR, ref)

    def label(self) -> str:
        """Return how people name the layer."""
        return self.annotator if self.annotator is not None else self.kind.value


@dataclass(frozen=True)
class LayerFile:
    """One pair's layer read from a file, with where it came from and where it should go."""

    origin: str
    pair: ExportPair
    target: LayerTarget


@dataclass
class LayerImportReport:
    """What an import of layer files did."""

    imported: list[tuple[int, str, str, int]] = field(
        default_factory=list
    )  # id, name, layer, beads
    new_pairs: int = 0
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def checksum(text: str) -> str:
    """Return the checksum a document's text is matched by (as for plain imports)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _existing_pair(session: Session, project: Project, item: ExportPair) -> DocumentPair | None:
    return existing_pair(session, project, checksum(item.source.text), checksum(item.target.text))


def _document(side: ExportSide, language: str, name: str, origin: str) -> Document:
    if not side.text.strip():
        raise InputError(f"{origin}: the {language} text is empty")
    direction = side.direction or direction_for_language(language)
    return Document(
        language=language,
        direction=direction,
        text=side.text,
        char_count=len(side.text),
        token_count=count_tokens(side.text),
        checksum=checksum(side.text),
        original_name=name or origin,
        encoding="utf-8",
        normalization="NFC",
        import_notes=[],
    )


def _is_empty(session: Session, layer: Layer) -> bool:
    for model in (Bead, Mention):
        if session.scalar(select(func.count()).where(model.layer_id == layer.id)):
            return False
    return True


def _fill(session: Session, layer: Layer, item: ExportPair, origin: str) -> None:
    """Write the file's sentences, beads, mentions and links into an empty layer."""
    for side in Side:
        replace_segmentation(session, layer, side, item.side(side).sentences)
    if item.beads:
        replace_alignment(
            session,
            layer,
            [AlignedBead(b.source, b.target, b.score) for b in item.beads],
            statuses=[BeadStatus(b.status) for b in item.beads],
            crossing=True,
        )
    new_ids: dict[int, int] = {}
    for m in item.mentions:
        text = item.side(m.side).text
        if not 0 <= m.start < m.end <= len(text):
            raise InputError(f"{origin}: mention {m.id} [{m.start}, {m.end}) is outside the text")
        surface = text[m.start : m.end]
        if m.surface and m.surface != surface:
            raise InputError(
                f"{origin}: mention {m.id} says {m.surface!r} but the text there is {surface!r}"
            )
        mention = Mention(
            layer=layer,
            side=m.side,
            start=m.start,
            end=m.end,
            label=m.label,
            surface=surface,
            no_counterpart=m.no_counterpart,
        )
        session.add(mention)
        session.flush()
        if m.id in new_ids:
            raise InputError(f"{origin}: mention id {m.id} is used twice")
        new_ids[m.id] = mention.id
    for a, b in item.links:
        if a not in new_ids or b not in new_ids:
            raise InputError(
                f"{origin}: a link names mention {a if a not in new_ids else b}, absent"
            )
    insert_links(session, layer, [(new_ids[a], new_ids[b]) for a, b in item.links])


def _layer_for(
    session: Session, pair: DocumentPair, target: LayerTarget, actor: Annotator | str
) -> tuple[Layer, bool]:
    """Return the target layer of the pair (created if absent) and whether it was there."""
    annotator = None
    if target.kind is LayerKind.ANNOTATOR:
        assert target.annotator is not None
        annotator = get_or_create_annotator(
            session, target.annotator, actor=actor if isinstance(actor, str) else actor.name
        )
    layer = find_layer(session, pair, target.kind, annotator)
    if layer is not None:
        return layer, True
    return new_layer(session, pair, target.kind, annotator), False


def _store_one(
    session: Session,
    project: Project,
    file: LayerFile,
    actor: Annotator | str,
    report: LayerImportReport,
) -> None:
    item, target = file.pair, file.target
    languages = (item.source.language, item.target.language)
    wanted = (project.source_lang, project.target_lang)
    if any(
        given.split("-")[0].lower() != want.split("-")[0].lower()
        for given, want in zip(languages, wanted, strict=True)
    ):
        raise InputError(
            f"{file.origin}: languages {languages[0]}→{languages[1]} are not the project's "
            f"{wanted[0]}→{wanted[1]}"
        )
    if target.kind is LayerKind.GOLD:
        require_reviewer(session, actor, "import into the gold layer")
    pair = _existing_pair(session, project, item)
    created = pair is None
    if pair is None:
        name = unique_name(session, project, item.name or "pair", set())
        if name != (item.name or "pair"):  # same name, other texts: say so, never silently
            report.warnings.append(
                f"{file.origin}: a pair named {item.name!r} exists with other texts; imported as "
                f"a new pair {name!r} (TMX and XLIFF carry segments, not the documents' text)"
            )
        pair = DocumentPair(
            project=project,
            name=name,
            source=_document(item.source, project.source_lang, item.source_name, file.origin),
            target=_document(item.target, project.target_lang, item.target_name, file.origin),
        )
        session.add(pair)
        session.flush()
        report.new_pairs += 1
        if target.kind is not LayerKind.AUTOMATIC:  # every pair starts from a proposal
            automatic = new_layer(session, pair, LayerKind.AUTOMATIC)
            for side in Side:
                replace_segmentation(session, automatic, side, item.side(side).sentences)
            propose_alignment(session, automatic)
    layer, existed = _layer_for(session, pair, target, actor)
    if existed and not _is_empty(session, layer):
        report.skipped.append(
            f"{file.origin}: pair {pair.id} {pair.name!r} already holds annotations in its"
            f" {target.label()} layer; not replaced"
        )
        return
    _fill(session, layer, item, file.origin)
    if item.layer_status in (s.value for s in LayerStatus) and item.layer_status != "new":
        layer.status = item.layer_status
    elif target.kind is LayerKind.GOLD:
        layer.status = LayerStatus.ADJUDICATED.value  # an imported gold file is the gold
    elif target.kind is LayerKind.ANNOTATOR:
        layer.status = LayerStatus.DONE.value  # an annotator's finished work, as a file
    session.flush()
    record(
        session,
        actor,
        "import_layer",
        project_id=project.id,
        pair_id=pair.id,
        layer_id=layer.id,
        origin=file.origin,
        new_pair=created,
        beads=len(item.beads),
        mentions=len(item.mentions),
        links=len(item.links),
    )
    report.imported.append((pair.id, pair.name, target.label(), len(item.beads)))


def import_layer_files(
    session: Session,
    project: Project,
    files: Sequence[LayerFile],
    actor: Annotator | str,
    progress: Callable[[str], None] | None = None,
) -> LayerImportReport:
    """Store every file's layer in the caller's transaction; errors name their file."""
    report = LayerImportReport()
    for file in files:
        if progress is not None:
            progress(file.origin)
        try:
            _store_one(session, project, file, actor, report)
        except AnnotatorError as exc:
            message = str(exc)
            if file.origin not in message:
                message = f"{file.origin}: {message}"
            raise InputError(message) from None
    return report
