"""Who may do what, enforced in the core: reviewers own the gold, annotators their own layers.

- Whoever creates a project becomes a reviewer. Only a reviewer may write a gold layer, mark it
  adjudicated, or make someone else a reviewer (while the store has no reviewer yet, anyone may).
- A layer moves from `new` to `in progress` on its first edit. An annotator marks their layer
  done, which stops edits, and may reopen it until a reviewer has started the pair's gold.
- Blind projects (the default) show an annotator only their own layer (and the automatic one).

On the command line the actor is `--as NAME` or the OS user; "alice (command line)" is
Alice for roles.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from annotator.errors import InputError, PermissionDeniedError
from annotator.model import Annotator, Bead, Layer, LayerKind, LayerStatus, Mention, Role

CLI_SUFFIX = " (command line)"


def identity_name(actor: Annotator | str) -> str:
    """Return the annotator name an actor stands for."""
    name = actor.name if isinstance(actor, Annotator) else actor
    return name.removesuffix(CLI_SUFFIX).strip()


def find_annotator(session: Session, actor: Annotator | str) -> Annotator | None:
    """Return the annotator the actor is, if known to the store."""
    name = identity_name(actor)
    return session.scalar(select(Annotator).where(func.lower(Annotator.name) == name.lower()))


def is_reviewer(session: Session, actor: Annotator | str) -> bool:
    """Return whether the actor is a reviewer."""
    found = find_annotator(session, actor)
    return found is not None and found.role == Role.REVIEWER.value


def has_reviewer(session: Session) -> bool:
    """Return whether the store has any reviewer yet."""
    return bool(session.scalar(select(func.count()).where(Annotator.role == Role.REVIEWER.value)))


def require_reviewer(session: Session, actor: Annotator | str, what: str) -> None:
    """Raise PermissionDeniedError unless the actor is a reviewer."""
    if not is_reviewer(session, actor):
        name = identity_name(actor)
        raise PermissionDeniedError(
            f"only a reviewer may {what}; {name} is not one "
            f"(a reviewer can run `annotator annotators add {name} --role reviewer`)"
        )


def gold_started(session: Session, pair_id: int) -> bool:
    """Return whether the pair's gold layer exists and holds anything."""
    gold = session.scalar(
        select(Layer.id).where(Layer.pair_id == pair_id, Layer.kind == LayerKind.GOLD.value)
    )
    if gold is None:
        return False
    return any(
        session.scalar(select(func.count()).where(model.layer_id == gold))
        for model in (Bead, Mention)
    )


def check_edit(session: Session, layer: Layer, actor: Annotator | str) -> None:
    """Raise unless the actor may edit the layer's annotations now."""
    if layer.kind == LayerKind.GOLD.value:
        require_reviewer(session, actor, "change the gold layer")
    if layer.status == LayerStatus.DONE.value:
        raise InputError(
            f"layer {layer.id} ({layer.owner_label}) is marked done; reopen it to edit"
        )
    if layer.status == LayerStatus.ADJUDICATED.value:
        raise InputError(f"the gold of pair {layer.pair_id} is adjudicated; reopen it to edit")


def check_status_change(
    session: Session, layer: Layer, status: LayerStatus, actor: Annotator | str
) -> None:
    """Raise unless the actor may move the layer to this status."""
    if layer.kind == LayerKind.GOLD.value:
        require_reviewer(session, actor, "change the status of the gold layer")
        if status is LayerStatus.ADJUDICATED:
            from annotator.review.gold import check_ready  # reads layers: only when needed

            check_ready(session, layer)
        return
    reopening = layer.status == LayerStatus.DONE.value and status is not LayerStatus.DONE
    if reopening and gold_started(session, layer.pair_id) and not is_reviewer(session, actor):
        raise PermissionDeniedError(
            f"layer {layer.id} cannot be reopened: a reviewer has started the gold of pair "
            f"{layer.pair_id}"
        )


def started_editing(layer: Layer) -> bool:
    """Move a new layer to in progress (called after each edit); return whether it moved."""
    if layer.status == LayerStatus.NEW.value:
        layer.status = LayerStatus.IN_PROGRESS.value
        return True
    return False


def visible_to(session: Session, layer: Layer, actor: Annotator | str) -> bool:
    """Return whether the actor may see the layer (blind projects hide others' layers)."""
    if layer.kind == LayerKind.AUTOMATIC.value or not layer.pair.project.blind:
        return True
    if is_reviewer(session, actor):
        return True
    if layer.kind == LayerKind.GOLD.value:  # after adjudication, everyone compares with it
        return layer.status == LayerStatus.ADJUDICATED.value
    own = layer.annotator
    return own is not None and own.name.lower() == identity_name(actor).lower()


def check_layer_read(
    session: Session, project_blind: bool, layer_ref: str, actor: Annotator | str
) -> None:
    """Raise PermissionDeniedError if a blind project hides the layer named by layer_ref."""
    if not project_blind or is_reviewer(session, actor):
        return
    ref = layer_ref.strip().lower()
    if ref in (LayerKind.AUTOMATIC.value, LayerKind.GOLD.value, identity_name(actor).lower()):
        return  # the gold: only adjudicated gold layers are read (see visible_to)
    raise PermissionDeniedError(
        f"annotation in this project is blind: {identity_name(actor)} may read only their own "
        "layer, the automatic one and the adjudicated gold"
    )
