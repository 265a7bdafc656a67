"""Pausing Python's cyclic garbage collector around work that builds many objects and no cycles."""
from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting still frees memory) and restore
    it after: loading a registry creates hundreds of thousands of long-lived objects and no
    cycles worth collecting, and each collection would walk them all again. Nesting is fine:
    only the outermost pause turns the collector back on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
