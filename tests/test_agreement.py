"""Agreement: the MAC reference figures through `annotator agree`, and hand-computed cases."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from annotator.review.alignment_agreement import LayerBeads, alignment_counts
from annotator.review.entity_agreement import (
    LayerEntities,
    cohen_kappa,
    entity_counts,
    krippendorff_alpha,
    token_pairs,
)
from tests.test_cli import SEED_AR, SEED_EN, run
from tests.test_formats_import import mac_store  # noqa: F401 (fixture)

pytestmark = pytest.mark.both_engines  # the store tests run on SQLite and PostgreSQL

# The MAC dev README: compared, reference, strict P, R, F1, lax F1, Jaccard, reference beads
MAC_REFERENCE = [
    ("anno2", "anno1", 0.9827, 0.9901, 0.9864, 0.9981, 0.9733, 1315),
    ("anno1", "anno2", 0.9902, 0.9864, 0.9883, 1.0000, 0.9733, 1320),
    ("anno1", "gold", 0.9932, 0.9924, 0.9928, 1.0000, 0.9821, 1316),
    ("anno2", "gold", 0.9910, 0.9947, 0.9928, 0.9996, 0.9851, 1316),
]


def test_agree_reproduces_the_mac_reference_figures(
    mac_store: str,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "--db", mac_store, "agree", "mac", "--format", "json")
    assert code == 0, err
    records = json.loads(out)
    totals = {(r["measure"], r["compared"], r["reference"]): r for r in records if "pair" not in r}
    for compared, reference, p, r, f1, lax_f1, jaccard, items in MAC_REFERENCE:
        strict = totals[("alignment", compared, reference)]
        lax = totals[("alignment-lax", compared, reference)]
        got = (strict["precision"], strict["recall"], strict["f1"], lax["f1"], strict["jaccard"])
        assert tuple(round(x, 4) for x in got) == (p, r, f1, lax_f1, jaccard)
        assert strict["items"] == items
    per_pair = [r for r in records if r.get("pair") == "dev-anno-1.001"]
    assert {r["measure"] for r in per_pair} == {"alignment", "alignment-lax"}
    code, table, _ = run(capsys, "--db", mac_store, "agree", "mac")
    assert code == 0 and "one-sided (1:0, 0:1) beads count in precision only" in table
    code, csv_out, _ = run(capsys, "--db", mac_store, "agree", "mac", "--format", "csv",
                           "--annotators", "anno1,anno2", "--pair", "dev-anno-1.002")  # fmt: skip
    rows = csv_out.splitlines()
    assert rows[0].startswith("measure,label,reference,compared,pair,precision")
    # (2 directions + each against the gold) × (strict, lax), as totals and for the one pair
    assert len(rows) == 1 + 8 + 8
    code, _, err = run(capsys, "--db", mac_store, "agree", "mac", "--annotators", "nobody")
    assert code == 2 and "no layer of nobody" in err


TEXT = ("One. Two. Three. Four.", "Un. Deux. Trois.")


def _beads(*beads: tuple[list[tuple[int, int]], list[tuple[int, int]]]) -> LayerBeads:
    return LayerBeads(tuple((tuple(a), tuple(b)) for a, b in beads))


S = [(0, 4), (5, 9), (10, 16), (17, 22)]  # One. | Two. | Three. | Four.
T = [(0, 3), (4, 9), (10, 16)]  # Un. | Deux. | Trois.


def test_one_sided_beads_count_in_precision_only() -> None:
    reference = _beads(([S[0]], [T[0]]), ([S[1]], [T[1]]), ([S[2], S[3]], [T[2]]))
    compared = _beads(([S[0]], [T[0]]), ([S[1]], [T[1]]), ([S[2]], [T[2]]), ([S[3]], []))
    c = alignment_counts(TEXT, reference, compared)
    assert (c.compared, c.strict_precision, c.lax_precision) == (4, 2, 3)  # 1:0 can't be lax
    assert (c.reference_two_sided, c.strict_recall, c.lax_recall) == (3, 2, 3)
    assert (c.intersection, c.union) == (2, 5)


def test_beads_are_compared_by_the_text_they_cover_not_sentence_ids() -> None:
    reference = _beads(([S[0], S[1]], [T[0], T[1]]), ([S[2], S[3]], [T[2]]))
    # the other annotator merged "One. Two." into one sentence and "Un. Deux." too
    compared = _beads(([(0, 9)], [(0, 9)]), ([S[2], S[3]], [T[2]]))
    c = alignment_counts(TEXT, reference, compared)
    assert (c.strict_precision, c.strict_recall, c.intersection, c.union) == (2, 2, 2, 2)
    split = _beads(([(0, 9)], [(0, 3)]), ([], [(4, 9)]), ([S[2], S[3]], [T[2]]))
    c = alignment_counts(TEXT, reference, split)
    assert (c.compared, c.strict_precision, c.lax_precision) == (3, 1, 2)


def _entities(*mentions: tuple[str, int, int, str, bool], links=()) -> LayerEntities:  # type: ignore[no-untyped-def]
    return LayerEntities(
        tuple(((s, a, b, label), flag) for s, a, b, label, flag in mentions), tuple(links)
    )


def test_entity_exact_overlap_nested_links_and_no_counterpart() -> None:
    texts = {
        "source": "Lloyd Austin met Yoav Gallant in Tel Aviv.",
        "target": "التقى أوستن وغالانت",
    }
    austin = ("source", 0, 12, "PER", False)
    gallant = ("source", 17, 29, "PER", False)
    tel_aviv = ("source", 33, 41, "GPE", False)
    ar_austin = ("target", 6, 11, "PER", False)
    ar_gallant = ("target", 13, 19, "PER", True)
    links = [(austin[:4], ar_austin[:4]), (gallant[:4], ar_gallant[:4])]
    reference = _entities(austin, gallant, tel_aviv, ar_austin, ar_gallant, links=links)
    compared = _entities(
        ("source", 6, 12, "PER", False),  # "Austin" only: overlaps, not exact
        gallant,
        ("source", 33, 41, "LOC", False),  # right span, wrong label
        ("source", 37, 41, "GPE", False),  # nested in the reference's Tel Aviv
        ar_austin,
        ("target", 13, 19, "PER", False),
        links=[(("source", 6, 12, "PER"), ar_austin[:4]), (gallant[:4], ar_gallant[:4])],
    )
    c = entity_counts(texts, reference, compared)
    assert (c.exact.compared, c.exact.reference, c.exact.shared) == (6, 5, 3)
    assert (c.overlap.compared_hit, c.overlap.reference_hit) == (5, 5)
    assert (c.per_label["GPE"].shared, c.per_label["LOC"].compared) == (0, 1)
    assert (c.links.compared, c.links.reference, c.links.shared) == (2, 2, 1)
    assert (c.no_counterpart.compared, c.no_counterpart.reference, c.no_counterpart.shared) == (
        0,
        1,
        0,
    )
    # tokens only one annotator marked count: "Lloyd" is PER vs O
    assert c.token_pairs[("PER", "O")] == 1
    assert c.token_pairs[("GPE", "LOC")] == 2  # "Tel Aviv": the longer (outer) mention labels


def test_kappa_and_alpha_agree_with_maintained_implementations() -> None:
    rng = random.Random(7)
    labels = ["O"] * 8 + ["PER", "GPE", "ORG"]
    a = [rng.choice(labels) for _ in range(400)]
    b = [x if rng.random() < 0.8 else rng.choice(labels) for x in a]
    pairs = Counter(zip(a, b, strict=True))
    assert cohen_kappa(pairs) == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)
    codes = {label: k for k, label in enumerate(sorted(set(labels)))}
    matrix = np.array([[codes[x] for x in a], [codes[x] for x in b]], dtype=float)
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert krippendorff_alpha(pairs) == pytest.approx(expected, abs=1e-12)


def test_tokens_cut_at_either_annotators_boundaries() -> None:
    texts = {"target": "وغزة"}
    pairs = token_pairs(texts, [("target", 1, 4, "GPE")], [("target", 0, 4, "GPE")])
    assert pairs == Counter({("O", "GPE"): 1, ("GPE", "GPE"): 1})


def test_counting_tokens_agrees_with_cutting_them() -> None:
    from annotator.text.tokens import count_tokens, tokens

    for text in (
        "وتحدثا عن إسرائيل وغزة.",
        "al-Sisi paid $3,000 (U.S.) — «yes»!",
        "مُحَمَّد 👍 Egypt_1",
    ):
        assert count_tokens(text) == len(tokens(text, 0, len(text)))


def test_documents_store_the_token_count_agreement_uses(
    new_store: Callable[[str], str], capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import select

    from annotator.model import Document
    from annotator.review.entity_agreement import TokenLabeller
    from annotator.store import Store
    from annotator.text.tokens import count_tokens

    db = new_store("t")
    assert run(capsys, "--db", db, "init", "news", "-s", "en", "-t", "ar")[0] == 0
    assert run(capsys, "--db", db, "import", SEED_EN, SEED_AR)[0] == 0
    store = Store.open(db)
    with store.read() as session:
        documents = list(session.scalars(select(Document)))
        assert documents and all(d.token_count == count_tokens(d.text) for d in documents)
        texts = {"source": documents[0].text, "target": documents[1].text}
    store.close()
    mentions = [("source", 0, 5, "PER"), ("target", 2, 6, "GPE")]
    counted = TokenLabeller(texts, mentions)
    known = TokenLabeller(texts, mentions, {d: count_tokens(texts[d]) for d in texts})
    assert known.count == counted.count and known.starts == counted.starts
