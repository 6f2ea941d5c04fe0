"""Undoing a wrong import without SQL: remove and rename pairs and projects."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from annotator.commands import Editor
from annotator.commands.entities import TagMention
from annotator.layers import ensure_annotator_layer
from annotator.model import AuditEvent, Document, DocumentPair, Layer, Mention, Segment
from annotator.projects import get_or_create_annotator
from annotator.store import Store
from tests.conftest import SEED_AR, SEED_EN
from tests.test_cli import run

pytestmark = pytest.mark.both_engines


@pytest.fixture
def two_pairs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], new_store: Callable[[str], str]
) -> str:
    db = new_store("store")
    assert run(capsys, "--db", db, "init", "news", "-s", "en", "-t", "ar")[0] == 0
    assert run(capsys, "--db", db, "import", SEED_EN, SEED_AR)[0] == 0
    (tmp_path / "b.en.txt").write_text("The war began.", "utf-8")
    (tmp_path / "b.ar.txt").write_text("بدأت الحرب.", "utf-8")
    assert run(capsys, "--db", db, "import", tmp_path / "b.en.txt", tmp_path / "b.ar.txt")[0] == 0
    store = Store.open(db)
    with store.write() as session:
        pair = session.get(DocumentPair, 1)
        alice = get_or_create_annotator(session, "Alice")
        layer_id = ensure_annotator_layer(session, pair, alice).id
    Editor(store, layer_id, "Alice").execute(TagMention("source", 0, 6, "PER"))
    store.close()
    return db


def _counts(db: str) -> dict[str, int]:
    store = Store.open(db)
    with store.read() as session:
        counts = {
            model.__name__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (DocumentPair, Document, Layer, Segment, Mention)
        }
    store.close()
    return counts


def test_remove_asks_and_names_what_goes(
    two_pairs: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _counts(two_pairs)
    code, _, err = run(capsys, "--db", two_pairs, "remove", "pair", "austin-gallant-call")
    assert code == 2 and "confirm with --yes" in err  # no terminal here to ask on
    assert "Alice (in_progress): 1 mentions, 0 links" in err and "automatic" in err
    assert _counts(two_pairs) == before
    code, out, _ = run(capsys, "--db", two_pairs, "remove", "pair", "1", "--yes")
    assert code == 0 and "removed pair 1 'austin-gallant-call'" in out
    after = _counts(two_pairs)
    assert after["DocumentPair"] == 1 and after["Document"] == 2 and after["Mention"] == 0
    assert after["Layer"] == 1  # the other pair's automatic layer stays
    code, out, _ = run(capsys, "--db", two_pairs, "list", "news", "--json")
    assert [p["name"] for p in json.loads(out)["pairs"]] == ["b"]
    store = Store.open(two_pairs)
    with store.read() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "remove_pair")
        ).one()
        assert event.detail["name"] == "austin-gallant-call"
    store.close()
    # the same texts import again as a new pair: nothing of the old one was left behind
    assert run(capsys, "--db", two_pairs, "import", SEED_EN, SEED_AR)[1].count("imported pair") == 1


def test_rename_and_remove_a_project(two_pairs: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", two_pairs, "rename", "pair", "b", "beirut")
    assert code == 0 and "'b' → 'beirut'" in out
    code, _, err = run(capsys, "--db", two_pairs, "rename", "pair", "beirut", "austin-gallant-call")
    assert code == 2 and "already has a pair 'austin-gallant-call'" in err
    assert run(capsys, "--db", two_pairs, "rename", "project", "news", "gaza")[0] == 0
    code, _, err = run(capsys, "--db", two_pairs, "remove", "project", "gaza", "--yes")
    assert code == 0 and "project 'gaza': 2 pair(s)" in err
    assert _counts(two_pairs) == {
        "DocumentPair": 0, "Document": 0, "Layer": 0, "Segment": 0, "Mention": 0,
    }  # fmt: skip
