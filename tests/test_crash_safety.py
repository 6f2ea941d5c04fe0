"""Nothing acknowledged is lost when the process is killed: SIGKILL a writer at random moments."""

from __future__ import annotations

from pathlib import Path

from tests.crash_harness import kill_writers, prepared_store


def test_killed_writer_loses_no_acknowledged_edit(tmp_path: Path) -> None:
    db = tmp_path / "crash.sqlite3"
    report = kill_writers(db, prepared_store(db), kills=12)
    assert report.acknowledged > 20
    assert report.corrupt == 0
    assert report.lost == 0
