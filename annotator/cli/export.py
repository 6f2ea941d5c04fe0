"""`annotator export`: a project's pairs in one of the registered formats, with a report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotator.cli.app import app, err, open_store, out
from annotator.errors import InputError

# The names of annotator.formats.FORMATS, for --help without importing the formats.
FORMAT_NAMES = ("jsonl", "tmx", "moses", "tsv", "beads")


@app.command("export")
def export(
    project_ref: Annotated[str, typer.Argument(help="Project name or id.")],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="File (jsonl, tsv), stem (moses: PATH.en + PATH.ar) or folder."
        ),
    ],
    format_name: Annotated[
        str, typer.Option("--format", "-f", help=f"One of {', '.join(FORMAT_NAMES)}.")
    ] = "jsonl",
    layer_ref: Annotated[
        str,
        typer.Option("--layer", help="gold (the default), automatic, or an annotator's name."),
    ] = "gold",
    pair_refs: Annotated[
        list[str] | None,
        typer.Option("--pair", help="Export only this pair (id or name); repeat for more."),
    ] = None,
    all_pairs: Annotated[
        bool,
        typer.Option(
            "--all-pairs",
            help="Also pairs whose gold is not adjudicated, or that lack the layer (exported "
            "empty, and the report says so).",
        ),
    ] = False,
    confirmed_only: Annotated[
        bool, typer.Option("--confirmed-only", help="Only confirmed beads.")
    ] = False,
    keep_one_sided: Annotated[
        bool,
        typer.Option(
            "--keep-one-sided", help="moses/tsv: write 1:0 and 0:1 beads with an empty side."
        ),
    ] = False,
    utf16_offsets: Annotated[
        bool, typer.Option("--utf16-offsets", help="jsonl: add UTF-16 offsets for JavaScript.")
    ] = False,
) -> None:
    """Export a project's pairs (by default the adjudicated gold) and print what was written."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from annotator.formats import (
        FORMATS,
        ExportOptions,
        ExportReport,
        iter_export_pairs,
        select_pairs,
    )
    from annotator.projects import find_project

    if format_name not in FORMATS:
        raise InputError(f"unknown format {format_name!r}: use {', '.join(FORMATS)}")
    chosen = FORMATS[format_name]
    if not chosen.folder and output.is_dir():
        raise InputError(f"{output} is a folder: {format_name} writes a file")
    if not output.parent.is_dir() and not chosen.folder:
        raise InputError(f"{output.parent}: no such folder")
    report = ExportReport(format_name, layer_ref)
    store = open_store()
    with store.read() as session:
        project = find_project(session, project_ref)
        selected = select_pairs(
            session, project, pair_refs or (), layer_ref=layer_ref, all_pairs=all_pairs
        )
        if not selected:
            hint = (
                "no pair has an adjudicated gold layer; use --layer automatic or an annotator's "
                "name, or --all-pairs"
                if layer_ref == "gold"
                else f"no pair has a {layer_ref!r} layer"
            )
            raise InputError(f"nothing to export: {hint}")
        writer = chosen.writer(output, ExportOptions(keep_one_sided, utf16_offsets), report)
        try:
            with Progress(
                TextColumn("exporting {task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=err,
                transient=True,
                disable=len(selected) < 2,
            ) as bar:
                task = bar.add_task("pairs", total=len(selected))
                for pair in iter_export_pairs(
                    session, selected, confirmed_only=confirmed_only, layer_ref=layer_ref
                ):
                    writer.write(pair)
                    report.pairs += 1
                    if not pair.beads and not pair.mentions:
                        report.empty_pairs.append(pair.name)
                    bar.update(task, advance=1, description=pair.name)
        finally:
            writer.close()
    for line in report.lines():
        out.print(line, markup=False)
