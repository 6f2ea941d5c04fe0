"""Opening a server store whose login needs a password: ask for it, never store it."""

from __future__ import annotations

import os
from collections.abc import Callable

from sqlalchemy.engine import URL

from annotator.store import Store
from annotator.store.engine import BUSY_TIMEOUT_MS, resolve_location
from annotator.store.failures import PasswordNeededError

ATTEMPTS = 3

# ask(question, the refusal of the last password given or None) -> a password, None to give up
AskPassword = Callable[[str, str | None], str | None]


def open_signed_in(
    location: str | os.PathLike[str] | URL | None,
    ask: AskPassword | None,
    *,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
) -> Store | None:
    """Open the store, asking for the login's password when the server wants one.

    Without `ask` (no one to ask) the server's refusal is raised as PasswordNeededError.
    Returns None when the person gives up; after ATTEMPTS wrong passwords, raises.
    The password lives in the engine's URL in memory only: never in a file or the settings.
    """
    url = location if isinstance(location, URL) else resolve_location(location)
    asked = 0
    while True:
        try:
            return Store.open(url, busy_timeout_ms=busy_timeout_ms)
        except PasswordNeededError as refused:
            if ask is None or asked == ATTEMPTS:
                raise
            host = url.host or "this computer"  # a socket folder is no name for a person
            question = f"Password of {url.username or 'your login'} on {host}:"
            password = ask(question, str(refused) if asked else None)
            if password is None:
                return None
            asked += 1
            url = url.set(password=password)
