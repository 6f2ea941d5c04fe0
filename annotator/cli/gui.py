"""`annotator gui`: the window, found through the `annotator.frontends` entry point."""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli.app import app, state
from annotator.errors import AnnotatorError


@app.command()
def gui(
    pair_id: Annotated[int | None, typer.Option("--pair", help="Open this pair at start.")] = None,
) -> None:
    """Open the annotation window (on first start with an empty store, with the demo pair)."""
    from importlib.metadata import entry_points

    found = [e for e in entry_points(group="annotator.frontends") if e.name == "gui"]
    if not found:
        raise AnnotatorError(
            "the GUI is not installed (no 'annotator.frontends' entry point 'gui')"
        )
    launch = found[0].load()
    code = launch(db=state["db"], pair_id=pair_id, user=state["user"])
    raise typer.Exit(code)
