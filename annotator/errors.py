"""Errors the core raises for a user to read: one line, no traceback needed."""

from __future__ import annotations


class AnnotatorError(Exception):
    """Base of every error the core reports to a user; its message is one self-contained line."""

    exit_code = 1


class InputError(AnnotatorError):
    """An input file or argument was refused; nothing was changed."""

    exit_code = 2


class PermissionDeniedError(AnnotatorError):
    """The role of the actor (or of their server login) forbids the change; nothing changed."""

    exit_code = 2


class StoreError(AnnotatorError):
    """The store cannot be opened or used as asked."""

    exit_code = 3


class IntegrityError(AnnotatorError):
    """A write would break an invariant of the data model (offsets, partition, ownership)."""

    exit_code = 4


class ConflictError(AnnotatorError):
    """Someone else changed the same layer since it was loaded (optimistic locking)."""

    exit_code = 5
