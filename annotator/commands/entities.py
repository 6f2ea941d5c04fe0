"""Undoable commands on entity mentions and their cross-lingual links.

Mentions may overlap or nest (different ranges, or one range with different labels); an exact
duplicate (same side, range and label) is refused. Rows a command deletes, or creates and then
undoes, come back with their original ids and creation times.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from annotator.commands import Batch, Changes, Command, checked_int, checked_side
from annotator.errors import ConflictError, InputError
from annotator.model import Layer, Link, Mention, Side

_QUOTE_MAX = 40
_T = TypeVar("_T")


def _quote(surface: str) -> str:
    short = surface if len(surface) <= _QUOTE_MAX else surface[: _QUOTE_MAX - 1] + "…"
    return f"“{short}”"


def _mention(session: Session, layer: Layer, mention_id: int) -> Mention:
    mention = session.get(Mention, mention_id)
    if mention is None or mention.layer_id != layer.id:
        raise InputError(f"layer {layer.id} has no mention {mention_id}")
    return mention


def _link(session: Session, layer: Layer, link_id: int) -> Link:
    link = session.get(Link, link_id)
    if link is None or link.layer_id != layer.id:
        raise InputError(f"layer {layer.id} has no link {link_id}")
    return link


def _links_of(session: Session, mention_id: int) -> list[Link]:
    return list(
        session.scalars(
            select(Link)
            .where(or_(Link.source_mention_id == mention_id, Link.target_mention_id == mention_id))
            .order_by(Link.id)
        )
    )


def _refuse_duplicate(
    session: Session,
    layer: Layer,
    side: str,
    span: tuple[int, int],
    label: str,
    ignore: int | None = None,
) -> None:
    query = select(Mention.id).where(
        Mention.layer_id == layer.id,
        Mention.side == side,
        Mention.start == span[0],
        Mention.end == span[1],
        Mention.label == label,
    )
    if ignore is not None:
        query = query.where(Mention.id != ignore)
    found = session.scalar(query.limit(1))
    if found is not None:
        raise InputError(
            f"{side} [{span[0]}, {span[1]}) is already tagged {label} (mention {found})"
        )


def _text(layer: Layer, side: str) -> str:
    return layer.pair.document(side).text


@dataclass(frozen=True)
class _MentionRow:
    """A mention's column values, to put it back with its id."""

    id: int
    side: str
    start: int
    end: int
    label: str
    surface: str
    no_counterpart: bool
    created_at: datetime

    @classmethod
    def of(cls, m: Mention) -> _MentionRow:
        return cls(m.id, m.side, m.start, m.end, m.label, m.surface, m.no_counterpart, m.created_at)

    def matches(self, m: Mention) -> bool:
        return (m.side, m.start, m.end, m.label, m.surface, m.no_counterpart) == (
            self.side,
            self.start,
            self.end,
            self.label,
            self.surface,
            self.no_counterpart,
        )

    def restore(self, session: Session, layer: Layer) -> Mention:
        if session.get(Mention, self.id) is not None:
            raise ConflictError(f"mention {self.id} cannot be restored: its id is in use; reload")
        mention = Mention(
            id=self.id,
            layer_id=layer.id,
            side=self.side,
            start=self.start,
            end=self.end,
            label=self.label,
            surface=self.surface,
            no_counterpart=self.no_counterpart,
            created_at=self.created_at,
        )
        session.add(mention)
        session.flush()
        return mention


@dataclass(frozen=True)
class _LinkRow:
    """A link's column values, to put it back with its id."""

    id: int
    source_mention_id: int
    target_mention_id: int
    created_at: datetime

    @classmethod
    def of(cls, k: Link) -> _LinkRow:
        return cls(k.id, k.source_mention_id, k.target_mention_id, k.created_at)

    def restore(self, session: Session, layer: Layer) -> Link:
        if session.get(Link, self.id) is not None:
            raise ConflictError(f"link {self.id} cannot be restored: its id is in use; reload")
        link = Link(
            id=self.id,
            layer_id=layer.id,
            source_mention=_mention(session, layer, self.source_mention_id),
            target_mention=_mention(session, layer, self.target_mention_id),
            created_at=self.created_at,
        )
        session.add(link)
        session.flush()
        return link


def _captured(value: _T | None, command: Command) -> _T:
    if value is None:
        raise RuntimeError(f"{command.action}: undo() before do()")
    return value


def _changed(layer: Layer, mentions: list[Mention], links: frozenset[int] = frozenset()) -> Changes:
    return Changes(
        layer.id,
        mentions=frozenset(m.id for m in mentions),
        links=links,
        sides=frozenset(m.side for m in mentions),
    )


@dataclass(eq=False)
class TagMention(Command):
    """Create a mention of `label` over text[start:end] on one side."""

    side: str
    start: int
    end: int
    label: str
    _row: _MentionRow | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.side = checked_side(self.side)
        self.start = checked_int(self.start, "start", "an integer offset")
        self.end = checked_int(self.end, "end", "an integer offset")
        self.text = f"Tag {self.label} [{self.start}, {self.end})"

    def do(self, session: Session, layer: Layer) -> Changes:
        """Create the mention (with its first id on redo); refuse an exact duplicate."""
        surface = _text(layer, self.side)[self.start : self.end]
        _refuse_duplicate(session, layer, self.side, (self.start, self.end), self.label)
        if self._row is None:
            mention = Mention(
                layer_id=layer.id,
                side=self.side,
                start=self.start,
                end=self.end,
                label=self.label,
                surface=surface,  # the flush checks refuse a range outside the text
                no_counterpart=False,
            )
            session.add(mention)
            session.flush()
            self._row = _MentionRow.of(mention)
        else:
            mention = self._row.restore(session, layer)
        self.text = f"Tag {self.label} {_quote(surface)}"
        return _changed(layer, [mention])

    def undo(self, session: Session, layer: Layer) -> Changes:
        """Delete the mention created by `do()`."""
        row = _captured(self._row, self)
        mention = _mention(session, layer, row.id)
        if not row.matches(mention) or _links_of(session, row.id):
            raise ConflictError(f"mention {row.id} was changed outside this editor; reload")
        session.delete(mention)
        session.flush()
        return _changed(layer, [mention])

    def reset(self) -> None:
        """Forget the created mention's id."""
        self._row = None

    def audit_detail(self) -> dict[str, Any]:
        """Return side, range and label."""
        return {"side": self.side, "start": self.start, "end": self.end, "label": self.label}

    @property
    def mention_id(self) -> int | None:
        """Return the id of the mention `do()` created (None before the first `do()`)."""
        return self._row.id if self._row is not None else None


@dataclass(eq=False)
class DeleteMention(Command):
    """Delete a mention and its links."""

    mention_id: int
    _row: _MentionRow | None = field(default=None, init=False, repr=False)
    _links: tuple[_LinkRow, ...] = field(default=(), init=False, repr=False)

    def __post_init__(self) -> None:
        self.text = f"Delete mention {self.mention_id}"

    def do(self, session: Session, layer: Layer) -> Changes:
        """Delete the links of the mention, then the mention."""
        mention = _mention(session, layer, self.mention_id)
        links = _links_of(session, mention.id)
        self._row = _MentionRow.of(mention)
        self._links = tuple(_LinkRow.of(k) for k in links)
        touched = [mention, *(k.source_mention for k in links), *(k.target_mention for k in links)]
        changes = _changed(layer, touched, frozenset(k.id for k in links))
        for link in links:
            session.delete(link)
        session.flush()
        session.delete(mention)
        session.flush()
        self.text = f"Delete {mention.label} {_quote(mention.surface)}"
        return changes

    def undo(self, session: Session, layer: Layer) -> Changes:
        """Put the mention and its links back with their ids."""
        mention = _captured(self._row, self).restore(session, layer)
        links = [row.restore(session, layer) for row in self._links]
        touched = [mention, *(k.source_mention for k in links), *(k.target_mention for k in links)]
        return _changed(layer, touched, frozenset(k.id for k in links))

    def reset(self) -> None:
        """Forget the deleted rows."""
        self._row = None
        self._links = ()

    def audit_detail(self) -> dict[str, Any]:
        """Return the mention id and the ids of the links deleted with it."""
        return {"mention_id": self.mention_id, "link_ids": [k.id for k in self._links]}


@dataclass(eq=False)
class ChangeLabel(Command):
    """Give a mention another label."""

    mention_id: int
    label: str
    _previous: str | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.text = f"Relabel mention {self.mention_id} {self.label}"

    def do(self, session: Session, layer: Layer) -> Changes:
        """Set the label; refuse the same label or an exact duplicate."""
        mention = _mention(session, layer, self.mention_id)
        if mention.label == self.label:
            raise InputError(f"mention {mention.id} is already labelled {self.label}")
        _refuse_duplicate(
            session, layer, mention.side, (mention.start, mention.end), self.label, mention.id
        )
        self._previous = mention.label
        mention.label = self.label
        session.flush()
        self.text = f"Relabel {_quote(mention.surface)} {self._previous} → {self.label}"
        return _changed(layer, [mention])

    def undo(self, session: Session, layer: Layer) -> Changes:
        """Put the previous label back."""
        previous = _captured(self._previous, self)
        mention = _mention(session, layer, self.mention_id)
        if mention.label != self.label:
            raise ConflictError(f"mention {mention.id} was changed outside this editor; reload")
        mention.label = previous
        session.flush()
        return _changed(layer, [mention])

    def reset(self) -> None:
        """Forget the previous label."""
        self._previous = None

    def audit_detail(self) -> dict[str, Any]:
        """Return the mention id, new and previous label."""
        return {"mention_id": self.mention_id, "label": self.label, "previous": self._previous}


@dataclass(eq=False)
class ResizeMention(Command):
    """Move a mention's range to text[start:end] on the same side (its surface follows)."""

    mention_id: int
    start: int
    end: int
    _previous: tuple[int, int] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.start = checked_int(self.start, "start", "an integer offset")
        self.end = checked_int(self.end, "end", "an integer offset")
        self.text = f"Resize mention {self.mention_id} to [{self.start}, {self.end})"

    def do(self, session: Session, layer: Layer) -> Changes:
        """Set the range and surface; refuse the same range or an exact duplicate."""
        mention = _mention(session, layer, self.mention_id)
        if (mention.start, mention.end) == (self.start, self.end):
            raise InputError(f"mention {mention.id} is already at [{self.start}, {self.end})")
        _refuse_duplicate(
            session, layer, mention.side, (self.start, self.end), mention.label, mention.id
        )
        old_surface = mention.surface
        self._previous = (mention.start, mention.end)
        self._move(layer, mention, (self.start, self.end))
        session.flush()  # the flush checks refuse a range outside the text
        self.text = f"Resize {mention.label} {_quote(old_surface)} → {_quote(mention.surface)}"
        return _changed(layer, [mention])

    def undo(self, session: Session, layer: Layer) -> Changes:
        """Put the previous range back."""
        previous = _captured(self._previous, self)
        mention = _mention(session, layer, self.mention_id)
        if (mention.start, mention.end) != (self.start, self.end):
            raise ConflictError(f"mention {mention.id} was changed outside this editor; reload")
        self._move(layer, mention, previous)
        session.flush()
        return _changed(layer, [mention])

    @staticmethod
    def _move(layer: Layer, mention: Mention, span: tuple[int, int]) -> None:
        surface = _text(layer, mention.side)[span[0] : span[1]]  # loading may autoflush
        mention.start, mention.end = span
        mention.surface = surface

    def reset(self) -> None:
        """Forget the previous range."""
        self._previous = None

    def audit_detail(self) -> dict[str, Any]:
        """Return the mention id, new and previous range."""
        previous = list(self._previous) if self._previous else None
        return {
            "mention_id": self.mention_id,
            "range": [self.start, self.end],
            "previous": previous,
        }


@dataclass(eq=False)
class SetNoCounterpart(Command):
    """Mark (or unmark) a mention as having no counterpart in the other document."""

    mention_id: int
    value: bool

    def __post_init__(self) -> None:
        verb = "Mark" if self.value else "Unmark"
        self.text = f"{verb} mention {self.mention_id} without counterpart"

    def do(self, session: Session, layer: Layer) -> Changes:
        """Set the flag; refuse an unchanged flag, or setting it on a linked mention."""
        mention = _mention(session, layer, self.mention_id)
        if mention.no_counterpart == self.value:
            raise InputError(f"mention {mention.id} already has no_counterpart={self.value}")
        if self.value and _links_of(session, mention.id):
            raise InputError(f"mention {mention.id} is linked; unlink it first")
        mention.no_counterpart = self.value
        session.flush()
        verb = "Mark" if self.value else "Unmark"
        self.text = f"{verb} {_quote(mention.surface)} without counterpart"
        return _changed(layer, [mention])

    def undo(self, session: Session, layer: Layer) -> Changes:
        """Put the flag back."""
        mention = _mention(session, layer, self.mention_id)
        if mention.no_counterpart != self.value:
            raise ConflictError(f"mention {mention.id} was changed outside this editor; reload")
        mention.no_counterpart = not self.value
        session.flush()
        return _changed(layer, [mention])

    def audit_detail(self) -> dict[str, Any]:
        """Return the mention id and the new flag."""
        return {"mention_id": self.mention_id, "value": self.value}


@dataclass(eq=False)
class LinkMentions(Command):
    """Link a source mention to a target mention; both lose their no-counterpart mark."""

    source_mention_id: int
    target_mention_id: int
    _row: _LinkRow | None = field(default=None, init=False, repr=False)
    _marks: tuple[bool, bool] = field(default=(False, False), init=False, repr=False)

    def __post_init__(self) -> None:
        self.text = f"Link mentions {self.source_mention_id} and {self.target_mention_id}"

    def do(self, session: Session, layer: Layer) -> Changes:
        """Create the link (with its first id on redo); refuse wrong sides or a duplicate."""
        src = _mention(session, layer, self.source_mention_id)
        tgt = _mention(session, layer, self.target_mention_id)
        if src.side != Side.SOURCE or tgt.side != Side.TARGET:
            raise InputError("a link goes from a source mention to a target mention")
        existing = session.scalar(
            select(Link.id).where(
                Link.source_mention_id == src.id, Link.target_mention_id == tgt.id
            )
        )
        if existing is not None:
            raise InputError(f"mentions {src.id} and {tgt.id} are already linked (link {existing})")
        self._marks = (src.no_counterpart, tgt.no_counterpart)
        src.no_counterpart = tgt.no_counterpart = False
        if self._row is None:
            link = Link(layer_id=layer.id, source_mention=src, target_mention=tgt)
            session.add(link)
            session.flush()
            self._row = _LinkRow.of(link)
        else:
            link = self._row.restore(session, layer)
        self.text = f"Link {_quote(src.surface)} ↔ {_quote(tgt.surface)}"
        return _changed(layer, [src, tgt], frozenset({link.id}))

    def undo(self, session: Session, layer: Layer) -> Changes:
        """Delete the link and put both no-counterpart marks back."""
        row = _captured(self._row, self)
        link = _link(session, layer, row.id)
        src, tgt = link.source_mention, link.target_mention
        if (src.id, tgt.id) != (self.source_mention_id, self.target_mention_id):
            raise ConflictError(f"link {row.id} was changed outside this editor; reload")
        session.delete(link)
        session.flush()
        src.no_counterpart, tgt.no_counterpart = self._marks
        session.flush()
        return _changed(layer, [src, tgt], frozenset({row.id}))

    def reset(self) -> None:
        """Forget the created link's id."""
        self._row = None
        self._marks = (False, False)

    def audit_detail(self) -> dict[str, Any]:
        """Return both mention ids."""
        return {
            "source_mention_id": self.source_mention_id,
            "target_mention_id": self.target_mention_id,
        }

    @property
    def link_id(self) -> int | None:
        """Return the id of the link `do()` created (None before the first `do()`)."""
        return self._row.id if self._row is not None else None


@dataclass(eq=False)
class Unlink(Command):
    """Delete a link (its mentions stay)."""

    link_id: int
    _row: _LinkRow | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.text = f"Unlink link {self.link_id}"

    def do(self, session: Session, layer: Layer) -> Changes:
        """Delete the link."""
        link = _link(session, layer, self.link_id)
        src, tgt = link.source_mention, link.target_mention
        self._row = _LinkRow.of(link)
        session.delete(link)
        session.flush()
        self.text = f"Unlink {_quote(src.surface)} ↔ {_quote(tgt.surface)}"
        return _changed(layer, [src, tgt], frozenset({self.link_id}))

    def undo(self, session: Session, layer: Layer) -> Changes:
        """Put the link back with its id."""
        link = _captured(self._row, self).restore(session, layer)
        return _changed(layer, [link.source_mention, link.target_mention], frozenset({link.id}))

    def reset(self) -> None:
        """Forget the deleted link."""
        self._row = None

    def audit_detail(self) -> dict[str, Any]:
        """Return the link and its mention ids."""
        row = self._row
        ends = [row.source_mention_id, row.target_mention_id] if row else None
        return {"link_id": self.link_id, "mentions": ends}


class _LinkToTagged(Command):
    """Link a mention to the one a TagMention earlier in the same batch created."""

    def __init__(self, tag: TagMention, mention_id: int) -> None:
        self.tag, self.mention_id = tag, mention_id
        self.text = "Link"
        self._inner: LinkMentions | None = None

    def _link(self) -> LinkMentions:
        if self._inner is None:
            created = self.tag.mention_id
            assert created is not None, "the TagMention runs first in the batch"
            pair = (
                (created, self.mention_id)
                if self.tag.side == Side.SOURCE.value
                else (self.mention_id, created)
            )
            self._inner = LinkMentions(*pair)
        return self._inner

    def do(self, session: Session, layer: Layer) -> Changes:
        """Link the two mentions."""
        return self._link().do(session, layer)

    def undo(self, session: Session, layer: Layer) -> Changes:
        """Remove the link."""
        return self._link().undo(session, layer)

    def reset(self) -> None:
        """Forget the link built on a failed attempt."""
        self._inner = None


class TagCounterpart(Batch):
    """Tag a mention's counterpart on the other side and link the two, as one step."""

    def __init__(
        self, mention_id: int, side: str, start: int, end: int, label: str, text: str = ""
    ) -> None:
        tag = TagMention(side, start, end, label)
        super().__init__(text or f"Tag and link {label}", [tag, _LinkToTagged(tag, mention_id)])
