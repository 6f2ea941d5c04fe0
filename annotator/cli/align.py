"""`annotator align`: two files to bead lines, a folder of pairs to bead files, or a stored pair."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from annotator.cli.app import actor, app, echo, err, open_store, progress_bar
from annotator.cli.lookups import parse_suffixes, warn_skipped
from annotator.errors import AnnotatorError, InputError

if TYPE_CHECKING:
    from annotator.alignment.beads import AlignedBead
    from annotator.alignment.engine import EngineName

ENGINE_NAMES = ("auto", "embedding", "length")


def read_sentences(path: Path, lang: str, presegmented: bool) -> tuple[list[str], list[int] | None]:
    """Read a file as a user gives it: its sentences and, where the text has them, paragraphs."""
    from annotator.text.segmentation import paragraph_numbers, sentences_of
    from annotator.text.textfile import read_text_file

    text = read_text_file(path).text
    spans = sentences_of(text, lang, presegmented)
    if not spans:
        raise InputError(f"{path}: no sentence found")
    return [text[s:e] for s, e in spans], paragraph_numbers(text, spans)


def align_files(
    source: Path,
    target: Path,
    src_lang: str,
    tgt_lang: str,
    *,
    presegmented: bool,
    engine: EngineName,
) -> list[AlignedBead]:
    """Align two files exactly as `annotator align` does (sentences, real paragraphs, engine)."""
    from annotator.alignment.engine import align

    src, src_paragraphs = read_sentences(source, src_lang, presegmented)
    tgt, tgt_paragraphs = read_sentences(target, tgt_lang, presegmented)
    return align(
        src,
        tgt,
        src_lang,
        tgt_lang,
        engine=engine,
        src_paragraphs=src_paragraphs,
        tgt_paragraphs=tgt_paragraphs,
    )


def bead_lines(beads: list[AlignedBead], scores: bool) -> list[str]:
    """Return one `[i, j]:[k]` line per bead, with `:score` appended when asked."""
    from annotator.alignment.beads import format_bead

    lines = []
    for bead in beads:
        line = format_bead(bead)
        lines.append(f"{line}:{bead.score:.4f}" if scores and bead.score is not None else line)
    return lines


def _write_atomically(path: Path, text: str) -> None:
    """Write a file whole or not at all: a temporary file beside it, renamed over it."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _align_folder(
    folder: Path,
    out_dir: Path,
    src_lang: str,
    tgt_lang: str,
    *,
    presegmented: bool,
    engine: EngineName,
    scores: bool,
    suffixes: tuple[str, str] | None = None,
) -> int:
    """Align every pair of a folder into OUTDIR/NAME.beads; return the number that failed."""
    from annotator.alignment.engine import choose_engine
    from annotator.pairing import find_folder_pairs

    found = find_folder_pairs(folder, src_lang, tgt_lang, suffixes=suffixes)
    warn_skipped(found)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: exists and is not a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    choose_engine(src_lang, tgt_lang, engine)  # a language the engine cannot do fails up front
    failed: list[str] = []
    with progress_bar("aligning {task.description}") as bar:
        task = bar.add_task("pairs", total=len(found.pairs))
        for files in found.pairs:
            bar.update(task, description=files.name)
            try:
                beads = align_files(
                    files.source,
                    files.target,
                    src_lang,
                    tgt_lang,
                    presegmented=presegmented,
                    engine=engine,
                )
            except AnnotatorError as exc:
                failed.append(files.name)
                err.print(
                    f"error: {files.name}: {exc} (no {files.name}.beads written)", markup=False
                )
            else:
                text = "\n".join(bead_lines(beads, scores)) + "\n"
                _write_atomically(out_dir / f"{files.name}.beads", text)
            bar.advance(task)
    written = len(found.pairs) - len(failed)
    err.print(
        f"{written} of {len(found.pairs)} pairs aligned into {out_dir}"
        + (f"; failed: {', '.join(failed)}" if failed else ""),
        markup=False,
    )
    return len(failed)


def _align_stored_pair(pair_id: int, engine: EngineName) -> None:
    """Re-align a stored pair's automatic layer and record it in the audit trail."""
    from annotator.alignment.embedding_cache import MemoryEmbeddingCache
    from annotator.alignment.engine import LOW_CONFIDENCE
    from annotator.alignment.pair_alignment import align_layer_sentences
    from annotator.audit import record
    from annotator.cli.lookups import get_pair
    from annotator.layer_writes import replace_alignment
    from annotator.layers import automatic_layer

    store = open_store()
    with store.write() as session:
        pair = get_pair(session, pair_id)
        layer = automatic_layer(session, pair)
        beads = align_layer_sentences(session, layer, engine=engine, cache=MemoryEmbeddingCache())
        replace_alignment(session, layer, beads)
        record(
            session,
            actor(),
            "align",
            project_id=pair.project_id,
            pair_id=pair.id,
            layer_id=layer.id,
            engine=engine,
            beads=len(beads),
        )
    low = sum(1 for b in beads if b.score is not None and b.score < LOW_CONFIDENCE)
    echo(f"pair {pair_id}: {len(beads)} beads in the automatic layer, {low} low-confidence")


@app.command("align")
def align_(
    source: Annotated[
        Path | None, typer.Argument(help="Source-language file, or a folder of pairs.")
    ] = None,
    target: Annotated[Path | None, typer.Argument(help="Target-language file.")] = None,
    src_lang: Annotated[str | None, typer.Option("--src-lang", help="Language of SOURCE.")] = None,
    tgt_lang: Annotated[str | None, typer.Option("--tgt-lang", help="Language of TARGET.")] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="With a folder: write OUTDIR/NAME.beads for each pair."
        ),
    ] = None,
    pair_id: Annotated[
        int | None,
        typer.Option(
            "--pair", help="Align this stored pair and write its automatic layer instead."
        ),
    ] = None,
    presegmented: Annotated[
        bool,
        typer.Option(
            "--presegmented",
            help="Files hold one sentence per line (a blank line marks a paragraph break).",
        ),
    ] = False,
    engine: Annotated[
        str,
        typer.Option(
            help="auto (embeddings where the model covers both languages, else length), "
            "embedding, or length (Gale-Church)."
        ),
    ] = "auto",
    scores: Annotated[
        bool, typer.Option("--scores", help="Append each bead's score as a third field.")
    ] = False,
    suffixes: Annotated[
        str | None,
        typer.Option(
            "--suffixes",
            metavar="SRC,TGT",
            help="With a folder: file-name suffixes when they are not the languages (eng,ara).",
        ),
    ] = None,
) -> None:
    """Align two files and print one bead per line, or a folder of pairs, or a stored pair.

    Beads are printed as [i, j]:[k] lines, 0-based sentence numbers: [4, 5]:[3] is two source
    sentences to one target sentence, [0]:[] a source sentence with no counterpart.

    A folder holds pairs named NAME.SRC + NAME.TGT (with or without .txt); each pair's beads go
    to OUTDIR/NAME.beads, the model loads once. A pair that cannot be read is reported and
    skipped; the others are still written, and the exit code is then 2.
    """
    if engine not in ENGINE_NAMES:
        raise InputError(f"unknown engine {engine!r}: use auto, embedding or length")
    chosen: EngineName = engine  # type: ignore[assignment]
    if pair_id is not None:
        if source is not None or target is not None:
            raise InputError("give either two files or --pair ID, not both")
        _align_stored_pair(pair_id, chosen)
        return
    if source is None or src_lang is None or tgt_lang is None:
        raise InputError(
            "give SOURCE and TARGET (or a FOLDER with -o OUTDIR) with --src-lang and --tgt-lang, "
            "or --pair ID"
        )
    if source.is_dir():
        if target is not None:
            raise InputError("give either a folder or two files, not a folder and a file")
        if output is None:
            raise InputError(f"{source} is a folder: give -o OUTDIR for the bead files")
        failures = _align_folder(
            source,
            output,
            src_lang,
            tgt_lang,
            presegmented=presegmented,
            engine=chosen,
            scores=scores,
            suffixes=parse_suffixes(suffixes),
        )
        if failures:
            raise typer.Exit(2)
        return
    if target is None:
        raise InputError(f"{source}: give the target file too (or a folder of pairs)")
    beads = align_files(
        source, target, src_lang, tgt_lang, presegmented=presegmented, engine=chosen
    )
    lines = bead_lines(beads, scores)
    if output is not None:
        _write_atomically(output, "\n".join(lines) + "\n")
    else:
        echo("\n".join(lines))
