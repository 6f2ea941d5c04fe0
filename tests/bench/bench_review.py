"""Review on a large pair: 20,000 beads, three annotators who each changed a little.

Agreement is timed through `annotator agree` in a subprocess (median of 3 runs), start-up
included. The review screen is timed in window processes: Review ▸ Review this pair the
first time (creates the gold and merges three layers into it, then paints the places), in a
new process once the gold exists (reads every layer), and again in the same process (layers
cached), each until the rows are painted. The seed pair (two annotators) is the baseline.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from annotator.commands import Editor
from annotator.commands.alignment import MergeBeads
from annotator.commands.entities import TagMention
from annotator.demo import seed_files
from annotator.importing import ImportOptions, import_pairs
from annotator.layers import automatic_layer, bead_rows, copy_layer
from annotator.model import DocumentPair, LayerKind, Side
from annotator.projects import create_project, get_or_create_annotator
from annotator.store import Store
from tests.bench.bench_ui import BEADS, _large_pair
from tests.bench.common import REPO, Table, format_table

ANNOTATORS = ("Ann", "Ben", "Cleo")

PROBE = r"""
import json, os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
app = QApplication([])
from PySide6.QtCore import QSettings
from annotator.store import Store
from ui.main_window import MainWindow
from ui.settings import Settings
store = Store.open(sys.argv[1])
window = MainWindow(store, "bench", Settings(QSettings(sys.argv[2], QSettings.Format.IniFormat)))
window.resize(1600, 1000)
window.show()
window.open_pair(int(sys.argv[3]))
app.processEvents()
times = []
for _ in range(2):
    t0 = time.perf_counter()
    window.review.open_review()
    window.view.repaint()
    app.processEvents()
    times.append(time.perf_counter() - t0)
print(json.dumps({"first": times[0], "again": times[1], "places": len(window.review.places)}))
store.close()
os._exit(0)
"""


def _annotate(store: Store, pair_id: int, count: int, step: int) -> None:
    """Give each annotator a copy of the proposal with a few merges and tags of their own."""
    with store.write() as session:
        pair = session.get(DocumentPair, pair_id)
        assert pair is not None
        auto = automatic_layer(session, pair)
        layers = {}
        for name in ANNOTATORS:
            annotator = get_or_create_annotator(session, name)
            layers[name] = copy_layer(session, auto, LayerKind.ANNOTATOR, annotator).id
        texts = pair.source.text
    for k, name in enumerate(ANNOTATORS):
        editor = Editor(store, layers[name], name)
        with store.read() as session:
            from annotator.model import Layer

            layer = session.get(Layer, layers[name])
            rows = bead_rows(session, layer, 0, count * step)
        for i in range(count):
            ref = rows[i * step + 1].source[0]
            word_end = texts.index(" ", ref.start)
            editor.execute(TagMention(Side.SOURCE.value, ref.start, word_end, "PER"))
            if i % 3 == k:  # each annotator merges different rows
                bead = rows[i * step + 2].bead_id
                assert bead is not None
                editor.execute(MergeBeads(bead))


def _agree_seconds(db: Path) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "annotator", "--db", str(db), "--as", "bench", "agree",
             "bench", "--format", "json"],
            capture_output=True, text=True, cwd=REPO, check=False,
        )  # fmt: skip
        times.append(time.perf_counter() - started)
        if result.returncode != 0:
            raise RuntimeError(result.stderr)
        json.loads(result.stdout)
    return statistics.median(times)


def _probe(db: Path, pair_id: int, folder: Path) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(db), str(folder / "s.ini"), str(pair_id)],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=600, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"probe failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def run() -> Table:
    """Build both projects, time agreement and the review screen, return the table."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, large in (("seed pair (baseline)", False), (f"{BEADS:,} beads", True)):
            db = folder / f"{'large' if large else 'seed'}.sqlite3"
            store = Store.open(db)
            with store.write() as session:
                project = create_project(session, "bench", "en", "ar", "bench")
                files = _large_pair(folder) if large else seed_files()
                options = ImportOptions(presegmented=large)
                pair_id = import_pairs(session, project, [files], "bench", options).imported[0][0]
            _annotate(store, pair_id, 60 if large else 2, 12 if large else 4)
            store.close()
            agree = _agree_seconds(db)
            probe = _probe(db, pair_id, folder)
            probe["cold"] = _probe(db, pair_id, folder)["first"]  # the gold exists now
            rows.append((name, agree, probe))
    base = rows[0]
    table = [
        [
            name,
            f"{agree:.2f} s",
            f"{agree / base[1]:.1f}×",
            f"{probe['first'] * 1000:.0f} ms",
            f"{probe['cold'] * 1000:.0f} ms",
            f"{probe['again'] * 1000:.0f} ms",
            f"{probe['again'] / base[2]['again']:.1f}×",
            str(int(probe["places"])),
        ]
        for name, agree, probe in rows
    ]
    title = "Review, three annotators (targets: open ≤ 1 s, agreement ≤ 2 s)"
    header = ["pair", "annotator agree (CLI)", "vs seed", "first open: start the gold",
              "open, new process", "open again", "vs seed", "places"]  # fmt: skip
    return title, header, table


if __name__ == "__main__":
    print(format_table(*run()))
