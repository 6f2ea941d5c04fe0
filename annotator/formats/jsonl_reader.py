"""Reading our JSONL back: every record a pair's layer, checked field by field.

A record that does not follow the schema (`jsonl.schema.json`) is refused with the file, the
line and the field named; offsets are code points, as the records say.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.errors import InputError
from annotator.formats.document import ExportBead, ExportMention, ExportPair, ExportSide
from annotator.formats.jsonl import FORMAT_NAME, FORMAT_VERSION

JSONL_SIZE_LIMIT = 2 * 1024 * 1024 * 1024
"""Bytes: a bigger JSONL file is refused before reading."""


class _Record:
    """Typed access to one record; every failure names the file, the line and the field."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, field: str, why: str) -> InputError:
        return InputError(f"{self.where}: {field}: {why}")

    def get(self, data: Any, key: str, kind: type | tuple[type, ...], field: str) -> Any:
        if not isinstance(data, dict) or key not in data:
            raise self.fail(field, "missing")
        value = data[key]
        if isinstance(value, bool) and kind in (int, (int, float)):
            raise self.fail(field, "expected a number")
        if not isinstance(value, kind):
            raise self.fail(field, f"expected {getattr(kind, '__name__', 'a number')}")
        return value

    def ints(self, data: Any, key: str, field: str) -> tuple[int, ...]:
        values = self.get(data, key, list, field)
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values):
            raise self.fail(field, "expected non-negative integers")
        return tuple(values)


def _side(r: _Record, documents: Any, name: str) -> ExportSide:
    doc = r.get(documents, name, dict, f"documents.{name}")
    spans = []
    for k, span in enumerate(r.get(doc, "sentences", list, f"documents.{name}.sentences")):
        if not (
            isinstance(span, list) and len(span) == 2 and all(isinstance(v, int) for v in span)
        ):
            raise r.fail(f"documents.{name}.sentences[{k}]", "expected [start, end]")
        spans.append((span[0], span[1]))
    return ExportSide(
        r.get(doc, "language", str, f"documents.{name}.language"),
        r.get(doc, "direction", str, f"documents.{name}.direction"),
        r.get(doc, "text", str, f"documents.{name}.text"),
        tuple(spans),
    )


def record_pair(data: Any, where: str) -> ExportPair:
    """Return the pair one JSONL record holds; InputError names where and what is wrong."""
    r = _Record(where)
    if not isinstance(data, dict):
        raise r.fail("record", "expected a JSON object")
    if data.get("format") != FORMAT_NAME or data.get("version") != FORMAT_VERSION:
        raise r.fail("format", f"not an {FORMAT_NAME} version {FORMAT_VERSION} record")
    if data.get("offsets") != "code points":
        raise r.fail("offsets", "must be 'code points'")
    pair = r.get(data, "pair", dict, "pair")
    layer = r.get(data, "layer", dict, "layer")
    documents = r.get(data, "documents", dict, "documents")
    beads = []
    for k, bead in enumerate(r.get(data, "beads", list, "beads")):
        score = r.get(bead, "score", (int, float, type(None)), f"beads[{k}].score")
        status = r.get(bead, "status", str, f"beads[{k}].status")
        if status not in ("automatic", "confirmed"):
            raise r.fail(f"beads[{k}].status", f"unknown status {status!r}")
        beads.append(
            ExportBead(
                r.ints(bead, "source", f"beads[{k}].source"),
                r.ints(bead, "target", f"beads[{k}].target"),
                status,
                None if score is None else float(score),
            )
        )
    mentions = []
    for k, m in enumerate(r.get(data, "mentions", list, "mentions")):
        side = r.get(m, "side", str, f"mentions[{k}].side")
        if side not in ("source", "target"):
            raise r.fail(f"mentions[{k}].side", f"unknown side {side!r}")
        mentions.append(
            ExportMention(
                r.get(m, "id", int, f"mentions[{k}].id"),
                side,
                r.get(m, "start", int, f"mentions[{k}].start"),
                r.get(m, "end", int, f"mentions[{k}].end"),
                r.get(m, "label", str, f"mentions[{k}].label"),
                r.get(m, "surface", str, f"mentions[{k}].surface"),
                r.get(m, "no_counterpart", bool, f"mentions[{k}].no_counterpart"),
            )
        )
    links = tuple(
        (
            r.get(k, "source", int, f"links[{i}].source"),
            r.get(k, "target", int, f"links[{i}].target"),
        )
        for i, k in enumerate(r.get(data, "links", list, "links"))
    )
    return ExportPair(
        r.get(data, "project", str, "project"),
        r.get(pair, "id", int, "pair.id"),
        r.get(pair, "name", str, "pair.name"),
        r.get(layer, "kind", str, "layer.kind"),
        r.get(layer, "annotator", str, "layer.annotator"),
        r.get(layer, "status", str, "layer.status"),
        _side(r, documents, "source"),
        _side(r, documents, "target"),
        tuple(beads),
        tuple(mentions),
        links,
        source_name=f"{where} (source)",
        target_name=f"{where} (target)",
        crossing=True,
    )


def read_jsonl(path: Path) -> Iterator[tuple[str, ExportPair]]:
    """Yield (where, pair) for every non-blank line of a JSONL file, one line at a time."""
    try:
        if not path.exists():
            raise InputError(f"{path}: no such file")
        if not path.is_file():
            raise InputError(f"{path}: not a regular file")
        if path.stat().st_size > JSONL_SIZE_LIMIT:
            raise InputError(f"{path}: over the {JSONL_SIZE_LIMIT // 2**30} GB limit")
        stream = path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with stream:
        line_no = 0
        try:
            for line_no, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                where = f"{path}: line {line_no}"
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{where}: not JSON ({exc.msg}, column {exc.colno})") from None
                yield where, record_pair(data, where)
        except UnicodeDecodeError:
            raise InputError(f"{path}: line {line_no + 1}: not UTF-8") from None
