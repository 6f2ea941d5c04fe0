"""Hostile input through `annotator import` and the store's error paths, generated here.

Each case asserts the exit code, a one-line message naming the cause, and a store unchanged
(every table's row count, and the bytes of the store file after a checkpoint).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from annotator.store import Store
from annotator.store.engine import resolve_location
from annotator.store.failures import StoreBusyError, StoreFullError, StoreReadOnlyError
from tests.conftest import REPO
from tests.test_cli import run

pytestmark = pytest.mark.both_engines  # imports of hostile files on SQLite and PostgreSQL

EN = "The talks resumed on Monday. Officials said they were close.\n"
AR = "استؤنفت المحادثات يوم الاثنين. قال المسؤولون إنهم قريبون.\n"


def _counts(db: str) -> dict[str, int]:
    """Count the rows of every table, read around the application (either engine)."""
    engine = create_engine(resolve_location(db))
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            return {
                t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables
            }
    finally:
        engine.dispose()


@pytest.fixture
def project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], new_store: Callable[[str], str]
) -> str:
    db = new_store("store")
    assert run(capsys, "--db", db, "init", "news", "-s", "en", "-t", "ar")[0] == 0
    (tmp_path / "ok.en.txt").write_text(EN, "utf-8")
    (tmp_path / "ok.ar.txt").write_text(AR, "utf-8")
    return db


def _refused(capsys: pytest.CaptureFixture[str], db: str, *args: object, code: int = 2) -> str:
    before = _counts(db)
    got, _, err = run(capsys, "--db", db, "import", *args)
    assert got == code, err
    assert err.count("\n") == 1 and err.startswith("error: "), err  # one line
    assert "SELECT" not in err and "INSERT" not in err and "Traceback" not in err
    assert _counts(db) == before
    return err.strip()


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _loop(path: Path) -> Path:
    other = path.with_name("loop-b.ar.txt")
    path.symlink_to(other)
    other.symlink_to(path)
    return path


def _dangling(path: Path) -> Path:
    path.symlink_to(path.with_name("nowhere.txt"))
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_fifo, "not a regular file (a named pipe)"),
        (_folder, "not a regular file (a folder)"),
        (_loop, "cannot read: a loop of symbolic links"),
        (_dangling, "cannot read: a symbolic link to nothing (its target does not exist)"),
    ],
)
def test_what_is_not_a_regular_file_is_refused_before_it_is_opened(
    project: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    make: Callable[[Path], Path],
    reason: str,
) -> None:
    bad = make(tmp_path / "bad.ar.txt")
    err = _refused(capsys, project, tmp_path / "ok.en.txt", bad)
    assert err == f"error: {bad}: {reason}"


def test_a_device_never_hangs_the_import(
    project: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    err = _refused(capsys, project, tmp_path / "ok.en.txt", "/dev/zero")
    assert err == "error: /dev/zero: not a regular file (a character device)"


def test_a_file_over_the_size_limit_is_refused_and_the_limit_can_be_raised(
    project: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    big = tmp_path / "big.ar.txt"
    big.write_text(AR * 200, "utf-8")  # 20 kB
    err = _refused(capsys, project, tmp_path / "ok.en.txt", big, "--max-size", "0.01")
    assert err.endswith("over the 0.01 MB limit per document (raise it with --max-size MB)")
    code, out, _ = run(capsys, "--db", project, "import", tmp_path / "ok.en.txt", big)
    assert code == 0 and "1 imported" in out


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"The talks \xff resumed.", "UTF-8"),
        ("The talks resumed.".encode("utf-16-le"), "UTF-16"),
        (b"The talks\x00 resumed.", "NUL"),
    ],
)
def test_undecodable_text_is_refused_in_one_line(
    project: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    content: bytes,
    reason: str,
) -> None:
    bad = tmp_path / "bad.en.txt"
    bad.write_bytes(content)
    err = _refused(capsys, project, bad, tmp_path / "ok.ar.txt")
    assert str(bad) in err and reason.lower() in err.lower()


def test_a_folder_names_the_real_cause_of_an_unusable_partner(
    project: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.en.txt").write_text(EN, "utf-8")
    (corpus / "a.ar.txt").mkdir()
    (corpus / "b.en.txt").write_text(EN, "utf-8")
    _loop(corpus / "b.ar.txt")
    err = _refused(capsys, project, corpus)
    assert "a.ar.txt is a folder, not a file" in err
    assert "b.ar.txt is a loop of symbolic links" in err


def test_floods_import_with_their_long_sentences_cut(
    project: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    punctuation = tmp_path / "punct.en.txt"
    punctuation.write_text(",;:-()" * 20_000, "utf-8")  # 120,000 characters, no sentence end
    marks = tmp_path / "marks.ar.txt"
    marks.write_text("ب" + "\u064b\u064e\u0650\u0651" * 20_000, "utf-8")  # stacked on one letter
    code, _, err = run(capsys, "--db", project, "import", punctuation, marks)
    assert code == 0, err
    assert "punct.en.txt: 1 sentence longer than 3,000 characters cut into pieces" in err
    store = Store.open(project)
    with store.read() as session:
        notes = session.execute(text("SELECT import_notes FROM documents ORDER BY id")).all()
        longest = session.execute(text("SELECT max(end_char - start_char) FROM segments")).one()
    store.close()
    assert longest[0] <= 3000
    assert any("combining grapheme joiner" in str(n[0]) for n in notes)  # JSON on a server


def test_terminal_escapes_and_markup_in_names_print_as_themselves(
    project: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    hostile = "\x1b]0;owned\x07\x1b[2J[red]x"
    source = tmp_path / f"{hostile}.en.txt"
    source.write_text(EN, "utf-8")
    code, out, err = run(capsys, "--db", project, "import", source, tmp_path / "ok.ar.txt")
    assert code == 0, err
    code, out, _ = run(capsys, "--db", project, "list", "news")
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "\\u001b]0;owned\\u0007\\u001b[2J[red]x" in out


def test_another_applications_sqlite_file_is_not_switched_to_wal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    foreign = tmp_path / "notes.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('keep me')")
    conn.close()
    before = foreign.read_bytes()
    code, _, err = run(capsys, "--db", foreign, "list")
    assert code == 3 and "not an annotator store. It was not touched." in err
    assert foreign.read_bytes() == before  # journal mode included (bytes 18-19 say WAL)
    assert not Path(f"{foreign}-wal").exists()


def test_a_locked_store_is_one_line_exit_3_and_nothing_written(
    project: str, capsys: pytest.CaptureFixture[str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, engine: str,
) -> None:  # fmt: skip
    """Another program writes (SQLite: holds the store; a server: imports into the project)."""
    monkeypatch.setattr("annotator.store.engine.BUSY_TIMEOUT_MS", 100)
    monkeypatch.setattr("annotator.store.BUSY_TIMEOUT_MS", 100)
    other = create_engine(resolve_location(project)).connect()
    if engine == "sqlite":
        other.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        other.execute(text("SELECT pg_advisory_xact_lock(hashtext('import'), 1)"))
    try:
        err = _refused(capsys, project, tmp_path / "ok.en.txt", tmp_path / "ok.ar.txt", code=3)
    finally:
        other.rollback()
        other.close()
    where = project if engine == "sqlite" else make_url(project).render_as_string()
    assert err == (
        f"error: {where}: the store is busy (another program is writing to it); "
        "nothing was changed, try again"
    )


def test_a_read_only_store_is_one_line_exit_3(
    project: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, engine: str
) -> None:
    if engine == "sqlite":
        read_only = f"sqlite:///file:{project}?mode=ro&uri=true"
    else:  # a login whose transactions are read-only
        read_only = f"{project}&options=-c%20default_transaction_read_only%3Don"
    before = _counts(project)
    code, _, err = run(
        capsys, "--db", read_only, "import", tmp_path / "ok.en.txt", tmp_path / "ok.ar.txt"
    )
    assert code == 3 and err.count("\n") == 1 and "read-only" in err, err
    assert "INSERT" not in err and "استؤنفت" not in err
    assert _counts(project) == before


def test_a_full_disk_is_reported_without_the_documents_text(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "full.sqlite3")
    with store.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()

    from sqlalchemy import event

    @event.listens_for(store.engine, "connect")
    def _small_disk(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 2}")

    store.engine.dispose()  # connections made from now on see the small "disk"
    with pytest.raises(StoreFullError) as info, store.write() as session:
        session.execute(
            text("INSERT INTO embedding_cache (model, text_sha256, dimension, vector, "
                 "created_at) VALUES ('m', 'k', 1, :v, '2026-12-01')"),
            {"v": "secret text " * 100_000},
        )  # fmt: skip
    assert str(info.value) == f"{tmp_path / 'full.sqlite3'}: the disk is full; nothing was written"
    store.close()


def test_the_store_boundary_maps_busy_and_read_only(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    Store.open(db).close()
    store = Store.open(db, busy_timeout_ms=50)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(StoreBusyError), store.write() as session:
        session.execute(text("DELETE FROM projects"))
    other.execute("ROLLBACK")
    other.close()
    store.close()
    read_only = Store.open(f"sqlite:///file:{db}?mode=ro&uri=true")
    with pytest.raises(StoreReadOnlyError), read_only.write() as session:
        session.execute(text("DELETE FROM projects"))
    read_only.close()


def test_a_large_log_left_by_a_killed_writer_is_checkpointed_on_open(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    Store.open(db).close()
    writer = sqlite3.connect(db)
    writer.execute("PRAGMA wal_autocheckpoint = 0")  # as a killed writer leaves it: all in -wal
    writer.execute("CREATE TABLE filler (x BLOB)")
    for _ in range(60):
        writer.execute("INSERT INTO filler VALUES (zeroblob(100000))")
    writer.commit()
    log = Path(f"{db}-wal")
    assert log.stat().st_size > 5_000_000
    store = Store.open(db)
    assert log.stat().st_size == 0
    store.close()
    writer.close()


def test_bidi_controls_are_kept_as_they_are(
    project: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "bidi.en.txt"
    source.write_text("He said \u2067مرحبا\u2069 twice. Then left.\n", "utf-8")
    code, _, err = run(capsys, "--db", project, "import", source, tmp_path / "ok.ar.txt")
    assert code == 0, err
    store = Store.open(project)
    with store.read() as session:
        texts = session.scalars(text("SELECT text FROM documents")).all()
    store.close()
    assert "He said \u2067مرحبا\u2069 twice. Then left.\n" in texts


# Root reads any file whatever its mode: without these capabilities it reads as others do.
AS_OTHERS = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


@pytest.mark.sqlite_only  # without those capabilities root cannot reach the test server's socket
def test_an_unreadable_file_names_itself_and_the_reason(project: str, tmp_path: Path) -> None:
    locked = tmp_path / "locked.ar.txt"
    locked.write_text(AR, "utf-8")
    locked.chmod(0o000)
    before = _counts(project)
    result = subprocess.run(
        [*(AS_OTHERS if os.geteuid() == 0 else []), sys.executable, "-m", "annotator",
         "--db", str(project), "import", str(tmp_path / "ok.en.txt"), str(locked)],
        cwd=REPO, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"error: {locked}: cannot read: Permission denied\n"
    assert _counts(project) == before


def test_two_first_opens_of_a_new_store_both_succeed(tmp_path: Path) -> None:
    for trial in range(5):  # before the fix, one of the two failed in about half the trials
        db = tmp_path / f"new{trial}.sqlite3"
        command = [sys.executable, "-m", "annotator", "--db", str(db), "init"]
        procs = [
            subprocess.Popen(
                [*command, name, "-s", "en", "-t", "ar"],
                cwd=REPO,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for name in ("one", "two")
        ]
        results = [p.communicate() for p in procs]
        assert [p.returncode for p in procs] == [0, 0], results
        with sqlite3.connect(db) as conn:
            names = sorted(row[0] for row in conn.execute("SELECT name FROM projects"))
        conn.close()
        assert names == ["one", "two"]


def test_an_import_reads_and_aligns_without_the_write_lock(tmp_path: Path) -> None:
    from annotator.importing import import_into_store
    from annotator.pairing import PairFiles
    from annotator.projects import create_project

    db = tmp_path / "store.sqlite3"
    store = Store.open(db)
    with store.write() as session:
        project_id = create_project(session, "news", "en", "ar", "tester").id
    files = []
    for k in range(3):
        (tmp_path / f"p{k}.en.txt").write_text(EN, "utf-8")
        (tmp_path / f"p{k}.ar.txt").write_text(AR + f"{k}\n", "utf-8")
        files.append(PairFiles(f"p{k}", tmp_path / f"p{k}.en.txt", tmp_path / f"p{k}.ar.txt"))
    writes: list[str] = []

    def meanwhile(step: str, name: str) -> None:
        if step in ("read", "aligned"):  # another program writes while the import works
            other = sqlite3.connect(db, isolation_level=None, timeout=0)
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
                writes.append(f"{step} {name}: written")
            except sqlite3.OperationalError as exc:
                writes.append(f"{step} {name}: {exc}")
            finally:
                other.close()

    report = import_into_store(store, project_id, files, "tester", progress=meanwhile)
    store.close()
    assert len(report.imported) == 3
    assert writes == [f"{step} p{k}: written" for step in ("read", "aligned") for k in range(3)]


@pytest.mark.sqlite_only  # SQLite's backup API; a server is backed up with pg_dump
def test_a_backup_of_a_store_in_use_is_complete_and_never_overwrites(
    project: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert (
        run(capsys, "--db", project, "import", tmp_path / "ok.en.txt", tmp_path / "ok.ar.txt")[0]
        == 0
    )
    writer = sqlite3.connect(project, isolation_level=None)  # someone is writing meanwhile
    writer.execute("BEGIN IMMEDIATE")
    copy = tmp_path / "copy.sqlite3"
    code, out, err = run(capsys, "--db", project, "backup", copy)
    writer.execute("ROLLBACK")
    writer.close()
    assert code == 0, err
    assert out.startswith(f"backed up {project} to {copy}")
    assert _counts(copy) == _counts(project)
    code, _, err = run(capsys, "--db", project, "backup", copy)
    assert code == 2 and err.strip() == f"error: {copy}: already exists; choose a new file"


def test_a_large_import_commits_in_batches_and_a_failed_batch_says_what_is_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator import importing
    from annotator.importing import import_into_store
    from annotator.pairing import PairFiles
    from annotator.projects import create_project

    store = Store.open(tmp_path / "store.sqlite3")
    with store.write() as session:
        project_id = create_project(session, "news", "en", "ar", "tester").id
    files = []
    for k in range(5):
        (tmp_path / f"p{k}.en.txt").write_text(EN + f"{k}\n", "utf-8")
        (tmp_path / f"p{k}.ar.txt").write_text(AR + f"{k}\n", "utf-8")
        files.append(PairFiles(f"p{k}", tmp_path / f"p{k}.en.txt", tmp_path / f"p{k}.ar.txt"))
    monkeypatch.setattr(importing, "WRITE_BATCH", 2)
    real = importing.store_pair

    def disk_fills_up(session: object, project: object, aligned: Any, *args: Any, **kw: Any) -> Any:
        if aligned.prepared.name == "p3":  # the second batch: p2 and p3
            raise StoreFullError("store.sqlite3: the disk is full; nothing was written")
        return real(session, project, aligned, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(importing, "store_pair", disk_fills_up)
    with pytest.raises(StoreFullError) as info:
        import_into_store(store, project_id, files, "tester")
    assert str(info.value) == (
        "store.sqlite3: the disk is full; nothing was written (2 pairs were stored before this; "
        "import the same files again to store the rest: stored pairs are skipped)"
    )
    monkeypatch.setattr(importing, "store_pair", real)
    report = import_into_store(store, project_id, files, "tester")
    store.close()
    assert [name for _, name in report.imported] == ["p2", "p3", "p4"]
    assert [d[0] for d in report.duplicates] == ["p0", "p1"]
