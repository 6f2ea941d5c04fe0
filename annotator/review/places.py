"""Where annotators agree and where they do not: agreed units, and the places of disagreement.

Units are compared by text, as agreement compares them: beads by the atoms (pieces of text
between every annotator's sentence boundaries) they cover, mentions by side, span and label,
links by both ends. A unit held by at least `quorum` annotators (all of them by default) is
agreed. The other beads are grouped into places by shared text, the other mentions by overlap
on one side, and each other link is a place of its own; every place lists each annotator's
version of it (possibly nothing).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from annotator.errors import InputError
from annotator.gc_pause import without_gc_pauses
from annotator.review.alignment_agreement import LayerBeads, atom_beads
from annotator.review.entity_agreement import MentionKey

NOBODY = "no annotator has worked on this pair yet: there is nothing to merge into a gold"
Span = tuple[int, int]
SpanBead = tuple[tuple[Span, ...], tuple[Span, ...]]
LinkKey = tuple[MentionKey, MentionKey]


@dataclass(frozen=True)
class Version:
    """One annotator's layer: beads as text spans (None if unaligned), mentions, links."""

    name: str
    beads: tuple[SpanBead, ...] | None
    mentions: tuple[tuple[MentionKey, bool], ...]
    links: tuple[LinkKey, ...]


@dataclass(frozen=True)
class Place:
    """A place of disagreement: its kind, a stable key, and each annotator's version."""

    kind: str  # bead, mention, link
    key: str
    versions: tuple[tuple[str, tuple[object, ...]], ...]

    def version(self, name: str) -> tuple[object, ...]:
        """Return an annotator's version of the place (empty: they have nothing there)."""
        for owner, units in self.versions:
            if owner.lower() == name.lower():
                return units
        raise InputError(f"{name} has no version of {self.key}")

    def beads(self, name: str | None = None) -> tuple[SpanBead, ...]:
        """Return a bead place's beads: one annotator's, or all versions' (name None)."""
        units = self.version(name) if name else tuple(u for _, v in self.versions for u in v)
        return cast(tuple[SpanBead, ...], units)

    def mentions(self, name: str | None = None) -> tuple[tuple[MentionKey, bool], ...]:
        """Return a mention place's mentions: one annotator's, or all versions'."""
        units = self.version(name) if name else tuple(u for _, v in self.versions for u in v)
        return cast(tuple[tuple[MentionKey, bool], ...], units)

    def link(self) -> LinkKey:
        """Return a link place's link."""
        return cast(LinkKey, next(u for _, v in self.versions for u in v))


@dataclass(frozen=True)
class Merge:
    """What the annotators agree on, and the places where they do not."""

    beads: tuple[SpanBead, ...]
    mentions: tuple[tuple[MentionKey, bool], ...]
    links: tuple[LinkKey, ...]
    places: tuple[Place, ...]


def _range(spans: Sequence[Span]) -> str:
    return f"{min(s for s, _ in spans)}-{max(e for _, e in spans)}" if spans else "-"


def bead_key(beads: Sequence[SpanBead]) -> str:
    """Return the key of a bead place: its source and target character ranges."""
    source = [span for bead in beads for span in bead[0]]
    target = [span for bead in beads for span in bead[1]]
    return f"bead s{_range(source)} t{_range(target)}"


def mention_key(side: str, mentions: Sequence[MentionKey]) -> str:
    """Return the key of a mention place: its side and character range."""
    return f"mention {side} {_range([(m[1], m[2]) for m in mentions])}"


def link_key(link: LinkKey) -> str:
    """Return the key of a link place: both ends."""
    (s, a, b, la), (t, c, d, lb) = link
    return f"link {s} {a}-{b} {la} ~ {t} {c}-{d} {lb}"


def check_quorum(quorum: int | None, annotators: int) -> int:
    """Return the quorum to use: all annotators by default; refuse a minority quorum."""
    if quorum is None:
        return annotators
    if not annotators / 2 < quorum <= annotators:
        raise InputError(
            f"a quorum must be a majority of the {annotators} annotators "
            f"({annotators // 2 + 1}..{annotators}), not {quorum}"
        )
    return quorum


def _bead_places(
    texts: tuple[str, str], versions: Sequence[Version], quorum: int
) -> tuple[list[SpanBead], list[Place]]:
    aligned = [v for v in versions if v.beads is not None]
    if not aligned:
        return [], []
    as_atoms = atom_beads(texts, [LayerBeads(v.beads or ()) for v in aligned])
    votes = Counter(key for beads in as_atoms for key in set(beads))
    agreed: list[SpanBead] = []
    taken: set[tuple[tuple[int, ...], tuple[int, ...]]] = set()
    loose: list[tuple[int, int]] = []  # (version, bead) of beads not agreed
    for k, beads in enumerate(as_atoms):
        for j, key in enumerate(beads):
            if votes[key] >= quorum:
                if key not in taken:
                    taken.add(key)
                    agreed.append((aligned[k].beads or ())[j])
            else:
                loose.append((k, j))
    parent = list(range(len(loose)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner: dict[tuple[int, int], int] = {}
    for n, (k, j) in enumerate(loose):
        for side, ids in enumerate(as_atoms[k][j]):
            for atom in ids:
                if (side, atom) in owner:
                    parent[find(n)] = find(owner[(side, atom)])
                else:
                    owner[(side, atom)] = n
    groups: dict[int, list[tuple[int, int]]] = {}
    for n, item in enumerate(loose):
        groups.setdefault(find(n), []).append(item)
    ordered: list[tuple[tuple[int, int], Place]] = []
    for members in groups.values():
        in_place = [(aligned[k].beads or ())[j] for k, j in members]
        versions_of = tuple(
            (v.name, tuple((v.beads or ())[j] for k, j in members if k == index))
            for index, v in enumerate(aligned)
        )
        first = min(span for bead in in_place for span in bead[0] + bead[1])
        ordered.append((first, Place("bead", bead_key(in_place), versions_of)))
    ordered.sort(key=lambda item: item[0])
    return agreed, [place for _, place in ordered]


def _mention_places(
    versions: Sequence[Version], quorum: int
) -> tuple[list[tuple[MentionKey, bool]], list[Place]]:
    votes = Counter(m for v in versions for m in {key for key, _ in v.mentions})
    flags = Counter(m for v in versions for m, flag in v.mentions if flag)
    agreed = sorted((m, flags[m] >= quorum) for m, n in votes.items() if n >= quorum)
    loose = sorted(m for m, n in votes.items() if n < quorum)
    clusters: list[list[MentionKey]] = []
    for m in sorted(loose, key=lambda m: (m[0], m[1], -m[2])):
        last = clusters[-1] if clusters else None
        if last and last[0][0] == m[0] and m[1] < max(x[2] for x in last):
            last.append(m)
        else:
            clusters.append([m])
    places = []
    for cluster in clusters:
        inside = set(cluster)
        versions_of = tuple(
            (v.name, tuple((m, flag) for m, flag in v.mentions if m in inside)) for v in versions
        )
        places.append(Place("mention", mention_key(cluster[0][0], cluster), versions_of))
    return agreed, places


def _link_places(versions: Sequence[Version], quorum: int) -> tuple[list[LinkKey], list[Place]]:
    votes = Counter(link for v in versions for link in set(v.links))
    agreed = sorted(link for link, n in votes.items() if n >= quorum)
    places = [
        Place(
            "link",
            link_key(link),
            tuple((v.name, (link,) if link in v.links else ()) for v in versions),
        )
        for link in sorted(link for link, n in votes.items() if n < quorum)
    ]
    return agreed, places


def _settle(places: list[Place], quorum: int, agreed: list[Any]) -> list[Place]:
    """Return the places no version wins by quorum; add the winners' units to agreed."""
    still = []
    for place in places:
        votes = Counter(frozenset(units) for _, units in place.versions)
        best, count = votes.most_common(1)[0]
        if count >= quorum:
            agreed.extend(sorted(best, key=repr))
        else:
            still.append(place)
    return still


@without_gc_pauses
def merge(texts: tuple[str, str], versions: Sequence[Version], quorum: int | None = None) -> Merge:
    """Return what at least `quorum` annotators agree on and the places where they disagree."""
    if not versions:
        raise InputError(NOBODY)
    k = check_quorum(quorum, len(versions))
    n = len(versions)
    # places are where not everyone agrees; a quorum then settles each place whose most
    # common version (the same units, or the same nothing) has at least k annotators
    beads, bead_places = _bead_places(texts, versions, n)
    mentions, mention_places = _mention_places(versions, n)
    links, link_places = _link_places(versions, n)
    if k < n:
        bead_places = _settle(bead_places, k, beads)
        mention_places = _settle(mention_places, k, mentions)
        link_places = _settle(link_places, k, links)
    in_gold = {m for m, _ in mentions}
    orphans = [link for link in links if link[0] not in in_gold or link[1] not in in_gold]
    if orphans:  # an agreed link whose end is disputed is decided with it, never dropped
        links = [link for link in links if link not in orphans]
        link_places += [
            Place(
                "link",
                link_key(link),
                tuple((v.name, (link,) if link in v.links else ()) for v in versions),
            )
            for link in orphans
        ]
    return Merge(
        tuple(beads),
        tuple(mentions),
        tuple(links),
        tuple(bead_places + mention_places + link_places),
    )
