"""Pause Python's cyclic garbage collector while a bulk read builds many small objects.

Reading a 20,000-bead layer makes hundreds of thousands of tuples; each batch of new objects
triggers a collection that walks every object the process holds (a whole window's worth),
which cost half the time of opening the review screen. These reads make no reference cycles,
so nothing is left for the collector: it runs again as usual afterwards.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block (nested blocks leave it to the outer)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def without_gc_pauses(function: Callable[P, R]) -> Callable[P, R]:
    """Run the function inside gc_paused()."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with gc_paused():
            return function(*args, **kwargs)

    return wrapper
