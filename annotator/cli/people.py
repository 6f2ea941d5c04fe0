"""People and progress: `annotator annotators`, `annotator done`, `annotator reopen`, `settings`."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from annotator.cli.app import actor, app, open_store, out
from annotator.errors import InputError


class RoleName(StrEnum):
    """The roles (annotator.model.Role, which would load the store at --help)."""

    ANNOTATOR = "annotator"
    REVIEWER = "reviewer"


annotators_app = typer.Typer(
    help="Who annotates and who reviews: `annotators add NAME --role …`, `annotators list`.",
    no_args_is_help=True,
)
app.add_typer(annotators_app, name="annotators")


@annotators_app.command("add")
def annotators_add(
    name: Annotated[str, typer.Argument(help="The annotator's name (as they sign in).")],
    role: Annotated[
        RoleName, typer.Option("--role", help="annotator or reviewer.")
    ] = RoleName.ANNOTATOR,
) -> None:
    """Add an annotator, or change someone's role; only a reviewer may grant roles."""
    from annotator.audit import record
    from annotator.model import Role
    from annotator.projects import get_or_create_annotator
    from annotator.review.roles import find_annotator, has_reviewer, require_reviewer

    wanted = Role(role.value)
    store = open_store()
    with store.write() as session:
        if has_reviewer(session):
            require_reviewer(session, actor(), "add annotators or change roles")
        existing = find_annotator(session, name)
        person = get_or_create_annotator(session, name, wanted, actor=actor())
        if existing is not None and person.role != wanted.value:
            person.role = wanted.value
            record(session, actor(), "set_role", name=person.name, role=wanted.value)
            out.print(f"{person.name} is now {wanted.value}")
        elif existing is not None:
            out.print(f"{person.name} is already {wanted.value}")
        else:
            out.print(f"added {person.name} as {wanted.value}")


@annotators_app.command("list")
def annotators_list() -> None:
    """List annotators and reviewers, with the layers each has."""
    from rich.table import Table
    from sqlalchemy import func, select

    from annotator.model import Annotator, Layer

    store = open_store()
    with store.read() as session:
        rows = session.execute(
            select(Annotator.name, Annotator.role, func.count(Layer.id))
            .outerjoin(Layer, Layer.annotator_id == Annotator.id)
            .group_by(Annotator.id)
            .order_by(Annotator.role.desc(), func.lower(Annotator.name))
        ).all()
    table = Table("name", "role", "layers")
    for name, role, layers in rows:
        table.add_row(name, role, str(layers))
    out.print(table)


def _own_layer(pair_ref: str, layer_ref: str | None, project_ref: str | None, status: str) -> None:
    from annotator.cli.lookups import find_pair, pick_layer
    from annotator.commands import Editor, SetLayerStatus
    from annotator.review.roles import identity_name

    store = open_store()
    with store.read() as session:
        pair = find_pair(session, pair_ref, project_ref)
        layer = pick_layer(pair, layer_ref or identity_name(actor()))
        layer_id, label, pair_name = layer.id, layer.owner_label, pair.name
        if layer.status == status:
            raise InputError(f"the {label} layer of {pair_name!r} is already {status}")
    Editor(store, layer_id, actor()).execute(SetLayerStatus(status))
    out.print(f"the {label} layer of {pair_name!r} is now {status.replace('_', ' ')}")


PairRef = Annotated[str, typer.Argument(metavar="PAIR", help="Pair id or name.")]
LayerRef = Annotated[str | None, typer.Option("--layer", help="Layer (default: your own).")]
ProjectRef = Annotated[str | None, typer.Option("--project", "-p")]


@app.command()
def done(pair_ref: PairRef, layer_ref: LayerRef = None, project_ref: ProjectRef = None) -> None:
    """Mark your layer of a pair done: no more edits until it is reopened."""
    _own_layer(pair_ref, layer_ref, project_ref, "done")


@app.command()
def reopen(pair_ref: PairRef, layer_ref: LayerRef = None, project_ref: ProjectRef = None) -> None:
    """Reopen your done layer (possible until a reviewer has started the pair's gold)."""
    _own_layer(pair_ref, layer_ref, project_ref, "in_progress")


@app.command()
def settings(
    project_ref: Annotated[str, typer.Argument(help="Project name or id.")],
    blind: Annotated[
        bool | None,
        typer.Option(
            "--blind/--open", help="Annotators see only their own layer (blind) or all layers."
        ),
    ] = None,
) -> None:
    """Show or change a project's settings (changing them is for reviewers)."""
    from annotator.audit import record
    from annotator.projects import find_project
    from annotator.review.roles import require_reviewer

    store = open_store()
    with store.write() as session:
        project = find_project(session, project_ref)
        if blind is not None and blind != project.blind:
            require_reviewer(session, actor(), "change a project's settings")
            project.blind = blind
            record(session, actor(), "set_blind", project_id=project.id, blind=blind)
        mode = "blind" if project.blind else "open"
        out.print(f"project {project.name!r}: {mode} annotation")


@app.command()
def assign(
    pair_ids: Annotated[list[int], typer.Argument(help="Pair ids (see `annotator list PROJECT`).")],
    to: Annotated[str, typer.Option("--to", help="The annotator who gets the pairs.")],
    remove: Annotated[bool, typer.Option("--remove", help="Take the pairs back instead.")] = False,
) -> None:
    """Assign pairs to an annotator (reviewers only); they see them first as "my pairs"."""
    from annotator.assignments import assign as assign_pairs

    store = open_store()
    with store.write() as session:
        changed = assign_pairs(session, pair_ids, to, actor(), remove=remove)
    verb = "took back from" if remove else "assigned to"
    unchanged = len(dict.fromkeys(pair_ids)) - len(changed)
    note = f" ({unchanged} already {'not ' if remove else ''}so)" if unchanged else ""
    out.print(f"{verb} {to}: {len(changed)} pair{'s' * (len(changed) != 1)}{note}")
