"""The typer application, its global options and `main`: errors become one line and an exit code.

Exit codes: 0 success, 1 unexpected error, 2 bad input or usage, 3 store error, 4 integrity
error, 5 edit conflict. Errors print one line on stderr; `--debug` adds the traceback.

Only typer and rich are imported here: the store, the aligner and numpy load inside the
commands that need them, so `annotator --help` answers at once.
"""

from __future__ import annotations

import re
import sys
import traceback
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from annotator import __version__
from annotator.environment import DB_ENV_VAR
from annotator.errors import AnnotatorError, StoreError

if TYPE_CHECKING:
    from rich.progress import Progress

    from annotator.store import Store

app = typer.Typer(
    name="annotator",
    help="Annotate bilingual document pairs: sentence alignment, entities and their links.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

state: dict[str, Any] = {"db": None, "debug": False, "user": None, "login": None}
# C0 and C1 control characters but tab and line feed: printed raw, a file name or a text holding
# ESC could clear the screen or retitle the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """Return the text with each control character shown as a JSON-style escape (ESC: u001b)."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def echo(text: str) -> None:
    """Print a line of plain output (document text, JSON) with its control characters escaped."""
    sys.stdout.write(visible(text) + "\n")


class PlainConsole(Console):
    """A rich console that prints every string as itself: no markup, no emoji, controls escaped.

    A file named "[red]x" prints as "[red]x", in tables too (cells go through render_str).
    """

    def render_str(self, text: str, **options: Any) -> Text:
        """Render a string literally."""
        options.update(markup=False, emoji=False)
        return super().render_str(visible(text), **options)


err = PlainConsole(stderr=True, highlight=False, soft_wrap=True)
out = PlainConsole(highlight=False, soft_wrap=True)
if not out.is_terminal:  # piped: do not squeeze tables into 80 columns and cut names
    out.width = 160


def _version(value: bool) -> None:
    if value:
        print(f"annotator {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="PATH|URL",
            help=f"Store to use: a SQLite file path or a SQLAlchemy URL (postgresql://…). "
            f"Default: ${DB_ENV_VAR}, else annotator.sqlite3 in the user data folder.",
        ),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option(
            "--as",
            metavar="NAME",
            help="Who makes the changes (recorded in the audit trail). "
            "Default: the OS user, marked '(command line)'.",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Annotate bilingual document pairs: sentence alignment, entities and their links."""
    state.update(db=db, debug=debug, user=user, login=None)


def open_store() -> Store:
    """Open the store the global options name; on a team server, you are your login."""
    from annotator.store.signin import open_signed_in
    from annotator.store.team import team_identity

    interactive = sys.stdin.isatty() and sys.stderr.isatty()
    store = open_signed_in(state["db"], ask_password_on_terminal if interactive else None)
    if store is None:
        raise StoreError("no password given; nothing was opened")
    try:
        with store.engine.connect() as conn:
            state["login"] = team_identity(conn, state["user"])
    except BaseException:
        store.close()
        raise
    return store


def ask_password_on_terminal(question: str, refusal: str | None) -> str | None:
    """Ask for a password on the terminal, not echoed; None when none is given."""
    import getpass

    if refusal:
        err.print(refusal)
    try:
        password = getpass.getpass(f"{question} ")
    except (EOFError, KeyboardInterrupt):
        return None
    return password or None


def progress_bar(template: str = "{task.description}", *, disable: bool = False) -> Progress:
    """Return the bar every long command shows on stderr: text, bar, done/total, time."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn(template),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=disable or not err.is_terminal,  # nothing for a log file to keep
    )


def actor() -> str:
    """Return who makes this run's changes: --as NAME, else the OS user (command line)."""
    from annotator.audit import command_line_actor

    if state.get("login"):
        return str(state["login"])
    return str(state["user"]) if state["user"] else command_line_actor()


def _driver_failure(exc: Exception) -> AnnotatorError | None:
    """Return our error for a database driver's error, None for any other exception."""
    if "sqlalchemy" not in sys.modules:  # not loaded: it cannot have raised (keeps --help light)
        return None
    from sqlalchemy.exc import DBAPIError

    from annotator.store.failures import store_failure

    return store_failure(exc, "the store") if isinstance(exc, DBAPIError) else None


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code; errors print one line, no traceback."""
    import annotator.cli  # noqa: F401  (registers the commands)

    try:
        result = app(args=argv, prog_name="annotator", standalone_mode=False)
    except AnnotatorError as exc:
        if state["debug"]:
            traceback.print_exc()
        err.print(f"error: {exc}", markup=False)
        return exc.exit_code
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        return 130
    except typer.TyperException as exc:  # usage errors: message and usage hint, exit 2
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            err.print(f"error: {exc}", markup=False)
        return int(getattr(exc, "exit_code", 2))
    except KeyboardInterrupt:
        err.print("interrupted; the last transaction was rolled back")
        return 130
    except Exception as exc:
        if state["debug"]:
            traceback.print_exc()
        failure = _driver_failure(exc)
        if failure is not None:  # one the store boundary did not see: one line, no SQL
            err.print(f"error: {failure}")
            return failure.exit_code
        err.print(
            f"error: {type(exc).__name__}: {exc} (run with --debug for the traceback)", markup=False
        )
        return 1
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
