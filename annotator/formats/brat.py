"""brat standoff: per pair and side `NAME.LANG.txt` (the text) and `NAME.LANG.ann` (mentions).

Offsets are code points into the .txt file, which holds the document's text exactly (written
without newline translation). `T1<TAB>LABEL START END<TAB>surface` per mention, and an
`AnnotatorNotes` line for a mention marked as having no counterpart. Relations in brat live
inside one document, so cross-lingual links go to `links.tsv` (with the T-ids). An
`annotation.conf` lists the labels, so brat shows the folder as it is.
"""

from __future__ import annotations

from pathlib import Path

from annotator.formats.document import ExportPair
from annotator.formats.linkfile import LinkFile
from annotator.formats.options import ExportOptions
from annotator.formats.parallel import one_line
from annotator.formats.report import ExportReport
from annotator.formats.textsafe import safe_file_name


class BratWriter:
    """Writes two .txt/.ann pairs per pair into the folder PATH, plus links.tsv."""

    def __init__(self, path: Path, options: ExportOptions, report: ExportReport) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.report = report
        self.links = LinkFile(path, report)
        self.labels: set[str] = set()
        self.names: set[str] = set()

    def write(self, pair: ExportPair) -> None:
        """Write the pair's four files and its links."""
        report = self.report
        report.cannot_carry("alignment beads")
        for bead in pair.beads:
            report.beads[bead.kind] += 1
        base = safe_file_name(pair.name)
        name, n = base, 2
        while name in self.names:  # two pairs whose names clean to the same file name
            name, n = f"{base}-{n}", n + 1
        self.names.add(name)
        t_ids: dict[int, str] = {}
        for role in ("source", "target"):
            side = pair.side(role)
            stem = self.path / f"{name}.{side.language}"
            lines = []
            notes = 0
            for number, m in enumerate((m for m in pair.mentions if m.side == role), start=1):
                t_id = f"T{number}"  # numbered per .ann file
                t_ids[m.id] = t_id
                self.labels.add(m.label)
                lines.append(f"{t_id}\t{m.label} {m.start} {m.end}\t{one_line(m.surface)}")
                if m.no_counterpart:
                    notes += 1
                    lines.append(f"#{notes}\tAnnotatorNotes {t_id}\tno counterpart")
            text_file = stem.with_name(stem.name + ".txt")
            ann_file = stem.with_name(stem.name + ".ann")
            with text_file.open("w", encoding="utf-8", newline="") as stream:
                stream.write(side.text)
            with ann_file.open("w", encoding="utf-8", newline="\n") as stream:
                stream.write("".join(line + "\n" for line in lines))
            report.files += [text_file, ann_file]
        report.mentions += len(pair.mentions)
        report.links += len(pair.links)
        self.links.write(pair, t_ids)

    def close(self) -> None:
        """Write annotation.conf and close the link file."""
        conf = self.path / "annotation.conf"
        entities = "\n".join(sorted(self.labels))
        conf.write_text(
            f"[entities]\n{entities}\n\n[relations]\n\n[events]\n\n[attributes]\n",
            encoding="utf-8",
        )
        self.report.files.append(conf)
        self.links.close()
