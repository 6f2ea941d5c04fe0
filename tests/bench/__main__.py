"""`python -m tests.bench`: run every benchmark and print its table (what `make bench` does)."""

from __future__ import annotations

import datetime
import importlib
import sys
import time

from tests.bench.common import format_table, machine, shared_dir

BENCHMARKS = [
    "bench_segmentation",
    "bench_import",
    "bench_gale_church",
    "bench_alignment",
    "bench_formats",
    "bench_ui",
    "bench_review",
    "bench_robustness",
    "bench_team",
]


def main() -> int:
    """Run the benchmarks named on the command line (default: all) and print their tables."""
    names = sys.argv[1:] or BENCHMARKS
    print(f"annotator benchmarks, {datetime.date.today()}")
    print(f"machine: {machine()}")
    print(f"data: {shared_dir()}")
    if not shared_dir().is_dir():
        print(f"error: {shared_dir()} not found (set ANNOTATOR_SHARED)", file=sys.stderr)
        return 2
    for name in names:
        module = importlib.import_module(f"tests.bench.{name}")
        start = time.perf_counter()
        table = module.run()
        print()
        print(format_table(*table))
        print(f"({name}: {time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
