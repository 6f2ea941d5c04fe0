"""Backing up a SQLite store while it is in use, with SQLite's online backup API."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import URL

from annotator.errors import InputError, StoreError


def backup_sqlite(url: URL, destination: Path) -> int:
    """Copy the store to a new file, consistent while others write; return its size in bytes.

    SQLite's backup API copies page by page from a read-only connection; an existing file is
    never overwritten, and a failed copy is removed.
    """
    if url.get_backend_name() != "sqlite":
        raise InputError(
            "a PostgreSQL store is backed up on the server: pg_dump --format=custom "
            f"--file=BACKUP.dump {url.database or 'DATABASE'} (restore with pg_restore)"
        )
    if destination.exists():
        raise InputError(f"{destination}: already exists; choose a new file")
    source_path = url.database or ""
    try:
        with sqlite3.connect(f"file:{source_path}?mode=ro", uri=True) as source:
            target = sqlite3.connect(destination)
            try:
                source.backup(target)
            finally:
                target.close()
    except sqlite3.Error as exc:
        destination.unlink(missing_ok=True)
        raise StoreError(f"{source_path}: the backup failed ({exc}); nothing was written") from None
    return destination.stat().st_size
