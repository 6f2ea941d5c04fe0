from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.demo import seed_files
from annotator.model import Project
from annotator.projects import create_project
from annotator.store import Store

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SEED_EN = SEEDS / "austin-gallant-call.en.txt"
SEED_AR = SEEDS / "austin-gallant-call.ar.txt"


@pytest.fixture(autouse=True)
def _hermetic(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's real store or settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    s = Store.open(db_path)
    yield s
    s.close()


@pytest.fixture
def project_id(store: Store) -> int:
    with store.write() as session:
        project = create_project(session, "news", "en", "ar", "tester")
        return project.id


@pytest.fixture
def seed_pair_id(store: Store, project_id: int) -> int:
    from annotator.importing import import_pairs

    with store.write() as session:
        project = session.get(Project, project_id)
        assert project is not None
        report = import_pairs(session, project, [seed_files()], "tester")
        return report.imported[0][0]


@pytest.fixture(autouse=True)
def _no_unexpected_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal dialog would hang a headless run: fail instead (tests that expect one patch it)."""
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"unexpected dialog: {args[1:3]}")

    for name in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QMessageBox, name, refuse)
    monkeypatch.setattr(QInputDialog, "getText", refuse)


def seed_store_template(path: Path) -> int:
    """Create a store at `path` with the seed pair imported; return the pair id."""
    from annotator.importing import import_pairs

    store = Store.open(path)
    try:
        with store.write() as session:
            project = create_project(session, "news", "en", "ar", "tester")
            return import_pairs(session, project, [seed_files()], "tester").imported[0][0]
    finally:
        store.close()


def copy_store(template: Path, path: Path) -> Path:
    """Copy a closed store file and its WAL to `path` (importing once keeps tests fast)."""
    import shutil

    for suffix in ("", "-wal"):
        source = Path(f"{template}{suffix}")
        if source.exists():
            shutil.copyfile(source, f"{path}{suffix}")
    return path
