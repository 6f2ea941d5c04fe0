"""SIGKILL a writer that saves edits through the window's command path, then count what survived.

The writer runs the core Editor the window runs for each key press (TagMention, one commit per
action) and prints an action's number only after its commit returned: what it printed was
"on screen". Used by tests/test_crash_safety.py (a few kills) and `make bench` (hundreds).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from annotator.demo import ensure_demo_project
from annotator.layers import automatic_layer, ensure_annotator_layer
from annotator.model import DocumentPair, Mention
from annotator.projects import get_or_create_annotator
from annotator.store import Store

REPO = Path(__file__).resolve().parents[1]

WRITER = r"""
import sys
from annotator.commands import Editor
from annotator.commands.entities import TagMention
from annotator.errors import InputError
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
        try:
            editor.execute(TagMention("source", start, end, "MISC"))
        except InputError:  # committed by the killed run before it could print: not "on screen"
            editor.reload()
        else:
            print(n, flush=True)  # the action 'showed on screen' only after its commit returned
    n += 1
"""


@dataclass
class KillReport:
    """What the kills did: how many, actions acknowledged, acknowledged but lost, corrupt stores."""

    kills: int
    acknowledged: int
    lost: int
    corrupt: int


def prepared_store(db: Path) -> int:
    """Make a store with the seed pair and Alice's layer; return the layer id."""
    store = Store.open(db)
    pair_id = ensure_demo_project(store, "tester")
    with store.write() as session:
        pair = session.get(DocumentPair, pair_id)
        assert pair is not None
        automatic_layer(session, pair)
        layer_id = ensure_annotator_layer(
            session, pair, get_or_create_annotator(session, "Alice")
        ).id
    store.close()
    return layer_id


def kill_writers(db: Path, layer_id: int, kills: int, seed: int = 7) -> KillReport:
    """Start and SIGKILL the writer `kills` times at random moments; check the store each time."""
    rng = random.Random(seed)
    acknowledged: list[int] = []
    corrupt = 0
    n = 0
    for _ in range(kills):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), str(layer_id), str(n)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert proc.stdout is not None
        lines = [proc.stdout.readline()]  # wait until it is writing
        deadline = time.monotonic() + rng.uniform(0.05, 0.4)
        while time.monotonic() < deadline:
            lines.append(proc.stdout.readline())
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate()
        done = [int(x) for x in lines + rest.splitlines() if x.strip()]
        acknowledged += done
        n = (done[-1] + 1) if done else n
        with sqlite3.connect(db) as con:
            corrupt += con.execute("PRAGMA integrity_check").fetchone() != ("ok",)
        con.close()
    store = Store.open(db)
    with store.read() as session:
        stored = {
            (m.start, m.end)
            for m in session.scalars(select(Mention).where(Mention.layer_id == layer_id))
        }
    store.close()
    lost = sum((k % 2000, k % 2000 + 1 + k // 2000) not in stored for k in acknowledged)
    return KillReport(kills, len(acknowledged), lost, corrupt)
