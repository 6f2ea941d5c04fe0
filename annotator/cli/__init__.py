"""The `annotator` command line: one module per group of commands, registered on one typer app.

Exit codes: 0 success, 1 unexpected error, 2 bad input or usage, 3 store error, 4 integrity
error, 5 edit conflict (see `annotator.cli.app`).
"""

# isort: skip_file
# The import order is the order `annotator --help` lists the commands in.
from __future__ import annotations

from annotator.cli import projects
from annotator.cli import pairs
from annotator.cli import align
from annotator.cli import export
from annotator.cli import review
from annotator.cli import people
from annotator.cli import adjudicate
from annotator.cli import admin
from annotator.cli import gui
from annotator.cli import team
from annotator.cli.app import app, main

__all__ = [
    "adjudicate",
    "admin",
    "align",
    "app",
    "export",
    "gui",
    "main",
    "pairs",
    "people",
    "projects",
    "review",
    "team",
]
