"""Pairs: `annotator import`, `annotator show` and `annotator segment`."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from annotator.cli.app import actor, app, echo, err, open_store, out, progress_bar
from annotator.cli.lookups import get_pair, parse_suffixes, pick_layer, warn_skipped
from annotator.errors import InputError
from annotator.text.script import Direction
from annotator.text.textfile import MAX_DOCUMENT_BYTES

if TYPE_CHECKING:
    pass


@app.command("import")
def import_(
    source: Annotated[
        Path,
        typer.Argument(
            help="Source-language file, or a folder of NAME.<src> + NAME.<tgt> pairs "
            "(with or without .txt).",
            readable=False,  # the reader says why a file cannot be read, in one line
        ),
    ],
    target: Annotated[
        Path | None,
        typer.Argument(help="Target-language file (omit for a folder).", readable=False),
    ] = None,
    project_ref: Annotated[
        str | None,
        typer.Option(
            "--project",
            "-p",
            help="Project name or id (may be omitted when the store has one project).",
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="Name of the pair (default: the files' common stem).")
    ] = None,
    presegmented: Annotated[
        bool,
        typer.Option(
            "--presegmented",
            help="Files hold one sentence per line; keep the lines as the sentences.",
        ),
    ] = False,
    suffixes: Annotated[
        str | None,
        typer.Option(
            "--suffixes",
            metavar="SRC,TGT",
            help="File-name suffixes of a folder's pairs when they are not the languages "
            "(e.g. eng,ara for NAME.eng + NAME.ara).",
        ),
    ] = None,
    source_direction: Annotated[
        Direction | None,
        typer.Option(help="Override the source direction detected from the script."),
    ] = None,
    target_direction: Annotated[
        Direction | None,
        typer.Option(help="Override the target direction detected from the script."),
    ] = None,
    layer: Annotated[
        str | None,
        typer.Option(
            "--layer",
            metavar="automatic|gold|NAME",
            help="For annotation files and --alignment: the layer they go into (default "
            "automatic; a JSONL record's own layer). NAME is an annotator, created if new.",
        ),
    ] = None,
    alignment: Annotated[
        Path | None,
        typer.Option(
            "--alignment",
            metavar="BEADS",
            readable=False,
            help="With two --presegmented files: their alignment, one [i, j]:[k] bead per line.",
        ),
    ] = None,
    max_size: Annotated[
        float,
        typer.Option(
            "--max-size",
            metavar="MB",
            min=0.001,
            help="Refuse a text file larger than this many megabytes (default 20).",
        ),
    ] = MAX_DOCUMENT_BYTES / 1e6,
) -> None:
    """Import plain-text pairs, or annotation files: InterText, TMX, XLIFF 2, our JSONL.

    SOURCE may be a pair's source file (with TARGET), a folder of pairs or of InterText
    alignment files, or one InterText alignment (.xml), TMX, XLIFF or JSONL file.
    Everything is read and checked first and stored in one transaction.
    """
    from annotator.cli.layer_files import import_bead_file, import_layer_paths
    from annotator.formats.readers import alignment_files, is_layer_file
    from annotator.importing import ImportOptions, import_into_store
    from annotator.pairing import PairFiles, find_folder_pairs, pair_name_for
    from annotator.projects import find_project

    options = ImportOptions(
        presegmented, source_direction, target_direction, max_bytes=int(max_size * 1e6)
    )
    if alignment is not None:
        if target is None or source.is_dir():
            raise InputError("--alignment goes with two files: SOURCE TARGET --presegmented")
        import_bead_file(source, target, alignment, project_ref, layer, name, options)
        return
    if is_layer_file(source) or (source.is_dir() and target is None and alignment_files(source)):
        if target is not None:
            raise InputError(f"{source}: an annotation file names its texts; give no TARGET")
        paths = alignment_files(source) if source.is_dir() else [source]
        import_layer_paths(paths, project_ref, layer)
        return
    if layer is not None:
        raise InputError(
            "--layer is for annotation files (InterText, TMX, XLIFF, JSONL) and --alignment;"
            " a plain import fills the automatic layer"
        )
    store = open_store()
    with store.read() as session:
        project = find_project(session, project_ref)
        project_id, project_name = project.id, project.name
        languages = project.source_lang, project.target_lang
    if source.is_dir():
        if target is not None:
            raise InputError("give either a folder or two files, not a folder and a file")
        found = find_folder_pairs(source, *languages, suffixes=parse_suffixes(suffixes))
        warn_skipped(found)
        files = found.pairs
    else:
        if target is None:
            raise InputError(f"{source}: give the target file too (or a folder of pairs)")
        files = [PairFiles(name or pair_name_for(source, target), source, target)]
    with progress_bar() as bar:  # transient: seen only while the import runs
        tasks = {
            step: bar.add_task(label, total=len(files))
            for step, label in (("read", "reading"), ("aligned", "aligning"), ("stored", "storing"))
        }

        def advance(step: str, pair_name: str) -> None:
            bar.update(tasks[step], advance=1, description=f"{step} {pair_name}")

        report = import_into_store(store, project_id, files, actor(), options, progress=advance)
    for warning in report.warnings:
        err.print(f"warning: {warning}")
    for dup_name, dup_id, existing in report.duplicates:
        where = f"pair {dup_id} {existing!r}" if dup_id >= 0 else f"{existing!r} in this import"
        err.print(f"skipped {dup_name!r}: same texts as {where}")
    for pair_id, pair_name in report.imported:
        out.print(f"imported pair {pair_id} {pair_name!r}")
    out.print(
        f"{len(report.imported)} imported, {len(report.duplicates)} already present "
        f"(project {project_name!r})"
    )


@app.command()
def show(
    pair_id: Annotated[int, typer.Argument(help="Pair id (see `annotator list PROJECT`).")],
    layer_ref: Annotated[
        str, typer.Option("--layer", help="automatic, gold, an annotator's name, or a layer id.")
    ] = "automatic",
    logical: Annotated[
        bool | None,
        typer.Option(
            "--logical/--visual",
            help="--visual (the default on a terminal) shapes Arabic and reorders each line for "
            "terminals that do NOT do bidi themselves (xterm, most IDE consoles, Windows "
            "Terminal). --logical (the default into a pipe or file, whose reader does its own "
            "bidi) prints text in stored (logical) order, for terminals that DO bidi (GNOME "
            "Terminal/VTE with bidi on, Konsole, mlterm).",
            show_default=False,
        ),
    ] = None,
    width: Annotated[
        int | None, typer.Option(help="Total width in columns (default: the terminal's).")
    ] = None,
) -> None:
    """Print a pair's sentences side by side, one alignment bead per row."""
    from annotator.errors import PermissionDeniedError
    from annotator.layers import alignment, sentence_spans
    from annotator.model import Side
    from annotator.review.roles import visible_to
    from annotator.text.terminal import Column, render_side_by_side

    store = open_store()
    with store.read() as session:
        pair = get_pair(session, pair_id)
        layer = pick_layer(pair, layer_ref)
        if not visible_to(session, layer, actor()):
            raise PermissionDeniedError(
                f"annotation in project {pair.project.name!r} is blind: the {layer.owner_label} "
                "layer is not yours"
            )
        texts = {side: pair.document(side).text for side in Side}
        spans = {side: sentence_spans(session, layer, side) for side in Side}
        beads = alignment(session, layer)
        sentences = {side: [texts[side][s:e] for s, e in spans[side]] for side in Side}
        rows: list[tuple[str | None, list[str], list[str]]] = []
        if beads:
            for i, b in enumerate(beads):
                label = f"{i + 1} {len(b.src)}:{len(b.tgt)}"
                rows.append(
                    (
                        label,
                        [sentences[Side.SOURCE][k] for k in b.src],
                        [sentences[Side.TARGET][k] for k in b.tgt],
                    )
                )
        else:
            n = max(len(sentences[Side.SOURCE]), len(sentences[Side.TARGET]))
            for i in range(n):
                rows.append(
                    (
                        str(i + 1),
                        sentences[Side.SOURCE][i : i + 1],
                        sentences[Side.TARGET][i : i + 1],
                    )
                )
        left, right = (
            Column(cast(Direction, doc.direction), f"{doc.language} · {doc.original_name}")
            for doc in (pair.source, pair.target)
        )
        heading = f"pair {pair_id} {pair.name!r}, layer {layer.owner_label}"
    total = width or shutil.get_terminal_size((120, 24)).columns
    if logical is None:  # presentation forms belong on a screen, never in a pipe or file
        logical = not sys.stdout.isatty()
    lines = render_side_by_side(rows, left, right, total, "logical" if logical else "visual")
    echo(heading)
    for line in lines:
        echo(line)


@app.command()
def segment(
    file: Annotated[
        Path | None, typer.Argument(help="A text file to split and print, one sentence per line.")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language of FILE (en, ar, fr, de …).")
    ] = None,
    pair_id: Annotated[
        int | None,
        typer.Option(
            "--pair",
            help="Re-segment this stored pair's automatic layer (and re-align it), keeping "
            "the kind of segmentation it has unless --rules or --presegmented is given.",
        ),
    ] = None,
    presegmented: Annotated[
        bool, typer.Option("--presegmented", help="Take each line as a sentence.")
    ] = False,
    rules: Annotated[
        bool,
        typer.Option(
            "--rules",
            help="With --pair: split by sentence rules even if the pair was imported "
            "one sentence per line (default: keep the kind of segmentation it has).",
        ),
    ] = False,
    offsets: Annotated[
        bool,
        typer.Option(
            "--offsets", help="Prefix each sentence with its start and end offsets (code points)."
        ),
    ] = False,
) -> None:
    """Split a file into sentences (printed), or re-segment a stored pair's automatic layer."""
    from annotator.resegment import Mode, resegment_pair
    from annotator.text.segmentation import sentences_of
    from annotator.text.textfile import read_text_file

    if (file is None) == (pair_id is None):
        raise InputError("give either FILE (with --lang) or --pair ID")
    if file is not None:
        if lang is None:
            raise InputError("--lang is needed with FILE")
        text = read_text_file(file).text
        spans = sentences_of(text, lang, presegmented)
        for s, e in spans:
            sentence = text[s:e].replace("\n", " ")
            echo(f"{s}\t{e}\t{sentence}" if offsets else sentence)
        return
    if presegmented and rules:
        raise InputError("give --presegmented or --rules, not both")
    store = open_store()
    with store.write() as session:
        pair = get_pair(session, pair_id)  # type: ignore[arg-type]
        mode: Mode = "lines" if presegmented else "rules" if rules else "keep"
        report = resegment_pair(session, pair, mode, actor())
    echo(report.describe(pair_id))  # type: ignore[arg-type]
