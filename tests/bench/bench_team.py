"""Two writers on one layer, on SQLite and on a throwaway PostgreSQL server: the soak and latency.

Each writer is a process running the core Editor (the window's command path) on the same
annotator layer: tags and row merges (undone at once), a conflict reloading as the window does.
Counted: operations tried, commits, conflicts, acknowledged edits lost, and errors by type.
Single-edit latency is the median time of one tag (execute: one write transaction) alone.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from annotator.commands import Editor
from annotator.commands.entities import TagMention
from annotator.layers import ensure_annotator_layer
from annotator.model import DocumentPair, Mention
from annotator.projects import get_or_create_annotator
from annotator.store import Store
from tests.bench.common import Table, format_table
from tests.conftest import seed_store_template
from tests.pg_server import PostgresServer, find_binaries
from tests.two_writers import run_two_writers

OPERATIONS = 1500  # per writer


def _layer(location: str) -> tuple[int, int]:
    """Seed a store; return (pair id, Alice's layer id)."""
    pair_id = seed_store_template(location)
    store = Store.open(location)
    with store.write() as session:
        pair = session.get(DocumentPair, pair_id)
        assert pair is not None
        layer_id = ensure_annotator_layer(
            session, pair, get_or_create_annotator(session, "Alice")
        ).id
    store.close()
    return pair_id, layer_id


def _soak(location: str) -> list[str]:
    _, layer_id = _layer(location)
    started = time.perf_counter()
    results = run_two_writers(location, layer_id, OPERATIONS)
    seconds = time.perf_counter() - started
    saved = sorted(start for r in results for start in r["saved"])
    store = Store.open(location)
    with store.read() as session:
        stored = sorted(
            m.start for m in session.scalars(select(Mention).where(Mention.layer_id == layer_id))
        )
    store.close()
    lost = len(set(saved) - set(stored))
    errors = Counter(e.split(":")[0] for r in results for e in r["errors"])
    conflicts = sum(r["conflicts"] for r in results)
    refused = sum(r["refused"] for r in results)
    return [
        f"{2 * OPERATIONS}",
        f"{2 * OPERATIONS - conflicts - refused - sum(errors.values())}",
        str(conflicts),
        str(refused),
        str(lost),
        ", ".join(f"{k} {v}" for k, v in errors.items()) or "none",
        f"{seconds:.0f} s",
    ]


def _latency(location: str) -> str:
    pair_id, layer_id = _layer(location)
    store = Store.open(location)
    with store.read() as session:
        pair = session.get(DocumentPair, pair_id)
        assert pair is not None
        text = pair.source.text
    editor = Editor(store, layer_id, "Alice")
    starts = [i for i in range(1, len(text)) if text[i].isalpha() and text[i - 1] == " "]
    times = []
    for start in starts[:200]:
        began = time.perf_counter()
        editor.execute(TagMention("source", start, start + 1, "MISC"))
        times.append(time.perf_counter() - began)
    store.close()
    return f"{statistics.median(times) * 1000:.1f} ms"


def run() -> Table:
    """Soak and time both engines; return the table."""
    rows = []
    binaries = find_binaries()
    with tempfile.TemporaryDirectory() as tmp:
        server = PostgresServer(binaries) if binaries is not None else None
        engines: list[tuple[str, Callable[[str], str]]] = [
            ("SQLite", lambda name: str(Path(tmp) / f"{name}.sqlite3"))
        ]
        try:
            if server is not None:
                server.start()
                engines.append(("PostgreSQL", lambda _name: server.database()))
            for engine, new_store in engines:
                rows.append([engine, *_soak(new_store("soak")), _latency(new_store("latency"))])
        finally:
            if server is not None:
                server.stop()
    if binaries is None:
        rows.append(["PostgreSQL", "—", "—", "—", "—", "—", "no server binaries", "—", "—"])
    title = "Two writers on one layer (window command path), and one edit alone"
    header = ["engine", "operations", "commits", "conflicts", "refused (tagged already)",
              "lost", "errors", "time", "edit latency (median)"]  # fmt: skip
    return title, header, rows


if __name__ == "__main__":
    print(format_table(*run()))
