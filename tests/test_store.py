from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm.exc import StaleDataError

from annotator.errors import StoreError
from annotator.model import Annotator, Layer, LayerStatus, Project
from annotator.store import Store
from annotator.store.engine import default_store_path, resolve_location

pytestmark = pytest.mark.both_engines  # the store tests run on SQLite and PostgreSQL


@pytest.mark.sqlite_only
def test_every_sqlite_connection_is_configured(store: Store) -> None:
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10_000


def test_savepoint_rolls_back_only_the_nested_part(store: Store) -> None:
    with store.write() as session:
        session.add(Annotator(name="outer"))
        session.flush()
        nested = session.begin_nested()
        session.add(Annotator(name="inner"))
        session.flush()
        nested.rollback()
    with store.read() as session:
        assert session.scalars(select(Annotator.name)).all() == ["outer"]


def test_failed_write_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.write() as session:
        session.add(Annotator(name="ghost"))
        session.flush()
        raise RuntimeError("boom")
    with store.read() as session:
        assert session.scalars(select(Annotator)).all() == []


@pytest.mark.sqlite_only
def test_writer_takes_the_lock_at_begin(store: Store, db_path: Path) -> None:
    """A second writer waits for the first instead of failing later with 'database is locked'."""
    order: list[str] = []
    first_holds = threading.Event()
    release = threading.Event()

    def first() -> None:
        with store.write() as session:
            session.add(Annotator(name="first"))
            session.flush()
            first_holds.set()
            release.wait(5)
            order.append("first committed")

    other = Store.open(db_path)
    t = threading.Thread(target=first)
    t.start()
    assert first_holds.wait(5)

    def second() -> None:
        with other.write() as session:
            session.execute(text("SELECT 1"))  # the session's BEGIN IMMEDIATE happens here
            order.append("second began")
            session.add(Annotator(name="second"))

    t2 = threading.Thread(target=second)
    t2.start()
    t2.join(0.3)
    assert order == []  # still waiting on BEGIN IMMEDIATE
    release.set()
    t.join()
    t2.join(5)
    other.close()
    assert order == ["first committed", "second began"]


def test_concurrent_layer_edit_is_a_conflict_not_a_lost_update(
    store: Store, seed_pair_id: int
) -> None:
    with store.read() as s1:
        layer_a = s1.scalars(select(Layer).where(Layer.pair_id == seed_pair_id)).one()
        s1.expunge(layer_a)
    with store.write() as s2:
        layer_b = s2.scalars(select(Layer).where(Layer.pair_id == seed_pair_id)).one()
        layer_b.status = LayerStatus.IN_PROGRESS.value
    with pytest.raises(StaleDataError), store.write() as s3:
        stale = s3.merge(layer_a, load=False)
        stale.status = LayerStatus.DONE.value
    with store.read() as s4:
        layer = s4.scalars(select(Layer).where(Layer.pair_id == seed_pair_id)).one()
        assert layer.status == LayerStatus.IN_PROGRESS.value
        assert layer.version == 2


def test_location_resolution(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert resolve_location(None).database == str(default_store_path())
    assert "annotator" in str(default_store_path())
    monkeypatch.setenv("ANNOTATOR_DB", str(tmp_path / "env.db"))
    assert resolve_location(None).database == str(tmp_path / "env.db")
    assert resolve_location(tmp_path / "arg.db").database == str(tmp_path / "arg.db")
    url = resolve_location("postgresql+psycopg://u:secret@localhost/annot")
    assert url.get_backend_name() == "postgresql" and url.database == "annot"


def test_default_store_is_created_in_the_data_directory() -> None:
    store = Store.open()
    try:
        assert Path(store.describe()) == default_store_path()
        assert default_store_path().exists()
        with store.read() as session:
            assert session.scalars(select(Project)).all() == []
    finally:
        store.close()


def test_unknown_driver_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="no database driver"):
        Store.open("mysql+nosuchdriver://localhost/x")


def test_unwritable_location_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the store's folder"):
        Store.open(blocker / "sub" / "store.db")
