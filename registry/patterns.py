"""Regular expressions compiled the first time they are used, not when their module is imported.

A commit hook's check imports some hundred modules to check three files; a pattern compiled at
import costs every run its compilation (a class of a few thousand characters, such as the
control or hidden characters, about half a millisecond) even when the run never searches with
it. :func:`on_first_use` gives a function that compiles its pattern once, when first called, and
returns the same compiled pattern from then on (a C-level cache hit per call, cheaper than
:mod:`re`'s own cache, which looks the pattern up by its text)."""
from __future__ import annotations

import functools
import re
from collections.abc import Callable


def on_first_use(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A function returning ``re.compile(pattern, flags)``, compiled when it is first called."""

    @functools.cache
    def compiled() -> re.Pattern[str]:
        return re.compile(pattern, flags)

    return compiled
