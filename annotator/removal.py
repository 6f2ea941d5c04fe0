"""Removing and renaming pairs and projects, after saying exactly what would go.

A wrong import must be undoable without SQL. Removal is one transaction that deletes the pair's
layers (sentences, beads, mentions, links) and both documents; the audit trail keeps a record
of what was removed and by whom. The summary names every layer with its mentions and links,
so the confirmation tells annotators' work apart from the automatic proposal.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from annotator.audit import record
from annotator.errors import InputError
from annotator.model import (
    Bead,
    Document,
    DocumentPair,
    Layer,
    Link,
    Mention,
    Project,
    Segment,
)


@dataclass(frozen=True)
class LayerSummary:
    """One layer that would go: whose it is, its status and how much work it holds."""

    owner: str
    status: str
    mentions: int
    links: int
    confirmed_beads: int


@dataclass(frozen=True)
class PairSummary:
    """A pair that would go and its layers."""

    pair_id: int
    name: str
    layers: tuple[LayerSummary, ...]

    def describe(self) -> str:
        """Return a few lines naming the pair and, per layer, the work that would be lost."""
        lines = [f"pair {self.pair_id} {self.name!r}: {len(self.layers)} layer(s)"]
        for layer in self.layers:
            lines.append(
                f"  {layer.owner} ({layer.status}): {layer.mentions} mentions, "
                f"{layer.links} links, {layer.confirmed_beads} confirmed beads"
            )
        return "\n".join(lines)


def _count(session: Session, model: type[Mention] | type[Link], layer_id: int) -> int:
    return int(session.scalar(select(func.count()).where(model.layer_id == layer_id)) or 0)


def pair_summary(session: Session, pair: DocumentPair) -> PairSummary:
    """Return what removing the pair would delete, layer by layer."""
    layers = []
    for layer in pair.layers:
        confirmed = session.scalar(
            select(func.count()).where(Bead.layer_id == layer.id, Bead.status == "confirmed")
        )
        layers.append(
            LayerSummary(
                layer.owner_label,
                layer.status,
                _count(session, Mention, layer.id),
                _count(session, Link, layer.id),
                int(confirmed or 0),
            )
        )
    return PairSummary(pair.id, pair.name, tuple(layers))


def remove_pair(session: Session, pair: DocumentPair, actor: str) -> PairSummary:
    """Delete the pair, its layers and both documents in the caller's transaction."""
    summary = pair_summary(session, pair)
    layer_ids = select(Layer.id).where(Layer.pair_id == pair.id).scalar_subquery()
    documents = (pair.source_document_id, pair.target_document_id)
    project_id = pair.project_id
    for model in (Link, Mention, Segment, Bead):  # sentences before the beads they point at
        session.execute(delete(model).where(model.layer_id.in_(layer_ids)))
    session.execute(delete(Layer).where(Layer.pair_id == pair.id))
    session.execute(delete(DocumentPair).where(DocumentPair.id == pair.id))
    session.execute(delete(Document).where(Document.id.in_(documents)))
    session.expunge(pair)
    record(
        session,
        actor,
        "remove_pair",
        project_id=project_id,
        name=summary.name,
        removed_pair_id=summary.pair_id,
        layers=[layer.__dict__ for layer in summary.layers],
    )
    return summary


def remove_project(session: Session, project: Project, actor: str) -> list[PairSummary]:
    """Delete the project and every pair of it; return what went."""
    summaries = [remove_pair(session, pair, actor) for pair in list(project.pairs)]
    name = project.name
    session.execute(delete(Project).where(Project.id == project.id))
    session.expunge(project)
    record(session, actor, "remove_project", name=name, pairs=len(summaries))
    return summaries


def rename_pair(session: Session, pair: DocumentPair, name: str, actor: str) -> None:
    """Give the pair a new name, unique in its project."""
    name = name.strip()
    if not name:
        raise InputError("a pair needs a name")
    taken = session.scalar(
        select(DocumentPair.id).where(
            DocumentPair.project_id == pair.project_id,
            DocumentPair.name == name,
            DocumentPair.id != pair.id,
        )
    )
    if taken is not None:
        raise InputError(f"the project already has a pair {name!r} (pair {taken})")
    old, pair.name = pair.name, name
    record(
        session,
        actor,
        "rename_pair",
        project_id=pair.project_id,
        pair_id=pair.id,
        old=old,
        new=name,
    )


def rename_project(session: Session, project: Project, name: str, actor: str) -> None:
    """Give the project a new name, unique in the store."""
    name = name.strip()
    if not name:
        raise InputError("a project needs a name")
    taken = session.scalar(select(Project.id).where(Project.name == name, Project.id != project.id))
    if taken is not None:
        raise InputError(f"the store already has a project {name!r}")
    old, project.name = project.name, name
    record(session, actor, "rename_project", project_id=project.id, old=old, new=name)
