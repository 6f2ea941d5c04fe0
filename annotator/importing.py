"""Importing document pairs: a pair of files, a folder of pairs, or one-sentence-per-line files.

Every file is read, decoded, checked, segmented and aligned before anything is written, and the
whole import is then written in one short transaction: a corpus with one bad file imports
nothing, and the store's write lock is held for the writing only (`import_into_store`), so the
window stays usable while a long import reads and aligns.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from annotator.alignment.beads import AlignedBead
from annotator.alignment.embedding_cache import (
    BufferedEmbeddingCache,
    EmbeddingCache,
    SessionEmbeddingCache,
)
from annotator.alignment.engine import align, choose_engine
from annotator.alignment.gale_church import align_lengths, text_length
from annotator.alignment.health import NOTE_PREFIX, suspicion
from annotator.alignment.pair_alignment import align_layer_sentences, shared_linked_names
from annotator.audit import record
from annotator.errors import AnnotatorError, InputError
from annotator.layer_writes import replace_aligned, replace_alignment
from annotator.layers import new_layer
from annotator.model import (
    Annotator,
    BeadStatus,
    Document,
    DocumentPair,
    Layer,
    LayerKind,
    Project,
)
from annotator.pairing import PairFiles
from annotator.store import Store
from annotator.store.serialize import serialize
from annotator.text.long_sentences import MAX_SENTENCE_CHARS, cut_long_sentences
from annotator.text.script import Direction, detect_direction, direction_for_language
from annotator.text.segmentation import paragraph_numbers, sentences_of
from annotator.text.textfile import MAX_DOCUMENT_BYTES, DecodedText, read_text_file
from annotator.text.tokens import count_tokens

Span = tuple[int, int]
Progress = Callable[[str, str], None]


@dataclass(frozen=True)
class ImportOptions:
    """How to read the files: pre-segmented lines or running text, and direction overrides."""

    presegmented: bool = False
    source_direction: Direction | None = None
    target_direction: Direction | None = None
    max_bytes: int = MAX_DOCUMENT_BYTES  # per file


@dataclass(frozen=True)
class PreparedSide:
    """One decoded, segmented document ready to be stored."""

    path: Path
    decoded: DecodedText
    language: str
    direction: Direction
    sentences: list[Span]
    notes: tuple[str, ...] = ()  # what the import did to the text (kept with the document)
    token_count: int = 0


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
    path: Path, language: str, direction: Direction | None, options: ImportOptions
) -> tuple[PreparedSide, list[str]]:
    decoded = read_text_file(path, options.max_bytes)
    detected = detect_direction(decoded.text)
    warnings = []
    if direction is None and detected != direction_for_language(language):
        warnings.append(
            f"{path.name}: text looks {detected.upper()} but its language {language!r} is written "
            f"{direction_for_language(language).upper()}; check the file order or the project's "
            f"languages (direction set from the text: {detected})"
        )
    found = sentences_of(decoded.text, language, options.presegmented)
    if not found:
        raise InputError(f"{path}: no sentence found")
    sentences, cut = cut_long_sentences(decoded.text, found)
    notes = [*decoded.changes]
    if cut:
        notes.append(
            f"{cut} sentence{'s' if cut > 1 else ''} longer than {MAX_SENTENCE_CHARS:,} "
            "characters cut into pieces"
        )
        warnings.append(f"{path.name}: {notes[-1]}")
    side = PreparedSide(
        path,
        decoded,
        language,
        direction or detected,
        sentences,
        tuple(notes),
        count_tokens(decoded.text),
    )
    return side, warnings


def prepare_pair(files: PairFiles, project: Project, options: ImportOptions) -> PreparedPair:
    """Read, decode and segment both files of a pair; raise InputError naming a bad file."""
    return _prepare(files, project.source_lang, project.target_lang, options)


def _prepare(
    files: PairFiles, source_lang: str, target_lang: str, options: ImportOptions
) -> PreparedPair:
    src, w1 = _prepare_side(files.source, source_lang, options.source_direction, options)
    tgt, w2 = _prepare_side(files.target, target_lang, options.target_direction, options)
    return PreparedPair(files.name, src, tgt, tuple(w1 + w2))


@dataclass(frozen=True)
class AlignedPair:
    """A prepared pair with the aligner's proposal; beads None when it was already stored."""

    prepared: PreparedPair
    beads: list[AlignedBead] | None
    warnings: tuple[str, ...] = ()


# Pairs written per transaction by import_into_store: about half a second of the write lock,
# then a pause in which other writers (the window) take their turn.
WRITE_BATCH: Final = 100
BATCH_PAUSE: Final = 0.25  # SQLite's busy handler retries every 100 ms: a shorter gap is missed

# Characters of a pair's two texts up to which an import aligns with sentence embeddings; the
# embedder runs at about 40,000 characters a second here and its memory grows with the text
# (1 MB: 58 s, 1.7 GB). A longer pair is aligned by sentence lengths, and says so.
EMBEDDING_LIMIT: Final = 300_000


def embedding_note(prepared: PreparedPair) -> str | None:
    """Return the warning for a pair too long for the embedding aligner, None if it is not."""
    size = len(prepared.source.decoded.text) + len(prepared.target.decoded.text)
    if size <= EMBEDDING_LIMIT:
        return None
    return (
        f"{prepared.name}: {size:,} characters, over the {EMBEDDING_LIMIT:,} the embedding "
        "aligner takes at import; aligned by sentence lengths (run `annotator align` with "
        "--engine embedding to use it anyway)"
    )


def align_prepared(
    prepared: PreparedPair,
    known_names: Sequence[tuple[str, str]],
    cache: EmbeddingCache | None,
) -> AlignedPair:
    """Propose beads for a prepared pair, as the automatic layer of a stored one would get."""
    sides = (prepared.source, prepared.target)
    note = embedding_note(prepared)
    if note is not None:  # what align(engine="length") does, without a copy of each sentence
        lengths = [
            [text_length(side.decoded.text[s:e]) for s, e in side.sentences] for side in sides
        ]
        return AlignedPair(prepared, align_lengths(lengths[0], lengths[1]), (note,))
    texts = [[side.decoded.text[s:e] for s, e in side.sentences] for side in sides]
    paragraphs = [paragraph_numbers(side.decoded.text, side.sentences) for side in sides]
    beads = align(
        texts[0],
        texts[1],
        prepared.source.language,
        prepared.target.language,
        cache=cache,
        src_paragraphs=paragraphs[0],
        tgt_paragraphs=paragraphs[1],
        known_names=known_names,
    )
    return AlignedPair(prepared, beads)


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
        token_count=side.token_count,
        checksum=d.checksum,
        original_name=side.path.name,
        encoding=d.encoding,
        normalization=d.normalization,
        import_notes=list(side.notes),
    )


def unique_name(session: Session, project: Project, name: str, taken: set[str]) -> str:
    """Return name, or "name (2)", "name (3)"… when the project or `taken` has it already."""
    existing = set(
        session.scalars(select(DocumentPair.name).where(DocumentPair.project_id == project.id))
    )
    return _free_name(name, existing | taken)


def _free_name(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
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
    aligned: AlignedPair,
    actor: Annotator | str,
    *,
    name: str | None = None,
) -> DocumentPair:
    """Store an aligned pair with its automatic layer: the sentences and the proposal."""
    prepared = aligned.prepared
    pair = DocumentPair(
        project=project,
        name=name or prepared.name,
        source=_document(prepared.source),
        target=_document(prepared.target),
    )
    session.add(pair)
    session.flush()
    layer = new_layer(session, pair, LayerKind.AUTOMATIC)
    beads = aligned.beads
    if beads is None:  # stored when the import read it, removed since: align it here
        beads = align_prepared(prepared, shared_linked_names(session, project.id), None).beads
        assert beads is not None
    spans = (prepared.source.sentences, prepared.target.sentences)
    replace_aligned(session, layer, spans, beads, [BeadStatus.AUTOMATIC] * len(beads))
    doubt = suspicion(beads)
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


def _stored_pairs(session: Session, project_id: int) -> dict[tuple[str, str], tuple[int, str]]:
    """Return the project's pairs by their texts' checksums: (id, name)."""
    src, tgt = aliased(Document), aliased(Document)
    rows = session.execute(
        select(src.checksum, tgt.checksum, DocumentPair.id, DocumentPair.name)
        .join(src, DocumentPair.source_document_id == src.id)
        .join(tgt, DocumentPair.target_document_id == tgt.id)
        .where(DocumentPair.project_id == project_id)
    )
    return {(a, b): (pair_id, name) for a, b, pair_id, name in rows}


def _key(prepared: PreparedPair) -> tuple[str, str]:
    return prepared.source.decoded.checksum, prepared.target.decoded.checksum


def _read_all(
    files: Sequence[PairFiles],
    source_lang: str,
    target_lang: str,
    options: ImportOptions,
    progress: Progress | None,
) -> list[PreparedPair]:
    prepared = []
    for f in files:
        prepared.append(_prepare(f, source_lang, target_lang, options))
        if progress is not None:
            progress("read", f.name)
    return prepared


def _align_all(
    prepared: Sequence[PreparedPair],
    stored: set[tuple[str, str]],
    known_names: Sequence[tuple[str, str]],
    cache: EmbeddingCache,
    progress: Progress | None,
) -> list[AlignedPair]:
    aligned = []
    seen: set[tuple[str, str]] = set()
    for p in prepared:
        key = _key(p)
        if key in stored or key in seen:  # skipped when stored: no need to align it
            aligned.append(AlignedPair(p, None))
        else:
            aligned.append(align_prepared(p, known_names, cache))
        seen.add(key)
        if progress is not None:
            progress("aligned", p.name)
    return aligned


def _store_all(
    session: Session,
    project: Project,
    aligned: Sequence[AlignedPair],
    actor: Annotator | str,
    progress: Progress | None,
) -> ImportReport:
    report = ImportReport()
    serialize(session, "import", project.id)  # two imports of one folder: the second skips
    stored = _stored_pairs(session, project.id)
    taken = set(
        session.scalars(select(DocumentPair.name).where(DocumentPair.project_id == project.id))
    )
    seen: dict[tuple[str, str], str] = {}
    for a in aligned:
        p = a.prepared
        key = _key(p)
        report.warnings.extend(p.warnings + a.warnings)
        if key in stored:
            report.duplicates.append((p.name, *stored[key]))
        elif key in seen:
            report.duplicates.append((p.name, -1, seen[key]))
        else:
            name = _free_name(p.name, taken)
            taken.add(name)
            seen[key] = name
            pair = store_pair(session, project, a, actor, name=name)
            report.imported.append((pair.id, pair.name))
            for note in pair.source.import_notes:
                if note.startswith(NOTE_PREFIX):
                    report.warnings.append(f"{pair.name}: {note}")
        if progress is not None:
            progress("stored", p.name)
    return report


def import_pairs(
    session: Session,
    project: Project,
    files: Sequence[PairFiles],
    actor: Annotator | str,
    options: ImportOptions = ImportOptions(),
    progress: Progress | None = None,
) -> ImportReport:
    """Read, align and store the pairs in the caller's transaction; skip pairs already stored.

    `progress(step, name)` is called after each pair is read ("read"), aligned ("aligned") and
    stored or skipped ("stored"): 3 calls per pair. The caller's transaction is open, and on
    SQLite holds the write lock, throughout: for small imports and tests. A user's import goes
    through `import_into_store`.
    """
    prepared = _read_all(files, project.source_lang, project.target_lang, options, progress)
    stored = set(_stored_pairs(session, project.id))
    known = shared_linked_names(session, project.id)
    aligned = _align_all(prepared, stored, known, SessionEmbeddingCache(session), progress)
    return _store_all(session, project, aligned, actor, progress)


def import_into_store(
    store: Store,
    project_id: int,
    files: Sequence[PairFiles],
    actor: Annotator | str,
    options: ImportOptions = ImportOptions(),
    progress: Progress | None = None,
) -> ImportReport:
    """Import as import_pairs does, taking the write lock only to write.

    Reading, segmenting and aligning use short read transactions that block no writer; new
    embedding vectors are kept in memory and written with the pairs. Every file is read and
    checked before the first write, so bad input stores nothing. Up to WRITE_BATCH pairs are
    written in one transaction; a larger import commits a batch at a time, so no writer waits
    long. Should a batch fail (a full disk), the batches before it stay stored and the error
    says how many pairs they hold: importing the same files again skips those and stores the
    rest.
    """
    with store.read() as session:
        project = session.get(Project, project_id)
        if project is None:
            raise InputError(f"no project {project_id} in the store")
        languages = project.source_lang, project.target_lang
        known = shared_linked_names(session, project_id)
        stored = set(_stored_pairs(session, project_id))
    prepared = _read_all(files, *languages, options, progress)
    cache = BufferedEmbeddingCache(store)
    aligned = _align_all(prepared, stored, known, cache, progress)
    report = ImportReport()
    for first in range(0, len(aligned), WRITE_BATCH):
        try:
            with store.write() as session:
                project = session.get(Project, project_id)
                if project is None:
                    raise InputError(f"project {project_id} was removed during the import")
                batch = _store_all(
                    session, project, aligned[first : first + WRITE_BATCH], actor, progress
                )
                if first + WRITE_BATCH >= len(aligned):
                    cache.flush(session)
        except AnnotatorError as exc:
            if report.imported:  # earlier batches are in: say so, and how to finish
                raise type(exc)(
                    f"{exc} ({len(report.imported)} pairs were stored before this; import "
                    "the same files again to store the rest: stored pairs are skipped)"
                ) from exc
            raise
        report.imported += batch.imported
        report.duplicates += batch.duplicates
        report.warnings += batch.warnings
        store.checkpoint()  # fold this batch's log into the store now, not in a later edit
        if first + WRITE_BATCH < len(aligned):
            # SQLite hands the lock to no one in particular: back to back, or with pauses
            # shorter than its retry interval, the batches starved a waiting writer (76 s).
            time.sleep(BATCH_PAUSE)
    return report
