"""The store: an opened, migrated database and the transactions that read and write it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from annotator.errors import StoreError
from annotator.store import invariants
from annotator.store.engine import create_store_engine, resolve_location, writer
from annotator.store.migrate import MigrationResult, upgrade_store


class Store:
    """An open annotator store; every user action is one `write()` transaction."""

    def __init__(self, engine: Engine, migration: MigrationResult) -> None:
        self.engine = engine
        self.migration = migration
        self._reader = sessionmaker(bind=engine, expire_on_commit=False)
        self._writer = sessionmaker(bind=writer(engine), expire_on_commit=False)

    @classmethod
    def open(cls, location: str | os.PathLike[str] | URL | None = None) -> Store:
        """Open (creating if needed) and migrate the store at a path or URL, or the default one."""
        url = location if isinstance(location, URL) else resolve_location(location)
        engine = create_store_engine(url)
        try:
            migration = upgrade_store(engine)
        except DatabaseError as exc:
            engine.dispose()
            where = url.render_as_string(hide_password=True)
            raise StoreError(f"{where}: cannot open the store ({exc.orig})") from None
        except BaseException:
            engine.dispose()
            raise
        invariants.install()
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
        """Yield a session for reading; nothing it does is committed."""
        with self._reader() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """Yield a session in one write transaction, committed on success, rolled back on error."""
        with self._writer() as session, session.begin():
            yield session

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()
