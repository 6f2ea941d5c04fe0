"""The annotation window on a large pair: 20,000 beads built from the seed's real sentences.

Each figure is taken in a fresh process (so memory is that of the app alone): the time to open
the pair and paint the first screen (first open also creates the annotator's own layer, a copy
of the automatic one), the peak memory of the process, and the time from a tag, and from a row
merge, to the repainted rows (medians of 21 edits each; after a merge also until the status-bar
bead counts are fresh). Re-opening is the median of three fresh processes; the last column adds
the interpreter, Qt and store start-up before the pair opens. The seed pair in the same run is
the baseline.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from itertools import cycle, islice
from pathlib import Path

from annotator.alignment.gale_church import align_texts
from annotator.demo import seed_files
from annotator.importing import ImportOptions, PairFiles, import_pairs
from annotator.projects import create_project
from annotator.store import Store
from annotator.text.segmentation import split_sentences
from tests.bench.common import REPO, Table, format_table

BEADS = 20_000

PROBE = r"""
import json, os, statistics, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
start = time.perf_counter()
from PySide6.QtWidgets import QApplication
app = QApplication([])
from annotator.model import Side
from annotator.store import Store
from ui.main_window import MainWindow
from ui.settings import Settings
from PySide6.QtCore import QSettings
store = Store.open(sys.argv[1])
window = MainWindow(store, "bench", Settings(QSettings(sys.argv[2], QSettings.Format.IniFormat)))
window.resize(1600, 1000)
window.show()
t0 = time.perf_counter()
window.open_pair(int(sys.argv[3]))
window.view.repaint()
app.processEvents()
opened = time.perf_counter() - t0
first_screen = time.perf_counter() - start
view = window.view
edits = []
row = 0
for i in range(21):
    view.scroll_to_row(row % view.model.rowCount())
    view.repaint()
    ref = view.model.row(row % view.model.rowCount()).source[0]
    text = view.model.texts[Side.SOURCE]
    t0 = time.perf_counter()
    view.set_selection(Side.SOURCE, ref.start + i, ref.start + i + 1)
    window.entities.tag_selection("MISC", exact=True)
    view.repaint()
    app.processEvents()
    edits.append(time.perf_counter() - t0)
    row += 1 if view.model.rowCount() > 21 else 0
merges, recounts = [], []
for i in range(21):
    row = min(2 * i, view.model.rowCount() - 2)
    view.scroll_to_row(row)
    view.repaint()
    data = view.model.row(row)
    refs = data.source or data.target
    view.set_caret(Side.SOURCE if data.source else Side.TARGET, refs[0].start)
    t0 = time.perf_counter()
    window.alignment.merge_rows()  # merge the row with the next: renumbers every row after it
    view.repaint()
    merges.append(time.perf_counter() - t0)
    app.processEvents()  # the status-bar recount, queued behind the repaint
    recounts.append(time.perf_counter() - t0)
    window.undo_stack.undo()  # leave the layer as it was for the next edit and probe
    app.processEvents()
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
print(json.dumps({"open": opened, "edit": statistics.median(edits),
                  "merge": statistics.median(merges),
                  "recount": statistics.median(recounts),
                  "rss_mb": int(status["VmHWM"].split()[0]) / 1024,
                  "first_screen": first_screen}), flush=True)
store.close()
os._exit(0)  # skip interpreter teardown: only the figures above matter here
"""


def _large_pair(folder: Path) -> PairFiles:
    """Write a parallel presegmented pair of BEADS lines a side from the seed's aligned beads."""
    seed = seed_files()
    texts = [seed.source.read_text("utf-8"), seed.target.read_text("utf-8")]
    sentences = [
        [t[s:e].replace("\n", " ") for s, e in split_sentences(t, lang)]
        for t, lang in zip(texts, ("en", "ar"), strict=True)
    ]
    beads = align_texts(*sentences)
    lines = [
        (" ".join(sentences[0][i] for i in b.src), " ".join(sentences[1][i] for i in b.tgt))
        for b in beads
        if b.src and b.tgt
    ]
    out = []
    for k, lang in enumerate(("en", "ar")):
        target = folder / f"large.{lang}.txt"
        target.write_text(
            "\n".join(pair[k] for pair in islice(cycle(lines), BEADS)) + "\n", "utf-8"
        )
        out.append(target)
    return PairFiles("large", out[0], out[1])


def _probe(db: Path, pair_id: int, folder: Path) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE,
            str(db),
            str(folder / "settings.ini"),
            str(pair_id),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"probe failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def run() -> Table:
    """Build the pairs, probe the window on each in fresh processes, return the table."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "bench.sqlite3"
        store = Store.open(db)
        with store.write() as session:
            project = create_project(session, "bench", "en", "ar", "bench")
            seed_id = import_pairs(session, project, [seed_files()], "bench").imported[0][0]
            large_id = import_pairs(
                session, project, [_large_pair(folder)], "bench", ImportOptions(presegmented=True)
            ).imported[0][0]
        store.close()
        rows = []
        for name, pair_id in (("seed pair (baseline)", seed_id), (f"{BEADS:,} beads", large_id)):
            first = _probe(db, pair_id, folder)
            runs = [_probe(db, pair_id, folder) for _ in range(3)]
            again = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
            rows.append((name, first, again))
    base_again = rows[0][2]
    table = []
    for name, first, again in rows:
        table.append(
            [
                name,
                f"{first['open'] * 1000:.0f} ms",
                f"{again['open'] * 1000:.0f} ms",
                f"{again['open'] / base_again['open']:.1f}×",
                f"{again['edit'] * 1000:.1f} ms",
                f"{again['edit'] / base_again['edit']:.1f}×",
                f"{again['merge'] * 1000:.1f} ms",
                f"{again['recount'] * 1000:.1f} ms",
                f"{max(first['rss_mb'], again['rss_mb']):.0f} MB",
                f"{again['first_screen'] * 1000:.0f} ms",
            ]
        )
    title = (
        "Annotation window, large pair (targets: open ≤ 1 s, edit→repaint ≤ 50 ms, memory ≤ 400 MB)"
    )
    header = [
        "pair",
        "first open (creates layer)",
        "open",
        "vs seed",
        "tag→repaint (median)",
        "vs seed",
        "merge→repaint (median)",
        "… + status-bar counts",
        "peak memory",
        "process start → first screen",
    ]
    return title, header, table


if __name__ == "__main__":
    print(format_table(*run()))
