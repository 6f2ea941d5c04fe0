"""Adjudication from the command line: `annotator review start|places|decide|adjudicate|ready`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from annotator.cli.app import actor, app, open_store, out
from annotator.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from annotator.model import DocumentPair, Layer
    from annotator.review.places import Place

review_app = typer.Typer(
    help="Build a pair's gold from its annotators' layers: start, places, decide, adjudicate.",
    no_args_is_help=True,
)
app.add_typer(review_app, name="review")

PairArg = Annotated[str, typer.Argument(metavar="PAIR", help="Pair id or name.")]
ProjectOpt = Annotated[str | None, typer.Option("--project", "-p", help="Project name or id.")]


def _gold(session: Session, pair: DocumentPair, create: bool) -> Layer:
    from annotator.layers import ensure_gold_layer, find_layer
    from annotator.model import LayerKind

    if create:
        return ensure_gold_layer(session, pair)
    gold = find_layer(session, pair, LayerKind.GOLD)
    if gold is None:
        raise InputError(f"pair {pair.id} has no gold yet: `annotator review start {pair.id}`")
    return gold


def _gold_id(pair_ref: str, project_ref: str | None, create: bool) -> tuple[int, str]:
    from annotator.cli.lookups import find_pair
    from annotator.review.gold import versions
    from annotator.review.places import NOBODY
    from annotator.review.roles import require_reviewer

    store = open_store()
    with store.write() as session:
        pair = find_pair(session, pair_ref, project_ref)
        require_reviewer(session, actor(), "adjudicate")
        if create and not versions(session, pair):
            raise InputError(NOBODY)  # before creating a gold that could hold nothing
        return _gold(session, pair, create).id, pair.name


@review_app.command("start")
def start(
    pair_ref: PairArg,
    quorum: Annotated[
        int | None,
        typer.Option(help="Take what at least this many annotators agree on (default: all)."),
    ] = None,
    project_ref: ProjectOpt = None,
) -> None:
    """Start (or re-merge) the gold: agreed units go in, every other place stays open."""
    from annotator.commands import Editor
    from annotator.review.adjudication import StartGold

    gold_id, name = _gold_id(pair_ref, project_ref, create=True)
    command = StartGold(quorum)
    Editor(open_store(), gold_id, actor()).execute(command)
    out.print(f"gold of {name!r} merged: {command.places} place(s) of disagreement", markup=False)
    _print_places(gold_id, only_open=True)


def _print_places(gold_id: int, only_open: bool) -> None:
    from rich.table import Table

    from annotator.model import Layer
    from annotator.review.gold import current_merge, read_gold

    store = open_store()
    with store.read() as session:
        gold = session.get(Layer, gold_id)
        assert gold is not None
        decided = {(k, p): c for k, p, c, _ in read_gold(session, gold).decisions}
        merged = current_merge(session, gold)
        texts = {"source": gold.pair.source.text, "target": gold.pair.target.text}
        table = Table("place", "decision", "versions")
        shown = 0
        for place in merged.places:
            choice = decided.get((place.kind, place.key))
            if only_open and choice is not None:
                continue
            shown += 1
            parts = []
            for name, _ in place.versions:
                parts.append(f"{name}: {_describe(place, name, texts)}")
            table.add_row(place.key, choice or "open", "\n".join(parts))
    if shown:
        out.print(table)
    open_count = sum(1 for p in merged.places if (p.kind, p.key) not in decided)
    out.print(f"{open_count} open, {len(merged.places) - open_count} decided", markup=False)


def _describe(place: Place, name: str, texts: dict[str, str]) -> str:
    units = place.version(name)
    if not units:
        return "nothing"
    if place.kind == "bead":
        return "; ".join(f"{len(src)}:{len(tgt)}" for src, tgt in place.beads(name))
    if place.kind == "mention":
        return "; ".join(f"{texts[m[0]][m[1] : m[2]]!r} {m[3]}" for m, _ in place.mentions(name))
    return "linked"


@review_app.command("places")
def places(
    pair_ref: PairArg,
    show_all: Annotated[bool, typer.Option("--all", help="Also the decided places.")] = False,
    project_ref: ProjectOpt = None,
) -> None:
    """List the places where the annotators disagree, each annotator's version, the decision."""
    gold_id, _ = _gold_id(pair_ref, project_ref, create=False)
    _print_places(gold_id, only_open=not show_all)


@review_app.command("decide")
def decide(
    pair_ref: PairArg,
    place: Annotated[str, typer.Argument(help="The place, as `review places` names it.")],
    choice: Annotated[
        str, typer.Argument(help="An annotator's name, none (nothing belongs here) or manual.")
    ],
    project_ref: ProjectOpt = None,
) -> None:
    """Settle one place of disagreement in the gold."""
    from annotator.commands import Editor
    from annotator.review.adjudication import Decide
    from annotator.review.roles import identity_name

    gold_id, name = _gold_id(pair_ref, project_ref, create=False)
    Editor(open_store(), gold_id, actor()).execute(Decide(place, choice, identity_name(actor())))
    out.print(f"{name!r}: {place} → {choice}", markup=False)


@review_app.command("adjudicate")
def adjudicate(pair_ref: PairArg, project_ref: ProjectOpt = None) -> None:
    """Mark the pair's gold adjudicated (refused while a place is open)."""
    from annotator.commands import Editor, SetLayerStatus

    gold_id, name = _gold_id(pair_ref, project_ref, create=False)
    Editor(open_store(), gold_id, actor()).execute(SetLayerStatus("adjudicated"))
    out.print(f"the gold of {name!r} is adjudicated", markup=False)


@review_app.command("ready")
def ready(
    project_ref: Annotated[str, typer.Argument(help="Project name or id.")],
    adjudicate_them: Annotated[
        bool,
        typer.Option("--adjudicate", help="Start and adjudicate the gold of every ready pair."),
    ] = False,
) -> None:
    """List pairs whose annotators do not disagree anywhere (with --adjudicate: settle them)."""
    from sqlalchemy import select

    from annotator.commands import Editor, SetLayerStatus
    from annotator.model import DocumentPair, LayerKind, LayerStatus
    from annotator.projects import find_project
    from annotator.review.adjudication import StartGold
    from annotator.review.gold import versions
    from annotator.review.places import merge
    from annotator.review.roles import require_reviewer

    store = open_store()
    found: list[tuple[int, str]] = []
    with store.read() as session:
        project = find_project(session, project_ref)
        for pair in session.scalars(
            select(DocumentPair)
            .where(DocumentPair.project_id == project.id)
            .order_by(DocumentPair.id)
        ):
            gold = next((x for x in pair.layers if x.kind == LayerKind.GOLD.value), None)
            if gold is not None and gold.status == LayerStatus.ADJUDICATED.value:
                continue
            layers = versions(session, pair)
            if len(layers) >= 2 and not merge((pair.source.text, pair.target.text), layers).places:
                found.append((pair.id, pair.name))
    for pair_id, name in found:
        out.print(f"ready: pair {pair_id} {name!r}", markup=False)
    out.print(f"{len(found)} pair(s) with no disagreement", markup=False)
    if not adjudicate_them or not found:
        return
    with store.write() as session:
        require_reviewer(session, actor(), "adjudicate")
        golds = []
        for pair_id, _ in found:
            ready_pair = session.get(DocumentPair, pair_id)
            assert ready_pair is not None
            golds.append(_gold(session, ready_pair, create=True).id)
    for gold_id in golds:
        editor = Editor(store, gold_id, actor())
        editor.execute(StartGold())
        editor.execute(SetLayerStatus("adjudicated"))
    out.print(f"adjudicated {len(golds)} pair(s)", markup=False)
