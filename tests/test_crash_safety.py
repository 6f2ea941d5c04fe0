"""Nothing acknowledged is lost when the process is killed: SIGKILL a writer at random moments."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from annotator.demo import ensure_demo_project
from annotator.layers import automatic_layer, ensure_annotator_layer
from annotator.model import DocumentPair, Mention
from annotator.projects import get_or_create_annotator
from annotator.store import Store
from tests.conftest import REPO

WRITER = r"""
import sys
from annotator.commands import Editor
from annotator.commands.entities import TagMention
from annotator.model import Layer
from annotator.store import Store
store = Store.open(sys.argv[1])
editor = Editor(store, int(sys.argv[2]), "Alice")
with store.read() as session:
    text = session.get(Layer, int(sys.argv[2])).pair.source.text
n = int(sys.argv[3])
while True:
    start, end = n % 2000, n % 2000 + 1 + n // 2000
    if not (text[start].isspace() or text[end - 1].isspace()):  # mentions never have edge spaces
        editor.execute(TagMention("source", start, end, "MISC"))
        print(n, flush=True)  # the action 'showed on screen' only after its commit returned
    n += 1
"""


def test_killed_writer_loses_no_acknowledged_edit(tmp_path: Path) -> None:
    db = tmp_path / "crash.sqlite3"
    store = Store.open(db)
    pair_id = ensure_demo_project(store, "tester")
    with store.write() as session:
        pair = session.get(DocumentPair, pair_id)
        automatic_layer(session, pair)
        layer_id = ensure_annotator_layer(
            session, pair, get_or_create_annotator(session, "Alice")
        ).id
    store.close()
    rng = random.Random(7)
    acknowledged: list[int] = []
    n = 0
    for _ in range(12):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), str(layer_id), str(n)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert proc.stdout is not None
        first = proc.stdout.readline()  # wait until it is writing
        deadline = time.monotonic() + rng.uniform(0.05, 0.4)
        lines = [first]
        while time.monotonic() < deadline:
            lines.append(proc.stdout.readline())
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate()
        lines += rest.splitlines()
        done = [int(x) for x in lines if x.strip()]
        acknowledged += done
        n = (done[-1] + 1) if done else n
    assert len(acknowledged) > 20
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
    store = Store.open(db)
    with store.read() as session:
        stored = {
            (m.start, m.end)
            for m in session.scalars(select(Mention).where(Mention.layer_id == layer_id))
        }
    store.close()
    for k in acknowledged:
        assert (k % 2000, k % 2000 + 1 + k // 2000) in stored
