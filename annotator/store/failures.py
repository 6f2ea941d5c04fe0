"""Driver errors turned into ours at the store boundary: one line, no SQL, no user text.

SQLAlchemy's exceptions print the failing statement with its parameters (a document's text,
for an import); none of that reaches a user. Each kind a user can act on gets its own message
and class; the rest name only the driver's error class.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError

from annotator.errors import (
    AnnotatorError,
    ConflictError,
    IntegrityError,
    PermissionDeniedError,
    StoreError,
)


class StoreBusyError(StoreError):
    """Another program holds the store's write lock longer than this one would wait."""


class StoreFullError(StoreError):
    """The disk (or the server's) is full: nothing was written."""


class StoreUnreachableError(StoreError):
    """The database server cannot be reached (down, restarting, or the network is)."""


class PasswordNeededError(StoreError):
    """The server wants a password for the login and got none, or a wrong one."""


class StoreReadOnlyError(StoreError):
    """The store cannot be written: a read-only file, folder or server role."""


# SQLite primary result codes (the low byte of an extended code)
_SQLITE = {
    sqlite3.SQLITE_BUSY: "busy",
    sqlite3.SQLITE_LOCKED: "busy",
    sqlite3.SQLITE_FULL: "full",
    sqlite3.SQLITE_READONLY: "readonly",
    sqlite3.SQLITE_PERM: "readonly",
    sqlite3.SQLITE_IOERR: "io",
    sqlite3.SQLITE_CANTOPEN: "cantopen",
    sqlite3.SQLITE_CORRUPT: "corrupt",
    sqlite3.SQLITE_NOTADB: "corrupt",
    sqlite3.SQLITE_CONSTRAINT: "constraint",
}
# PostgreSQL SQLSTATEs
_POSTGRES = {
    "40P01": "conflict",  # deadlock detected
    "40001": "conflict",  # serialization failure
    "55P03": "busy",  # lock not available
    "57014": "busy",  # statement timeout / cancelled
    "57P01": "connection",  # the server is shutting down
    "57P02": "connection",  # crash shutdown
    "57P03": "connection",  # the server is starting up
    "53100": "full",  # disk full
    "53200": "full",  # out of memory
    "25006": "readonly",  # read-only transaction
    "42501": "denied",  # insufficient privilege
}


def _kind(exc: DBAPIError) -> str | None:
    orig = exc.orig
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return _SQLITE.get(code & 0xFF)
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if isinstance(state, str):
        if state.startswith("08"):
            return "connection"
        if state.startswith("23"):
            return "constraint"
        return _POSTGRES.get(state)
    if exc.connection_invalidated or isinstance(exc, OperationalError):
        return "connection"  # a server driver's error with no SQLSTATE: no server answered
    return None


# kind -> (class, message after "{where}: ")
_FAILURES: dict[str, tuple[type[AnnotatorError], str]] = {
    "busy": (
        StoreBusyError,
        "the store is busy (another program is writing to it); nothing was changed, try again",
    ),
    "full": (StoreFullError, "the disk is full; nothing was written"),
    "readonly": (
        StoreReadOnlyError,
        "the store is read-only (check the file's and its folder's permissions); "
        "nothing was written",
    ),
    "denied": (PermissionDeniedError, "the server refused this change to your login"),
    "constraint": (
        IntegrityError,
        "the database refused a change that breaks its rules (a duplicate or a reference to "
        "nothing); nothing was changed",
    ),
    "io": (StoreError, "the disk reported an input/output error; nothing was written"),
    "cantopen": (StoreError, "the store's file cannot be opened"),
    "corrupt": (StoreError, "the store's file is damaged or is not a database"),
    "connection": (
        StoreUnreachableError,
        "cannot reach the database server (is it running, is the network up?); "
        "nothing was written",
    ),
}


def store_failure(exc: DBAPIError, where: str) -> AnnotatorError:
    """Return our error for a driver error raised while using the store at `where`."""
    kind = _kind(exc)
    if kind == "conflict":  # a deadlock or serialization failure: what the window handles
        return ConflictError(
            "someone else changed the same data at the same moment; nothing was saved, try again"
        )
    if kind in _FAILURES:
        cls, message = _FAILURES[kind]
        return cls(f"{where}: {message}")
    return StoreError(f"{where}: the database refused the operation ({type(exc.orig).__name__})")


_NO_PASSWORD = ("no password supplied", "password authentication failed")


def password_failure(exc: DBAPIError, url: URL) -> PasswordNeededError | None:
    """Return the error for a connection the server refused for want of the right password."""
    said = str(exc.orig)
    if not any(marker in said for marker in _NO_PASSWORD):
        return None
    where = url.render_as_string(hide_password=True)
    login = url.username or "your login"
    if url.password is None:
        return PasswordNeededError(
            f"{where}: the server asks for {login}'s password (give it when asked, or put it in "
            "~/.pgpass: see Team mode in the README)"
        )
    return PasswordNeededError(f"{where}: the server refused {login}'s password")
