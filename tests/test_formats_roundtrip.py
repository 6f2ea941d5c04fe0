"""Round trips through `annotator export` and `annotator import`, and readers nobody here wrote."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.model import Bead, DocumentPair, Layer, Link, Mention, Segment
from annotator.store import Store
from tests.test_cli import run
from tests.test_export import annotated  # noqa: F401 (fixture)

pytestmark = pytest.mark.both_engines  # the store tests run on SQLite and PostgreSQL

EN_AR = ("init", "news", "-s", "en", "-t", "ar")


def _export(capsys: pytest.CaptureFixture[str], db: str, *args: object) -> str:
    code, report, err = run(capsys, "--db", db, "export", "news", *map(str, args))
    assert code == 0, err
    return report


def _import(capsys: pytest.CaptureFixture[str], db: str, *args: object) -> str:
    code, out, err = run(capsys, "--db", db, "import", *map(str, args))
    assert code == 0, err
    return out


def _fresh(
    new_store: Callable[[str], str], capsys: pytest.CaptureFixture[str], name: str
) -> str:
    db = new_store(name)
    assert run(capsys, "--db", db, *EN_AR)[0] == 0
    return db


def _rows(db: str, owner: str) -> dict[str, list[tuple[object, ...]]]:
    """Return a layer's content row by row, without store ids (they differ between stores)."""
    store = Store.open(db)
    try:
        with store.read() as session:
            (layer,) = [
                layer for layer in session.scalars(select(Layer)) if layer.owner_label == owner
            ]
            segs = session.scalars(
                select(Segment)
                .where(Segment.layer_id == layer.id)
                .order_by(Segment.side, Segment.start)
            ).all()
            position = {
                b.id: b.position
                for b in session.scalars(select(Bead).where(Bead.layer_id == layer.id))
            }
            beads = session.scalars(
                select(Bead).where(Bead.layer_id == layer.id).order_by(Bead.position)
            ).all()
            mentions = session.scalars(
                select(Mention)
                .where(Mention.layer_id == layer.id)
                .order_by(Mention.side, Mention.start)
            ).all()
            where = {m.id: (m.side, m.start, m.end) for m in mentions}
            links = session.scalars(select(Link).where(Link.layer_id == layer.id)).all()
            return {
                "layer": [(layer.kind, layer.status, layer.crossing)],
                "segments": [(s.side, s.start, s.end, position.get(s.bead_id or -1)) for s in segs],
                "beads": [(b.position, b.status, b.score) for b in beads],
                "mentions": [
                    (m.side, m.start, m.end, m.label, m.surface, m.no_counterpart) for m in mentions
                ],
                "links": sorted(
                    (where[k.source_mention_id], where[k.target_mention_id]) for k in links
                ),
            }
    finally:
        store.close()


def _folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_jsonl_round_trip_is_exact_with_entities_links_and_uneven_beads(
    annotated: str,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    new_store: Callable[[str], str],
) -> None:
    first = tmp_path / "first.jsonl"
    report = _export(capsys, annotated, "--layer", "Alice", "-o", first)
    assert "2 1:0" in report and "2 2:1" in report and "links: 1" in report
    copy = _fresh(new_store, capsys, "copy")
    out = _import(capsys, copy, first)
    assert "into the Alice layer of pair 1 'austin-gallant-call'" in out
    second = tmp_path / "second.jsonl"
    _export(capsys, copy, "--layer", "Alice", "-o", second)
    assert second.read_bytes() == first.read_bytes()
    assert _rows(copy, "Alice") == _rows(annotated, "Alice")
    again = _import(capsys, copy, first)  # the same file twice: skipped, nothing doubled
    assert "0 layer(s) imported" in again
    assert _rows(copy, "Alice") == _rows(annotated, "Alice")


def test_intertext_round_trip_gives_identical_files(
    annotated: str,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    new_store: Callable[[str], str],
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    report = _export(capsys, annotated, "--layer", "Alice", "-f", "intertext", "-o", first)
    assert "not carried by intertext: mentions, links and scores" in report
    names = sorted(p.name for p in first.iterdir())
    assert names == [
        "austin-gallant-call_ar.xml",
        "austin-gallant-call_en.austin-gallant-call_ar.xml",
        "austin-gallant-call_en.xml",
    ]
    alignment = (first / names[1]).read_text("utf-8")
    assert 'toDoc="austin-gallant-call_ar.xml" fromDoc="austin-gallant-call_en.xml"' in alignment
    links = re.findall(r'<link type="(\d+-\d+)" xtargets="([^"]*)" status="(\w+)"/>', alignment)
    assert links[0] == ("0-1", ";1:1", "man")  # the title, one-sided, confirmed by Alice
    assert all(status == "auto" for _, _, status in links[1:])
    copy = _fresh(new_store, capsys, "copy")
    _import(capsys, copy, first / names[1], "--layer", "Alice")
    _export(capsys, copy, "--layer", "Alice", "-f", "intertext", "-o", second)
    assert _folder_bytes(second) == _folder_bytes(first)


def test_bead_files_round_trip_through_import_alignment(
    annotated: str,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    new_store: Callable[[str], str],
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _export(capsys, annotated, "--layer", "Alice", "-f", "beads", "-o", first)
    copy = _fresh(new_store, capsys, "copy")
    stem = first / "austin-gallant-call"
    out = _import(
        capsys, copy, f"{stem}.en", f"{stem}.ar", "--presegmented",
        "--alignment", f"{stem}.beads", "--layer", "gold",
    )  # fmt: skip
    assert "imported 11 beads into the gold layer" in out
    _export(capsys, copy, "-f", "beads", "-o", second)  # the imported gold is the gold
    assert _folder_bytes(second) == _folder_bytes(first)


def test_tmx_comes_back_as_its_units_and_then_stays_identical(
    annotated: str,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    new_store: Callable[[str], str],
) -> None:
    a, b, c = (tmp_path / f"{n}.tmx" for n in "abc")
    args = ("-f", "tmx", "--layer", "Alice", "--keep-one-sided")
    _export(capsys, annotated, *args, "-o", a)
    copy = _fresh(new_store, capsys, "copy")
    out = _import(capsys, copy, a, "--layer", "Alice")
    assert "imported 11 beads into the Alice layer of pair 1 'austin-gallant-call'" in out
    _export(capsys, copy, *args, "-o", b)
    # TMX joins an n:m bead's sentences into one segment: the two 2:1 units come back 1:1,
    # with the same text; everything else is the same bytes.
    assert a.read_text("utf-8").replace('<tu segtype="block">', "<tu>") == b.read_text("utf-8")
    third = _fresh(new_store, capsys, "third")
    _import(capsys, third, b, "--layer", "Alice")
    _export(capsys, third, *args, "-o", c)
    assert c.read_bytes() == b.read_bytes()


def test_translate_toolkit_reads_our_tmx(
    annotated: str,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from translate.storage.tmx import tmxfile

    out = tmp_path / "seed.tmx"
    _export(capsys, annotated, "-f", "tmx", "--layer", "Alice", "-o", out)
    store = tmxfile.parsefile(str(out))
    units = [u for u in store.units if u.source]
    assert len(units) == 9
    from annotator.formats.registry import iter_export_pairs, select_pairs
    from annotator.projects import find_project

    db = Store.open(annotated)
    with db.read() as session:
        project = find_project(session, "news")
        (pair,) = iter_export_pairs(
            session, select_pairs(session, project, layer_ref="Alice"), confirmed_only=False
        )
    db.close()
    two_sided = [bead for bead in pair.beads if not bead.one_sided]
    assert [(u.source, u.target) for u in units] == [
        (pair.bead_text(bead, "source"), pair.bead_text(bead, "target")) for bead in two_sided
    ]


def test_a_tmx_written_by_translate_toolkit_imports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], new_store: Callable[[str], str]
) -> None:
    from translate.storage.tmx import tmxfile

    tm = tmxfile(sourcelanguage="en", targetlanguage="ar-EG")
    for source, target in [("Egypt won.", "فازت مصر."), ("Fans cheered.", "هتف المشجعون.")]:
        tm.addsourceunit(source).target = target
    path = tmp_path / "tm.tmx"
    tm.savefile(str(path))
    db = _fresh(new_store, capsys, "tm")
    out = _import(capsys, db, path)
    assert "imported 2 beads into the automatic layer of pair 1 'tm'" in out
    folder = tmp_path / "beads"
    _export(capsys, db, "-f", "beads", "--layer", "automatic", "-o", folder)
    assert (folder / "tm.beads").read_text("utf-8") == "[0]:[0]\n[1]:[1]\n"
    assert (folder / "tm.ar").read_text("utf-8") == "فازت مصر.\nهتف المشجعون.\n"


def test_a_jsonl_file_of_other_languages_or_with_a_bad_line_stores_nothing(
    annotated: str,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    new_store: Callable[[str], str],
) -> None:
    first = tmp_path / "first.jsonl"
    _export(capsys, annotated, "--layer", "Alice", "-o", first)
    french = new_store("fr")
    assert run(capsys, "--db", french, "init", "fr", "-s", "en", "-t", "fr")[0] == 0
    code, _, err = run(capsys, "--db", french, "import", str(first))
    assert code == 2 and "first.jsonl: line 1: languages en→ar are not the project's en→fr" in err
    broken = tmp_path / "broken.jsonl"
    good = first.read_text("utf-8")
    broken.write_text(good + good.replace('"label": "PER"', '"label": 7', 1), "utf-8")
    copy = _fresh(new_store, capsys, "copy")
    code, _, err = run(capsys, "--db", copy, "import", str(broken))
    assert code == 2 and "broken.jsonl: line 2: mentions[0].label: expected str" in err
    store = Store.open(copy)
    with store.read() as session:
        assert session.scalars(select(DocumentPair)).first() is None
    store.close()


def test_a_tmx_of_pairs_already_in_the_project_says_it_made_new_ones(
    annotated: str,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "alice.tmx"
    _export(capsys, annotated, "-f", "tmx", "--layer", "Alice", "-o", out)
    code, stdout, err = run(capsys, "--db", annotated, "import", str(out), "--layer", "Bob")
    assert code == 0
    assert "a pair named 'austin-gallant-call' exists with other texts" in err
    assert "'austin-gallant-call (2)'" in stdout
    code, _, err = run(capsys, "--db", annotated, "import", str(tmp_path / "nothing.xml"))
    assert code == 2 and "nothing.xml: no such file" in err
