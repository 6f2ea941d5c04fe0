from __future__ import annotations

from annotator.mention_overlap import MentionSpan, resolve_suggestions, same_label_overlaps
from annotator.suggestions import Suggestion

DIEHL = MentionSpan(7, 417, 428, "PER", "Geoff Diehl")
BOSTON = MentionSpan(8, 500, 506, "GPE", "Boston")


def _s(start: int, end: int, surface: str, label: str = "PER") -> Suggestion:
    return Suggestion(start, end, surface, label, "transliteration", 0.9)


def test_overlaps_are_by_label_and_by_shared_characters() -> None:
    mentions = [DIEHL, BOSTON]
    assert same_label_overlaps(mentions, 423, 428, "PER") == [DIEHL]  # nested
    assert same_label_overlaps(mentions, 425, 440, "PER") == [DIEHL]  # overlapping
    assert same_label_overlaps(mentions, 428, 440, "PER") == []  # touching is not sharing
    assert same_label_overlaps(mentions, 423, 428, "ORG") == []  # another label may nest


def test_a_suggestion_inside_a_same_label_mention_becomes_that_mention() -> None:
    found = [_s(423, 428, "Diehl"), _s(417, 428, "Geoff Diehl"), _s(600, 605, "Healey")]
    resolved = resolve_suggestions(found, [DIEHL, BOSTON])
    assert [(s.start, s.end, s.surface, s.mention_id) for s in resolved] == [
        (417, 428, "Geoff Diehl", 7),
        (600, 605, "Healey", None),
    ]
    assert resolved[0].reason == "transliteration; already tagged"
    inside_other_label = resolve_suggestions([_s(501, 506, "oston")], [BOSTON])
    assert inside_other_label[0].mention_id is None
