"""`annotator import` for annotation files: InterText, TMX, XLIFF, our JSONL and bead files.

`pairs.import_` hands over here when its arguments are such files; everything is read and
checked first, then stored in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.cli.app import actor, err, open_store, out, progress_bar
from annotator.errors import InputError

if TYPE_CHECKING:
    from annotator.importing import ImportOptions
    from annotator.layer_import import LayerFile
    from annotator.model import Project

    Read = tuple[list[LayerFile], list[str]]


def _store(project_ref: str | None, read: Callable[[Project], Read]) -> None:
    """Read the files (no lock held), then store them in one transaction and report."""
    from annotator.layer_import import import_layer_files
    from annotator.projects import find_project

    store = open_store()
    with store.read() as session:
        project = find_project(session, project_ref)
        project_id = project.id
        files, warnings = read(project)
    with store.write() as session:
        project = find_project(session, str(project_id))
        with progress_bar(disable=len(files) < 2) as bar:
            task = bar.add_task("storing", total=len(files))

            def advance(origin: str) -> None:
                bar.update(task, advance=1, description=f"storing {Path(origin).name}")

            report = import_layer_files(session, project, files, actor(), progress=advance)
    for warning in warnings + report.warnings:
        err.print(f"warning: {warning}")
    for skipped in report.skipped:
        err.print(f"skipped {skipped}")
    for pair_id, pair_name, layer_label, beads in report.imported:
        out.print(
            f"imported {beads} beads into the {layer_label} layer of pair {pair_id} {pair_name!r}"
        )
    out.print(
        f"{len(report.imported)} layer(s) imported, {report.new_pairs} new pair(s), "
        f"{len(report.skipped)} skipped (project {project.name!r})"
    )


def import_layer_paths(paths: list[Path], project_ref: str | None, layer: str | None) -> None:
    """Import InterText alignment, TMX, XLIFF or JSONL files into the project's layers."""
    from annotator.formats.readers import read_layer_files

    def read(project: Project) -> tuple[list[LayerFile], list[str]]:
        return read_layer_files(paths, project.source_lang, project.target_lang, layer)

    _store(project_ref, read)


def import_bead_file(
    source: Path,
    target: Path,
    beads: Path,
    project_ref: str | None,
    layer: str | None,
    name: str | None,
    options: ImportOptions,
) -> None:
    """Import a presegmented pair with its alignment from a `[i]:[j]` bead file."""
    from annotator.formats.beadfiles import read_bead_file
    from annotator.formats.document import ExportBead, ExportPair, ExportSide
    from annotator.importing import prepare_pair
    from annotator.layer_import import LayerFile, LayerTarget
    from annotator.model import LayerKind
    from annotator.pairing import PairFiles, pair_name_for

    if not options.presegmented:
        raise InputError(
            "--alignment needs --presegmented: a bead file's ids count the files' lines"
        )
    target_layer = (
        LayerTarget.parse(layer) if layer is not None else LayerTarget(LayerKind.AUTOMATIC)
    )
    status = "automatic" if target_layer.kind is LayerKind.AUTOMATIC else "confirmed"

    def read(project: Project) -> tuple[list[LayerFile], list[str]]:
        files = PairFiles(name or pair_name_for(source, target), source, target)
        prepared = prepare_pair(files, project, options)
        sides = [
            ExportSide(p.language, p.direction, p.decoded.text, tuple(p.sentences))
            for p in (prepared.source, prepared.target)
        ]
        found = read_bead_file(beads, len(sides[0].sentences), len(sides[1].sentences))
        pair = ExportPair(
            "",
            0,
            files.name,
            "",
            "",
            "",
            sides[0],
            sides[1],
            tuple(ExportBead(b.src, b.tgt, status, b.score) for b in found),
            (),
            (),
            source_name=source.name,
            target_name=target.name,
        )
        return [LayerFile(str(beads), pair, target_layer)], list(prepared.warnings)

    _store(project_ref, read)
