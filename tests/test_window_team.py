"""Starting the window: on a team server you are your login; on a new file, a name comes first."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from annotator.model import Mention, Project, Side
from tests.pg_server import PostgresServer
from tests.test_cli import run
from tests.test_team import team  # noqa: F401 (fixture)
from tests.test_window import tag
from ui.app import open_window
from ui.main_window import MainWindow
from ui.settings import Settings

Team = tuple[PostgresServer, str, dict[str, int]]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))


def _action(window: MainWindow, text: str) -> QAction:
    return next(a for a in window.findChildren(QAction) if a.text() == text)


def never_asked() -> str | None:
    raise AssertionError("the window asked for a name")


def test_a_login_opens_the_teams_pairs_asking_nothing(
    team: Team,  # noqa: F811
    settings: Settings,
    qtbot: QtBot,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server, database, layers = team
    rania = server.url(database, user="Rania")
    assert run(capsys, "--db", rania, "assign", "1", "--to", "Sami")[0] == 0
    opened = open_window(server.url(database, user="Sami"), None, settings, never_asked)
    assert not isinstance(opened, int)
    window, demo_pair = opened
    qtbot.addWidget(window)
    window.resize(1700, 1000)
    window.show()
    qtbot.waitExposed(window)
    assert demo_pair is None and window.annotator_name == "Sami"
    assert settings.annotator_name is None  # the login is not a saved name
    with window.store.read() as session:  # no demo project on the team's server
        assert session.scalars(select(Project.name)).all() == ["news"]
    assert not _action(window, "Switch annotator…").isEnabled()
    mine = window.navigator.topLevelItem(0)
    assert mine is not None and mine.text(0) == "My pairs" and mine.text(1) == "1 pair"
    # only an administrator imports, removes or renames pairs there: greyed out, not refused later
    assert not _action(window, "Import…").isEnabled()
    menu = window.navigator_panel.context_menu(mine.child(0))
    assert menu is not None and [(a.text(), a.isEnabled()) for a in menu.actions()] == [
        ("Rename pair…", False),
        ("Remove pair…", False),
    ]
    window.open_first_pair()
    assert window.layer_id == layers["Sami"]
    tag(qtbot, window, Side.SOURCE, "Gaza", "g")  # a real drag and key, written by Sami's login
    with window.store.read() as session:
        stored = session.execute(select(Mention.layer_id, Mention.surface, Mention.label)).all()
    assert stored == [(layers["Sami"], "Gaza", "GPE")]
    window.close()
    window.store.close()


def test_the_owner_manages_pairs_in_the_window(
    team: Team,  # noqa: F811
    settings: Settings,
    qtbot: QtBot,
) -> None:
    server, database, _ = team
    opened = open_window(server.url(database), None, settings, never_asked)
    assert not isinstance(opened, int)
    window, _ = opened
    qtbot.addWidget(window)
    assert _action(window, "Import…").isEnabled()
    project = window.navigator.topLevelItem(0)
    assert project is not None and project.text(0) == "news"
    menu = window.navigator_panel.context_menu(project)
    assert menu is not None and all(a.isEnabled() for a in menu.actions())
    window.close()
    window.store.close()


def test_another_name_on_a_team_server_is_refused(
    team: Team,  # noqa: F811
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, database, _ = team
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *a: shown.append(text))
    url = server.url(database, user="Sami")
    assert open_window(url, "Rania", settings, never_asked) == 2
    assert shown == ["on this team server you are your login 'Sami'; --as Rania is refused"]


def test_no_name_on_a_new_machine_leaves_no_store_behind(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: shown.append(text))
    path = tmp_path / "data" / "annotator.sqlite3"
    assert open_window(str(path), None, settings, lambda: None) == 0
    assert shown and "No name was given" in shown[0]
    assert not path.parent.exists()  # neither an empty store file nor its folder


def test_a_name_then_a_new_store_with_the_demo(
    tmp_path: Path, settings: Settings, qtbot: QtBot
) -> None:
    path = tmp_path / "annotator.sqlite3"
    opened = open_window(str(path), None, settings, lambda: "Layla")
    assert not isinstance(opened, int)
    window, demo_pair = opened
    qtbot.addWidget(window)
    assert isinstance(window, MainWindow) and window.annotator_name == "Layla"
    assert demo_pair is not None and settings.annotator_name == "Layla"
    window.close()
    window.store.close()
