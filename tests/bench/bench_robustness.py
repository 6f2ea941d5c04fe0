"""Never freeze, never blow up: imports of huge and hostile files, the write lock, and SIGKILLs.

Every import runs `annotator import` in a subprocess; its peak memory is that process's maximum
resident size (wait4), the baseline being `annotator list` on the same store. The lock row
imports many small pairs while a second process writes every 20 ms and records its longest
wait. The crash row SIGKILLs a writer that saves edits through the window's command path.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.bench.common import REPO, Table, format_table
from tests.crash_harness import kill_writers, prepared_store

KILLS = 200
PAIRS = 10_000  # small pairs imported while another process writes
WORDS_EN = "the talks in Cairo resumed on Monday after officials said they were close to a deal"
WORDS_AR = "بدأت المحادثات في القاهرة يوم الاثنين بعد أن قال المسؤولون إنهم قريبون من اتفاق"


def _annotator(*args: object) -> tuple[float, int, str]:
    """Run the CLI; return seconds, peak resident memory in MB, and stderr's last line."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "annotator", *map(str, args)],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"annotator {args[2:4]} failed: {err.strip()[-300:]}")
    return seconds, usage.ru_maxrss // 1024, (err.strip().splitlines() or [""])[-1]


def _document_pair(folder: Path, megabytes: int) -> tuple[Path, Path]:
    """Write an English document of that size and an Arabic one, sentence for sentence."""
    rng = random.Random(5)
    en_words, ar_words = WORDS_EN.split(), WORDS_AR.split()
    en, ar, size = [], [], 0
    while size < megabytes * 1_000_000:
        sentence = " ".join(rng.choice(en_words) for _ in range(rng.randint(8, 30))).capitalize()
        target = int(len(sentence) * rng.uniform(0.85, 1.15))
        words: list[str] = []
        while sum(len(w) + 1 for w in words) < target:
            words.append(rng.choice(ar_words))
        en.append(sentence + ".")
        ar.append(" ".join(words) + ".")
        size += len(sentence) + 2
        if rng.random() < 0.1:
            en.append("\n\n")
            ar.append("\n\n")
    source, target_path = folder / "long.en.txt", folder / "long.ar.txt"
    source.write_text(re.sub(r" ?\n\n ?", "\n\n", " ".join(en)), "utf-8")
    target_path.write_text(re.sub(r" ?\n\n ?", "\n\n", " ".join(ar)), "utf-8")
    return source, target_path


def _longest_wait_while(db: Path, action: threading.Thread) -> float:
    """Write to the store every 20 ms while `action` runs; return the longest wait for the lock."""
    longest = 0.0
    con = sqlite3.connect(db, isolation_level=None, timeout=600)
    con.execute("CREATE TABLE IF NOT EXISTS probe (t REAL)")
    action.start()
    while action.is_alive():
        started = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO probe VALUES (?)", (started,))
        con.execute("COMMIT")  # included: a commit may have to checkpoint the import's log
        longest = max(longest, time.perf_counter() - started)
        time.sleep(0.02)  # the other program's pace: one write every 20 ms (a bench, no test)
    con.close()
    return longest


def run() -> Table:
    """Run the imports, the lock probe and the kills; return the table."""
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "store.sqlite3"
        _annotator("--db", db, "init", "bench", "-s", "en", "-t", "ar")
        base_s, base_mb, _ = _annotator("--db", db, "list")
        rows.append(["`annotator list` (start-up baseline)", "—", f"{base_s:.2f} s",
                     f"{base_mb} MB", "—"])  # fmt: skip
        small_en, small_ar = folder / "small.en.txt", folder / "small.ar.txt"
        small_en.write_text("The talks resumed on Monday. Officials said they were close.\n")
        small_ar.write_text("استؤنفت المحادثات يوم الاثنين. قال المسؤولون إنهم قريبون.\n")
        punct = folder / "punct.en.txt"
        rng = random.Random(1)
        punct.write_text("".join(rng.choice(",;:-()\"'") for _ in range(1_900_000)))
        marks = folder / "marks.ar.txt"
        marks.write_text("ب" + "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652" * 100_000)
        long_en, long_ar = _document_pair(folder, 10)
        for label, source, target, target_s in (
            ("punctuation flood, 1.9 MB, no sentence end", punct, small_ar, "≤ 5 s"),
            ("combining-mark flood, 0.8 MB on one letter", small_en, marks, "≤ 5 s"),
            ("10 MB English document + its Arabic", long_en, long_ar, "≤ 10 s, ≤ 10× size"),
        ):
            size = (source.stat().st_size + target.stat().st_size) / 1e6
            runs = []
            for run_no in range(3):  # each into a new store: a second import would be skipped
                fresh = folder / f"{source.stem}-{run_no}.sqlite3"
                _annotator("--db", fresh, "init", "bench", "-s", "en", "-t", "ar")
                runs.append(_annotator("--db", fresh, "import", source, target))
            seconds = statistics.median(r[0] for r in runs)
            peak = max(r[1] for r in runs)
            above = (peak - base_mb) / size
            rows.append([label, f"{size:.1f} MB", f"{seconds:.2f} s (median of 3)",
                         f"{peak} MB ({above:.1f}× input above baseline)", target_s])  # fmt: skip
        corpus = folder / "corpus"
        corpus.mkdir()
        for k in range(PAIRS):
            (corpus / f"p{k}.en.txt").write_text(f"Item {k} was discussed. The talks resumed.\n")
            (corpus / f"p{k}.ar.txt").write_text(f"نوقش البند {k}. استؤنفت المحادثات.\n")
        timing: list[float] = []
        job = threading.Thread(
            target=lambda: timing.append(_annotator("--db", db, "import", corpus)[0])
        )
        wait = _longest_wait_while(db, job)
        job.join()
        waited = f"longest wait for the lock {wait * 1000:.0f} ms"
        case = f"{PAIRS:,} small pairs, another writer every 20 ms"
        rows.append([case, "—", f"{timing[0]:.1f} s", waited, "seconds, not minutes"])
        crash_db = folder / "crash.sqlite3"
        started = time.perf_counter()
        report = kill_writers(crash_db, prepared_store(crash_db), KILLS)
        rows.append([f"SIGKILL a writer {report.kills}× (window command path)", "—",
                     f"{time.perf_counter() - started:.0f} s",
                     f"{report.acknowledged} acknowledged, {report.lost} lost, "
                     f"{report.corrupt} corrupt", "0 lost, 0 corrupt"])  # fmt: skip
    title = "Robustness: hostile imports, the write lock, kills (through `annotator`)"
    return title, ["case", "input", "time", "result", "target"], rows


if __name__ == "__main__":
    print(format_table(*run()))
