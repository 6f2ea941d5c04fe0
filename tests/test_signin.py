"""Signing in to a team server with a password: asked for on a terminal or in a dialog."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from annotator.store import Store
from annotator.store.failures import PasswordNeededError
from annotator.store.signin import ATTEMPTS, open_signed_in
from tests.conftest import REPO
from tests.pg_server import PASSWORD_GROUP, PostgresServer
from tests.test_cli import run
from tests.test_team import team  # noqa: F401 (fixture)
from ui.app import open_window
from ui.settings import Settings

Team = tuple[PostgresServer, str, dict[str, int]]
SECRET = "s3cret 'quoted'"


@pytest.fixture
def pat(team: Team, capsys: pytest.CaptureFixture[str]) -> str:  # noqa: F811
    """The URL of Pat, an annotator whose login signs in with a password."""
    server, database, _ = team
    owner = server.url(database)
    assert run(capsys, "--db", owner, "--as", "postgres", "team", "add", "Pat",
               "--role", "annotator", "--password", SECRET)[0] == 0  # fmt: skip
    server.execute(
        f"DO $$ BEGIN CREATE ROLE {PASSWORD_GROUP} NOLOGIN; "
        "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    server.execute(f'GRANT {PASSWORD_GROUP} TO "Pat"')
    return server.url(database, user="Pat")


def test_the_server_asks_for_the_password_and_the_error_says_where_to_put_it(pat: str) -> None:
    with pytest.raises(PasswordNeededError, match=r"asks for Pat's password .*~/\.pgpass"):
        Store.open(pat)
    with pytest.raises(PasswordNeededError, match="asks for Pat's password"):
        open_signed_in(pat, None)  # no one to ask


def test_asked_until_right_then_open(pat: str) -> None:
    asked: list[tuple[str, str | None]] = []
    answers = iter(["wrong", SECRET])

    def ask(question: str, refusal: str | None) -> str | None:
        asked.append((question, refusal))
        return next(answers)

    store = open_signed_in(pat, ask)
    assert store is not None
    assert "***" in store.describe() and SECRET not in store.describe()
    store.close()
    assert asked[0] == ("Password of Pat on this computer:", None)
    assert asked[1][1] is not None and asked[1][1].endswith("the server refused Pat's password")


def test_giving_up_opens_nothing_and_wrong_passwords_end(pat: str) -> None:
    assert open_signed_in(pat, lambda _q, _r: None) is None
    tries: list[str | None] = []

    def wrong(_question: str, refusal: str | None) -> str:
        tries.append(refusal)
        return "wrong"

    with pytest.raises(PasswordNeededError, match="refused Pat's password"):
        open_signed_in(pat, wrong)
    assert len(tries) == ATTEMPTS


def _run_on_terminal(args: list[str], answers: list[tuple[str, str]]) -> tuple[int, str]:
    """Run the CLI on a terminal of its own (getpass reads it), typing each answer when asked."""
    leader, follower = pty.openpty()

    def own_terminal() -> None:
        os.setsid()
        import fcntl
        import termios

        fcntl.ioctl(follower, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(
        [sys.executable, "-m", "annotator", *args],
        stdin=follower, stdout=follower, stderr=follower, cwd=REPO,
        preexec_fn=own_terminal, env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 60
    for prompt, typed in answers:
        while seen.count(prompt.encode()) < 1 and time.monotonic() < deadline:
            seen += os.read(leader, 4096)
        assert prompt.encode() in seen, seen.decode(errors="replace")
        seen = seen.replace(prompt.encode(), b"[asked]", 1)  # the next ask is the next prompt
        os.write(leader, typed.encode() + b"\r")
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the program ended
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    return process.wait(timeout=60), seen.decode(errors="replace")


def test_the_command_line_asks_on_the_terminal_and_never_echoes(pat: str) -> None:
    code, screen = _run_on_terminal(
        ["--db", pat, "list", "--mine"], [("Password of Pat on this computer:", SECRET)]
    )
    assert code == 0, screen
    assert "no pairs are assigned to Pat" in screen
    assert SECRET not in screen  # not echoed


def test_team_add_asks_the_new_password_twice_unseen(
    team: Team,  # noqa: F811
) -> None:
    server, database, _ = team
    owner = server.url(database)
    server.execute(
        f"DO $$ BEGIN CREATE ROLE {PASSWORD_GROUP} NOLOGIN; "
        "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    answers = [("Password for Quinn (empty: none):", "first"), ("Again:", "other"),
               ("Password for Quinn (empty: none):", SECRET), ("Again:", SECRET)]  # fmt: skip
    add = ["--db", owner, "--as", "postgres", "team", "add", "Quinn", "--role", "reviewer"]
    code, screen = _run_on_terminal(add, answers)
    assert code == 0 and "Quinn can sign in as reviewer" in screen, screen
    assert "the two differ; once more" in screen
    assert SECRET not in screen and "first" not in screen  # never echoed
    server.execute(f'GRANT {PASSWORD_GROUP} TO "Quinn"')
    quinn = server.url(database, user="Quinn")
    with pytest.raises(PasswordNeededError):
        open_signed_in(quinn, lambda _q, _r: "first")
    store = open_signed_in(quinn, lambda _q, _r: SECRET)
    assert store is not None
    store.close()


def test_the_command_line_without_a_terminal_says_what_to_do(pat: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "annotator", "--db", pat, "list"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 3
    assert result.stderr.count("\n") == 1 and "~/.pgpass" in result.stderr, result.stderr


def test_the_window_asks_for_the_password(pat: str, tmp_path: Path, qtbot: QtBot) -> None:
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))

    def never(*_args: object) -> str | None:
        raise AssertionError("asked for a name on a team server")

    assert open_window(pat, None, settings, never, password=lambda _q, _r: None) == 0
    opened = open_window(pat, None, settings, never, password=lambda _q, _r: SECRET)
    assert not isinstance(opened, int)
    window, _ = opened
    qtbot.addWidget(window)
    assert window.annotator_name == "Pat" and SECRET not in window.windowTitle()
    window.close()
    settings.q.sync()
    saved = tmp_path / "s.ini"
    assert not saved.exists() or SECRET not in saved.read_text()  # never kept on disk
    window.store.close()
