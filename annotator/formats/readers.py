"""Which reader a file needs, and reading files into layers ready to store.

An XML file is told by its root element (`linkGrp`/`cesAlign`: InterText or OPUS, `tmx`,
`xliff`), a `.jsonl` file is ours; a folder is read for its InterText alignment files.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from annotator.errors import InputError
from annotator.formats.document import ExportPair
from annotator.formats.intertext import is_alignment_root, read_intertext
from annotator.formats.jsonl_reader import read_jsonl
from annotator.formats.safexml import local_name, parse_xml
from annotator.formats.tmx_reader import read_tmx
from annotator.formats.xliff import read_xliff
from annotator.layer_import import LayerFile, LayerTarget
from annotator.model import LayerKind

XML_SUFFIXES = {".xml", ".tmx", ".xlf", ".xliff"}
LAYER_SUFFIXES = XML_SUFFIXES | {".jsonl"}


def is_layer_file(path: Path) -> bool:
    """Return whether the path names a file an annotation-format reader takes (by suffix)."""
    return path.suffix.lower() in LAYER_SUFFIXES and not path.is_dir()


def alignment_files(folder: Path) -> list[Path]:
    """Return the folder's InterText/OPUS alignment files (XML whose root is a link group)."""
    found = []
    for path in sorted(folder.glob("*.xml")):
        if path.is_file() and is_alignment_root(parse_xml(path)):
            found.append(path)
    return found


def _jsonl_target(pair: ExportPair, where: str) -> LayerTarget:
    if pair.layer_kind == LayerKind.ANNOTATOR.value:
        return LayerTarget(LayerKind.ANNOTATOR, pair.layer_owner)
    if pair.layer_kind in (LayerKind.GOLD.value, LayerKind.AUTOMATIC.value):
        return LayerTarget(LayerKind(pair.layer_kind))
    raise InputError(f"{where}: layer.kind {pair.layer_kind!r} is not a layer kind")


def read_layer_file(
    path: Path, source_lang: str, target_lang: str, layer: str | None
) -> tuple[list[LayerFile], list[str]]:
    """Return the layers one file holds, bound for `layer` (default: automatic, or JSONL's own)."""
    target = LayerTarget.parse(layer) if layer is not None else None
    default = target or LayerTarget(LayerKind.AUTOMATIC)
    if path.suffix.lower() == ".jsonl":
        files = [
            LayerFile(where, pair, target or _jsonl_target(pair, where))
            for where, pair in read_jsonl(path)
        ]
        if not files:
            raise InputError(f"{path}: no record in the file")
        return files, []
    root = parse_xml(path)
    kind = local_name(root)
    if is_alignment_root(root):
        pair, warnings = read_intertext(path, source_lang, target_lang)
        return [LayerFile(str(path), pair, default)], warnings
    if kind == "tmx":
        pairs, warnings = read_tmx(path, source_lang, target_lang)
        return [LayerFile(f"{path} ({p.name})", p, default) for p in pairs], warnings
    if kind == "xliff":
        pairs = read_xliff(path, source_lang, target_lang)
        return [LayerFile(f"{path} ({p.name})", p, default) for p in pairs], []
    if kind == "text":
        raise InputError(
            f"{path}: an InterText text file; import its alignment file (root <linkGrp>), which"
            " names both texts"
        )
    raise InputError(
        f"{path}: root <{kind}> is not an InterText alignment, TMX or XLIFF 2 document"
    )


def read_layer_files(
    paths: Sequence[Path], source_lang: str, target_lang: str, layer: str | None
) -> tuple[list[LayerFile], list[str]]:
    """Read every file (all before anything is stored); return the layers and the warnings."""
    files: list[LayerFile] = []
    warnings: list[str] = []
    for path in paths:
        more, said = read_layer_file(path, source_lang, target_lang, layer)
        files += more
        warnings += said
    return files, warnings
