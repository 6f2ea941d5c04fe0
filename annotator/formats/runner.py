"""One export from start to end, as the CLI and the window run it: pairs streamed, cancellable."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from annotator.errors import InputError
from annotator.formats.options import ExportOptions
from annotator.formats.registry import FORMATS, iter_export_pairs, select_pairs
from annotator.formats.report import ExportReport
from annotator.model import Project


class ExportCancelledError(Exception):
    """The user stopped the export; the files it had begun were removed."""


@dataclass(frozen=True)
class ExportRequest:
    """What to export: format, destination, layer, pairs and the options."""

    format: str
    output: Path
    layer: str = "gold"
    pairs: Sequence[str] = ()
    all_pairs: bool = False
    confirmed_only: bool = False
    options: ExportOptions = field(default_factory=ExportOptions)


def check_request(request: ExportRequest) -> None:
    """Raise InputError if the format is unknown or the destination cannot take it."""
    if request.format not in FORMATS:
        raise InputError(f"unknown format {request.format!r}: use {', '.join(FORMATS)}")
    chosen = FORMATS[request.format]
    output = request.output
    if not chosen.folder and output.is_dir():
        raise InputError(f"{output} is a folder: {request.format} writes a file")
    if chosen.folder and output.exists() and not output.is_dir():
        raise InputError(f"{output} is a file: {request.format} writes a folder")
    if not output.parent.is_dir():
        raise InputError(f"{output.parent}: no such folder")


def run_export(
    session: Session,
    project: Project,
    request: ExportRequest,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ExportReport:
    """Write the export and return its report; progress(done, total, pair name) after each pair.

    When cancelled() turns true between pairs, the files begun are removed and ExportCancelledError
    is raised. InputError if there is nothing to export.
    """
    check_request(request)
    selected = select_pairs(
        session, project, request.pairs, layer_ref=request.layer, all_pairs=request.all_pairs
    )
    if not selected:
        hint = (
            "no pair has an adjudicated gold layer; use --layer automatic or an annotator's "
            "name, or --all-pairs"
            if request.layer == "gold"
            else f"no pair has a {request.layer!r} layer"
        )
        raise InputError(f"nothing to export: {hint}")
    report = ExportReport(request.format, request.layer)
    writer = FORMATS[request.format].writer(request.output, request.options, report)
    stopped = False
    try:
        for pair in iter_export_pairs(
            session, selected, confirmed_only=request.confirmed_only, layer_ref=request.layer
        ):
            writer.write(pair)
            report.pairs += 1
            if not pair.beads and not pair.mentions:
                report.empty_pairs.append(pair.name)
            if progress is not None:
                progress(report.pairs, len(selected), pair.name)
            if cancelled is not None and cancelled():
                stopped = True
                break
    finally:
        writer.close()
    if stopped:
        for path in report.files:
            path.unlink(missing_ok=True)
        raise ExportCancelledError(
            f"export cancelled after {report.pairs} of {len(selected)} pairs"
        )
    return report
