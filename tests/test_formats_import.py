"""`annotator import` of annotation files: the MAC InterText set, XLIFF 2, OPUS order, bad files."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from annotator.alignment.beads import AlignedBead
from annotator.layers import alignment, sentence_spans
from annotator.model import AuditEvent, DocumentPair, Layer, Side
from annotator.store import Store
from tests.bench.common import shared_dir
from tests.pg_server import PostgresServer
from tests.test_cli import run

pytestmark = pytest.mark.both_engines  # the store tests run on SQLite and PostgreSQL

MAC = shared_dir() / "benchmarks" / "review" / "mac-dev"
LAYERS = {"intertext_01": "anno1", "intertext_02": "anno2", "intertext": "gold"}


def _xtargets(path: Path) -> list[tuple[list[str], list[str], str]]:
    """Return each link of an InterText file as (toDoc ids, fromDoc ids, status), by regex."""
    text = path.read_text("utf-8")
    return [
        (before.split(), after.split(), status)
        for before, after, status in re.findall(
            r"xtargets=['\"]([^;'\"]*);([^'\"]*)['\"] status=['\"](\w+)", text
        )
    ]


def _ids(path: Path) -> list[str]:
    return re.findall(r'<s id="([^"]+)"', path.read_text("utf-8"))


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def mac_store(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> str:
    """All three MAC dev folders imported through the CLI into one zh→en project (each engine)."""
    if request.param == "postgres":
        server: PostgresServer = request.getfixturevalue("pg_server")
        db = server.database()
    else:
        db = str(tmp_path_factory.mktemp("mac") / "mac.sqlite3")
    from annotator.cli import main

    assert main(["--db", db, "init", "mac", "-s", "zh", "-t", "en"]) == 0
    for folder, layer in LAYERS.items():
        assert main(["--db", db, "import", str(MAC / folder), "--layer", layer]) == 0
    return db


def test_mac_files_come_in_exactly(mac_store: str) -> None:
    store = Store.open(mac_store)
    with store.read() as session:
        pairs = session.scalars(select(DocumentPair).order_by(DocumentPair.id)).all()
        assert len(pairs) == 6  # three files per chapter, one pair per chapter
        for pair, chapter in zip(pairs, ("001", "002", "003", "004", "005", "006"), strict=True):
            layers = {layer.owner_label: layer for layer in pair.layers}
            assert sorted(layers) == ["anno1", "anno2", "automatic", "gold"]
            assert layers["gold"].status == "adjudicated"
            for folder, owner in LAYERS.items():
                prefix = {"intertext_01": "dev-anno-1", "intertext_02": "dev-anno-2"}.get(
                    folder, "dev-anno"
                )
                base = MAC / folder / prefix
                links = _xtargets(Path(f"{base}.{chapter}_zh.{chapter}_en.xml"))
                zh = {k: i for i, k in enumerate(_ids(Path(f"{base}.{chapter}_zh.xml")))}
                en = {k: i for i, k in enumerate(_ids(Path(f"{base}.{chapter}_en.xml")))}
                layer = layers[owner]
                expected = [
                    AlignedBead(tuple(sorted(zh[k] for k in f)), tuple(sorted(en[k] for k in t)))
                    for t, f, _ in links
                ]
                assert alignment(session, layer) == expected, (chapter, owner)
                statuses = [s for _, _, s in links]
                assert len(layer.beads) == len(links)
                assert [b.status for b in layer.beads] == [
                    "confirmed" if s == "man" else "automatic" for s in statuses
                ]
                assert len(sentence_spans(session, layer, Side.SOURCE)) == len(zh)
                assert len(sentence_spans(session, layer, Side.TARGET)) == len(en)
        crossing = {
            (pair.name, layer.owner_label)
            for pair in pairs
            for layer in pair.layers
            if layer.crossing
        }
        assert crossing == {("dev-anno-1.002", "gold"), ("dev-anno-1.006", "gold")}
    store.close()


def test_mac_gold_exports_back_to_the_same_links(
    mac_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "gold"
    code, report, err = run(
        capsys, "--db", mac_store, "export", "mac", "-f", "intertext", "-o", out
    )
    assert code == 0, err
    assert "intertext export of the gold layer: 6 pair(s)" in report
    for chapter in ("001", "002", "006"):
        ours = _xtargets(out / f"dev-anno-1.{chapter}_zh.dev-anno-1.{chapter}_en.xml")
        theirs = _xtargets(MAC / "intertext" / f"dev-anno.{chapter}_zh.{chapter}_en.xml")
        assert ours == theirs  # the same ids, order and status, crossing beads included


def test_reimporting_an_annotators_folder_changes_nothing(
    mac_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store.open(mac_store)
    with store.read() as session:
        before = session.scalar(select(func.count()).select_from(Layer))
    store.close()
    code, out, err = run(
        capsys, "--db", mac_store, "import", MAC / "intertext_01", "--layer", "anno1"
    )
    assert code == 0 and "0 layer(s) imported, 0 new pair(s), 6 skipped" in out
    assert "already holds annotations in its anno1 layer; not replaced" in err
    store = Store.open(mac_store)
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Layer)) == before
    store.close()


# -- OPUS order, mirrored files, XLIFF ------------------------------------------------------------


def _texts(folder: Path) -> None:
    (folder / "a_en.xml").write_text(
        '<text><p id="1"><s id="1:1">Egypt won.</s><s id="1:2">Fans cheered.</s></p>'
        '<p id="2"><s id="2:1">The end.</s></p></text>',
        "utf-8",
    )
    (folder / "a_ar.xml").write_text(
        '<text><p id="1"><s id="1:1">فازت مصر وهتف المشجعون.</s></p></text>', "utf-8"
    )


@pytest.fixture
def news(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], new_store: Callable[[str], str]
) -> str:
    db = new_store("news")
    assert run(capsys, "--db", db, "init", "news", "-s", "en", "-t", "ar")[0] == 0
    return db


def _beads(db: str, owner: str = "automatic") -> list[AlignedBead]:
    store = Store.open(db)
    with store.read() as session:
        (layer,) = [x for x in session.scalars(select(Layer)) if x.owner_label == owner]
        found = alignment(session, layer)
    store.close()
    return found


def test_intertext_puts_todoc_first_and_opus_puts_fromdoc_first(
    news: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], new_store: Callable[[str], str]
) -> None:
    _texts(tmp_path)
    (tmp_path / "it.xml").write_text(
        '<linkGrp toDoc="a_ar.xml" fromDoc="a_en.xml">'
        '<link xtargets="1:1;1:1 1:2" status="man"/><link xtargets=";2:1"/></linkGrp>',
        "utf-8",
    )
    code, _, err = run(capsys, "--db", news, "import", tmp_path / "it.xml")
    assert code == 0, err
    assert _beads(news) == [AlignedBead((0, 1), (0,)), AlignedBead((2,), ())]
    opus = tmp_path / "opus"
    opus.mkdir()
    _texts(opus)
    (opus / "o.xml").write_text(
        '<cesAlign version="1.0"><linkGrp toDoc="a_ar.xml" fromDoc="a_en.xml">'
        '<link xtargets="1:1 1:2;1:1"/><link xtargets="2:1;"/></linkGrp></cesAlign>',
        "utf-8",
    )
    other = new_store("other")
    assert run(capsys, "--db", other, "init", "news", "-s", "en", "-t", "ar")[0] == 0
    code, _out, err = run(capsys, "--db", other, "import", opus / "o.xml")
    assert code == 0, err
    assert _beads(other) == [AlignedBead((0, 1), (0,)), AlignedBead((2,), ())]


def test_a_mirrored_alignment_fails_loudly_and_stores_nothing(
    news: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _texts(tmp_path)
    (tmp_path / "mirrored.xml").write_text(  # OPUS order in an InterText linkGrp
        '<linkGrp toDoc="a_ar.xml" fromDoc="a_en.xml">'
        '<link xtargets="1:1 1:2;1:1"/><link xtargets="2:1;"/></linkGrp>',
        "utf-8",
    )
    code, _out, err = run(capsys, "--db", news, "import", tmp_path / "mirrored.xml")
    assert code == 2
    assert "mirrored.xml: line 1: '1:2' is not a sentence of toDoc a_ar.xml" in err
    assert len(err.strip().splitlines()) == 1
    store = Store.open(news)
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(DocumentPair)) == 0
    store.close()


XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en-US" trgLang="ar">
 <file id="f1">
  <unit id="1"><segment state="final"><source>Egypt <pc id="b">won</pc>.</source>
   <target>فازت مصر.</target></segment>
   <ignorable><source> </source></ignorable>
   <segment><source>Fans cheered.</source><target>هتف المشجعون.</target></segment></unit>
  <unit id="2"><segment><source>Untranslated.</source></segment></unit>
 </file>
</xliff>
"""


def test_xliff_segments_become_beads(
    news: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "doc.xlf"
    path.write_text(XLIFF, "utf-8")
    code, out, err = run(capsys, "--db", news, "import", path, "--layer", "gold")
    assert code == 0, err
    assert "imported 3 beads into the gold layer of pair 1 'doc'" in out
    assert _beads(news, "gold") == [
        AlignedBead((0,), (0,)),
        AlignedBead((1,), (1,)),
        AlignedBead((2,), ()),
    ]
    store = Store.open(news)
    with store.read() as session:
        pair = session.get(DocumentPair, 1)
        assert pair is not None
        assert pair.source.text == "Egypt won.\nFans cheered.\nUntranslated.\n"
        gold = next(x for x in pair.layers if x.kind == "gold")
        assert [b.status for b in gold.beads] == ["confirmed", "automatic", "automatic"]
    store.close()
    (tmp_path / "old.xlf").write_text('<xliff version="1.2"><file/></xliff>', "utf-8")
    code, _, err = run(capsys, "--db", news, "import", tmp_path / "old.xlf")
    assert code == 2 and "XLIFF 1.2 is not read; use XLIFF 2.x" in err


# -- bead files onto presegmented text -------------------------------------------------------------


@pytest.mark.parametrize(
    ("beads", "message"),
    [
        (
            "[0]:[0]\n[1, 2]:[1]\n[3]:[5]\n",
            "line 3: target id 5 is out of range (3 sentences: 0..2)",
        ),
        ("[0]:[0]\n[2]:[1]\n[1]:[2]\n", "line 2: source ids 1 are in no bead"),
        ("[0, 1]:[0]\n[1, 2]:[1, 2]\n", "line 2: source id 1 is already in line 1"),
        ("[0]:[0]\n[1]:[2]\n[2]:[1]\n[3]:[]\n", "line 2: target ids 1 are in no bead"),
        ("[0]:[0]\n[1, 2]:[1, 2]\n", "source ids 3 are in no bead (end of file)"),
        ("[0]:[0]\n[1, 3]:[1]\n", "line 2: source ids [1, 3] are not consecutive"),
        ("[0]:[0]\n[x]:[1]\n", "line 2: bad sentence id 'x'"),
    ],
)
def test_a_bad_bead_file_names_its_line_and_stores_nothing(
    news: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], beads: str, message: str
) -> None:
    (tmp_path / "d.en").write_text("One.\nTwo.\nThree.\nFour.\n", "utf-8")
    (tmp_path / "d.ar").write_text("واحد.\nاثنان.\nثلاثة.\n", "utf-8")
    (tmp_path / "d.beads").write_text(beads, "utf-8")
    args = (tmp_path / "d.en", tmp_path / "d.ar", "--presegmented", "--alignment")
    code, _, err = run(capsys, "--db", news, "import", *args, tmp_path / "d.beads")
    assert code == 2, err
    assert f"d.beads: {message}" in err and len(err.strip().splitlines()) == 1
    store = Store.open(news)
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(DocumentPair)) == 0
        actions = set(session.scalars(select(AuditEvent.action)))
        assert actions == {"create_project", "create_annotator"}  # the init, nothing more
    store.close()


# -- XML that attacks the parser ------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<tmx version="1.4"><header/><body><tu><tuv xml:lang="en"><seg>&lol9;</seg></tuv>
<tuv xml:lang="ar"><seg>مرحبا</seg></tuv></tu></body></tmx>
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE tmx [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<tmx version="1.4"><header/><body><tu><tuv xml:lang="en"><seg>&secret;</seg></tuv>
<tuv xml:lang="ar"><seg>مرحبا</seg></tuv></tu></body></tmx>
"""

URL_FETCH = """<?xml version="1.0"?>
<!DOCTYPE tmx [<!ENTITY remote SYSTEM "http://127.0.0.1:9/evil.dtd">%s]>
<tmx version="1.4"><header/><body><tu><tuv xml:lang="en"><seg>&remote;</seg></tuv>
<tuv xml:lang="ar"><seg>مرحبا</seg></tuv></tu></body></tmx>
"""

QUADRATIC = (
    '<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY a "'
    + "x" * 50_000
    + '">]>\n<tmx version="1.4"><header/><body><tu><tuv xml:lang="en"><seg>'
    + "&a;" * 50_000
    + '</seg></tuv><tuv xml:lang="ar"><seg>مرحبا</seg></tuv></tu></body></tmx>\n'
)

TRUNCATED = (
    '<?xml version="1.0"?>\n<tmx version="1.4"><header/><body><tu><tuv xml:lang="en"><seg>Eg'
)

ATTACKS = {
    "billion-laughs": (BILLION_LAUGHS, "the document declares XML entities; refused for safety"),
    "xxe-etc-passwd": (XXE, "the document declares XML entities; refused for safety"),
    "url-fetch": (URL_FETCH % "", "the document declares XML entities; refused for safety"),
    "quadratic-blowup": (QUADRATIC, "the document declares XML entities; refused for safety"),
    "truncated": (TRUNCATED, "not well-formed XML"),
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_hostile_xml_is_refused_quickly_and_stores_nothing(
    name: str, news: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content, message = ATTACKS[name]
    path = tmp_path / f"{name}.tmx"
    path.write_text(content, "utf-8")
    started = time.perf_counter()
    code, out, err = run(capsys, "--db", news, "import", path)
    elapsed = time.perf_counter() - started
    assert code == 2 and f"{name}.tmx: {message}" in err
    assert "root:" not in out + err  # nothing of /etc/passwd reached any output
    assert elapsed < 1.0, elapsed
    store = Store.open(news)
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(DocumentPair)) == 0
    store.close()


def test_an_xml_file_over_the_size_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    from annotator.errors import InputError
    from annotator.formats.safexml import parse_xml

    path = tmp_path / "big.tmx"
    path.write_text("<tmx>" + "x" * 2000 + "</tmx>", "utf-8")
    with pytest.raises(InputError, match=r"big.tmx: 0.0 MB is over the 0 MB limit"):
        parse_xml(path, limit=1000)
    fifo = tmp_path / "pipe.xml"
    import os

    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"pipe\.xml: not a regular file"):
        parse_xml(fifo)
