"""The store: an opened, migrated database and the transactions that read and write it."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError, DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from annotator.errors import StoreError
from annotator.store import invariants
from annotator.store.engine import (
    BUSY_TIMEOUT_MS,
    create_store_engine,
    is_sqlite,
    resolve_location,
    writer,
)
from annotator.store.failures import password_failure, store_failure
from annotator.store.migrate import MigrationResult, upgrade_store

WAL_CHECKPOINT_BYTES = 4_000_000


def _checkpoint_large_log(engine: Engine, busy_timeout_ms: int) -> None:
    """Fold a large -wal file back into the store (a killed import leaves hundreds of MB).

    Never waits: with another program busy in the store the checkpoint is simply partial.
    """
    database = engine.url.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    log = Path(database + "-wal")
    try:
        large = log.stat().st_size > WAL_CHECKPOINT_BYTES
    except OSError:
        return
    if not large:
        return
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA busy_timeout = 0")
        try:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.OperationalError:
            pass  # busy: the next open tries again
        finally:
            raw.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")


class Store:
    """An open annotator store; every user action is one `write()` transaction."""

    def __init__(self, engine: Engine, migration: MigrationResult) -> None:
        self.engine = engine
        self.migration = migration
        self._reader = sessionmaker(bind=engine, expire_on_commit=False)
        self._writer = sessionmaker(bind=writer(engine), expire_on_commit=False)

    @classmethod
    def open(
        cls,
        location: str | os.PathLike[str] | URL | None = None,
        *,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    ) -> Store:
        """Open (creating if needed) and migrate the store at a path or URL, or the default one.

        A SQLite store's write waits busy_timeout_ms for another writer's lock, then raises
        StoreBusyError. A large write-ahead log left by a killed writer is checkpointed.
        """
        url = location if isinstance(location, URL) else resolve_location(location)
        engine = create_store_engine(url, busy_timeout_ms=busy_timeout_ms)
        try:
            migration = upgrade_store(engine)
        except DatabaseError as exc:
            engine.dispose()
            refused = password_failure(exc, url)
            if refused is not None:
                raise refused from None
            where = url.render_as_string(hide_password=True)
            raise StoreError(f"{where}: cannot open the store ({exc.orig})") from None
        except BaseException:
            engine.dispose()
            raise
        invariants.install()
        if is_sqlite(url):
            _checkpoint_large_log(engine, busy_timeout_ms)
        return cls(engine, migration)

    @property
    def url(self) -> URL:
        """Return the store's URL."""
        return self.engine.url

    def describe(self) -> str:
        """Return the store's location for people, password hidden."""
        if self.url.get_backend_name() == "sqlite":
            return self.url.database or ":memory:"
        return self.url.render_as_string(hide_password=True)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """Yield a session for reading; nothing it does is committed. Driver errors: ours."""
        try:
            with self._reader() as session:
                try:
                    yield session
                finally:
                    session.rollback()
        except DBAPIError as exc:
            raise store_failure(exc, self.describe()) from exc

    @contextmanager
    def write(self) -> Iterator[Session]:
        """Yield a session in one write transaction, committed on success, rolled back on error.

        A driver error (locked, disk full, read-only…) becomes one of ours (StoreError, or
        ConflictError for a deadlock), with a one-line message that holds no SQL and no text.
        """
        try:
            with self._writer() as session, session.begin():
                yield session
        except DBAPIError as exc:
            raise store_failure(exc, self.describe()) from exc

    def checkpoint(self) -> None:
        """Copy the write-ahead log into a SQLite store without waiting for anyone (PASSIVE).

        Otherwise the next commit past 1,000 logged pages does it: after a bulk write that is
        someone's edit, which then takes seconds. Nothing to do on other engines.
        """
        if not is_sqlite(self.url):
            return
        with self.engine.connect() as conn:
            driver = conn.connection.driver_connection
            assert driver is not None
            driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()
