"""Imports report progress per pair, and flag a pair whose files do not translate each other."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from annotator.alignment.beads import AlignedBead
from annotator.alignment.health import suspicion
from annotator.importing import import_pairs
from annotator.model import Project
from annotator.pairing import PairFiles
from annotator.store import Store
from tests.bench.common import shared_dir
from tests.conftest import SEED_AR, SEED_EN
from tests.test_cli import run
from ui.main_window import MainWindow
from ui.settings import Settings

pytestmark = pytest.mark.both_engines  # the store tests run on SQLite and PostgreSQL

NTREX = shared_dir() / "benchmarks" / "alignment" / "ntrex-en-ar" / "split_drop"


def test_suspicion_counts_low_score_and_one_sided_beads() -> None:
    good = [AlignedBead((k,), (k,), 0.95) for k in range(10)]
    assert suspicion(good) is None
    doubtful = good[:6] + [AlignedBead((k,), (), 1.0) for k in range(6, 8)]
    doubtful += [AlignedBead((8,), (8,), 0.2), AlignedBead((9,), (9,), 0.4)]
    assert suspicion(doubtful) == (
        "40% of its 10 beads are low-score or one-sided; check that the two files are "
        "translations of each other and complete"
    )
    assert suspicion(doubtful[6:9]) is None  # three beads say too little


def test_a_wrong_partner_file_is_flagged_and_the_right_one_is_not(
    new_store: Callable[[str], str],
    capsys: pytest.CaptureFixture[str],
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    db = new_store("store")
    assert run(capsys, "--db", db, "init", "news", "-s", "en", "-t", "ar")[0] == 0
    code, _, err = run(capsys, "--db", db, "import", SEED_EN, SEED_AR)
    assert code == 0 and "suspicious" not in err
    english, arabic = NTREX / "bbc.381646.en", NTREX / "reuters.218888.ar"  # not each other's
    options = ("--presegmented", "--name", "mixed")
    code, _, err = run(capsys, "--db", db, "import", english, arabic, *options)
    assert code == 0
    assert "warning: mixed: suspicious alignment:" in err and "translations of each other" in err
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(Store.open(db), "Alice", settings)
    qtbot.addWidget(window)
    pairs = window.navigator.topLevelItem(0)
    marks = {pairs.child(k).text(0): pairs.child(k).text(1) for k in range(pairs.childCount())}
    assert marks["mixed"].startswith("⚠ check the alignment")
    assert not marks["austin-gallant-call"].startswith("⚠")
    assert "translations of each other" in pairs.child(1).toolTip(0)


def test_import_reports_each_pair_as_it_is_read_and_stored(
    store: Store, project_id: int, tmp_path: Path
) -> None:
    files = []
    for name in ("a", "b"):
        (tmp_path / f"{name}.en.txt").write_text("The war began.", "utf-8")
        (tmp_path / f"{name}.ar.txt").write_text(f"بدأت الحرب {name}.", "utf-8")
        files.append(PairFiles(name, tmp_path / f"{name}.en.txt", tmp_path / f"{name}.ar.txt"))
    steps: list[tuple[str, str]] = []
    with store.write() as session:
        project = session.get(Project, project_id)
        assert project is not None
        import_pairs(session, project, files, "tester", progress=lambda *s: steps.append(s))
    assert steps == [
        ("read", "a"), ("read", "b"), ("aligned", "a"), ("aligned", "b"),
        ("stored", "a"), ("stored", "b"),
    ]  # fmt: skip
