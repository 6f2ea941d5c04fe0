"""Import throughput: the 123 NTREX en–ar pairs into a fresh SQLite store, in one transaction.

Three figures, each the median of several runs in this process: reading and decoding the files
only (the baseline), reading plus segmentation and the automatic alignment proposal (no store),
and the whole import into a new store file. The ratio column is against the baseline.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from annotator.importing import ImportOptions, PairFiles, import_pairs, prepare_pair
from annotator.model import Project
from annotator.projects import create_project
from annotator.store import Store
from annotator.text.textfile import read_text_file
from tests.bench.common import Table, format_table, median_seconds, shared_dir


def ntrex_pairs() -> list[PairFiles]:
    """Return the NTREX per-document pairs (English source, Arabic target)."""
    folder = shared_dir() / "benchmarks" / "alignment" / "ntrex-en-ar" / "per_doc"
    return [PairFiles(en.stem, en, en.with_suffix(".ar")) for en in sorted(folder.glob("*.en"))]


def _import_all(pairs: list[PairFiles]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "bench.sqlite3")
        with store.write() as session:
            project = create_project(session, "ntrex", "en", "ar", "bench")
            report = import_pairs(session, project, pairs, "bench")
        assert len(report.imported) == len(pairs)
        store.close()


def run() -> Table:
    """Measure and return the import throughput table."""
    pairs = ntrex_pairs()
    megabytes = sum(p.source.stat().st_size + p.target.stat().st_size for p in pairs) / 1e6
    project = Project(name="p", source_lang="en", target_lang="ar", label_schema={})

    def read_only() -> None:
        for p in pairs:
            read_text_file(p.source)
            read_text_file(p.target)

    def prepare() -> None:
        for p in pairs:
            prepare_pair(p, project, ImportOptions())

    baseline = median_seconds(read_only, 7)
    stages = [
        ("read + decode (baseline)", baseline),
        ("+ segmentation", median_seconds(prepare, 5)),
        ("whole import into a new store", median_seconds(lambda: _import_all(pairs), 5)),
    ]
    rows = [
        [
            name,
            f"{t * 1000:.0f} ms",
            f"{len(pairs) / t:.0f}",
            f"{megabytes / t:.2f}",
            f"{t / baseline:.1f}×",
        ]
        for name, t in stages
    ]
    title = f"Import throughput: {len(pairs)} NTREX en–ar pairs, {megabytes:.2f} MB (median)"
    return title, ["stage", "time", "pairs/s", "MB/s", "vs baseline"], rows


if __name__ == "__main__":
    print(format_table(*run()))
