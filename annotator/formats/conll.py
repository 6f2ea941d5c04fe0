"""CoNLL, IOB2: one token per line (`token TAB tag`), a blank line between sentences.

PATH is a folder holding `SRC.conll` and `TGT.conll` (one file per language, the pairs in
order, each opened by a `-DOCSTART-` line) and `links.tsv` for the cross-lingual links. Tags
are IOB2 (every mention starts with B-). Tokens are as `annotator.text.tokens` cuts them;
where mentions nest, IOB2 keeps one label per token: the outer mention is written and the
inner ones counted in the report. Sentences are the layer's; a layer without sentences is
written a line at a time.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from annotator.formats.document import ExportMention, ExportPair, ExportSide
from annotator.formats.linkfile import LinkFile
from annotator.formats.options import ExportOptions
from annotator.formats.report import ExportReport
from annotator.text.segmentation import line_spans
from annotator.text.tokens import tokens


def flat_mentions(mentions: list[ExportMention]) -> tuple[list[ExportMention], int]:
    """Return the mentions IOB2 can hold (outer first, no overlaps) and how many were left out."""
    kept: list[ExportMention] = []
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if kept and m.start < kept[-1].end:
            continue
        kept.append(m)
    return kept, len(mentions) - len(kept)


def side_lines(side: ExportSide, mentions: list[ExportMention]) -> list[str]:
    """Return one side's lines: a `token TAB tag` per token, a blank line after each sentence."""
    cuts = [offset for m in mentions for offset in (m.start, m.end)]
    lines: list[str] = []
    sentences = side.sentences or tuple(line_spans(side.text))
    k = 0
    for start, end in sentences:
        for s, e in tokens(side.text, start, end, cuts):
            while k < len(mentions) and mentions[k].end <= s:
                k += 1
            tag = "O"
            if k < len(mentions) and mentions[k].start <= s:
                first = s == mentions[k].start or not lines or lines[-1] == ""
                tag = ("B-" if first else "I-") + mentions[k].label
            lines.append(f"{side.text[s:e]}\t{tag}")
        if lines and lines[-1] != "":
            lines.append("")
    return lines


class ConllWriter:
    """Writes FOLDER/SRC.conll, FOLDER/TGT.conll and FOLDER/links.tsv."""

    def __init__(self, path: Path, options: ExportOptions, report: ExportReport) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.report = report
        self.links = LinkFile(path, report)
        self.streams: dict[str, IO[str]] = {}

    def _stream(self, language: str, role: str) -> IO[str]:
        if role not in self.streams:
            target = self.path / f"{language}.conll"
            self.streams[role] = target.open("w", encoding="utf-8", newline="\n")
            self.report.files.append(target)
        return self.streams[role]

    def write(self, pair: ExportPair) -> None:
        """Append the pair's two documents."""
        report = self.report
        report.cannot_carry("alignment beads, no-counterpart flags")
        for bead in pair.beads:
            report.beads[bead.kind] += 1
        for role in ("source", "target"):
            side = pair.side(role)
            kept, dropped = flat_mentions([m for m in pair.mentions if m.side == role])
            if dropped:
                report.cannot_carry("nested mentions (IOB2: the outer one is written)")
                report.dropped += dropped
            report.mentions += len(kept)
            stream = self._stream(side.language, role)
            stream.write("-DOCSTART-\tO\n\n")
            stream.write("".join(line + "\n" for line in side_lines(side, kept)))
        report.links += len(pair.links)
        self.links.write(pair)

    def close(self) -> None:
        """Close every file."""
        for stream in self.streams.values():
            stream.close()
        self.links.close()
