"""Export and import speed through `annotator export` and `annotator import`, as users run them.

Every row is a subprocess running the CLI (median of 3 runs) with its peak memory (max RSS of
that process). The NTREX en–ar folder is imported as a project first; `annotator list` on the
same store is the baseline the ratio column divides by (start-up and opening the store). A
1,000-pair corpus (NTREX records repeated, each text made distinct) is imported from JSONL
and exported again, to show that export memory does not grow with the corpus. The MAC dev
set (6 chapters, two annotators and the gold, InterText) is imported folder by folder.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.common import REPO, Table, format_table, shared_dir

RUN = (
    "import resource, sys\n"
    "from annotator.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def _cli(*args: object) -> tuple[float, float]:
    """Run `annotator ARGS`; return (seconds, peak MB); fail loudly on an error."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", RUN, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"annotator {' '.join(map(str, args))}: {result.stderr.strip()}")
    rss = next(line for line in result.stderr.splitlines() if line.startswith("MAXRSS"))
    return elapsed, int(rss.split()[1]) / 1024


def _median(*args: object, repeat: int = 3) -> tuple[float, float]:
    runs = [_cli(*args) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir())
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def _thousand(source: Path, target: Path, count: int = 1000) -> None:
    """Write `count` distinct records by repeating the file's records with a numbered line."""
    records = [json.loads(line) for line in source.read_text("utf-8").splitlines()]
    with target.open("w", encoding="utf-8") as out:
        for k in range(count):
            record = json.loads(json.dumps(records[k % len(records)]))
            record["pair"]["name"] += f"-{k}"
            for side in ("source", "target"):
                record["documents"][side]["text"] += f"\n({k})"
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def run() -> Table:
    """Measure and return the formats table."""
    ntrex = shared_dir() / "benchmarks" / "alignment" / "ntrex-en-ar" / "per_doc"
    mac = shared_dir() / "benchmarks" / "review" / "mac-dev"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        db = scratch / "ntrex.sqlite3"
        _cli("--db", db, "init", "ntrex", "-s", "en", "-t", "ar")
        _cli("--db", db, "import", ntrex)
        pairs = len(list(ntrex.glob("*.en")))
        base, base_mb = _median("--db", db, "list")
        rows.append(
            [
                "annotator list (baseline)",
                str(pairs),
                "",
                f"{base:.2f}",
                "1.0",
                "",
                f"{base_mb:.0f}",
            ]
        )
        for name in ("jsonl", "tmx", "intertext", "conll"):
            out = scratch / f"ntrex.{name}"
            seconds, mb = _median(
                "--db", db, "export", "ntrex", "-f", name, "--layer", "automatic", "-o", out
            )
            size = _size(out) / 1e6
            rows.append(
                [
                    f"annotator export -f {name} (NTREX)",
                    str(pairs),
                    f"{size:.2f}",
                    f"{seconds:.2f}",
                    f"{seconds / base:.1f}",
                    f"{pairs / seconds:.0f} pairs/s, {size / seconds:.1f} MB/s",
                    f"{mb:.0f}",
                ]
            )
        big = scratch / "thousand.jsonl"
        _thousand(scratch / "ntrex.jsonl", big)
        big_db = scratch / "big.sqlite3"
        _cli("--db", big_db, "init", "ntrex", "-s", "en", "-t", "ar")
        seconds, mb = _cli("--db", big_db, "import", big)
        rows.append(
            [
                "annotator import FILE.jsonl (1,000 pairs)",
                "1000",
                f"{big.stat().st_size / 1e6:.1f}",
                f"{seconds:.2f}",
                "",
                f"{1000 / seconds:.0f} pairs/s",
                f"{mb:.0f}",
            ]
        )
        for name in ("jsonl", "tmx"):
            out = scratch / f"big.{name}"
            seconds, mb = _median(
                "--db", big_db, "export", "ntrex", "-f", name, "--layer", "automatic", "-o", out
            )
            size = _size(out) / 1e6
            rows.append(
                [
                    f"annotator export -f {name} (1,000 pairs)",
                    "1000",
                    f"{size:.1f}",
                    f"{seconds:.2f}",
                    "",
                    f"{1000 / seconds:.0f} pairs/s, {size / seconds:.1f} MB/s",
                    f"{mb:.0f}",
                ]
            )
        times, peaks = [], []
        for _ in range(3):
            mac_db = scratch / f"mac{len(times)}.sqlite3"
            _cli("--db", mac_db, "init", "mac", "-s", "zh", "-t", "en")
            total, peak = 0.0, 0.0
            for folder, layer in (
                ("intertext_01", "anno1"),
                ("intertext_02", "anno2"),
                ("intertext", "gold"),
            ):
                seconds, mb = _cli("--db", mac_db, "import", mac / folder, "--layer", layer)
                total, peak = total + seconds, max(peak, mb)
            times.append(total)
            peaks.append(peak)
        seconds = statistics.median(times)
        sentences = 3 * (1444 + 1947)
        rows.append(
            [
                "annotator import (MAC dev: 3 folders, 18 files)",
                "6",
                "",
                f"{seconds:.2f}",
                f"{seconds / base:.1f}",
                f"{sentences / seconds:.0f} sentences/s",
                f"{max(peaks):.0f}",
            ]
        )
    header = ["command", "pairs", "MB out/in", "s (median)", "× baseline", "rate", "peak MB"]
    return ("Formats: export and import through the CLI", header, rows)


if __name__ == "__main__":
    print(format_table(*run()))
