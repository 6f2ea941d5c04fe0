"""InterText XML: two text files of `<p>`/`<s id="p:s">` and an alignment file of `<link>`s.

Export writes, per pair, `NAME_SRC.xml` and `NAME_TGT.xml` (paragraphs as annotator reads them
from blank lines; ids `paragraph:sentence`, 1-based) and `NAME_SRC.NAME_TGT.xml`, a `linkGrp`
whose `fromDoc` is the source and `toDoc` the target. In InterText's `xtargets` the ids before
the `;` belong to `toDoc`: `xtargets="TARGET IDS;SOURCE IDS"`. Status `man` for confirmed
beads, `auto` otherwise. Mentions, links and scores have no place in the format.

Import reads an alignment file and the two text files its `toDoc` and `fromDoc` name, from the
same folder. OPUS/XCES files (`cesAlign` root) put `fromDoc` first; the root says which order
a file uses, and every id is checked against both texts, so a mirrored file fails loudly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import quoteattr

from lxml import etree

from annotator.errors import InputError
from annotator.formats.assemble import assemble_side, clean_sentence
from annotator.formats.document import ExportBead, ExportPair, ExportSide
from annotator.formats.options import ExportOptions
from annotator.formats.report import ExportReport
from annotator.formats.safexml import line_of, local_name, parse_xml, text_of
from annotator.formats.textsafe import safe_file_name, xml_text
from annotator.model import BeadStatus
from annotator.text.segmentation import paragraph_numbers

STATUS_OF = {"man": BeadStatus.CONFIRMED.value, "auto": BeadStatus.AUTOMATIC.value}
"""InterText's link status → ours; `plain` (unconfirmed) and a missing status are automatic."""


def sentence_ids(side: ExportSide) -> list[str]:
    """Return each sentence's InterText id, `paragraph:sentence` (one paragraph if none)."""
    numbers = paragraph_numbers(side.text, side.sentences) or [0] * len(side.sentences)
    ids, last, k = [], -1, 0
    for paragraph in numbers:
        k = k + 1 if paragraph == last else 1
        last = paragraph
        ids.append(f"{paragraph + 1}:{k}")
    return ids


def text_document(side: ExportSide, ids: list[str], report: ExportReport) -> str:
    """Return the InterText text file of one side."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<text>"]
    current = None
    for k, sentence_id in enumerate(ids):
        paragraph = sentence_id.split(":")[0]
        if paragraph != current:
            if current is not None:
                lines.append("  </p>")
            lines.append(f'  <p id="{paragraph}">')
            current = paragraph
        text = xml_text(side.sentence(k), report)
        lines.append(f'    <s id="{sentence_id}">{text}</s>')
    if current is not None:
        lines.append("  </p>")
    lines.append("</text>")
    return "\n".join(lines) + "\n"


def alignment_document(
    pair: ExportPair, to_doc: str, from_doc: str, src_ids: list[str], tgt_ids: list[str]
) -> str:
    """Return the InterText alignment file: target ids before the `;`, source ids after."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f"<linkGrp toDoc={quoteattr(to_doc)} fromDoc={quoteattr(from_doc)}>",
    ]
    for bead in pair.beads:
        to_ids = " ".join(tgt_ids[k] for k in bead.target)
        from_ids = " ".join(src_ids[k] for k in bead.source)
        status = "man" if bead.status == BeadStatus.CONFIRMED.value else "auto"
        kind = f"{len(bead.target)}-{len(bead.source)}"
        lines.append(
            f'<link type="{kind}" xtargets={quoteattr(f"{to_ids};{from_ids}")} status="{status}"/>'
        )
    lines.append("</linkGrp>")
    return "\n".join(lines) + "\n"


class InterTextWriter:
    """Writes three files per pair into the folder PATH."""

    def __init__(self, path: Path, options: ExportOptions, report: ExportReport) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.report = report

    def write(self, pair: ExportPair) -> None:
        """Write the pair's two text files and its alignment file."""
        report = self.report
        report.cannot_carry("mentions, links and scores")
        report.wrote_pair(pair)
        name = safe_file_name(pair.name)
        src_name = f"{name}_{pair.source.language}.xml"
        tgt_name = f"{name}_{pair.target.language}.xml"
        src_ids, tgt_ids = sentence_ids(pair.source), sentence_ids(pair.target)
        files = {
            src_name: text_document(pair.source, src_ids, report),
            tgt_name: text_document(pair.target, tgt_ids, report),
            f"{name}_{pair.source.language}.{name}_{pair.target.language}.xml": (
                alignment_document(pair, tgt_name, src_name, src_ids, tgt_ids)
            ),
        }
        for file_name, content in files.items():
            target = self.path / file_name
            target.write_text(content, encoding="utf-8")
            report.files.append(target)

    def close(self) -> None:
        """Nothing stays open."""


# -- import ---------------------------------------------------------------------------------------


def is_alignment_root(root: etree._Element) -> bool:
    """Return whether a parsed root is an InterText or OPUS/XCES alignment."""
    return local_name(root) in ("linkGrp", "cesAlign")


def _paragraphs(path: Path) -> tuple[list[list[str]], dict[str, int]]:
    """Return a text file's paragraphs of sentences and each sentence id's 0-based index."""
    root = parse_xml(path)
    paragraphs: list[list[str]] = []
    index: dict[str, int] = {}
    last_parent: object = None
    for s in root.iter("{*}s"):
        parent = next((a for a in s.iterancestors() if local_name(a) == "p"), None)
        if parent is None or parent is not last_parent or not paragraphs:
            paragraphs.append([])
            last_parent = parent
        sentence_id = s.get("id")
        if sentence_id is None:
            raise InputError(f"{path}: a sentence (line {line_of(s)}) has no id")
        if sentence_id in index:
            raise InputError(f"{path}: sentence id {sentence_id!r} is used twice")
        text = clean_sentence(text_of(s))
        if not text:
            raise InputError(f"{path}: sentence {sentence_id!r} is empty")
        index[sentence_id] = len(index)
        paragraphs[-1].append(text)
    if not index:
        raise InputError(f"{path}: no <s> sentence found")
    return paragraphs, index


def _links(root: etree._Element, path: Path) -> Iterator[tuple[int, list[str], list[str], str]]:
    """Yield (line, before-ids, after-ids, status) of every link."""
    groups = [root] if local_name(root) == "linkGrp" else list(root.iter("{*}linkGrp"))
    if len(groups) != 1:
        raise InputError(f"{path}: holds {len(groups)} linkGrp elements; one pair per file")
    for link in groups[0].iter("{*}link"):
        xtargets = link.get("xtargets")
        if xtargets is None or xtargets.count(";") != 1:
            raise InputError(f"{path}: line {link.sourceline}: xtargets must be 'IDS;IDS'")
        before, after = xtargets.split(";")
        yield line_of(link), before.split(), after.split(), link.get("status", "")


def _document_path(alignment: Path, root: etree._Element, attribute: str) -> Path:
    name = root.get(attribute) if local_name(root) == "linkGrp" else None
    if name is None:
        group = next(root.iter("{*}linkGrp"), None)
        name = group.get(attribute) if group is not None else None
    if not name:
        raise InputError(f"{alignment}: the alignment names no {attribute}")
    return alignment.parent / Path(name).name  # only ever beside the alignment file


def _ids(
    ids: list[str], index: dict[str, int], path: Path, line: int, doc: Path, role: str
) -> tuple[int, ...]:
    found = []
    for sentence_id in ids:
        if sentence_id not in index:
            raise InputError(
                f"{path}: line {line}: {sentence_id!r} is not a sentence of {role} {doc.name}"
                " (ids before the ';' belong to toDoc in InterText files, to fromDoc in"
                " OPUS cesAlign files)"
            )
        found.append(index[sentence_id])
    return tuple(sorted(found))


def _source_first(from_doc: Path, to_doc: Path, source_lang: str, target_lang: str) -> bool:
    """Return False when the file names say fromDoc is in the target language (swap the sides)."""

    def says(doc: Path, lang: str) -> bool:
        stem = doc.stem.lower()
        return any(stem.endswith(sep + lang.lower()) for sep in "_.-")

    return not (says(from_doc, target_lang) and says(to_doc, source_lang))


def _pair_name(alignment: Path, from_doc: Path, to_doc: Path) -> str:
    a, b = from_doc.stem, to_doc.stem
    k = 0
    while k < min(len(a), len(b)) and a[k] == b[k]:
        k += 1
    return a[:k].rstrip("_.- ") or alignment.stem


def read_intertext(
    alignment: Path, source_lang: str, target_lang: str
) -> tuple[ExportPair, list[str]]:
    """Return the pair an InterText (or OPUS cesAlign) alignment file and its texts hold.

    The second value lists warnings: sentences no link held, added as one-sided beads.
    """
    root = parse_xml(alignment)
    if not is_alignment_root(root):
        raise InputError(
            f"{alignment}: not an InterText alignment file (root <{local_name(root)}>, expected"
            " <linkGrp>); give the alignment file, not a text file"
        )
    to_doc = _document_path(alignment, root, "toDoc")
    from_doc = _document_path(alignment, root, "fromDoc")
    from_first = local_name(root) == "cesAlign"  # OPUS: fromDoc ids before the ';'
    (from_paragraphs, from_index), (to_paragraphs, to_index) = (
        _paragraphs(from_doc),
        _paragraphs(to_doc),
    )
    raw = []
    for line, before, after, status in _links(root, alignment):
        from_ids, to_ids = (before, after) if from_first else (after, before)
        f = _ids(from_ids, from_index, alignment, line, from_doc, "fromDoc")
        t = _ids(to_ids, to_index, alignment, line, to_doc, "toDoc")
        if not f and not t:
            raise InputError(f"{alignment}: line {line}: a link with no sentence on either side")
        raw.append((f, t, STATUS_OF.get(status, BeadStatus.AUTOMATIC.value)))
    source_first = _source_first(from_doc, to_doc, source_lang, target_lang)
    if source_first:
        src_par, tgt_par, src_doc, tgt_doc = from_paragraphs, to_paragraphs, from_doc, to_doc
        beads = [ExportBead(f, t, status, None) for f, t, status in raw]
    else:
        src_par, tgt_par, src_doc, tgt_doc = to_paragraphs, from_paragraphs, to_doc, from_doc
        beads = [ExportBead(t, f, status, None) for f, t, status in raw]
    source = assemble_side(source_lang, src_par)
    target = assemble_side(target_lang, tgt_par)
    beads, warnings = _cover_the_rest(beads, len(source.sentences), len(target.sentences))
    warnings = [f"{alignment.name}: {w}" for w in warnings]
    pair = ExportPair(
        "",
        0,
        _pair_name(alignment, src_doc, tgt_doc),
        "",
        "",
        "",
        source,
        target,
        tuple(beads),
        (),
        (),
        source_name=src_doc.name,
        target_name=tgt_doc.name,
        crossing=True,
    )
    return pair, warnings


def _cover_the_rest(
    beads: list[ExportBead], n_src: int, n_tgt: int
) -> tuple[list[ExportBead], list[str]]:
    """Give every sentence no link holds a one-sided bead after its predecessor's bead."""
    used_src = {k for b in beads for k in b.source}
    used_tgt = {k for b in beads for k in b.target}
    missing = [(k, "source") for k in range(n_src) if k not in used_src]
    missing += [(k, "target") for k in range(n_tgt) if k not in used_tgt]
    if not missing:
        return beads, []
    out = list(beads)
    for k, side in missing:
        owner = -1
        for position, bead in enumerate(out):
            ids = bead.source if side == "source" else bead.target
            if any(i < k for i in ids):
                owner = position
        bead = ExportBead((k,), (), "automatic", None)
        if side == "target":
            bead = ExportBead((), (k,), "automatic", None)
        out.insert(owner + 1, bead)
    return out, [f"{len(missing)} sentence(s) in no link, added as one-sided beads"]
