from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from sqlalchemy import func, select

from annotator.errors import InputError
from annotator.importing import (
    ImportOptions,
    PairFiles,
    import_pairs,
)
from annotator.layers import automatic_layer, sentence_spans
from annotator.model import AuditEvent, Document, DocumentPair, Project, Side
from annotator.pairing import find_folder_pairs, pair_name_for
from annotator.store import Store
from annotator.text.textfile import has_presentation_forms
from tests.conftest import SEED_AR, SEED_EN

pytestmark = pytest.mark.both_engines  # the store tests run on SQLite and PostgreSQL


def _import(store: Store, project_id: int, files: list[PairFiles], **opts: object):
    with store.write() as session:
        project = session.get(Project, project_id)
        return import_pairs(session, project, files, "tester", ImportOptions(**opts))


def _counts(store: Store) -> tuple[int, int]:
    with store.read() as session:
        return (
            session.scalar(select(func.count()).select_from(DocumentPair)),
            session.scalar(select(func.count()).select_from(Document)),
        )


def _write_corpus(folder: Path, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        (folder / f"doc{i}.en.txt").write_text(f"Sentence {i} one. Sentence {i} two.\n", "utf-8")
        (folder / f"doc{i}.ar.txt").write_text(f"الجملة {i} الأولى. الجملة {i} الثانية.\n", "utf-8")


def test_seed_pair_imports_with_its_sentences(store: Store, seed_pair_id: int) -> None:
    with store.read() as session:
        pair = session.get(DocumentPair, seed_pair_id)
        assert pair.name == "austin-gallant-call"
        assert (pair.source.language, pair.source.direction) == ("en", "ltr")
        assert (pair.target.language, pair.target.direction) == ("ar", "rtl")
        assert pair.source.encoding == "utf-8"
        layer = automatic_layer(session, pair)
        assert len(sentence_spans(session, layer, Side.SOURCE)) == 13
        assert len(sentence_spans(session, layer, Side.TARGET)) == 9
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "import_pair")).one()
        assert audit.actor == "tester" and audit.pair_id == pair.id
        assert audit.detail["sentences"] == [13, 9]


def test_reimport_is_reported_not_duplicated(
    store: Store, seed_pair_id: int, project_id: int
) -> None:
    report = _import(store, project_id, [PairFiles("again", SEED_EN, SEED_AR)])
    assert report.imported == []
    assert report.duplicates == [("again", seed_pair_id, "austin-gallant-call")]
    assert _counts(store) == (1, 2)


def test_folder_of_pairs(store: Store, project_id: int, tmp_path: Path) -> None:
    _write_corpus(tmp_path / "corpus", 3)
    files = find_folder_pairs(tmp_path / "corpus", "en", "ar").pairs
    assert [f.name for f in files] == ["doc0", "doc1", "doc2"]
    report = _import(store, project_id, files)
    assert [name for _, name in report.imported] == ["doc0", "doc1", "doc2"]
    assert _counts(store) == (3, 6)


def test_one_bad_file_imports_nothing_and_names_it(
    store: Store, project_id: int, tmp_path: Path
) -> None:
    _write_corpus(tmp_path / "corpus", 4)
    bad = tmp_path / "corpus" / "doc2.ar.txt"
    bad.write_bytes("الجملة".encode() + b"\xff\xfe broken")
    files = find_folder_pairs(tmp_path / "corpus", "en", "ar").pairs
    with pytest.raises(InputError) as info:
        _import(store, project_id, files)
    message = str(info.value)
    assert "doc2.ar.txt" in message and "byte 12" in message
    assert _counts(store) == (0, 0)


def test_folder_lists_and_skips_what_does_not_pair(tmp_path: Path) -> None:
    _write_corpus(tmp_path / "corpus", 2)
    folder = tmp_path / "corpus"
    (folder / "lonely.en.txt").write_text("Alone.", "utf-8")
    (folder / "doc0.enar").write_text("[0]:[0]\n", "utf-8")
    (folder / "both.ar").write_text("نص.", "utf-8")
    (folder / "both.ar.txt").write_text("نص.", "utf-8")
    (folder / "both.en").write_text("Text.", "utf-8")
    (folder / "dir.ar").mkdir()
    (folder / "dir.en").write_text("Text.", "utf-8")
    found = find_folder_pairs(folder, "en", "ar")
    assert [f.name for f in found.pairs] == ["doc0", "doc1"]
    reasons = dict(found.skipped)
    assert reasons["lonely.en.txt"] == "no partner lonely.ar"
    assert reasons["doc0.enar"] == "not NAME.en or NAME.ar"
    assert reasons["both.ar"] == reasons["both.ar.txt"] == "both both.ar and both.ar.txt"
    assert reasons["dir.en"] == "dir.ar is a folder, not a file"


def test_folder_of_bare_language_suffixes(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("news1", "news2"):
        (folder / f"{name}.en").write_text("One.", "utf-8")
        (folder / f"{name}.ar").write_text("واحد.", "utf-8")
    (folder / "news3.eng").write_text("One.", "utf-8")
    (folder / "news3.ara").write_text("واحد.", "utf-8")
    found = find_folder_pairs(folder, "en", "ar")
    assert [(f.name, f.source.name, f.target.name) for f in found.pairs] == [
        ("news1", "news1.en", "news1.ar"),
        ("news2", "news2.en", "news2.ar"),
    ]
    other = find_folder_pairs(folder, "en", "ar", suffixes=("eng", "ara"))
    assert [f.name for f in other.pairs] == ["news3"]


def test_empty_and_missing_folders(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"no NAME\.en \+ NAME\.ar pair"):
        find_folder_pairs(tmp_path / "empty", "en", "ar")
    with pytest.raises(InputError, match="not a folder"):
        find_folder_pairs(tmp_path / "missing", "en", "ar")


def test_presegmented_keeps_the_lines(store: Store, project_id: int, tmp_path: Path) -> None:
    en = tmp_path / "p.en.txt"
    ar = tmp_path / "p.ar.txt"
    en.write_text(
        "Mr. Smith went home. He slept\nSecond line, no stop\n\nNew paragraph.\n", "utf-8"
    )
    ar.write_text("ذهب السيد سميث إلى منزله. ونام\nالسطر الثاني\n", "utf-8")
    _import(store, project_id, [PairFiles("p", en, ar)], presegmented=True)
    with store.read() as session:
        pair = session.scalars(select(DocumentPair)).one()
        layer = automatic_layer(session, pair)
        src = [pair.source.text[s:e] for s, e in sentence_spans(session, layer, Side.SOURCE)]
        tgt = [pair.target.text[s:e] for s, e in sentence_spans(session, layer, Side.TARGET)]
    assert src == ["Mr. Smith went home. He slept", "Second line, no stop", "New paragraph."]
    assert tgt == ["ذهب السيد سميث إلى منزله. ونام", "السطر الثاني"]


def test_encodings_and_line_ends(store: Store, project_id: int, tmp_path: Path) -> None:
    text_en = "First sentence.\r\nStill the first paragraph.\r\n\r\nSecond paragraph."
    text_ar = "الفقرة الأولى.\rجملة ثانية.\r\rالفقرة الثانية."
    for enc, bom in (("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)):
        (tmp_path / f"{enc}.en.txt").write_bytes(codecs.BOM_UTF8 + text_en.encode("utf-8"))
        (tmp_path / f"{enc}.ar.txt").write_bytes(bom + text_ar.encode(enc))
    report = _import(
        store,
        project_id,
        [
            PairFiles("le", tmp_path / "utf-16-le.en.txt", tmp_path / "utf-16-le.ar.txt"),
        ],
    )
    assert len(report.imported) == 1
    with store.read() as session:
        pair = session.scalars(select(DocumentPair)).one()
        assert pair.source.encoding == "utf-8-sig" and pair.target.encoding == "utf-16-le"
        assert "\r" not in pair.source.text and "\r" not in pair.target.text
        assert pair.target.text.startswith("الفقرة الأولى.\nجملة ثانية.\n\nالفقرة")
        layer = automatic_layer(session, pair)
        assert len(sentence_spans(session, layer, Side.SOURCE)) == 3
        assert len(sentence_spans(session, layer, Side.TARGET)) == 3
    # the same texts in UTF-16-BE are the same pair
    report = _import(
        store,
        project_id,
        [
            PairFiles("be", tmp_path / "utf-16-be.en.txt", tmp_path / "utf-16-be.ar.txt"),
        ],
    )
    assert report.imported == [] and len(report.duplicates) == 1


@pytest.mark.parametrize(
    "content,reason",
    [
        (b"Hello \x00 world.", "NUL"),
        (b"caf\xe9 au lait.", "byte 3"),
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        ("no BOM".encode("utf-16-le"), "UTF-16"),
    ],
)
def test_refused_inputs_change_nothing(
    store: Store, project_id: int, tmp_path: Path, content: bytes, reason: str
) -> None:
    good = tmp_path / "ok.en.txt"
    good.write_text("A sentence.", "utf-8")
    bad = tmp_path / "bad.ar.txt"
    bad.write_bytes(content)
    with pytest.raises(InputError, match=reason) as info:
        _import(store, project_id, [PairFiles("x", good, bad)])
    assert "bad.ar.txt" in str(info.value)
    assert _counts(store) == (0, 0)


def test_missing_file_is_named(store: Store, project_id: int, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nothere\.ar\.txt"):
        _import(store, project_id, [PairFiles("x", SEED_EN, tmp_path / "nothere.ar.txt")])


def test_presentation_forms_are_never_stored(store: Store, project_id: int, tmp_path: Path) -> None:
    (tmp_path / "r.en.txt").write_text("No, the word.", "utf-8")
    # "لا الكلمة." typed with presentation forms, as text pasted from a PDF often is
    (tmp_path / "r.ar.txt").write_text("\ufefb \ufe8d\ufedf\ufedc\ufee0\ufee4\ufe94.", "utf-8")
    _import(store, project_id, [PairFiles("r", tmp_path / "r.en.txt", tmp_path / "r.ar.txt")])
    with store.read() as session:
        doc = session.scalars(select(DocumentPair)).one().target
        assert not has_presentation_forms(doc.text)
        assert doc.text == "لا الكلمة."
        assert any("presentation form" in note for note in doc.import_notes)


def test_direction_is_detected_and_can_be_overridden(
    store: Store, project_id: int, tmp_path: Path
) -> None:
    (tmp_path / "a.en.txt").write_text("Plain English.", "utf-8")
    (tmp_path / "a.ar.txt").write_text("نص عربي مع Latin و 1701.", "utf-8")
    (tmp_path / "b.en.txt").write_text("Another English text.", "utf-8")
    (tmp_path / "b.ar.txt").write_text("نص آخر.", "utf-8")
    _import(store, project_id, [PairFiles("a", tmp_path / "a.en.txt", tmp_path / "a.ar.txt")])
    _import(
        store,
        project_id,
        [PairFiles("b", tmp_path / "b.en.txt", tmp_path / "b.ar.txt")],
        source_direction="rtl",
        target_direction="ltr",
    )
    with store.read() as session:
        a, b = session.scalars(select(DocumentPair).order_by(DocumentPair.id)).all()
        assert (a.source.direction, a.target.direction) == ("ltr", "rtl")
        assert (b.source.direction, b.target.direction) == ("rtl", "ltr")


def test_swapped_files_are_warned_about(store: Store, project_id: int) -> None:
    report = _import(store, project_id, [PairFiles("swapped", SEED_AR, SEED_EN)])
    assert len(report.imported) == 1
    assert any("looks RTL" in w for w in report.warnings)


def test_pair_names_come_from_the_shared_stem(tmp_path: Path) -> None:
    assert pair_name_for(Path("story.en.txt"), Path("story.ar.txt")) == "story"
    assert pair_name_for(Path("english.txt"), Path("arabic.txt")) == "english"
    assert pair_name_for(Path("news1.en"), Path("news1.ar")) == "news1"


def test_same_name_different_text_gets_a_distinct_name(
    store: Store, project_id: int, tmp_path: Path
) -> None:
    for sub, word in (("one", "first"), ("two", "second")):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "s.en.txt").write_text(f"The {word} text.", "utf-8")
        (tmp_path / sub / "s.ar.txt").write_text("النص.", "utf-8")
        _import(
            store,
            project_id,
            [PairFiles("s", tmp_path / sub / "s.en.txt", tmp_path / sub / "s.ar.txt")],
        )
    with store.read() as session:
        assert session.scalars(select(DocumentPair.name).order_by(DocumentPair.id)).all() == [
            "s",
            "s (2)",
        ]
