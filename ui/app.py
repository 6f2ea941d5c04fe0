"""Application start-up: open the store (seeding the demo on first start) and show the window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.demo import ensure_demo_project
from annotator.errors import AnnotatorError
from annotator.store import Store
from annotator.store.team import team_login
from ui.fonts import FontError, register_bundled_fonts
from ui.identity import NO_NAME, choose_identity
from ui.main_window import MainWindow
from ui.platform_check import xcb_problem
from ui.settings import Settings
from ui.store_wait import WINDOW_BUSY_TIMEOUT_MS


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
    try:
        store = Store.open(db, busy_timeout_ms=WINDOW_BUSY_TIMEOUT_MS)
        with store.engine.connect() as conn:
            login = team_login(conn)  # on a team server you are your login, asked by no one
    except AnnotatorError as exc:
        QMessageBox.critical(None, "annotator", str(exc))
        return exc.exit_code
    name = login or choose_identity(user, settings)
    if not name:
        QMessageBox.information(None, "annotator: no name given", NO_NAME)
        return 0
    try:
        # a team server holds the team's pairs; there only an admin imports
        demo_pair = None if login else ensure_demo_project(store, name)
    except AnnotatorError as exc:
        QMessageBox.critical(None, "annotator", str(exc))
        return exc.exit_code
    window = MainWindow(store, name, settings)
    window.show()
    start = pair_id if pair_id is not None else demo_pair
    if start is not None:
        window.open_pair(start)
    else:
        window.open_first_pair()
    code = app.exec()
    store.close()
    return int(code)
