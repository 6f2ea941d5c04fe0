"""Roles and the layer workflow, enforced in the core and seen through the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.commands import Editor, SetLayerStatus
from annotator.commands.entities import TagMention
from annotator.errors import InputError, PermissionDeniedError
from annotator.layers import copy_layer, ensure_annotator_layer, find_layer
from annotator.model import DocumentPair, Layer, LayerKind
from annotator.projects import get_or_create_annotator
from annotator.store import Store
from tests.conftest import SEED_AR, SEED_EN
from tests.test_cli import run

pytestmark = pytest.mark.both_engines  # the store tests run on SQLite and PostgreSQL


@pytest.fixture
def team(new_store: Callable[[str], str], capsys: pytest.CaptureFixture[str]) -> str:
    """Rania creates the project (so reviews it); Alice and Bob annotate the seed pair."""
    db = new_store("team")
    assert run(capsys, "--db", db, "--as", "Rania", "init", "news", "-s", "en", "-t", "ar")[0] == 0
    assert run(capsys, "--db", db, "--as", "Rania", "import", SEED_EN, SEED_AR)[0] == 0
    for name in ("Alice", "Bob"):
        code, out, err = run(capsys, "--db", db, "--as", "Rania", "annotators", "add", name)
        assert code == 0 and f"added {name} as annotator" in out, err
    store = Store.open(db)
    with store.write() as session:
        pair = session.get(DocumentPair, 1)
        assert pair is not None
        for name in ("Alice", "Bob"):
            ensure_annotator_layer(session, pair, get_or_create_annotator(session, name))
    store.close()
    return db


def _layer(store: Store, owner: str) -> int:
    with store.read() as session:
        return next(x.id for x in session.scalars(select(Layer)) if x.owner_label == owner)


def _status(store: Store, layer_id: int) -> str:
    with store.read() as session:
        layer = session.get(Layer, layer_id)
        assert layer is not None
        return layer.status


def test_a_layer_moves_to_in_progress_on_its_first_edit_and_back_on_undo(team: str) -> None:
    store = Store.open(team)
    alice = _layer(store, "Alice")
    editor = Editor(store, alice, "Alice")
    assert _status(store, alice) == "new"
    editor.execute(TagMention("source", 0, 5, "PER"))
    assert _status(store, alice) == "in_progress"
    editor.execute(TagMention("source", 10, 15, "PER"))
    editor.undo()
    assert _status(store, alice) == "in_progress"  # still edited
    editor.undo()
    assert _status(store, alice) == "new"  # nothing of the first edit is left
    editor.redo()
    assert _status(store, alice) == "in_progress"
    store.close()


def test_done_stops_edits_and_reopen_works_until_the_gold_starts(
    team: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", team, "--as", "Alice", "done", "1")
    assert code == 0 and "the Alice layer of 'austin-gallant-call' is now done" in out
    store = Store.open(team)
    alice = _layer(store, "Alice")
    with pytest.raises(InputError, match="is marked done; reopen it to edit"):
        Editor(store, alice, "Alice").execute(TagMention("source", 0, 5, "PER"))
    code, out, _ = run(capsys, "--db", team, "--as", "Alice", "reopen", "1")
    assert code == 0 and "is now in progress" in out
    assert run(capsys, "--db", team, "--as", "Alice", "done", "1")[0] == 0
    with store.write() as session:  # the reviewer starts the gold from Bob's layer
        pair = session.get(DocumentPair, 1)
        bob = find_layer(
            session, pair, LayerKind.ANNOTATOR, get_or_create_annotator(session, "Bob")
        )
        copy_layer(session, bob, LayerKind.GOLD)
    code, _, err = run(capsys, "--db", team, "--as", "Alice", "reopen", "1")
    assert code == 2 and "a reviewer has started the gold of pair 1" in err
    assert _status(store, alice) == "done"
    code, _, _ = run(capsys, "--db", team, "--as", "Rania", "reopen", "1", "--layer", "Alice")
    assert code == 0 and _status(store, alice) == "in_progress"  # a reviewer may
    store.close()


def test_only_a_reviewer_writes_the_gold_or_grants_roles(
    team: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store.open(team)
    with store.write() as session:
        pair = session.get(DocumentPair, 1)
        auto = find_layer(session, pair, LayerKind.AUTOMATIC)
        gold = copy_layer(session, auto, LayerKind.GOLD).id
    with pytest.raises(PermissionDeniedError, match="only a reviewer may change the gold layer"):
        Editor(store, gold, "Alice").execute(TagMention("source", 0, 5, "PER"))
    with pytest.raises(PermissionDeniedError, match="change the status of the gold layer"):
        Editor(store, gold, "Alice").execute(SetLayerStatus("adjudicated"))
    Editor(store, gold, "Rania").execute(TagMention("source", 0, 5, "PER"))
    Editor(store, gold, "Rania (command line)").execute(SetLayerStatus("adjudicated"))
    assert _status(store, gold) == "adjudicated"
    store.close()
    code, _, err = run(capsys, "--db", team, "--as", "Alice", "annotators", "add", "Eve",
                       "--role", "reviewer")  # fmt: skip
    assert code == 2 and "only a reviewer may add annotators or change roles" in err
    export = tmp_path / "alice.jsonl"
    assert run(capsys, "--db", team, "--as", "Alice", "export", "news", "--layer", "Alice",
               "-o", export)[0] == 0  # fmt: skip
    code, _, err = run(capsys, "--db", team, "--as", "Alice", "import", export, "--layer", "gold")
    assert code == 2 and "only a reviewer may import into the gold layer" in err
    code, out, _ = run(capsys, "--db", team, "annotators", "list")
    assert code == 0 and "Rania" in out and "reviewer" in out


def test_blind_projects_show_an_annotator_only_their_own_layer(
    team: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", team, "--as", "Alice", "list", "news", "--json")
    owners = {layer["owner"] for layer in json.loads(out)["pairs"][0]["layers"]}
    assert code == 0 and owners == {"automatic", "Alice"}
    code, out, _ = run(capsys, "--db", team, "--as", "Rania", "list", "news", "--json")
    assert {layer["owner"] for layer in json.loads(out)["pairs"][0]["layers"]} == {
        "automatic", "Alice", "Bob",
    }  # fmt: skip
    code, _, err = run(capsys, "--db", team, "--as", "Alice", "show", "1", "--layer", "Bob")
    assert code == 2 and "is blind" in err
    args = ("export", "news", "--layer", "Bob", "-o", tmp_path / "bob.jsonl")
    code, _, err = run(capsys, "--db", team, "--as", "Alice", *args)
    assert code == 2 and "may read only their own layer" in err
    code, _, err = run(capsys, "--db", team, "--as", "Alice", "settings", "news", "--open")
    assert code == 2 and "only a reviewer may change a project's settings" in err
    code, out, _ = run(capsys, "--db", team, "--as", "Rania", "settings", "news", "--open")
    assert code == 0 and "open annotation" in out
    code, out, _ = run(capsys, "--db", team, "--as", "Alice", "list", "news", "--json")
    assert "Bob" in {layer["owner"] for layer in json.loads(out)["pairs"][0]["layers"]}
