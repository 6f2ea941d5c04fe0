"""Our JSONL: one record per pair with everything — texts, sentences, beads, mentions, links.

Offsets are Python code points into `text` and every record says so (`"offsets": "code
points"`); `--utf16-offsets` adds `start_utf16`/`end_utf16` to mentions and sentences, for
JavaScript tools. Mention ids are numbered 1.. within each record (links use them), so the
same layer always exports to the same bytes. The JSON Schema ships beside this module
(`jsonl.schema.json`).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from annotator.formats.document import ExportPair, ExportSide
from annotator.formats.options import ExportOptions
from annotator.formats.report import ExportReport

FORMAT_NAME = "annotator-jsonl"
FORMAT_VERSION = 1


def schema() -> dict[str, Any]:
    """Return the JSON Schema every record follows."""
    text = resources.files("annotator.formats").joinpath("jsonl.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _utf16(text: str) -> list[int]:
    """Return the UTF-16 offset of every code-point offset 0..len(text)."""
    offsets = [0]
    for char in text:
        offsets.append(offsets[-1] + (2 if ord(char) > 0xFFFF else 1))
    return offsets


def _document(side: ExportSide, utf16: list[int] | None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "language": side.language,
        "direction": side.direction,
        "text": side.text,
        "sentences": [[start, end] for start, end in side.sentences],
    }
    if utf16 is not None:
        record["sentences_utf16"] = [[utf16[s], utf16[e]] for s, e in side.sentences]
    return record


def record_of(pair: ExportPair, options: ExportOptions) -> dict[str, Any]:
    """Return the pair as one JSONL record."""
    utf16 = {
        "source": _utf16(pair.source.text) if options.utf16_offsets else None,
        "target": _utf16(pair.target.text) if options.utf16_offsets else None,
    }
    mentions = []
    number = {m.id: k for k, m in enumerate(pair.mentions, start=1)}  # ids local to the record
    for m in pair.mentions:
        item: dict[str, Any] = {
            "id": number[m.id],
            "side": m.side,
            "start": m.start,
            "end": m.end,
            "label": m.label,
            "surface": m.surface,
            "no_counterpart": m.no_counterpart,
        }
        table = utf16[m.side]
        if table is not None:
            item["start_utf16"], item["end_utf16"] = table[m.start], table[m.end]
        mentions.append(item)
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "offsets": "code points",
        "project": pair.project,
        "pair": {"id": pair.pair_id, "name": pair.name},
        "layer": {
            "kind": pair.layer_kind,
            "annotator": pair.layer_owner,
            "status": pair.layer_status,
        },
        "documents": {
            "source": _document(pair.source, utf16["source"]),
            "target": _document(pair.target, utf16["target"]),
        },
        "beads": [
            {
                "source": list(b.source),
                "target": list(b.target),
                "status": b.status,
                "score": b.score,
            }
            for b in pair.beads
        ],
        "mentions": mentions,
        "links": [{"source": number[a], "target": number[b]} for a, b in pair.links],
    }


class JsonlWriter:
    """Writes one record per pair, one line each, streamed."""

    def __init__(self, path: Path, options: ExportOptions, report: ExportReport) -> None:
        self.options = options
        self.report = report
        self.stream = path.open("w", encoding="utf-8", newline="\n")
        report.files.append(path)

    def write(self, pair: ExportPair) -> None:
        """Append the pair's record."""
        self.report.wrote_pair(pair)
        self.stream.write(json.dumps(record_of(pair, self.options), ensure_ascii=False) + "\n")

    def close(self) -> None:
        """Close the file."""
        self.stream.close()
