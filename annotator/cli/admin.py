"""`annotator remove`, `rename` and `backup`: undo a wrong import, fix a name, keep a copy."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from annotator.cli.app import actor, app, err, open_store, out
from annotator.cli.lookups import find_pair
from annotator.errors import InputError

remove_app = typer.Typer(help="Remove a pair or a whole project, after showing what goes.")
rename_app = typer.Typer(help="Rename a pair or a project.")
app.add_typer(remove_app, name="remove")
app.add_typer(rename_app, name="rename")

YES = typer.Option("--yes", "-y", help="Do not ask; remove at once (for scripts).")
PROJECT = typer.Option("--project", "-p", help="Project of a pair given by name.")


def _confirm(what: str, yes: bool) -> None:
    """Ask before removing; refuse without --yes when nobody can answer."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise InputError("nothing removed: confirm with --yes (no terminal to ask on)")
    if not typer.confirm(f"Remove {what}? This cannot be undone", default=False):
        raise InputError("nothing removed")


@remove_app.command("pair")
def remove_pair_command(
    ref: Annotated[str, typer.Argument(help="Pair id or name.")],
    project_ref: Annotated[str | None, PROJECT] = None,
    yes: Annotated[bool, YES] = False,
) -> None:
    """Remove a pair with all its layers (every annotator's work on it) and its documents."""
    from annotator.removal import pair_summary, remove_pair

    store = open_store()
    with store.read() as session:
        summary = pair_summary(session, find_pair(session, ref, project_ref))
    err.print(summary.describe(), markup=False)
    _confirm(f"pair {summary.pair_id} {summary.name!r}", yes)
    with store.write() as session:
        remove_pair(session, find_pair(session, str(summary.pair_id)), actor())
    out.print(f"removed pair {summary.pair_id} {summary.name!r}", markup=False)


@remove_app.command("project")
def remove_project_command(
    ref: Annotated[str, typer.Argument(help="Project name or id.")],
    yes: Annotated[bool, YES] = False,
) -> None:
    """Remove a project with every pair, layer and document in it."""
    from annotator.projects import find_project
    from annotator.removal import pair_summary, remove_project

    store = open_store()
    with store.read() as session:
        project = find_project(session, ref)
        name, project_id = project.name, project.id
        summaries = [pair_summary(session, pair) for pair in project.pairs]
    err.print(f"project {name!r}: {len(summaries)} pair(s)", markup=False)
    for summary in summaries:
        err.print(summary.describe(), markup=False)
    _confirm(f"project {name!r} and its {len(summaries)} pair(s)", yes)
    with store.write() as session:
        remove_project(session, find_project(session, str(project_id)), actor())
    out.print(f"removed project {name!r} ({len(summaries)} pairs)", markup=False)


@rename_app.command("pair")
def rename_pair_command(
    ref: Annotated[str, typer.Argument(help="Pair id or name.")],
    new_name: Annotated[str, typer.Argument(help="The new name.")],
    project_ref: Annotated[str | None, PROJECT] = None,
) -> None:
    """Rename a pair (names are unique within a project)."""
    from annotator.removal import rename_pair

    store = open_store()
    with store.write() as session:
        pair = find_pair(session, ref, project_ref)
        old = pair.name
        rename_pair(session, pair, new_name, actor())
        pair_id = pair.id
    out.print(f"renamed pair {pair_id} {old!r} → {new_name.strip()!r}", markup=False)


@rename_app.command("project")
def rename_project_command(
    ref: Annotated[str, typer.Argument(help="Project name or id.")],
    new_name: Annotated[str, typer.Argument(help="The new name.")],
) -> None:
    """Rename a project (names are unique in a store)."""
    from annotator.projects import find_project
    from annotator.removal import rename_project

    store = open_store()
    with store.write() as session:
        project = find_project(session, ref)
        old = project.name
        rename_project(session, project, new_name, actor())
    out.print(f"renamed project {old!r} → {new_name.strip()!r}", markup=False)


@app.command("backup")
def backup_command(
    destination: Annotated[Path, typer.Argument(help="The new file to write the copy to.")],
) -> None:
    """Copy the SQLite store to a new file, safely while the window or others are writing."""
    from annotator.store.backup import backup_sqlite

    store = open_store()
    url = store.url
    store.close()
    size = backup_sqlite(url, destination)
    out.print(f"backed up {store.describe()} to {destination} ({size / 1e6:.1f} MB)")
