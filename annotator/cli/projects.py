"""Projects: `annotator init` and `annotator list`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from annotator.cli.app import actor, app, echo, open_store, out
from annotator.cli.lookups import get_pair

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from annotator.model import DocumentPair


@app.command()
def init(
    name: Annotated[str, typer.Argument(help="Project name.")],
    source_lang: Annotated[
        str,
        typer.Option("--source-lang", "-s", help="Source language (ISO 639: en, ar, fr, de …)."),
    ],
    target_lang: Annotated[str, typer.Option("--target-lang", "-t", help="Target language.")],
    schema: Annotated[
        str, typer.Option(help="Entity label schema: a built-in name (news) or a JSON file.")
    ] = "news",
    blind: Annotated[
        bool,
        typer.Option(
            "--blind/--open",
            help="Blind annotation (the default): annotators see only their own layer.",
        ),
    ] = True,
) -> None:
    """Create a project with a language pair and an entity label schema; you are its reviewer."""
    from annotator.projects import create_project, load_schema
    from annotator.review.roles import identity_name

    labels = load_schema(schema)
    store = open_store()
    with store.write() as session:
        project = create_project(session, name, source_lang, target_lang, actor(), labels)
        project.blind = blind
        out.print(
            f"created project {project.id} {project.name!r} "
            f"({project.source_lang} → {project.target_lang}) in {store.describe()}; "
            f"{identity_name(actor())} is its reviewer"
            + ("" if blind else "; annotators see each other's layers")
        )


def _layer_rows(session: Session, pair: DocumentPair) -> list[dict[str, Any]]:
    from annotator.layers import layer_progress
    from annotator.review.roles import visible_to

    rows = []
    for layer in pair.layers:
        if not visible_to(session, layer, actor()):
            continue  # blind project: another annotator's layer
        p = layer_progress(session, layer)
        rows.append(
            {
                "layer": layer.id,
                "owner": layer.owner_label,
                "kind": layer.kind,
                "status": layer.status,
                "version": layer.version,
                "sentences": [p.source_sentences, p.target_sentences],
                "beads": p.beads,
                "confirmed": p.confirmed_beads,
                "mentions": p.mentions,
                "links": p.links,
            }
        )
    return rows


def _list_mine(as_json: bool) -> None:
    """Print the pairs assigned to the one running the command, with their layer's status."""
    from rich.table import Table

    from annotator.assignments import my_pairs

    store = open_store()
    with store.read() as session:
        pairs = my_pairs(session, actor())
    if as_json:
        echo(json.dumps([vars(p) for p in pairs], ensure_ascii=False, indent=2))
        return
    if not pairs:
        out.print(f"no pairs are assigned to {actor()}")
        return
    table = Table("pair", "name", "project", "my status", title=f"pairs assigned to {actor()}")
    for p in pairs:
        table.add_row(str(p.pair_id), p.name, p.project, p.status)
    out.print(table)


@app.command("list")
def list_(
    project_ref: Annotated[
        str | None, typer.Argument(help="Project name or id: list its pairs and their layers.")
    ] = None,
    pair_id: Annotated[int | None, typer.Option("--pair", help="List this pair's layers.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    mine: Annotated[
        bool, typer.Option("--mine", help="Only the pairs assigned to me, with my status.")
    ] = False,
) -> None:
    """List projects; with a project, its pairs and layers with status and progress."""
    if mine:
        _list_mine(as_json)
        return
    from rich.table import Table
    from sqlalchemy import select

    from annotator.model import Project
    from annotator.projects import find_project

    store = open_store()
    with store.read() as session:
        if pair_id is not None:
            pair = get_pair(session, pair_id)
            data: Any = {"pair": pair.id, "name": pair.name, "layers": _layer_rows(session, pair)}
        elif project_ref is not None:
            project = find_project(session, project_ref)
            data = {
                "project": project.name,
                "pairs": [
                    {
                        "pair": p.id,
                        "name": p.name,
                        "source": p.source.original_name,
                        "target": p.target.original_name,
                        "layers": _layer_rows(session, p),
                    }
                    for p in project.pairs
                ],
            }
        else:
            data = {
                "projects": [
                    {
                        "project": p.id,
                        "name": p.name,
                        "source_lang": p.source_lang,
                        "target_lang": p.target_lang,
                        "pairs": len(p.pairs),
                    }
                    for p in session.scalars(select(Project).order_by(Project.id))
                ]
            }
    if as_json:
        echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if "projects" in data:
        table = Table("id", "project", "languages", "pairs", title=f"store: {store.describe()}")
        for p in data["projects"]:
            table.add_row(
                str(p["project"]),
                p["name"],
                f"{p['source_lang']} → {p['target_lang']}",
                str(p["pairs"]),
            )
        if not data["projects"]:
            out.print(f"no projects in {store.describe()}; create one with `annotator init`")
            return
        out.print(table)
        return
    pairs = data.get("pairs", [data])
    table = Table(
        "pair",
        "name",
        "layer",
        "owner",
        "status",
        "sentences",
        "beads (confirmed)",
        "mentions",
        "links",
    )
    table.columns[1].no_wrap = True
    for p in pairs:
        for i, layer in enumerate(p["layers"]):
            table.add_row(
                str(p["pair"]) if i == 0 else "",
                p["name"] if i == 0 else "",
                str(layer["layer"]),
                layer["owner"],
                layer["status"],
                f"{layer['sentences'][0]} / {layer['sentences'][1]}",
                f"{layer['beads']} ({layer['confirmed']})",
                str(layer["mentions"]),
                str(layer["links"]),
            )
    out.print(table)
