from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from annotator.errors import StoreError
from annotator.model import Base
from annotator.store import Store
from annotator.store.engine import create_store_engine, resolve_location
from annotator.store.migrate import SCHEMA_HEAD, head_revision, upgrade_store
from tests.pg_server import PostgresServer

pytestmark = pytest.mark.both_engines


def test_empty_store_is_migrated_to_head(empty_db_url: str) -> None:
    store = Store.open(empty_db_url)
    assert store.migration.before is None and store.migration.after == head_revision()
    store.close()
    again = Store.open(empty_db_url)
    assert not again.migration.changed
    again.close()


def test_the_fast_path_knows_the_newest_migration() -> None:
    assert head_revision() == SCHEMA_HEAD


def test_migrated_schema_matches_the_model(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_older_store_keeps_its_data_and_children(empty_db_url: str, engine: str) -> None:
    old = create_store_engine(resolve_location(empty_db_url))
    upgrade_store(old, target="0001")
    with old.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO projects (id, name, source_lang, target_lang, label_schema, "
                "created_at) "
                "VALUES (1, 'old', 'en', 'ar', '{\"labels\": []}', '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO documents (id, language, direction, text, char_count, checksum, "
                "original_name, encoding, normalization, import_notes, created_at) VALUES "
                "(1, 'en', 'ltr', 'Hi.', 3, 'x', 'a.txt', 'utf-8', 'NFC', '[]', '2026-01-01'),"
                "(2, 'ar', 'rtl', 'مرحبا.', 6, 'y', 'b.txt', 'utf-8', 'NFC', '[]', '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO pairs (id, project_id, name, source_document_id, target_document_id, "
                "created_at) VALUES (1, 1, 'p', 1, 2, '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO layers (id, pair_id, kind, status, version, created_at, updated_at) "
                "VALUES (1, 1, 'automatic', 'new', 1, '2026-01-01', '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO segments (layer_id, side, start_char, end_char) VALUES "
                "(1, 'source', 0, 3), (1, 'target', 0, 6)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO mentions (id, layer_id, side, start_char, end_char, label, "
                "surface, no_counterpart, created_at) VALUES "
                "(7, 1, 'source', 0, 2, 'MISC', 'Hi', false, '2026-01-01'), "
                "(9, 1, 'target', 0, 5, 'MISC', 'مرحبا', false, '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO links (layer_id, source_mention_id, target_mention_id, created_at) "
                "VALUES (1, 7, 9, '2026-01-01')"
            )
        )
    old.dispose()
    store = Store.open(empty_db_url)
    assert store.migration.before == "0001" and store.migration.after == head_revision()
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM segments")).scalar() == 2
        assert conn.execute(text("SELECT count(*) FROM layers")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM embedding_cache")).scalar() == 0
        # 0007 counted the tokens of the documents already stored ("Hi" "."; "مرحبا" ".")
        counts = conn.execute(text("SELECT token_count FROM documents ORDER BY id")).all()
        assert counts == [(2,), (2,)]
        # the table rebuilds of 0003 ran with foreign keys off: no cascade emptied the links
        assert conn.execute(
            text("SELECT source_mention_id, target_mention_id FROM links")
        ).all() == [(7, 9)]
        if engine == "sqlite":  # how SQLite rebuilt the tables: keys checked, constraints kept
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
            schema = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'mentions'")
            ).scalar()
            assert "AUTOINCREMENT" in schema and "ck_mentions_range" in schema
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    store.close()


@pytest.mark.sqlite_only  # byte for byte; the server's version follows
def test_store_from_a_newer_version_is_refused_untouched(db_path: Path) -> None:
    Store.open(db_path).close()
    con = sqlite3.connect(db_path)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="newer than this version of annotator"):
        Store.open(db_path)
    assert db_path.read_bytes() == before


@pytest.mark.sqlite_only  # a file; the server's version follows
def test_foreign_database_is_refused(db_path: Path) -> None:
    con = sqlite3.connect(db_path)
    con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="not an annotator store"):
        Store.open(db_path)


def test_not_a_database_is_a_clear_error(db_path: Path) -> None:
    db_path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open the store"):
        Store.open(db_path)


@pytest.mark.parametrize(
    "content", [b"x", b"hello world\n" * 3, b"SQLite format 2\x00" + b"0" * 200]
)
def test_short_or_foreign_files_are_never_taken_over(db_path: Path, content: bytes) -> None:
    db_path.write_bytes(content)
    with pytest.raises(StoreError, match="not a SQLite database"):
        Store.open(db_path)
    assert db_path.read_bytes() == content


def test_a_server_database_newer_or_foreign_is_refused_untouched(pg_server: PostgresServer) -> None:
    newer = pg_server.database()
    with create_store_engine(newer).begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(StoreError, match="newer than this version of annotator"):
        Store.open(newer)
    with create_store_engine(newer).connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).all() == [
            ("9999_future",)
        ]
    foreign = pg_server.empty_database()
    with create_store_engine(foreign).begin() as conn:
        conn.execute(text("CREATE TABLE invoices (id integer PRIMARY KEY)"))
    with pytest.raises(StoreError, match=r"other tables \(invoices\).*not an annotator store"):
        Store.open(foreign)
    with create_store_engine(foreign).connect() as conn:
        tables = conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ).scalars()
        assert list(tables) == ["invoices"]  # nothing of ours was created
