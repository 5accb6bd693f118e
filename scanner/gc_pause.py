"""Pause Python's cyclic garbage collector around steps that allocate many long-lived objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic garbage collector inside the block, and restore its previous state after it.

    Loading a snapshot and evaluating it create millions of objects that
    live until the end of the scan. Each full collection rescans all of
    them, so with 100,000 resources the collector took about half of the
    evaluation time. Reference counting still frees objects at once; only
    reference cycles wait until the collector runs again after the block.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
