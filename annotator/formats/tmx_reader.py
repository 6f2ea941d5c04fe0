"""Reading TMX: each `tu` a bead, languages picked by `xml:lang` against the project's.

A unit's `tuv`s are matched to the project's source and target languages by primary subtag
(`ar-SA` is `ar`); a unit with one matching `tuv` is a one-sided bead, a unit with neither is
skipped and counted. Our own `x-pair` props split one file into its pairs (an annotator TMX
export comes back as the pairs it came from); any other file is one pair named after it.
`x-status` and `x-score` come back too; inline codes (`bpt`, `ept`, `ph`, `it`, `ut`) are
dropped, their surrounding text kept. Each side's text is one unit per line.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from annotator.errors import InputError
from annotator.formats.assemble import assemble_lines, clean_sentence
from annotator.formats.document import ExportBead, ExportPair
from annotator.formats.safexml import line_of, local_name, parse_xml, text_of

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CODES = {"bpt", "ept", "ph", "it", "ut"}


def same_language(tag: str, language: str) -> bool:
    """Return whether a language tag names the language (primary subtags compared)."""
    return tag.replace("_", "-").split("-")[0].lower() == language.split("-")[0].lower()


def seg_text(element: etree._Element) -> str:
    """Return a segment's text without its inline codes."""
    parts = [element.text or ""]
    for child in element:
        if local_name(child) not in _CODES:
            parts.append(seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


class _Group:
    def __init__(self, name: str) -> None:
        self.name = name
        self.source: list[str] = []
        self.target: list[str] = []
        self.beads: list[ExportBead] = []

    def add(self, source: str | None, target: str | None, status: str, score: float | None) -> None:
        src: tuple[int, ...] = ()
        tgt: tuple[int, ...] = ()
        if source:
            src = (len(self.source),)
            self.source.append(source)
        if target:
            tgt = (len(self.target),)
            self.target.append(target)
        self.beads.append(ExportBead(src, tgt, status, score))


def _props(tu: etree._Element) -> dict[str, str]:
    return {
        p.get("type", ""): text_of(p)
        for p in tu
        if isinstance(p.tag, str) and local_name(p) == "prop"
    }


def _score(value: str | None, path: Path, line: int | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        raise InputError(f"{path}: line {line}: x-score {value!r} is not a number") from None


def read_tmx(path: Path, source_lang: str, target_lang: str) -> tuple[list[ExportPair], list[str]]:
    """Return the pairs a TMX file holds (one unless it has x-pair props) and warnings."""
    root = parse_xml(path)
    if local_name(root) != "tmx":
        raise InputError(f"{path}: not a TMX file (root <{local_name(root)}>)")
    groups: dict[str, _Group] = {}
    skipped, languages = 0, set()
    for tu in root.iter("{*}tu"):
        sides: dict[str, str] = {}
        for tuv in tu.iter("{*}tuv"):
            tag = tuv.get(_XML_LANG) or tuv.get("lang") or ""
            languages.add(tag)
            seg = next(tuv.iter("{*}seg"), None)
            text = clean_sentence(seg_text(seg)) if seg is not None else ""
            for role, language in (("source", source_lang), ("target", target_lang)):
                if same_language(tag, language) and role not in sides and text:
                    sides[role] = text
        if not sides:
            skipped += 1
            continue
        props = _props(tu)
        name = props.get("x-pair", path.stem)
        status = props.get("x-status", "automatic")
        if status not in ("automatic", "confirmed"):
            status = "automatic"
        group = groups.setdefault(name, _Group(name))
        score = _score(props.get("x-score"), path, line_of(tu))
        group.add(sides.get("source"), sides.get("target"), status, score)
    if not groups:
        found = ", ".join(sorted(languages)) or "none"
        raise InputError(
            f"{path}: no unit in {source_lang} or {target_lang} (languages in the file: {found})"
        )
    pairs = []
    for group in groups.values():
        if not group.source or not group.target:
            missing = source_lang if not group.source else target_lang
            raise InputError(f"{path}: pair {group.name!r} has no {missing} text")
        pairs.append(
            ExportPair(
                "",
                0,
                group.name,
                "",
                "",
                "",
                assemble_lines(source_lang, group.source),
                assemble_lines(target_lang, group.target),
                tuple(group.beads),
                (),
                (),
                source_name=path.name,
                target_name=path.name,
            )
        )
    warnings = [f"{path.name}: {skipped} unit(s) in neither language skipped"] if skipped else []
    return pairs, warnings
