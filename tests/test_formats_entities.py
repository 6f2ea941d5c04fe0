"""Entity exports: CoNLL IOB2 read back by seqeval, brat standoff, and the links side file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from seqeval.metrics.sequence_labeling import get_entities
from sqlalchemy import select

from annotator.commands import Editor
from annotator.commands.entities import LinkMentions, TagMention
from annotator.model import Layer
from annotator.store import Store
from tests.test_cli import run

pytestmark = pytest.mark.both_engines  # the store tests run on SQLite and PostgreSQL

Span = tuple[str, int, int, str]
EN = "Austin called Gallant on Thursday.\nThey spoke about Israel and Gaza.\n"
AR = "اتصل أوستن بغالانت يوم الخميس.\nوتحدثا عن إسرائيل وغزة.\n"


@pytest.fixture
def tagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], new_store: Callable[[str], str]
) -> tuple[str, list[tuple[str, int, int, str]]]:
    """A pair whose Arabic mentions start after clitics (بـ, و) shed by snapping."""
    db = new_store("e")
    (tmp_path / "call.en").write_text(EN, "utf-8")
    (tmp_path / "call.ar").write_text(AR, "utf-8")
    assert run(capsys, "--db", db, "init", "news", "-s", "en", "-t", "ar")[0] == 0
    args = ("import", tmp_path / "call.en", tmp_path / "call.ar", "--presegmented")
    assert run(capsys, "--db", db, *map(str, args))[0] == 0
    store = Store.open(db)
    with store.read() as session:
        layer_id = session.scalars(select(Layer.id).where(Layer.kind == "automatic")).one()
    editor = Editor(store, layer_id, "tester")
    wanted = [
        ("source", "Austin", "PER"),
        ("source", "Gallant", "PER"),
        ("source", "Israel", "GPE"),
        ("source", "Gaza", "GPE"),
        ("target", "أوستن", "PER"),
        ("target", "غالانت", "PER"),  # after the preposition بـ
        ("target", "إسرائيل", "GPE"),
        ("target", "غزة", "GPE"),  # after the conjunction و
    ]
    ids = {}
    spans = []
    for side, surface, label in wanted:
        text = EN if side == "source" else AR
        start = text.index(surface)
        (mention,) = editor.execute(TagMention(side, start, start + len(surface), label)).mentions
        ids[surface] = mention
        spans.append((side, start, start + len(surface), label))
    editor.execute(LinkMentions(ids["Gallant"], ids["غالانت"]))
    editor.execute(LinkMentions(ids["Gaza"], ids["غزة"]))
    store.close()
    return db, spans


def _read_conll(path: Path) -> list[list[tuple[str, str]]]:
    """Return a CoNLL file's documents: (token, tag) rows, ("", "") between sentences."""
    documents: list[list[tuple[str, str]]] = []
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            documents.append([])
        elif not line:
            if documents[-1] and documents[-1][-1] != ("", ""):
                documents[-1].append(("", ""))
        else:
            token, tag = line.split("\t")
            documents[-1].append((token, tag))
    return documents


def test_conll_iob2_reads_back_through_seqeval_as_our_mentions(
    tagged: tuple[str, list[tuple[str, int, int, str]]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, spans = tagged
    out = tmp_path / "conll"
    code, report, err = run(capsys, "--db", db, "export", "news", "--layer", "automatic",
                            "-f", "conll", "-o", str(out))  # fmt: skip
    assert code == 0, err
    assert "not carried by conll: cross-lingual links (written to links.tsv)" in report
    for side, text, language in (("source", EN, "en"), ("target", AR, "ar")):
        (document,) = _read_conll(out / f"{language}.conll")
        # seqeval's own reading of the tag column, "" rows as its sentence breaks ("O")
        entities = get_entities([tag or "O" for _, tag in document])
        # map token indices back to text offsets by walking the text
        offsets, cursor = [], 0
        for token, _ in document:
            if not token:
                offsets.append((cursor, cursor))
                continue
            cursor = text.index(token, cursor)
            offsets.append((cursor, cursor + len(token)))
            cursor += len(token)
        found = [(side, offsets[a][0], offsets[b][1], label) for label, a, b in entities]
        assert found == [s for s in spans if s[0] == side]
    arabic = (out / "ar.conll").read_text("utf-8").splitlines()
    assert "و\tO" in arabic and "غزة\tB-GPE" in arabic  # the clitic is its own token
    assert "ب\tO" in arabic and "غالانت\tB-PER" in arabic
    links = (out / "links.tsv").read_text("utf-8").splitlines()
    assert links[0].startswith("pair\tsource_id\tsource_start")
    assert [row.split("\t")[5] + "|" + row.split("\t")[10] for row in links[1:]] == [
        "Gallant|غالانت",
        "Gaza|غزة",
    ]


def test_brat_offsets_point_into_the_txt_files(
    tagged: tuple[str, list[tuple[str, int, int, str]]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, spans = tagged
    out = tmp_path / "brat"
    code, _report, err = run(capsys, "--db", db, "export", "news", "--layer", "automatic",
                            "-f", "brat", "-o", str(out))  # fmt: skip
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == [
        "annotation.conf", "call.ar.ann", "call.ar.txt", "call.en.ann", "call.en.txt", "links.tsv",
    ]  # fmt: skip
    for side, language in (("source", "en"), ("target", "ar")):
        text = (out / f"call.{language}.txt").read_bytes().decode("utf-8")
        assert text == (EN if side == "source" else AR)
        rows = (out / f"call.{language}.ann").read_text("utf-8").splitlines()
        found = []
        for row in rows:
            _t_id, middle, surface = row.split("\t")
            label, start, end = middle.split(" ")
            assert text[int(start) : int(end)] == surface
            found.append((side, int(start), int(end), label))
        assert found == [s for s in spans if s[0] == side]
    links = (out / "links.tsv").read_text("utf-8").splitlines()[1:]
    assert [(row.split("\t")[1], row.split("\t")[6]) for row in links] == [
        ("T2", "T2"),
        ("T4", "T4"),
    ]
    assert "PER" in (out / "annotation.conf").read_text("utf-8")
