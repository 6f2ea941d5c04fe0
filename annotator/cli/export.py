"""`annotator export`: a project's pairs in one of the registered formats, with a report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotator.cli.app import actor, app, open_store, out, progress_bar

# The names of annotator.formats.FORMATS, for --help without importing the formats.
FORMAT_NAMES = ("jsonl", "tmx", "intertext", "moses", "tsv", "beads", "conll", "brat")


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
            "--keep-one-sided",
            help="tmx: write 1:0 and 0:1 beads as one-tuv units; moses/tsv: with an empty side.",
        ),
    ] = False,
    utf16_offsets: Annotated[
        bool, typer.Option("--utf16-offsets", help="jsonl: add UTF-16 offsets for JavaScript.")
    ] = False,
) -> None:
    """Export a project's pairs (by default the adjudicated gold) and print what was written."""
    from annotator.formats import ExportOptions, ExportRequest, check_request, run_export
    from annotator.projects import find_project
    from annotator.review.roles import check_layer_read

    request = ExportRequest(
        format_name,
        output,
        layer_ref,
        tuple(pair_refs or ()),
        all_pairs,
        confirmed_only,
        ExportOptions(keep_one_sided, utf16_offsets),
    )
    check_request(request)
    store = open_store()
    with store.read() as session:
        project = find_project(session, project_ref)
        check_layer_read(session, project.blind, layer_ref, actor())
        with progress_bar("exporting {task.description}") as bar:
            task = bar.add_task("pairs", total=None)

            def advance(done: int, total: int, name: str) -> None:
                bar.update(task, completed=done, total=total, description=name)

            report = run_export(session, project, request, progress=advance)
    for line in report.lines():
        out.print(line, markup=False)
