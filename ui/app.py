"""Application start-up: open the store (seeding the demo on first start) and show the window."""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.demo import ensure_demo_project
from annotator.errors import AnnotatorError
from annotator.store import Store
from annotator.store.engine import is_sqlite, resolve_location
from annotator.store.signin import AskPassword, open_signed_in
from annotator.store.team import TeamRole, team_identity, team_role
from ui.fonts import FontError, register_bundled_fonts
from ui.identity import NO_NAME, ask_identity, ask_password, choose_identity
from ui.main_window import MainWindow
from ui.platform_check import xcb_problem
from ui.settings import Settings
from ui.store_wait import WINDOW_BUSY_TIMEOUT_MS
from ui.uncaught import Uncaught


def launch(db: str | None = None, pair_id: int | None = None, user: str | None = None) -> int:
    """Run the annotation window on the store at `db` (None: the default); return the exit code."""
    problem = xcb_problem()
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        return 3
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("annotator")
    app.setOrganizationName("annotator")
    try:
        register_bundled_fonts()
    except FontError as exc:
        QMessageBox.warning(None, "annotator", f"{exc}; Arabic may show as boxes")
    settings = Settings()
    opened = open_window(db, user, settings)
    if isinstance(opened, int):
        return opened
    window, demo_pair = opened
    Uncaught(window).install()
    window.show()
    start = pair_id if pair_id is not None else demo_pair
    if start is not None:
        window.open_pair(start)
    else:
        window.open_first_pair()
    code = app.exec()
    window.store.close()
    return int(code)


def open_window(
    db: str | None,
    user: str | None,
    settings: Settings,
    ask: Callable[[], str | None] = ask_identity,
    password: AskPassword = ask_password,
) -> tuple[MainWindow, int | None] | int:
    """Open the store and make the window, with the demo pair's id if one was just made.

    Returns an exit code instead when nothing opens: an unusable store, or no name given.
    On a SQLite file the name comes first, so that cancelling leaves no empty store behind;
    a server is opened first (asking for the login's password if it wants one), because on a
    team server you are your login and asked nothing else.
    """
    try:
        location = resolve_location(db)
        login: str | None = None
        role: TeamRole | None = None
        if is_sqlite(location):
            name = choose_identity(user, settings, ask)
            if not name:
                return _no_name()
            store = Store.open(location, busy_timeout_ms=WINDOW_BUSY_TIMEOUT_MS)
        else:
            signed_in = open_signed_in(location, password, busy_timeout_ms=WINDOW_BUSY_TIMEOUT_MS)
            if signed_in is None:
                return 0  # the person cancelled the password: nothing to explain
            store = signed_in
            try:
                with store.engine.connect() as conn:
                    login = team_identity(conn, user)
                    role = team_role(conn)
            except AnnotatorError:
                store.close()
                raise
            name = login or choose_identity(user, settings, ask)
            if not name:
                store.close()
                return _no_name()
        # a team server holds the team's pairs; there only an admin imports
        demo_pair = None if login else ensure_demo_project(store, name)
    except AnnotatorError as exc:
        QMessageBox.critical(None, "annotator", str(exc))
        return exc.exit_code
    return MainWindow(store, name, settings, team_role=role), demo_pair


def _no_name() -> int:
    QMessageBox.information(None, "annotator: no name given", NO_NAME)
    return 0
