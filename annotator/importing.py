"""Importing document pairs: a pair of files, a folder of pairs, or one-sentence-per-line files.

Every file is read, decoded, checked and segmented before anything is written, and the caller
writes the whole import in one transaction: a corpus with one bad file imports nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from annotator.alignment.beads import AlignedBead
from annotator.alignment.embedding_cache import SessionEmbeddingCache
from annotator.alignment.engine import choose_engine
from annotator.alignment.health import NOTE_PREFIX, suspicion
from annotator.alignment.pair_alignment import align_layer_sentences
from annotator.audit import record
from annotator.errors import InputError
from annotator.layer_writes import replace_alignment, replace_segmentation
from annotator.layers import new_layer
from annotator.model import Annotator, Document, DocumentPair, Layer, LayerKind, Project, Side
from annotator.pairing import PairFiles
from annotator.text.script import Direction, detect_direction, direction_for_language
from annotator.text.segmentation import sentences_of
from annotator.text.textfile import DecodedText, read_text_file
from annotator.text.tokens import count_tokens

Span = tuple[int, int]


@dataclass(frozen=True)
class ImportOptions:
    """How to read the files: pre-segmented lines or running text, and direction overrides."""

    presegmented: bool = False
    source_direction: Direction | None = None
    target_direction: Direction | None = None


@dataclass(frozen=True)
class PreparedSide:
    """One decoded, segmented document ready to be stored."""

    path: Path
    decoded: DecodedText
    language: str
    direction: Direction
    sentences: list[Span]


@dataclass(frozen=True)
class PreparedPair:
    """A pair read and segmented, with its automatic alignment proposal, not yet stored."""

    name: str
    source: PreparedSide
    target: PreparedSide
    warnings: tuple[str, ...] = ()


@dataclass
class ImportReport:
    """What an import did: pairs stored, pairs skipped as already present, warnings."""

    imported: list[tuple[int, str]] = field(default_factory=list)
    duplicates: list[tuple[str, int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _prepare_side(
    path: Path, language: str, direction: Direction | None, presegmented: bool
) -> tuple[PreparedSide, list[str]]:
    decoded = read_text_file(path)
    detected = detect_direction(decoded.text)
    warnings = []
    if direction is None and detected != direction_for_language(language):
        warnings.append(
            f"{path.name}: text looks {detected.upper()} but its language {language!r} is written "
            f"{direction_for_language(language).upper()}; check the file order or the project's "
            f"languages (direction set from the text: {detected})"
        )
    sentences = sentences_of(decoded.text, language, presegmented)
    if not sentences:
        raise InputError(f"{path}: no sentence found")
    side = PreparedSide(path, decoded, language, direction or detected, sentences)
    return side, warnings


def prepare_pair(files: PairFiles, project: Project, options: ImportOptions) -> PreparedPair:
    """Read, decode and segment both files of a pair; raise InputError naming a bad file."""
    src, w1 = _prepare_side(
        files.source, project.source_lang, options.source_direction, options.presegmented
    )
    tgt, w2 = _prepare_side(
        files.target, project.target_lang, options.target_direction, options.presegmented
    )
    return PreparedPair(files.name, src, tgt, tuple(w1 + w2))


def existing_pair(
    session: Session, project: Project, src_sum: str, tgt_sum: str
) -> DocumentPair | None:
    """Return the project's pair whose texts have these checksums, if any."""
    src, tgt = aliased(Document), aliased(Document)
    return session.scalar(
        select(DocumentPair)
        .join(src, DocumentPair.source_document_id == src.id)
        .join(tgt, DocumentPair.target_document_id == tgt.id)
        .where(
            DocumentPair.project_id == project.id, src.checksum == src_sum, tgt.checksum == tgt_sum
        )
    )


def _document(side: PreparedSide) -> Document:
    d = side.decoded
    return Document(
        language=side.language,
        direction=side.direction,
        text=d.text,
        char_count=len(d.text),
        token_count=count_tokens(d.text),
        checksum=d.checksum,
        original_name=side.path.name,
        encoding=d.encoding,
        normalization=d.normalization,
        import_notes=list(d.changes),
    )


def unique_name(session: Session, project: Project, name: str, taken: set[str]) -> str:
    """Return name, or "name (2)", "name (3)"… when the project or `taken` has it already."""
    existing = set(
        session.scalars(select(DocumentPair.name).where(DocumentPair.project_id == project.id))
    )
    candidate, n = name, 2
    while candidate in existing or candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    return candidate


def propose_alignment(session: Session, layer: Layer) -> list[AlignedBead]:
    """Replace the layer's beads with the automatic aligner's proposal; return the beads."""
    beads = align_layer_sentences(session, layer, cache=SessionEmbeddingCache(session))
    replace_alignment(session, layer, beads)
    return beads


def store_pair(
    session: Session,
    project: Project,
    prepared: PreparedPair,
    actor: Annotator | str,
    *,
    name: str | None = None,
) -> DocumentPair:
    """Store a prepared pair with its automatic layer: segmentation plus an aligned proposal."""
    pair = DocumentPair(
        project=project,
        name=name or prepared.name,
        source=_document(prepared.source),
        target=_document(prepared.target),
    )
    session.add(pair)
    session.flush()
    layer = new_layer(session, pair, LayerKind.AUTOMATIC)
    replace_segmentation(session, layer, Side.SOURCE, prepared.source.sentences)
    replace_segmentation(session, layer, Side.TARGET, prepared.target.sentences)
    doubt = suspicion(propose_alignment(session, layer))
    if doubt is not None:  # kept with the documents, so the navigator can mark the pair
        pair.source.import_notes = [*pair.source.import_notes, NOTE_PREFIX + doubt]
    record(
        session,
        actor,
        "import_pair",
        project_id=project.id,
        pair_id=pair.id,
        layer_id=layer.id,
        name=pair.name,
        source_file=str(prepared.source.path),
        target_file=str(prepared.target.path),
        source_checksum=prepared.source.decoded.checksum,
        target_checksum=prepared.target.decoded.checksum,
        sentences=[len(prepared.source.sentences), len(prepared.target.sentences)],
        aligner=choose_engine(project.source_lang, project.target_lang),
    )
    return pair


def import_pairs(
    session: Session,
    project: Project,
    files: Sequence[PairFiles],
    actor: Annotator | str,
    options: ImportOptions = ImportOptions(),
    progress: Callable[[str, str], None] | None = None,
) -> ImportReport:
    """Read every pair first, then store new ones in the caller's transaction; skip duplicates.

    `progress(step, name)` is called after each pair is read ("read") and after each pair is
    segmented, aligned and stored or skipped ("stored"): 2 calls per pair.
    """
    prepared = []
    for f in files:
        prepared.append(prepare_pair(f, project, options))
        if progress is not None:
            progress("read", f.name)
    report = ImportReport()
    seen: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    for p in prepared:
        key = (p.source.decoded.checksum, p.target.decoded.checksum)
        report.warnings.extend(p.warnings)
        existing = existing_pair(session, project, *key)
        if progress is not None:
            progress("stored", p.name)  # before the work: the bar names what runs now
        if existing is not None:
            report.duplicates.append((p.name, existing.id, existing.name))
            continue
        if key in seen:
            report.duplicates.append((p.name, -1, seen[key]))
            continue
        name = unique_name(session, project, p.name, taken)
        taken.add(name)
        seen[key] = name
        pair = store_pair(session, project, p, actor, name=name)
        report.imported.append((pair.id, pair.name))
        for note in pair.source.import_notes:
            if note.startswith(NOTE_PREFIX):
                report.warnings.append(f"{pair.name}: {note}")
    return report
