"""What every benchmark shares: where the shared data is, medians, and how tables are printed."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

Table = tuple[str, list[str], list[list[str]]]


def shared_dir() -> Path:
    """Return the shared data folder: $ANNOTATOR_SHARED, else <repo root>/../shared."""
    override = os.environ.get("ANNOTATOR_SHARED")
    return Path(override) if override else REPO.parent / "shared"


def median_seconds(fn: Callable[[], object], repeat: int = 5) -> float:
    """Run fn `repeat` times and return the median wall time in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def machine() -> str:
    """Describe the machine the figures were taken on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def format_table(title: str, header: list[str], rows: list[list[str]]) -> str:
    """Render a plain-text table with aligned columns."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=False)]
    line = "  ".join("-" * w for w in widths)
    out = [title, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)), line]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(out)
