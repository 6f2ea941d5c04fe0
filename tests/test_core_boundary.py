"""The core never imports Qt: it imports and works with PySide6 made unimportable."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import REPO, SEED_AR, SEED_EN

BLOCK_QT = textwrap.dedent("""
    import importlib.abc, sys

    class BlockQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {"PySide6", "shiboken6", "PyQt5", "PyQt6", "ui"}:
                raise ImportError(f"{name} is blocked: the core must not import it")
            return None

    sys.meta_path.insert(0, BlockQt())
""")


def _run_without_qt(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "noqt.py"
    script.write_text(BLOCK_QT + textwrap.dedent(code), "utf-8")
    env = {**os.environ, "ANNOTATOR_DB": str(tmp_path / "noqt.sqlite3")}
    return subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )


def test_every_core_module_imports_without_qt(tmp_path: Path) -> None:
    result = _run_without_qt(
        """
        import pkgutil, annotator
        names = [m.name for m in pkgutil.walk_packages(annotator.__path__, "annotator.")
                 if not m.name.startswith("annotator.migrations.")
                 and m.name != "annotator.__main__"]
        for name in names:
            __import__(name)
        assert "PySide6" not in sys.modules
        print(len(names), "modules")
    """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[0]) >= 15


def test_the_command_line_works_without_qt(tmp_path: Path) -> None:
    result = _run_without_qt(
        f"""
        from annotator.cli import main
        assert main(["init", "news", "-s", "en", "-t", "ar"]) == 0
        assert main(["import", {str(SEED_EN)!r}, {str(SEED_AR)!r}]) == 0
        assert main(["show", "1", "--width", "120"]) == 0
        assert main(["gui"]) != 0  # needs the UI: refused with a message, not a crash
        assert "PySide6" not in sys.modules
    """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "imported pair 1" in result.stdout
    assert "error:" in result.stderr and "Traceback" not in result.stderr


def test_the_blocker_really_blocks(tmp_path: Path) -> None:
    result = _run_without_qt("import PySide6.QtCore", tmp_path)
    assert result.returncode != 0 and "blocked" in result.stderr
