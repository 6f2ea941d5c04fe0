from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotator.alignment.beads import AlignedBead, check_partition, format_bead, parse_beads
from annotator.alignment.scoring import PRF, AlignmentScore, score_documents
from annotator.errors import InputError, IntegrityError


def _shared() -> Path:
    override = os.environ.get("ANNOTATOR_SHARED")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[1].parent / "shared"


GOLD = _shared() / "benchmarks" / "alignment" / "textberg-de-fr" / "test0.defr"


def bead(src: list[int], tgt: list[int]) -> AlignedBead:
    return AlignedBead(tuple(src), tuple(tgt))


# --- parse / format -------------------------------------------------------------------------


def test_gold_file_round_trips_line_by_line() -> None:
    text = GOLD.read_text(encoding="utf-8")
    beads = parse_beads(text)
    lines = text.split("\n")
    assert lines[-1] == ""
    assert [format_bead(b) for b in beads] == lines[:-1]
    assert "\n".join(format_bead(b) for b in beads) + "\n" == text
    # the file's first beads, as read by eye
    assert beads[:2] == [bead([0], [0, 1]), bead([1], [2])]
    assert all(b.score is None for b in beads)


def test_parse_reads_empty_sides_scores_and_spacing() -> None:
    beads = parse_beads("[]:[3]\n[4, 5]:[]\n\n  [6,7] : [8]  \n[9]:[10]:0.25\r\n")
    assert beads == [
        bead([], [3]),
        bead([4, 5], []),
        bead([6, 7], [8]),
        AlignedBead((9,), (10,), 0.25),
    ]


def test_parse_keeps_gold_id_groups_that_are_not_contiguous() -> None:
    # Text+Berg gold holds a few such beads, e.g. `[227, 218]:[198]`; they must round-trip.
    assert parse_beads("[227, 218]:[198]") == [bead([227, 218], [198])]
    assert format_bead(bead([227, 218], [198])) == "[227, 218]:[198]"


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("[0]:[0]\n[1]:[x]\n", 2, "bad sentence id 'x'"),
        ("[0]:[0]\n\n[1] [1]\n", 3, "expected '[src ids]:[tgt ids]'"),
        ("[0]:[0]\n[-1]:[1]\n", 2, "bad sentence id '-1'"),
        ("[1,,2]:[1]\n", 1, "bad sentence id ''"),
        ("[0]:[0]\n[]:[]\n", 2, "both sides empty"),
        ("[0]:[0]:high\n", 1, "bad score 'high'"),
        ("[0]:[0]:nan\n", 1, "not finite"),
        ("[0]:[0]:\n", 1, "bad score ''"),
        ("[0]:[0]\n[1]:[1]]\n", 2, "expected"),
    ],
)
def test_parse_errors_name_the_line(text: str, line: int, what: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_beads(text)
    message = str(caught.value)
    assert message.startswith(f"line {line}: ")
    assert what in message


def test_format_bead_matches_the_gold_spelling() -> None:
    assert format_bead(bead([0, 1], [2])) == "[0, 1]:[2]"
    assert format_bead(bead([], [3])) == "[]:[3]"
    assert format_bead(bead([4], [])) == "[4]:[]"
    scored = AlignedBead((0,), (1,), 0.125)
    assert format_bead(scored) == "[0]:[1]"
    assert format_bead(scored, with_score=True) == "[0]:[1]:0.125"
    assert parse_beads(format_bead(scored, with_score=True)) == [scored]


def test_bead_refuses_negative_ids() -> None:
    with pytest.raises(ValueError, match="negative"):
        AlignedBead((-1,), (0,))


# --- check_partition ------------------------------------------------------------------------


def test_check_partition_accepts_a_partition_with_every_bead_type() -> None:
    beads = [
        bead([0], [0]),
        bead([1], []),
        bead([], [1]),
        bead([2, 3], [2]),
        bead([4], [3, 4]),
        bead([5, 6], [5, 6]),
    ]
    check_partition(beads, 7, 7)
    check_partition([], 0, 0)
    check_partition([bead([0], []), bead([1], [])], 2, 0)


@pytest.mark.parametrize(
    ("beads", "n_src", "n_tgt", "what"),
    [
        ([bead([0], [0]), bead([2], [1])], 3, 2, "source sentences 1..1 belong to no bead"),
        ([bead([0], [0]), bead([1], [2])], 2, 3, "target sentences 1..1 belong to no bead"),
        ([bead([0, 1], [0]), bead([1], [1])], 2, 2, "overlaps"),
        ([bead([1], [0]), bead([0], [1])], 2, 2, "source sentences 0..0 belong to no bead"),
        ([bead([0], [0]), bead([2], [1]), bead([1], [2])], 3, 3, "belong to no bead"),
        ([bead([0], [1]), bead([1], [0])], 2, 2, "target sentences 0..0 belong to no bead"),
        ([bead([0], [0]), bead([], []), bead([1], [1])], 2, 2, "bead 1 is empty on both sides"),
        ([bead([0, 2], [0]), bead([1], [1])], 3, 2, "not contiguous"),
        ([bead([1, 0], [0])], 2, 1, "not contiguous"),
        ([bead([0], [0]), bead([1], [1])], 1, 2, "out of range"),
        ([bead([0], [0])], 2, 1, "source sentences 1..1 belong to no bead"),
        ([bead([0], [0])], 1, 3, "target sentences 1..2 belong to no bead"),
        ([], -1, 0, "negative"),
    ],
)
def test_check_partition_refuses(
    beads: list[AlignedBead], n_src: int, n_tgt: int, what: str
) -> None:
    with pytest.raises(IntegrityError, match=what.replace(".", r"\.")):
        check_partition(beads, n_src, n_tgt)


def test_check_partition_refuses_going_back_after_a_gap_is_filled() -> None:
    # Monotonic: after source 2 the next bead may not return to source 1.
    beads = [bead([0], [0]), bead([1, 2], [1]), bead([1], [2])]
    with pytest.raises(IntegrityError, match="bead 2: source sentence 1 overlaps or goes back"):
        check_partition(beads, 3, 3)


# --- scoring --------------------------------------------------------------------------------


def test_scoring_a_hand_counted_document() -> None:
    gold = [bead([0], [0]), bead([1, 2], [1]), bead([3], []), bead([4], [2, 3])]
    predicted = [
        AlignedBead((0,), (0,), 0.3),  # exact (the score does not matter)
        bead([1], [1]),  # lax: shares 1 and 1 with [1, 2]:[1]
        bead([2], []),  # 1:0 that is not gold: wrong, and cannot be laxly right
        bead([3], [2]),  # src 3 is in [3]:[], tgt 2 in [4]:[2, 3]: no single gold bead -> wrong
        bead([4], [3]),  # lax: shares 4 and 3 with [4]:[2, 3]
    ]
    # Precision over all 5 predicted beads: strict 1/5, lax 3/5.
    # Recall over the 3 gold beads with both sides ([3]:[] dropped) against the 4 predicted ones
    # with both sides: [0]:[0] exact; [1, 2]:[1] and [4]:[2, 3] laxly: strict 1/3, lax 3/3.
    score = score_documents([(gold, predicted)])
    assert score.strict.precision == pytest.approx(1 / 5)
    assert score.strict.recall == pytest.approx(1 / 3)
    assert score.strict.f1 == pytest.approx(0.25)  # 2 · 1/5 · 1/3 / (1/5 + 1/3)
    assert score.lax.precision == pytest.approx(3 / 5)
    assert score.lax.recall == 1.0
    assert score.lax.f1 == pytest.approx(0.75)  # 2 · 3/5 · 1 / (3/5 + 1)


def test_scoring_sums_counts_over_documents_before_dividing() -> None:
    first_gold = [bead([0], [0]), bead([1, 2], [1]), bead([3], []), bead([4], [2, 3])]
    first_predicted = [
        bead([0], [0]),
        bead([1], [1]),
        bead([2], []),
        bead([3], [2]),
        bead([4], [3]),
    ]
    # An exact 0:1 bead counts (strictly) for precision; recall sees only [0]:[0].
    second = [bead([0], [0]), bead([], [1])]
    score = score_documents([(first_gold, first_predicted), (second, list(second))])
    # precision: strict (1 + 2) / (5 + 2), lax (3 + 2) / 7
    # recall: strict (1 + 1) / (3 + 1), lax (3 + 1) / 4
    assert score.strict.precision == pytest.approx(3 / 7)
    assert score.strict.recall == pytest.approx(1 / 2)
    assert score.strict.f1 == pytest.approx(6 / 13)
    assert score.lax.precision == pytest.approx(5 / 7)
    assert score.lax.recall == pytest.approx(1.0)
    assert score.lax.f1 == pytest.approx(5 / 6)


def test_scoring_n_to_m_lax_matches_in_both_directions() -> None:
    gold = [bead([0, 1, 2], [0, 1])]
    predicted = [bead([0], [0]), bead([1, 2], [1])]
    score = score_documents([(gold, predicted)])
    # both predicted beads overlap the 3:2 gold bead; the gold bead overlaps a predicted one
    assert score.strict == PRF(0.0, 0.0, 0.0)
    assert score.lax == PRF(1.0, 1.0, 1.0)


def test_scoring_needs_one_gold_bead_sharing_both_sides() -> None:
    gold = [bead([0], [1]), bead([1], [0])]  # a crossing gold pair
    predicted = [bead([0, 1], [0, 1])]
    score = score_documents([(gold, predicted)])
    assert score.lax.precision == 1.0  # shares 0 and 1 with [0]:[1]
    assert score.lax.recall == 1.0
    assert score.strict.precision == 0.0
    gold = [bead([0], []), bead([], [0])]
    predicted = [bead([0], [0])]
    # source 0 and target 0 belong to different gold beads: not even laxly right
    assert score_documents([(gold, predicted)]).lax.precision == 0.0


def test_scoring_a_perfect_prediction_and_nothing_at_all() -> None:
    gold = parse_beads(GOLD.read_text(encoding="utf-8"))
    perfect = AlignmentScore(PRF(1.0, 1.0, 1.0), PRF(1.0, 1.0, 1.0))
    assert score_documents([(gold, gold)]) == perfect
    zero = AlignmentScore(PRF(0.0, 0.0, 0.0), PRF(0.0, 0.0, 0.0))
    assert score_documents([]) == zero
    assert score_documents([(gold, [])]) == zero
