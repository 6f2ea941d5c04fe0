"""Alignment as users get it: presegmented files, real paragraphs, batch folders, fast help.

Every test goes through what a user runs (`annotator align`, `annotator import`, the window's
re-align key), on files written the way users have them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from annotator.alignment.beads import AlignedBead, format_bead, parse_beads
from annotator.alignment.signals import heading_cues, structure_breaks
from annotator.cli import main
from annotator.layer_writes import replace_alignment
from annotator.layers import alignment, automatic_layer
from annotator.model import DocumentPair, Layer
from annotator.store import Store
from annotator.text.segmentation import paragraph_numbers, split_sentences
from tests.conftest import REPO, SEED_AR, SEED_EN
from tests.test_cli import run
from ui.main_window import MainWindow
from ui.settings import Settings

pytestmark = pytest.mark.both_engines  # the store parts on SQLite and on PostgreSQL

MERGES = ["[4, 5]:[3]", "[6, 7]:[4]"]
SEED_GOLD = [
    "[0]:[]", "[1]:[0]", "[2]:[1]", "[3]:[2]", "[4, 5]:[3]", "[6, 7]:[4]", "[8]:[5]", "[9]:[6]",
    "[10]:[7]", "[11]:[8]", "[12]:[]",
]  # fmt: skip  # the seed's two English sentence pairs under one Arabic


def _sentences(path: Path, lang: str) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [text[s:e] for s, e in split_sentences(text, lang)]


@pytest.fixture
def presegmented(tmp_path: Path) -> tuple[Path, Path]:
    """The seed pair as one sentence per line, no blank lines (how aligned corpora come)."""
    folder = tmp_path / "lines"
    folder.mkdir()
    en, ar = folder / "seed.en", folder / "seed.ar"
    en.write_text("\n".join(_sentences(Path(SEED_EN), "en")) + "\n", encoding="utf-8")
    ar.write_text("\n".join(_sentences(Path(SEED_AR), "ar")) + "\n", encoding="utf-8")
    return en, ar


def test_paragraphs_are_known_only_where_the_text_has_them() -> None:
    lines = "One.\nTwo.\nThree.\n"
    assert paragraph_numbers(lines, [(0, 4), (5, 9), (10, 16)]) is None
    blank = "One.\nTwo.\n\nThree.\n"
    assert paragraph_numbers(blank, [(0, 4), (5, 9), (11, 17)]) == [0, 0, 1]
    every = "One.\n\nTwo.\n\nThree.\n"  # a break after every sentence groups nothing
    assert paragraph_numbers(every, [(0, 4), (6, 10), (12, 18)]) is None
    running = "One. Two.\nThree. Four.\nFive.\n"  # lines that hold sentences are paragraphs
    spans = split_sentences(running, "en")
    assert paragraph_numbers(running, spans) == [0, 0, 1, 1, 2]


def test_heading_lines_are_blocks_of_their_own() -> None:
    lines = [
        "Talks resume in Doha",  # a title
        "By Jane Doe",  # a byline
        "The talks resumed on Monday.",
        'Officials said: "We are close."',
        "Photo: AFP",  # a caption
        "The Alps , seen from the",  # an OCR line cut mid-sentence: continued below
        "summit .",
        "Wie ist das ? ",
        "两国会谈。",
    ]
    assert heading_cues(lines).tolist() == [1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert structure_breaks(None, heading_cues(lines)).tolist() == [0, 0, 1, 1, 2, 3, 3, 3, 3]
    paragraphs = np.array([0, 0, 0, 1, 1, 1, 1, 2, 2])
    assert structure_breaks(paragraphs, heading_cues(lines)).tolist() == [
        0, 0, 1, 2, 3, 4, 4, 5, 5,
    ]  # fmt: skip
    assert structure_breaks(None, None) is None


def test_presegmented_files_get_n_to_m_beads_from_the_cli(
    presegmented: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    en, ar = presegmented
    code, out, _ = run(
        capsys, "align", en, ar, "--src-lang", "en", "--tgt-lang", "ar", "--presegmented"
    )
    assert code == 0
    lines = out.splitlines()
    assert all(merge in lines for merge in MERGES), lines
    # the title and "Leave a comment" have no Arabic: each is a row of its own, not glued to
    # a neighbour, though this file has no paragraph information at all
    assert lines == SEED_GOLD


def test_presegmented_import_stores_n_to_m_beads(
    presegmented: tuple[Path, Path],
    new_store: Callable[[str], str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = new_store("store")
    assert run(capsys, "--db", db, "init", "news", "-s", "en", "-t", "ar")[0] == 0
    code, out, _ = run(capsys, "--db", db, "import", *presegmented, "--presegmented")
    assert code == 0 and "imported pair 1 'seed'" in out
    store = Store.open(db)
    with store.read() as session:
        pair = session.get(DocumentPair, 1)
        assert pair is not None
        beads = [format_bead(b) for b in alignment(session, automatic_layer(session, pair))]
    assert all(merge in beads for merge in MERGES), beads


def test_a_bead_may_cross_a_real_paragraph_break(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Paragraphs from blank lines; the translator's 2:1 spans an English paragraph break."""
    sentences = _sentences(Path(SEED_EN), "en")
    # the title alone; sentences 4 and 5 (one Arabic sentence) end and start two paragraphs
    blocks = [[0], [1, 2, 3, 4], [5], [6, 7, 8], [9, 10, 11], [12]]
    en = tmp_path / "crossing.en.txt"
    en.write_text(
        "\n\n".join(" ".join(sentences[k] for k in block) for block in blocks) + "\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "align", en, SEED_AR, "--src-lang", "en", "--tgt-lang", "ar")
    assert code == 0
    lines = out.splitlines()
    assert "[4, 5]:[3]" in lines  # crossing the break costs a little, it is not forbidden
    assert "[6, 7]:[4]" in lines
    assert lines[0] == "[0]:[]"  # the title, a paragraph of its own, stays one-sided


def _write_pair(folder: Path, name: str, en: str, ar: str) -> None:
    (folder / f"{name}.en").write_text(en, encoding="utf-8")
    (folder / f"{name}.ar").write_text(ar, encoding="utf-8")


def test_batch_alignment_of_a_folder_reports_a_bad_pair_and_writes_the_others(
    presegmented: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = presegmented[0].parent
    _write_pair(folder, "short", "The war began.\nIt goes on.\n", "بدأت الحرب.\nوهي مستمرة.\n")
    (folder / "broken.en").write_text("Fine.\n", encoding="utf-8")
    (folder / "broken.ar").write_bytes("جملة".encode() + b"\xff\xfe\n")
    (folder / "seed.enar").write_text("[0]:[0]\n", encoding="utf-8")  # a gold file: skipped
    out_dir = tmp_path / "beads"
    code, _, err = run(
        capsys,
        "align",
        folder,
        "-o",
        out_dir,
        "--src-lang",
        "en",
        "--tgt-lang",
        "ar",
        "--presegmented",
    )
    assert code == 2
    assert "skipped 1 file(s) that are not pairs: seed.enar" in err
    assert "error: broken: " in err and "broken.ar" in err and "byte" in err
    assert "2 of 3 pairs aligned" in err and "failed: broken" in err
    assert sorted(p.name for p in out_dir.iterdir()) == ["seed.beads", "short.beads"]
    seed_beads = [format_bead(b) for b in parse_beads((out_dir / "seed.beads").read_text())]
    assert all(merge in seed_beads for merge in MERGES)
    assert (out_dir / "short.beads").read_text() == "[0]:[0]\n[1]:[1]\n"


def test_align_help_shows_the_bead_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "align", "--help")
    assert code == 0 and "[i, j]:[k]" in out and "[4, 5]:[3]" in out and "OUTDIR/NAME.beads" in out


def test_help_answers_without_loading_the_store_or_the_model() -> None:
    probe = (
        "import sys\n"
        "from annotator.cli import main\n"
        "code = main(['--help'])\n"
        "heavy = [m for m in ('numpy', 'sqlalchemy', 'annotator.store', "
        "'annotator.alignment.engine') if m in sys.modules]\n"
        "print(code, heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=True,
    )
    assert result.stdout.splitlines()[-1] == "0 []"


def main_ok(args: list[str]) -> bool:
    return main(args) == 0


@pytest.fixture
def presegmented_window(
    presegmented: tuple[Path, Path],
    tmp_path: Path,
    qtbot: QtBot,
    new_store: Callable[[str], str],
) -> Iterator[tuple[MainWindow, Store]]:
    db = new_store("window")
    assert main_ok(["--db", db, "init", "news", "-s", "en", "-t", "ar"])
    assert main_ok(["--db", db, "import", *map(str, presegmented), "--presegmented"])
    store = Store.open(db)
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(store, "Alice", settings)
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    window.open_pair(1)
    yield window, store


def test_realign_in_the_window_proposes_n_to_m_beads_on_a_presegmented_pair(
    presegmented_window: tuple[MainWindow, Store], qtbot: QtBot
) -> None:
    window, store = presegmented_window
    assert window.layer_id is not None
    with store.write() as session:  # start from a 1:1-only alignment, as the old path gave
        layer = session.get(Layer, window.layer_id)
        assert layer is not None
        diagonal = [AlignedBead((k,), (k,)) for k in range(9)]
        diagonal += [AlignedBead((k,), ()) for k in range(9, 13)]
        replace_alignment(session, layer, diagonal)
    window.editor.reload()
    window.view.model.reload()
    ctrl, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.view, Qt.Key.Key_A, ctrl | shift)
    qtbot.waitUntil(lambda: window.alignment.worker is None, timeout=60_000)
    with store.read() as session:
        layer = session.get(Layer, window.layer_id)
        assert layer is not None
        beads = [format_bead(b) for b in alignment(session, layer)]
    assert all(merge in beads for merge in MERGES), beads


def test_folders_with_other_suffixes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], new_store: Callable[[str], str]
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "n1.eng").write_text("The war began.\nIt goes on.\n", "utf-8")
    (folder / "n1.ara").write_text("بدأت الحرب.\nوهي مستمرة.\n", "utf-8")
    args = ("--src-lang", "en", "--tgt-lang", "ar", "--presegmented")
    code, _, err = run(capsys, "align", folder, "-o", tmp_path / "out", *args)
    assert code == 2 and "no NAME.en + NAME.ar pair" in err
    out_dir = tmp_path / "out"
    code, _, _ = run(capsys, "align", folder, "-o", out_dir, *args, "--suffixes", "eng,ara")
    assert code == 0 and (tmp_path / "out" / "n1.beads").read_text() == "[0]:[0]\n[1]:[1]\n"
    db = new_store("s")
    assert run(capsys, "--db", db, "init", "news", "-s", "en", "-t", "ar")[0] == 0
    code, out, _ = run(capsys, "--db", db, "import", folder, "--suffixes", ".eng,.ara")
    assert code == 0 and "imported pair 1 'n1'" in out
    code, _, err = run(capsys, "--db", db, "import", folder, "--suffixes", "eng")
    assert code == 2 and "--suffixes takes two suffixes" in err
