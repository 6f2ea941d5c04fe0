"""Assignments: a reviewer gives pairs to annotators, and each annotator finds "my pairs" first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.audit import record
from annotator.errors import InputError
from annotator.model import Annotator, Assignment, DocumentPair, Layer, LayerKind
from annotator.review.roles import find_annotator, require_reviewer


@dataclass(frozen=True)
class MyPair:
    """A pair assigned to someone, with the status of their own layer of it."""

    pair_id: int
    name: str
    project: str
    status: str  # their layer's status, or "not started" when they have none yet


def _person(session: Session, name: str) -> Annotator:
    person = find_annotator(session, name)
    if person is None:
        raise InputError(f"no annotator {name!r}; add them with `annotator annotators add {name}`")
    return person


def assign(
    session: Session, pair_ids: Sequence[int], name: str, actor: str, *, remove: bool = False
) -> list[int]:
    """Assign the pairs to the annotator (or take them back); return the pairs that changed.

    Only a reviewer assigns: PermissionDeniedError otherwise. Recorded in the audit trail.
    """
    require_reviewer(session, actor, "assign pairs")
    person = _person(session, name)
    changed = []
    for pair_id in dict.fromkeys(pair_ids):
        if session.get(DocumentPair, pair_id) is None:
            raise InputError(f"no pair {pair_id}")
        found = session.scalar(
            select(Assignment).where(
                Assignment.pair_id == pair_id, Assignment.annotator_id == person.id
            )
        )
        if remove and found is not None:
            session.delete(found)
            changed.append(pair_id)
        elif not remove and found is None:
            session.add(Assignment(pair_id=pair_id, annotator_id=person.id, assigned_by=actor))
            changed.append(pair_id)
    if changed:
        session.flush()
        record(session, actor, "unassign" if remove else "assign", pairs=changed, to=person.name)
    return changed


def my_pairs(session: Session, name: str) -> list[MyPair]:
    """Return the pairs assigned to this annotator, in pair order, with their layer's status."""
    person = find_annotator(session, name)
    if person is None:
        return []
    pairs = session.scalars(
        select(DocumentPair)
        .join(Assignment, Assignment.pair_id == DocumentPair.id)
        .where(Assignment.annotator_id == person.id)
        .order_by(DocumentPair.id)
    )
    out = []
    for pair in pairs:
        layer = session.scalar(
            select(Layer).where(
                Layer.pair_id == pair.id,
                Layer.kind == LayerKind.ANNOTATOR.value,
                Layer.annotator_id == person.id,
            )
        )
        status = layer.status if layer is not None else "not started"
        out.append(MyPair(pair.id, pair.name, pair.project.name, status))
    return out
