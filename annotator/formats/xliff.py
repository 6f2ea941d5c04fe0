"""Reading XLIFF 2.x: each `segment` a bead, 1:1, or 1:0 when it has no target.

One `<file>` is one pair (named after the XLIFF file, and the file id when there are several).
`srcLang`/`trgLang` must be the project's languages (either way round: a file translated the
other way is read with its sides swapped). Segments in state `reviewed` or `final` are
confirmed beads, the rest automatic. `<ignorable>` whitespace is dropped; inline markup keeps
its text. XLIFF 1.2 is refused with a message saying so.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from annotator.errors import InputError
from annotator.formats.assemble import assemble_lines, clean_sentence
from annotator.formats.document import ExportBead, ExportPair
from annotator.formats.safexml import local_name, parse_xml, text_of
from annotator.formats.tmx_reader import same_language

_CONFIRMED = {"reviewed", "final"}


def _text(element: etree._Element | None) -> str:
    return clean_sentence(text_of(element)) if element is not None else ""


def read_xliff(path: Path, source_lang: str, target_lang: str) -> list[ExportPair]:
    """Return one pair per `<file>` of an XLIFF 2.x document."""
    root = parse_xml(path)
    if local_name(root) != "xliff":
        raise InputError(f"{path}: not an XLIFF file (root <{local_name(root)}>)")
    version = root.get("version", "")
    if not version.startswith("2."):
        raise InputError(f"{path}: XLIFF {version or '(no version)'} is not read; use XLIFF 2.x")
    src, trg = root.get("srcLang", ""), root.get("trgLang", "")
    if same_language(src, source_lang) and (not trg or same_language(trg, target_lang)):
        swap = False
    elif same_language(src, target_lang) and same_language(trg, source_lang):
        swap = True
    else:
        raise InputError(
            f"{path}: languages {src}→{trg or '?'} are not the project's "
            f"{source_lang}→{target_lang}"
        )
    files = [f for f in root if isinstance(f.tag, str) and local_name(f) == "file"]
    pairs: list[ExportPair] = []
    for file in files:
        name = path.stem if len(files) == 1 else f"{path.stem}/{file.get('id', len(pairs) + 1)}"
        sources: list[str] = []
        targets: list[str] = []
        beads = []
        for segment in file.iter("{*}segment"):
            source = _text(next(segment.iter("{*}source"), None))
            target = _text(next(segment.iter("{*}target"), None))
            if swap:
                source, target = target, source
            status = "confirmed" if segment.get("state") in _CONFIRMED else "automatic"
            if not source and not target:
                continue
            s_ids = (len(sources),) if source else ()
            t_ids = (len(targets),) if target else ()
            sources += [source] if source else []
            targets += [target] if target else []
            beads.append(ExportBead(s_ids, t_ids, status, None))
        if not sources or not targets:
            which = "source" if not sources else "target"
            raise InputError(f"{path}: file {name!r} has no {which} text")
        pairs.append(
            ExportPair(
                "",
                0,
                name,
                "",
                "",
                "",
                assemble_lines(source_lang, sources),
                assemble_lines(target_lang, targets),
                tuple(beads),
                (),
                (),
                source_name=path.name,
                target_name=path.name,
            )
        )
    if not pairs:
        raise InputError(f"{path}: no <file> element")
    return pairs
