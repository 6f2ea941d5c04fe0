from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.text.textfile import has_presentation_forms
from tests.conftest import REPO, SEED_AR, SEED_EN


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


pytestmark = pytest.mark.both_engines


@pytest.fixture
def db(db_url: str) -> str:
    """A new store for the command line: a SQLite file or a database on the test server."""
    return db_url


@pytest.fixture
def seeded(db: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert run(capsys, "--db", db, "init", "news", "-s", "en", "-t", "ar")[0] == 0
    assert run(capsys, "--db", db, "import", SEED_EN, SEED_AR)[0] == 0
    return db


def test_help_on_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ([], ["init"], ["import"], ["list"], ["show"], ["segment"], ["gui"]):
        code, out, _ = run(capsys, *command, "--help")
        assert code == 0 and "Usage" in out
    code, out, _ = run(capsys, "show", "--help")
    flat = " ".join(out.replace("│", " ").split())
    assert "Usage: annotator show" in flat
    assert "--logical" in flat and "terminals that do NOT do bidi themselves" in flat
    assert "for terminals that DO bidi" in flat


def test_init_import_list_end_to_end(seeded: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", seeded, "list", "--json")
    assert code == 0
    projects = json.loads(out)["projects"]
    assert [(p["name"], p["source_lang"], p["target_lang"], p["pairs"]) for p in projects] == [
        ("news", "en", "ar", 1)
    ]
    code, out, _ = run(capsys, "--db", seeded, "list", "news", "--json")
    pair = json.loads(out)["pairs"][0]
    assert pair["name"] == "austin-gallant-call"
    assert [(la["owner"], la["status"], la["sentences"]) for la in pair["layers"]] == [
        ("automatic", "new", [13, 9])
    ]
    code, out, _ = run(capsys, "--db", seeded, "list", "news")
    assert code == 0 and "austin-gallant-call" in out and "13 / 9" in out


def test_reimport_is_reported(seeded: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", seeded, "import", SEED_EN, SEED_AR)
    assert code == 0
    assert "0 imported, 1 already present" in out
    assert "skipped 'austin-gallant-call': same texts as pair 1" in err


def test_show_visual_and_logical(seeded: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, logical, _ = run(capsys, "--db", seeded, "show", "1", "--logical", "--width", "220")
    assert code == 0
    assert "Lloyd Austin" in logical and "لويد أوستن" in logical  # stored order, unshaped
    code, visual, _ = run(capsys, "--db", seeded, "show", "1", "--visual", "--width", "220")
    assert code == 0
    assert "لويد أوستن" not in visual  # reordered and shaped for a terminal without bidi
    assert "1701" in visual  # digits keep their left-to-right order inside the Arabic
    assert "Lloyd Austin" in visual
    assert has_presentation_forms(visual) and not has_presentation_forms(logical)


def test_show_into_a_pipe_writes_logical_text(seeded: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "annotator", "--db", seeded, "show", "1", "--width", "220"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    assert "لويد أوستن" in result.stdout  # stored order: grep and files find the text
    assert not has_presentation_forms(result.stdout)


def test_segment_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "segment", SEED_AR, "--lang", "ar")
    assert code == 0 and len(out.splitlines()) == 9
    code, out, _ = run(capsys, "segment", SEED_EN, "--lang", "en", "--offsets")
    lines = out.splitlines()
    assert len(lines) == 13
    start, end, sentence = lines[0].split("\t")
    assert SEED_EN.read_text("utf-8")[int(start) : int(end)] == sentence


def test_segment_a_stored_pair_presegmented(
    seeded: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", seeded, "segment", "--pair", "1", "--presegmented")
    assert code == 0 and "source 13 → 10, target 9 → 8 sentences" in out
    code, out, _ = run(capsys, "--db", seeded, "list", "news", "--json")
    assert json.loads(out)["pairs"][0]["layers"][0]["sentences"] == [10, 8]


def test_segment_keeps_a_presegmented_pair_as_given(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pair of one sentence per line stays so; rules only when asked, and the change shown."""
    en, ar = tmp_path / "lines.en", tmp_path / "lines.ar"
    en.write_text("Dr. Smith arrived. He spoke\nto the press.\n", "utf-8")
    ar.write_text("وصل الدكتور سميث.\nوتحدث إلى الصحافة.\n", "utf-8")
    assert run(capsys, "--db", db, "init", "news", "-s", "en", "-t", "ar")[0] == 0
    assert run(capsys, "--db", db, "import", en, ar, "--presegmented")[0] == 0
    code, out, _ = run(capsys, "--db", db, "segment", "--pair", "1")
    assert code == 0 and "segmentation unchanged (one sentence per line: 2 source" in out
    code, out, _ = run(capsys, "--db", db, "list", "news", "--json")
    assert json.loads(out)["pairs"][0]["layers"][0]["sentences"] == [2, 2]
    code, out, _ = run(capsys, "--db", db, "segment", "--pair", "1", "--rules")
    assert code == 0 and "re-segmented by sentence rules: source 2 → 3" in out


def test_errors_are_one_line_with_exit_codes(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--db", db, "import", SEED_EN, SEED_AR)
    assert code == 2 and err.strip() == (
        "error: the store has no project yet; create one with `annotator init`"
    )
    run(capsys, "--db", db, "init", "news", "-s", "en", "-t", "ar")
    code, _, err = run(capsys, "--db", db, "init", "news", "-s", "en", "-t", "ar")
    assert code == 2 and "exists already" in err and len(err.strip().splitlines()) == 1
    bad = tmp_path / "bad.ar.txt"
    bad.write_bytes(b"\xc3\x28 broken")
    code, _, err = run(capsys, "--db", db, "import", SEED_EN, bad)
    assert code == 2
    assert err.strip() == f"error: {bad}: byte 0: " + err.strip().split(": byte 0: ", 1)[1]
    code, _, err = run(capsys, "--db", db, "show", "99")
    assert code == 2 and "no pair 99" in err
    code, _, err = run(capsys, "--db", db, "init", "x", "-s", "english", "-t", "ar")
    assert code == 2 and "not a language code" in err
    code, _, err = run(capsys, "--db", db, "nosuchcommand")
    assert code == 2


def test_store_errors_exit_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notdb = tmp_path / "notdb.sqlite3"
    notdb.write_bytes(b"garbage" * 1000)
    code, _, err = run(capsys, "--db", notdb, "list")
    assert code == 3 and "cannot open the store" in err


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "annotator", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=REPO,
        timeout=120,
    )


def test_real_process_exit_codes_and_debug(tmp_path: Path) -> None:
    env = {"ANNOTATOR_DB": str(tmp_path / "env.sqlite3")}
    result = _cli("show", "7", env=env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: no pair 7; `annotator list PROJECT` shows the pairs"
    ]
    assert (tmp_path / "env.sqlite3").exists()  # the env var chose the store
    result = _cli("--debug", "show", "7", env=env)
    assert result.returncode == 2 and "Traceback" in result.stderr
    assert _cli("--version").stdout.startswith("annotator ")


SEED_GOLD = [
    "[0]:[]",
    "[1]:[0]",
    "[2]:[1]",
    "[3]:[2]",
    "[4, 5]:[3]",
    "[6, 7]:[4]",
    "[8]:[5]",
    "[9]:[6]",
    "[10]:[7]",
    "[11]:[8]",
    "[12]:[]",
]


def test_align_two_files_prints_the_beads(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "align", SEED_EN, SEED_AR, "--src-lang", "en", "--tgt-lang", "ar")
    assert code == 0 and out.splitlines() == SEED_GOLD
    code, out, _ = run(
        capsys,
        "align",
        SEED_EN,
        SEED_AR,
        "--src-lang",
        "en",
        "--tgt-lang",
        "ar",
        "--engine",
        "length",
        "--scores",
    )
    assert code == 0 and out.splitlines()[0].startswith("[0, 1]:[0]:")  # title merged
    code, _, err = run(
        capsys,
        "align",
        SEED_EN,
        SEED_AR,
        "--src-lang",
        "en",
        "--tgt-lang",
        "ar",
        "--engine",
        "magic",
    )
    assert code == 2 and "unknown engine" in err


def test_align_a_stored_pair_writes_its_automatic_layer(
    seeded: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "--db", seeded, "segment", "--pair", "1")  # back to a fresh proposal
    code, out, _ = run(capsys, "--db", seeded, "align", "--pair", "1", "--engine", "length")
    assert code == 0 and "9 beads" in out
    code, out, _ = run(capsys, "--db", seeded, "align", "--pair", "1")
    assert code == 0 and "11 beads in the automatic layer" in out
    code, out, _ = run(capsys, "--db", seeded, "list", "--pair", "1", "--json")
    assert json.loads(out)["layers"][0]["beads"] == 11
