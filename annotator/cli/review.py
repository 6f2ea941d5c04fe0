"""Review: `annotator agree` (agreement between annotators and with the gold)."""

from __future__ import annotations

import csv
import json
import sys
from enum import StrEnum
from typing import Annotated

import typer

from annotator.cli.app import actor, app, echo, open_store, out

COLUMNS = ("measure", "label", "reference", "compared", "pair", "precision", "recall", "f1",
           "jaccard", "kappa", "alpha", "items")  # fmt: skip


class OutputFormat(StrEnum):
    """How `agree` prints its figures."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def _cell(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


@app.command()
def agree(
    project_ref: Annotated[str, typer.Argument(help="Project name or id.")],
    pair_refs: Annotated[
        list[str] | None,
        typer.Option("--pair", help="Only this pair (id or name); repeat for more."),
    ] = None,
    annotators: Annotated[
        str | None,
        typer.Option("--annotators", metavar="A,B,…", help="Only these annotators (default: all)."),
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table (project totals), json or csv.")
    ] = OutputFormat.TABLE,
    by_pair: Annotated[
        bool, typer.Option("--by-pair", help="table: also one block of rows per pair.")
    ] = False,
) -> None:
    """Agreement between annotators, and of each with the gold: alignment, entities, links.

    Every figure is over the pairs compared, counts summed before dividing, with the number of
    items counted. json and csv also hold one row per pair (with its "pair").
    """
    from rich.table import Table

    from annotator.projects import find_project
    from annotator.review.agreement import ONE_SIDED_NOTE, agreement
    from annotator.review.roles import identity_name, is_reviewer

    names = [a.strip() for a in (annotators or "").split(",") if a.strip()]
    store = open_store()
    with store.read() as session:
        project = find_project(session, project_ref)
        figures = agreement(session, project, tuple(pair_refs or ()), names)
        project_name = project.name
        me = identity_name(actor())
        if project.blind and not is_reviewer(session, me):
            # blind project: an annotator sees how far they are from the gold, nothing else
            figures = [f for f in figures if f.reference == "gold" and f.compared == me]
    if output is OutputFormat.JSON:
        echo(json.dumps([f.record() for f in figures], ensure_ascii=False, indent=1))
        return
    if output is OutputFormat.CSV:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        for f in figures:
            record = f.record()
            writer.writerow(["" if record.get(c) is None else record.get(c) for c in COLUMNS])
        return
    if not figures:
        out.print(f"no two layers to compare in project {project_name!r}")
        return
    shown = [f for f in figures if by_pair or f.pair is None]
    table = Table(
        *(c for c in COLUMNS if by_pair or c != "pair"), title=f"agreement: {project_name}"
    )
    for f in shown:
        record = f.record()
        table.add_row(*(_cell(record.get(c)) for c in COLUMNS if by_pair or c != "pair"))
    out.print(table)
    out.print(ONE_SIDED_NOTE, markup=False)
    out.print(
        "entities: exact span and label (F1 = positive specific agreement); κ and α over "
        "tokens (CoNLL tokens, every token counted, O included); items: units compared",
        markup=False,
    )
