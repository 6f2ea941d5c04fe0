"""Spans that would nest in or overlap a mention of the same label (a duplicate in the making).

Nesting of different labels is legitimate (a GPE inside an ORG name); the same label twice over
one name is not: "Diehl" PER inside "Geoff Diehl" PER is a duplicate that splits the entity.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from annotator.suggestions import Suggestion


@dataclass(frozen=True)
class MentionSpan:
    """The parts of a stored mention these checks need."""

    id: int
    start: int
    end: int
    label: str
    surface: str


def same_label_overlaps(
    mentions: Iterable[MentionSpan], start: int, end: int, label: str
) -> list[MentionSpan]:
    """Return the mentions of this label that share a character with [start, end)."""
    return [m for m in mentions if m.label == label and m.start < end and start < m.end]


def resolve_suggestions(
    suggestions: Sequence[Suggestion], mentions: Sequence[MentionSpan]
) -> list[Suggestion]:
    """Return the suggestions with every span that overlaps a same-label mention replaced.

    Such a span becomes the existing mention itself (`mention_id` set: link it, tag nothing),
    so a suggestion never creates a nested or overlapping duplicate. Order is kept; a mention
    offered twice is offered once.
    """
    resolved: list[Suggestion] = []
    seen: set[tuple[int, int]] = set()
    for suggestion in suggestions:
        hits = same_label_overlaps(mentions, suggestion.start, suggestion.end, suggestion.label)
        if hits:
            m = max(hits, key=lambda h: min(h.end, suggestion.end) - max(h.start, suggestion.start))
            suggestion = replace(
                suggestion,
                start=m.start,
                end=m.end,
                surface=m.surface,
                reason=f"{suggestion.reason}; already tagged",
                mention_id=m.id,
            )
        if (suggestion.start, suggestion.end) not in seen:
            seen.add((suggestion.start, suggestion.end))
            resolved.append(suggestion)
    return resolved
