"""`annotator export`: JSONL (schema-valid, round offsets), Moses, TSV and bead files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from annotator.alignment.beads import parse_beads
from annotator.commands import Editor
from annotator.commands.alignment import SetBeadStatus
from annotator.commands.entities import TagCounterpart, TagMention
from annotator.formats.jsonl import schema
from annotator.layers import bead_rows, ensure_annotator_layer
from annotator.model import DocumentPair, Layer
from annotator.projects import get_or_create_annotator
from annotator.store import Store
from tests.bench.common import shared_dir
from tests.conftest import SEED_AR, SEED_EN
from tests.test_cli import run

pytestmark = pytest.mark.both_engines  # the store tests run on SQLite and PostgreSQL


@pytest.fixture
def annotated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], new_store: Callable[[str], str]
) -> str:
    """The seed pair with Alice's layer: a linked name, a date, the first row confirmed."""
    db = new_store("store")
    assert run(capsys, "--db", db, "init", "news", "-s", "en", "-t", "ar")[0] == 0
    assert run(capsys, "--db", db, "import", SEED_EN, SEED_AR)[0] == 0
    store = Store.open(db)
    with store.write() as session:
        pair = session.get(DocumentPair, 1)
        assert pair is not None
        layer = ensure_annotator_layer(session, pair, get_or_create_annotator(session, "Alice"))
        layer_id = layer.id
        en, ar = pair.source.text, pair.target.text
        first_bead = bead_rows(session, layer)[0].bead_id
    editor = Editor(store, layer_id, "Alice")
    start = en.index("Lloyd Austin")
    (mention,) = editor.execute(TagMention("source", start, start + 12, "PER")).mentions
    at = ar.index("لويد أوستن")
    editor.execute(TagCounterpart(mention, "target", at, at + len("لويد أوستن"), "PER"))
    day = en.index("Thursday")
    editor.execute(TagMention("source", day, day + 8, "DATE"))
    editor.execute(SetBeadStatus([first_bead], "confirmed"))
    store.close()
    return db


def test_jsonl_carries_everything_and_validates(
    annotated: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "gold.jsonl"
    code, report, _ = run(
        capsys, "--db", annotated, "export", "news", "--layer", "Alice", "-o", out,
        "--utf16-offsets",
    )  # fmt: skip
    assert code == 0
    assert "jsonl export of the Alice layer: 1 pair(s)" in report
    assert "beads: 11 (2 1:0, 7 1:1, 2 2:1)" in report and "mentions: 3, links: 1" in report
    (line,) = out.read_text("utf-8").splitlines()
    record = json.loads(line)
    jsonschema.validate(record, schema())
    assert record["offsets"] == "code points" and record["layer"]["annotator"] == "Alice"
    texts = {side: record["documents"][side]["text"] for side in ("source", "target")}
    for mention in record["mentions"]:
        assert texts[mention["side"]][mention["start"] : mention["end"]] == mention["surface"]
        assert mention["start_utf16"] == mention["start"]  # no character outside the BMP here
    surfaces = {m["id"]: m["surface"] for m in record["mentions"]}
    assert [(surfaces[k["source"]], surfaces[k["target"]]) for k in record["links"]] == [
        ("Lloyd Austin", "لويد أوستن")
    ]
    assert record["beads"][0] == {"source": [0], "target": [], "status": "confirmed",
                                  "score": record["beads"][0]["score"]}  # fmt: skip
    assert [len(b["source"]) for b in record["beads"]] == [1, 1, 1, 1, 2, 2, 1, 1, 1, 1, 1]


def test_utf16_offsets_count_code_units(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], new_store: Callable[[str], str]
) -> None:
    db = new_store("e")
    (tmp_path / "e.en.txt").write_text("Fans 👍 cheered Egypt.", "utf-8")
    (tmp_path / "e.ar.txt").write_text("هتف المشجعون 👍 لمصر.", "utf-8")
    assert run(capsys, "--db", db, "init", "news", "-s", "en", "-t", "ar")[0] == 0
    assert run(capsys, "--db", db, "import", tmp_path / "e.en.txt", tmp_path / "e.ar.txt")[0] == 0
    store = Store.open(db)
    with store.read() as session:
        layer_id = session.query(Layer).filter_by(kind="automatic").one().id
    Editor(store, layer_id, "tester").execute(TagMention("source", 15, 20, "GPE"))
    store.close()
    out = tmp_path / "e.jsonl"
    args = ("--layer", "automatic", "-o", out, "--utf16-offsets")
    assert run(capsys, "--db", db, "export", "news", *args)[0] == 0
    record = json.loads(out.read_text("utf-8"))
    jsonschema.validate(record, schema())
    (mention,) = record["mentions"]
    assert (mention["surface"], mention["start"], mention["start_utf16"]) == ("Egypt", 15, 16)


def test_moses_and_tsv_skip_one_sided_beads_unless_asked(
    annotated: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stem = tmp_path / "corpus"
    code, report, _ = run(
        capsys, "--db", annotated, "export", "news", "--layer", "automatic", "-f", "moses",
        "-o", stem,
    )  # fmt: skip
    assert code == 0 and "one-sided beads: 0 written, 2 skipped" in report
    en = (tmp_path / "corpus.en").read_text("utf-8").splitlines()
    ar = (tmp_path / "corpus.ar").read_text("utf-8").splitlines()
    assert len(en) == len(ar) == 9 and all(en) and all(ar)
    assert "not carried by moses: mentions, links" in report
    tsv = tmp_path / "corpus.tsv"
    code, report, _ = run(
        capsys, "--db", annotated, "export", "news", "--layer", "automatic", "-f", "tsv",
        "-o", tsv, "--keep-one-sided",
    )  # fmt: skip
    rows = tsv.read_text("utf-8").splitlines()
    assert code == 0 and rows[0] == "en\tar" and len(rows) == 12
    assert rows[1].endswith("\t") and "one-sided beads: 2 written, 0 skipped" in report


def test_bead_files_read_back_as_the_alignment(
    annotated: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "beads"
    code, _, _ = run(
        capsys, "--db", annotated, "export", "news", "--layer", "Alice", "-f", "beads",
        "-o", folder, "--confirmed-only",
    )  # fmt: skip
    assert code == 0
    assert parse_beads((folder / "austin-gallant-call.beads").read_text("utf-8")) == [
        parse_beads("[0]:[]")[0]
    ]  # only the confirmed row
    assert len((folder / "austin-gallant-call.en").read_text("utf-8").splitlines()) == 13
    assert len((folder / "austin-gallant-call.ar").read_text("utf-8").splitlines()) == 9


def test_gold_by_default_and_all_pairs(
    annotated: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "gold.jsonl"
    code, _, err = run(capsys, "--db", annotated, "export", "news", "-o", out)
    assert code == 2 and "no pair has an adjudicated gold layer" in err and not out.exists()
    code, report, _ = run(capsys, "--db", annotated, "export", "news", "-o", out, "--all-pairs")
    assert code == 0 and "pairs with an empty layer (exported empty): austin-gallant-call" in report
    jsonschema.validate(json.loads(out.read_text("utf-8")), schema())
    code, _, err = run(capsys, "--db", annotated, "export", "news", "-f", "tmx2", "-o", out)
    assert code == 2 and "unknown format 'tmx2'" in err


TMX_DTD = shared_dir() / "specs" / "tmx14.dtd"


def test_tmx_is_valid_against_the_dtd_and_says_what_each_unit_is(
    annotated: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "seed.tmx"
    args = ("--layer", "Alice", "-f", "tmx", "-o", out)
    code, report, _ = run(capsys, "--db", annotated, "export", "news", *args)
    assert code == 0 and "one-sided beads: 0 written, 2 skipped" in report
    assert "not carried by tmx: mentions and links" in report
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    tree = etree.parse(str(out), parser)
    dtd = etree.DTD(str(TMX_DTD))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    header = tree.find("header")
    assert header is not None and header.get("o-tmf") == "annotator"
    assert header.get("srclang") == "en" and header.get("segtype") == "sentence"
    units = tree.findall("body/tu")
    assert len(units) == 9
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert all([tuv.get(lang) for tuv in tu.findall("tuv")] == ["en", "ar"] for tu in units)
    props = {p.get("type"): p.text for p in units[0].findall("prop")}
    assert props["x-pair"] == "austin-gallant-call" and props["x-bead"] == "1"
    merged = [tu for tu in units if tu.get("segtype") == "block"]
    assert len(merged) == 2  # the two 2:1 beads, their English sentences joined
    assert merged[0].find("tuv/seg").text.count(". ") >= 1
    code, report, _ = run(capsys, "--db", annotated, "export", "news", *args, "--keep-one-sided")
    tree = etree.parse(str(out), parser)
    assert dtd.validate(tree) and len(tree.findall("body/tu")) == 11
    title = tree.findall("body/tu")[0]
    assert [tuv.get(lang) for tuv in title.findall("tuv")] == ["en"]  # the 1:0 title row


def test_the_cli_lists_every_registered_format() -> None:
    from annotator.cli.export import FORMAT_NAMES
    from annotator.formats import FORMATS

    assert sorted(FORMAT_NAMES) == sorted(FORMATS)
