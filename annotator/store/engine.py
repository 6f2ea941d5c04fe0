"""Where the store lives and the one engine factory that configures every connection."""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
import urllib.parse
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import NoSuchModuleError
from sqlalchemy.pool import ConnectionPoolEntry

from annotator.environment import DB_ENV_VAR
from annotator.errors import StoreError

BUSY_TIMEOUT_MS = 10_000


def default_store_path() -> Path:
    """Return the default SQLite file in the user's data directory."""
    return Path(platformdirs.user_data_dir("annotator", appauthor=False)) / "annotator.sqlite3"


def resolve_location(location: str | os.PathLike[str] | None) -> URL:
    """Turn `--db PATH|URL`, else $ANNOTATOR_DB, else the default path, into a SQLAlchemy URL."""
    raw = os.fspath(location) if location is not None else os.environ.get(DB_ENV_VAR) or None
    if raw is None:
        return URL.create("sqlite", database=str(default_store_path()))
    if "://" in raw:
        try:
            return make_url(raw)
        except Exception as exc:
            raise StoreError(f"not a database URL: {raw!r} ({exc})") from None
    return URL.create("sqlite", database=str(Path(raw).expanduser().resolve()))


def is_sqlite(url: URL) -> bool:
    """Tell whether the URL names a SQLite database."""
    return url.get_backend_name() == "sqlite"


def _on_sqlite_connect(
    dbapi_connection: sqlite3.Connection,
    _record: ConnectionPoolEntry,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
) -> None:
    # The driver's own transaction handling would BEGIN lazily and break SAVEPOINT on 3.11;
    # turn it off and let the "begin" listener below issue BEGIN itself (pysqlite recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()
        # In-memory databases answer "memory"; WAL is only meaningful for files.
        if mode is not None and mode[0] not in ("wal", "memory"):
            raise StoreError(f"SQLite refused WAL journal mode (got {mode[0]!r})")
        # FULL costs ~0.1 ms per commit and also survives power loss (measured, see BRIEF §8).
        cursor.execute("PRAGMA synchronous = FULL")
    finally:
        cursor.close()


def _on_sqlite_begin(conn: Any) -> None:
    # Writers take the lock up front: deferred BEGIN + later write gives "database is locked"
    # errors under concurrency instead of waiting on busy_timeout.
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def _refuse_non_sqlite_file(path: Path) -> None:
    # SQLite would take over a short non-database file as an empty database; never touch one.
    if not path.is_file():
        return
    try:
        with path.open("rb") as f:
            header = f.read(16)
    except OSError as exc:
        raise StoreError(f"{path}: cannot open the store ({exc.strerror})") from None
    if header and header != b"SQLite format 3\x00":
        raise StoreError(
            f"{path}: cannot open the store (not a SQLite database); it was not touched"
        )
    if header:
        _refuse_foreign_database(path)


def _refuse_foreign_database(path: Path) -> None:
    """Refuse another application's SQLite file, looking at it read-only (no WAL switch)."""
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?mode=ro"
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as probe:
            tables = {row[0] for row in probe.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot open the store ({exc}); it was not touched") from None
    tables = {name for name in tables if not name.startswith("sqlite_")}
    if tables and "alembic_version" not in tables:
        raise StoreError(
            f"{path}: this database holds other tables ({', '.join(sorted(tables)[:5])}) "
            "and is not an annotator store. It was not touched."
        )


def create_store_engine(
    url: URL | str, *, echo: bool = False, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> Engine:
    """Create the engine for a store URL; SQLite gets foreign keys, WAL, sync and busy timeout.

    busy_timeout_ms is how long a write waits for another writer's lock before failing with
    StoreBusyError (the window waits 0.2 s and retries on its own; commands wait 10 s); on
    PostgreSQL it is the connections' lock_timeout.
    """
    url = make_url(url) if isinstance(url, str) else url
    if is_sqlite(url):
        database = url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            _refuse_non_sqlite_file(Path(database))
            parent = Path(database).parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"{parent}: cannot create the store's folder ({exc.strerror})"
                ) from None
        engine = create_engine(url, echo=echo)
        event.listen(
            engine,
            "connect",
            functools.partial(_on_sqlite_connect, busy_timeout_ms=busy_timeout_ms),
        )
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    server = url.get_backend_name() == "postgresql"
    connect_args: dict[str, Any] = {}
    if server and "connect_timeout" not in url.query:
        # libpq waits for an unreachable host as long as TCP does (minutes): the window, which
        # retries on its own, gives up after 2 s, a command after its busy timeout
        connect_args["connect_timeout"] = max(2, -(-busy_timeout_ms // 1000))
    try:
        engine = create_engine(url, echo=echo, pool_pre_ping=True, connect_args=connect_args)
    except ModuleNotFoundError as exc:
        raise StoreError(
            f"no database driver for {url.drivername!r}: install {exc.name!r}"
        ) from None
    except NoSuchModuleError:
        raise StoreError(f"no database driver for {url.drivername!r}") from None
    if server:
        event.listen(
            engine,
            "connect",
            functools.partial(_on_postgres_connect, busy_timeout_ms=busy_timeout_ms),
        )
    return engine


def _on_postgres_connect(
    dbapi_connection: Any, _record: ConnectionPoolEntry, busy_timeout_ms: int
) -> None:
    # A server waits for a lock forever by default; like SQLite's busy timeout, give up after
    # busy_timeout_ms (SQLSTATE 55P03, our StoreBusyError): the window then keeps the edit.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"SET lock_timeout = {int(busy_timeout_ms)}")
    finally:
        cursor.close()
    dbapi_connection.commit()  # a rollback on the pool's return would undo the SET


def writer(engine: Engine) -> Engine:
    """Return a view of the engine whose transactions take the write lock at BEGIN (SQLite)."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")
