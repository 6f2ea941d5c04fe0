"""Which files of a folder make document pairs: `NAME.LANG` or `NAME.LANG.txt`, one per language.

Parallel corpora come as `news1.en` + `news1.ar` (OPUS, WMT, the benchmarks) or as
`news1.en.txt` + `news1.ar.txt`; both are matched. Files that fit neither (a gold `.enar` file, a
README) and names with only one side are listed as skipped, with the reason, never fatal: the
caller reports them. Hidden files are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from annotator.errors import InputError
from annotator.text.textfile import unusable_file


@dataclass(frozen=True)
class PairFiles:
    """The two files of one pair and the name the pair gets."""

    name: str
    source: Path
    target: Path


@dataclass(frozen=True)
class FolderPairs:
    """The pairs found in a folder, in name order, and the files skipped with the reason."""

    pairs: list[PairFiles]
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def skipped_summary(self, limit: int = 5) -> str:
        """Return the skipped files as one line: 'a (reason), b (reason) and 3 more'."""
        shown = ", ".join(f"{name} ({reason})" for name, reason in self.skipped[:limit])
        rest = len(self.skipped) - limit
        return shown + (f" and {rest} more" if rest > 0 else "")


def split_language_suffix(filename: str, languages: tuple[str, ...]) -> tuple[str, str] | None:
    """Return (NAME, LANG) for `NAME.LANG` or `NAME.LANG.txt` with LANG one of languages."""
    base = filename[:-4] if filename.lower().endswith(".txt") else filename
    stem, dot, suffix = base.rpartition(".")
    if not dot or not stem or suffix.lower() not in languages:
        return None
    return stem, suffix.lower()


_ANY_LANGUAGE = re.compile(r"^(?P<stem>.+)\.[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$")


def pair_name_for(source: Path, target: Path) -> str:
    """Return the NAME two files share before a language suffix, else the source's stem.

    `story.en.txt` + `story.ar.txt` and `story.en` + `story.ar` are both "story"; any two- or
    three-letter code (with a region or script: `pt-BR`) counts as a language suffix here.
    """
    stems = []
    for path in (source, target):
        base = path.name[:-4] if path.name.lower().endswith(".txt") else path.name
        match = _ANY_LANGUAGE.match(base)
        stems.append(match["stem"] if match else None)
    if stems[0] is not None and stems[0] == stems[1]:
        return stems[0]
    return source.stem


def find_folder_pairs(
    folder: Path, source_lang: str, target_lang: str, *, suffixes: tuple[str, str] | None = None
) -> FolderPairs:
    """Match `NAME.<src>[.txt]` with `NAME.<tgt>[.txt]` in a folder; list what does not match.

    suffixes (default: the two languages) are the file-name suffixes of the source and target
    files, for corpora named otherwise (`NAME.eng` + `NAME.ara`). InputError when the folder is
    missing or holds no pair at all.
    """
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder")
    chosen = suffixes or (source_lang, target_lang)
    src_suffix, tgt_suffix = (suffix.lower().lstrip(".") for suffix in chosen)
    if src_suffix == tgt_suffix:
        raise InputError(f"source and target suffix are both {src_suffix!r}")
    by_stem: dict[str, dict[str, list[Path]]] = {}
    skipped: list[tuple[str, str]] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        parts = split_language_suffix(path.name, (src_suffix, tgt_suffix))
        if parts is None:
            if path.is_file():
                skipped.append((path.name, f"not NAME.{src_suffix} or NAME.{tgt_suffix}"))
            continue
        by_stem.setdefault(parts[0], {}).setdefault(parts[1], []).append(path)
    pairs = []
    for stem, sides in sorted(by_stem.items()):
        problem = _side_problem(stem, sides, src_suffix, tgt_suffix)
        if problem is not None:
            skipped.extend((p.name, problem) for paths in sides.values() for p in paths)
            continue
        pairs.append(PairFiles(stem, sides[src_suffix][0], sides[tgt_suffix][0]))
    if not pairs:
        found = f"; skipped: {FolderPairs([], skipped).skipped_summary()}" if skipped else ""
        raise InputError(
            f"{folder}: no NAME.{src_suffix} + NAME.{tgt_suffix} pair found (with or without "
            f".txt){found}"
        )
    return FolderPairs(pairs, skipped)


def _side_problem(
    stem: str, sides: dict[str, list[Path]], src_suffix: str, tgt_suffix: str
) -> str | None:
    """Return why one name's files do not make a pair, or None when they do."""
    for suffix in (src_suffix, tgt_suffix):
        paths = sides.get(suffix, [])
        if len(paths) > 1:
            return f"both {stem}.{suffix} and {stem}.{suffix}.txt"
        if not paths:
            return f"no partner {stem}.{suffix}"
        problem = unusable_file(paths[0])
        if problem is not None:
            return f"{paths[0].name} is {problem}"
    return None
