"""Alignment beads and their `[i, j]:[k]` line format (the format of benchmarks/alignment)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from annotator.errors import InputError, IntegrityError

_BEAD_LINE = re.compile(r"\s*\[([^\[\]]*)\]\s*:\s*\[([^\[\]]*)\]\s*(?::(.*))?")


@dataclass(frozen=True)
class AlignedBead:
    """One bead: 0-based source and target sentence ids that translate each other, optional score.

    An aligner's beads hold contiguous ascending ids (see `check_partition`); gold files may hold
    other id groups, so the bead itself only requires non-negative ids.
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float | None = None

    def __post_init__(self) -> None:
        """Refuse negative ids."""
        if min(self.src, default=0) < 0 or min(self.tgt, default=0) < 0:
            raise ValueError(f"negative sentence id in bead {self.src}:{self.tgt}")


def _parse_ids(field: str, line_no: int) -> tuple[int, ...]:
    """Return the ids of one `[...]` field's inside, or raise InputError naming the line."""
    if not field.strip():
        return ()
    ids: list[int] = []
    for part in field.split(","):
        token = part.strip()
        if not token.isascii() or not token.isdigit():
            raise InputError(f"line {line_no}: bad sentence id {token!r} in [{field}]")
        ids.append(int(token))
    return tuple(ids)


def _parse_score(field: str, line_no: int) -> float:
    """Return the finite score of a bead's third field, or raise InputError naming the line."""
    try:
        score = float(field.strip())
    except ValueError:
        raise InputError(f"line {line_no}: bad score {field.strip()!r}") from None
    if not math.isfinite(score):
        raise InputError(f"line {line_no}: score {field.strip()!r} is not finite")
    return score


def parse_beads(text: str) -> list[AlignedBead]:
    """Parse one `[src]:[tgt][:score]` bead per non-blank line; InputError names the bad line."""
    return [bead for _, bead in parse_bead_lines(text)]


def parse_bead_lines(text: str) -> list[tuple[int, AlignedBead]]:
    """Return (1-based line number, bead) of every non-blank line, as `parse_beads` reads them."""
    beads: list[tuple[int, AlignedBead]] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _BEAD_LINE.fullmatch(line)
        if match is None:
            raise InputError(f"line {line_no}: expected '[src ids]:[tgt ids]', got {line!r}")
        src = _parse_ids(match.group(1), line_no)
        tgt = _parse_ids(match.group(2), line_no)
        if not src and not tgt:
            raise InputError(f"line {line_no}: bead with both sides empty")
        score = None if match.group(3) is None else _parse_score(match.group(3), line_no)
        beads.append((line_no, AlignedBead(src, tgt, score)))
    return beads


def format_bead(bead: AlignedBead, *, with_score: bool = False) -> str:
    """Return the bead as a gold-file line, `[0, 1]:[2]` or `[]:[3]`; score only on request."""
    src = ", ".join(str(i) for i in bead.src)
    tgt = ", ".join(str(i) for i in bead.tgt)
    line = f"[{src}]:[{tgt}]"
    if with_score and bead.score is not None:
        line += f":{bead.score:.6g}"
    return line


def check_partition(beads: Sequence[AlignedBead], n_src: int, n_tgt: int) -> None:
    """Raise IntegrityError unless the beads cut both sides, in order, into contiguous groups.

    A bead empty on both sides is refused too.
    """
    if n_src < 0 or n_tgt < 0:
        raise IntegrityError(f"negative sentence count ({n_src}, {n_tgt})")
    next_src = 0
    next_tgt = 0
    for index, bead in enumerate(beads):
        if not bead.src and not bead.tgt:
            raise IntegrityError(f"bead {index} is empty on both sides")
        for side, ids, expected, total in (
            ("source", bead.src, next_src, n_src),
            ("target", bead.tgt, next_tgt, n_tgt),
        ):
            if not ids:
                continue
            if ids != tuple(range(ids[0], ids[0] + len(ids))):
                raise IntegrityError(
                    f"bead {index}: {side} ids {list(ids)} are not contiguous and ascending"
                )
            if ids[0] > expected:
                raise IntegrityError(
                    f"bead {index}: {side} sentences {expected}..{ids[0] - 1} belong to no bead"
                )
            if ids[0] < expected:
                raise IntegrityError(
                    f"bead {index}: {side} sentence {ids[0]} overlaps or goes back before an"
                    f" earlier bead (next free is {expected})"
                )
            if ids[-1] >= total:
                raise IntegrityError(
                    f"bead {index}: {side} sentence {ids[-1]} is out of range (only {total})"
                )
        next_src += len(bead.src)
        next_tgt += len(bead.tgt)
    if next_src != n_src:
        raise IntegrityError(f"source sentences {next_src}..{n_src - 1} belong to no bead")
    if next_tgt != n_tgt:
        raise IntegrityError(f"target sentences {next_tgt}..{n_tgt - 1} belong to no bead")


def check_cover(beads: Sequence[AlignedBead], n_src: int, n_tgt: int) -> None:
    """Raise IntegrityError unless every sentence of both sides is in exactly one bead.

    The test for gold files whose beads may cross (InterText allows it); ids are 0-based.
    """
    for side, total, groups in (
        ("source", n_src, [b.src for b in beads]),
        ("target", n_tgt, [b.tgt for b in beads]),
    ):
        owner: dict[int, int] = {}
        for index, ids in enumerate(groups):
            for k in ids:
                if k >= total:
                    raise IntegrityError(
                        f"bead {index}: {side} sentence {k} is out of range (only {total})"
                    )
                if k in owner:
                    raise IntegrityError(
                        f"bead {index}: {side} sentence {k} is in bead {owner[k]} too"
                    )
                owner[k] = index
        if len(owner) != total:
            missing = min(set(range(total)) - set(owner))
            raise IntegrityError(f"{side} sentence {missing} belongs to no bead")
    for index, bead in enumerate(beads):
        if not bead.src and not bead.tgt:
            raise IntegrityError(f"bead {index} is empty on both sides")


def crosses(beads: Sequence[AlignedBead]) -> bool:
    """Return whether the beads are not a contiguous in-order partition (they cross or skip)."""
    for side in (0, 1):
        expected = 0
        for bead in beads:
            ids = bead.src if side == 0 else bead.tgt
            if ids and ids != tuple(range(expected, expected + len(ids))):
                return True
            expected += len(ids)
    return False
