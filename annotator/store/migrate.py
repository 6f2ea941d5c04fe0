"""Bring a store's schema up to date on open; refuse stores written by a newer version."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DatabaseError

from annotator.errors import StoreError
from annotator.store.engine import is_sqlite
from annotator.store.serialize import serialize

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent.parent / "migrations"
# The newest revision in MIGRATIONS_DIR (a test keeps the two equal). A store already there
# opens without loading Alembic, which is a tenth of a second of every command's start-up.
SCHEMA_HEAD = "0009"


@dataclass(frozen=True)
class MigrationResult:
    """What opening did to the schema: the revision found and the revision left."""

    before: str | None
    after: str

    @property
    def changed(self) -> bool:
        """Tell whether any migration ran."""
        return self.before != self.after


def alembic_config() -> Config:
    """Return an Alembic config pointing at the migrations shipped inside the package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """Return the newest schema revision this version of annotator knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    """Return every schema revision this version of annotator knows."""
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(conn: Connection) -> str | None:
    """Return the store's schema revision, None for a store without one."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def _check_revision(conn: Connection, where: str) -> str | None:
    revision = current_revision(conn)
    if revision is not None and revision not in known_revisions():
        raise StoreError(
            f"{where}: this store has schema revision {revision}, newer than this version of "
            f"annotator knows (up to {head_revision()}); upgrade annotator. "
            "The store was not touched."
        )
    if revision is None:
        foreign = set(inspect(conn).get_table_names()) - {"alembic_version"}
        if foreign:
            raise StoreError(
                f"{where}: this database holds other tables ({', '.join(sorted(foreign)[:5])}) "
                "and is not an annotator store. It was not touched."
            )
    return revision


def _stored_revision(engine: Engine) -> str | None:
    """Return the revision in the store's alembic_version table; None when it cannot be read."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except DatabaseError:
        return None  # no such table (a new or foreign file): the full path decides
    return rows[0][0] if len(rows) == 1 else None


def upgrade_store(engine: Engine, *, target: str = "head") -> MigrationResult:
    """Migrate the store to `target` in one transaction; SQLite runs with foreign keys off."""
    if target == "head" and _stored_revision(engine) == SCHEMA_HEAD:
        return MigrationResult(before=SCHEMA_HEAD, after=SCHEMA_HEAD)
    from alembic import command

    where = engine.url.render_as_string(hide_password=True)
    config = alembic_config()
    with engine.connect() as conn:
        before = _check_revision(conn, where)
        conn.rollback()
        sqlite = is_sqlite(engine.url)
        if sqlite:
            # Batch migrations rebuild tables; with foreign keys on, ON DELETE CASCADE would
            # silently empty the children. The PRAGMA only takes effect outside a transaction.
            conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
        try:
            # Under the write lock from the start: two first opens of a new store at once run
            # one after the other, and the second finds the schema the first made.
            conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                serialize(conn, "migrate")  # PostgreSQL: first opens at once, one at a time
                if _check_revision(conn, where) != target:
                    config.attributes["connection"] = conn
                    command.upgrade(config, target)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise StoreError(
                            f"{where}: migration would leave {len(broken)} dangling references; "
                            "rolled back, the store is unchanged"
                        )
                after = current_revision(conn)
        finally:
            conn.rollback()  # a PRAGMA inside an open transaction would be silently ignored
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]
    assert after is not None
    return MigrationResult(before=before, after=after)
