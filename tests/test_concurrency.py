"""Two processes editing one layer at once: only conflicts, never an integrity error or a lost edit.

Each writer runs the core Editor (what the window runs) on the same annotator layer, tagging
words and merging rows (then undoing the merge); a conflict makes it reload and go on, as the
window does. Whatever a writer was told was saved must be in the store at the end, and nothing
else may be. Without the per-layer lock, PostgreSQL gave integrity errors here.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.layers import ensure_annotator_layer, ensure_gold_layer
from annotator.model import Annotator, DocumentPair, Layer, Mention
from annotator.projects import get_or_create_annotator
from annotator.store import Store
from annotator.store.invariants import check_layer_alignment
from tests.conftest import REPO
from tests.test_cli import run
from tests.two_writers import run_two_writers

pytestmark = pytest.mark.both_engines


def test_two_writers_on_one_layer_get_conflicts_and_lose_nothing(
    store: Store, seed_pair_id: int, db_url: str
) -> None:
    with store.write() as session:
        pair = session.get(DocumentPair, seed_pair_id)
        layer_id = ensure_annotator_layer(
            session, pair, get_or_create_annotator(session, "Alice")
        ).id
    results = run_two_writers(db_url, layer_id, 60)
    assert [r["errors"] for r in results] == [[], []]  # conflicts only: no integrity, no deadlock
    saved = sorted(start for r in results for start in r["saved"])
    with store.read() as session:
        stored = sorted(
            m.start for m in session.scalars(select(Mention).where(Mention.layer_id == layer_id))
        )
    assert stored == saved  # every acknowledged tag is there, and nothing else
    with store.read() as session:
        check_layer_alignment(session, layer_id)  # the rows still partition both texts


def test_two_imports_of_one_folder_at_once_store_each_pair_once(
    new_store: Callable[[str], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = new_store("imports")
    assert run(capsys, "--db", db, "init", "news", "-s", "en", "-t", "ar")[0] == 0
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for k in range(6):
        (corpus / f"p{k}.en.txt").write_text(f"Item {k} was discussed. The talks resumed.\n")
        (corpus / f"p{k}.ar.txt").write_text(f"نوقش البند {k}. استؤنفت المحادثات.\n")
    imports = [
        subprocess.Popen(
            [sys.executable, "-m", "annotator", "--db", db, "import", str(corpus)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outcomes = [(p.wait(timeout=300), p.communicate()) for p in imports]
    assert [code for code, _ in outcomes] == [0, 0], outcomes
    store = Store.open(db)
    with store.read() as session:
        names = sorted(session.scalars(select(DocumentPair.name)))
    store.close()
    assert names == [f"p{k}" for k in range(6)]  # each once: the second import skipped them


FIRST_OPEN = r"""
import sys
from annotator.projects import get_or_create_annotator
from annotator.store import Store
store = Store.open(sys.argv[1])
with store.write() as session:  # what the window does on its first open under a name
    get_or_create_annotator(session, sys.argv[2])
store.close()
"""


def test_two_first_opens_under_one_new_name_make_one_annotator(store: Store, db_url: str) -> None:
    for trial in range(4):
        name = f"Newcomer {trial}"
        opens = [
            subprocess.Popen(
                [sys.executable, "-c", FIRST_OPEN, db_url, name],
                cwd=REPO,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outcomes = [(p.wait(timeout=120), p.communicate()[1]) for p in opens]
        assert [code for code, _ in outcomes] == [0, 0], outcomes
        with store.read() as session:
            found = session.scalars(select(Annotator.name).where(Annotator.name == name)).all()
        assert found == [name]


@pytest.mark.parametrize("kind", ["annotator", "gold"])
def test_a_layer_made_twice_at_once_is_made_once(
    store: Store, seed_pair_id: int, kind: str
) -> None:
    """Two windows open a pair for one annotator (or start its gold) at the same moment."""
    import threading
    import time

    def ensure(session: Session) -> int:
        pair = session.get(DocumentPair, seed_pair_id)
        assert pair is not None
        if kind == "gold":
            return ensure_gold_layer(session, pair).id
        return ensure_annotator_layer(session, pair, get_or_create_annotator(session, "Alice")).id

    with store.write() as session:
        get_or_create_annotator(session, "Alice")
    second: list[object] = []

    def other_window() -> None:
        try:
            with store.write() as session:
                second.append(ensure(session))
        except Exception as exc:  # reported below, with its type
            second.append(exc)

    with store.write() as session:
        first = ensure(session)  # made, not yet committed, when the other window asks
        thread = threading.Thread(target=other_window)
        thread.start()
        time.sleep(0.5)  # time for it to ask: it must then be waiting, not done or failed
        assert thread.is_alive()  # the other waits (SQLite: for the store, server: for the lock)
    thread.join(timeout=20)
    assert second == [first]
    with store.read() as session:
        kinds = session.scalars(select(Layer.kind).where(Layer.pair_id == seed_pair_id)).all()
    assert sorted(kinds) == sorted(["automatic", kind])
