"""Bead files as Vecalign and Bertalign read them: per pair `NAME.beads` and the sentence files.

PATH is a folder; each pair gives `NAME.SRC` and `NAME.TGT` (one sentence per line, the layer's
segmentation) and `NAME.beads` with one `[i, j]:[k]` line per bead, 0-based, one-sided beads
included (`[3]:[]`): the format carries them. Scores and statuses are not written (a bead file
is gold data; `annotator align --scores` writes the aligner's scores).

`read_bead_file` reads such a file back onto a pair's sentences, refusing ids out of range,
beads out of order, overlapping or missing ids with the file and the line named.
"""

from __future__ import annotations

from pathlib import Path

from annotator.alignment.beads import AlignedBead, format_bead, parse_bead_lines
from annotator.errors import InputError
from annotator.formats.document import ExportPair
from annotator.formats.options import ExportOptions
from annotator.formats.parallel import one_line
from annotator.formats.report import ExportReport
from annotator.formats.textsafe import safe_file_name


class BeadFilesWriter:
    """Writes three files per pair into the folder PATH."""

    def __init__(self, path: Path, options: ExportOptions, report: ExportReport) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.report = report

    def write(self, pair: ExportPair) -> None:
        """Write the pair's sentence files and bead file."""
        report = self.report
        report.cannot_carry("mentions, links, bead status and scores")
        report.mentions += len(pair.mentions)
        report.links += len(pair.links)
        name = safe_file_name(pair.name)
        for side in (pair.source, pair.target):
            lines = [one_line(side.sentence(k)) for k in range(len(side.sentences))]
            target = self.path / f"{name}.{side.language}"
            target.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
            report.files.append(target)
        beads = []
        for bead in pair.beads:
            report.wrote_bead(bead)
            beads.append(format_bead(AlignedBead(bead.source, bead.target)))
        target = self.path / f"{name}.beads"
        target.write_text("".join(line + "\n" for line in beads), encoding="utf-8")
        report.files.append(target)

    def close(self) -> None:
        """Nothing stays open."""


def _span(ids: tuple[int, ...]) -> str:
    return str(ids[0]) if len(ids) == 1 else f"{ids[0]}..{ids[-1]}"


def read_bead_file(path: Path, n_src: int, n_tgt: int) -> list[AlignedBead]:
    """Return the beads of a `[i, j]:[k]` file over n_src and n_tgt sentences (0-based ids).

    Beads must cut both sides into consecutive groups in order, every sentence in one bead;
    an InputError names the file and the line of the first break.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        lines = parse_bead_lines(text)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None
    owner: list[dict[int, int]] = [{}, {}]
    expected = [0, 0]
    for line_no, bead in lines:
        for k, (side, ids, total) in enumerate(
            (("source", bead.src, n_src), ("target", bead.tgt, n_tgt))
        ):
            where = f"{path}: line {line_no}: {side}"
            for i in ids:
                if i >= total:
                    raise InputError(
                        f"{where} id {i} is out of range ({total} sentences: 0..{total - 1})"
                    )
                if i in owner[k]:
                    raise InputError(f"{where} id {i} is already in line {owner[k][i]}")
            if not ids:
                continue
            if ids != tuple(range(ids[0], ids[0] + len(ids))):
                raise InputError(f"{where} ids {list(ids)} are not consecutive and ascending")
            if ids[0] < expected[k]:
                raise InputError(
                    f"{where} id {ids[0]} comes after id {expected[k] - 1}: out of order"
                )
            if ids[0] > expected[k]:
                missing = tuple(range(expected[k], ids[0]))
                raise InputError(f"{where} ids {_span(missing)} are in no bead")
            for i in ids:
                owner[k][i] = line_no
            expected[k] = ids[-1] + 1
    for k, (side, total) in enumerate((("source", n_src), ("target", n_tgt))):
        if expected[k] < total:
            missing = tuple(range(expected[k], total))
            raise InputError(f"{path}: {side} ids {_span(missing)} are in no bead (end of file)")
    if not lines:
        raise InputError(f"{path}: no bead in the file")
    return [bead for _, bead in lines]
