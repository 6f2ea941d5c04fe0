"""Formats: one module per format, one registry the CLI, the window and the tests use.

`FORMATS` maps a format's name to its writer and what it carries; `run_export` streams a
project's pairs through a writer one pair at a time and returns the report. Readers of
InterText, TMX, XLIFF, JSONL and bead files are in `readers`. No format module knows about the
CLI or Qt.
"""

from annotator.formats.options import ExportOptions
from annotator.formats.registry import FORMATS, Format, iter_export_pairs, select_pairs
from annotator.formats.report import ExportReport
from annotator.formats.runner import ExportCancelledError, ExportRequest, check_request, run_export

__all__ = [
    "FORMATS",
    "ExportCancelledError",
    "ExportOptions",
    "ExportReport",
    "ExportRequest",
    "Format",
    "check_request",
    "iter_export_pairs",
    "run_export",
    "select_pairs",
]
