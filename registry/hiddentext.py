"""Hidden characters — invisible ones and bidirectional controls — and the records known to
hold none of them.

REG012 (:mod:`registry.rules.text`) looks for these characters in every text of every record.
The loader sees a record's whole file before the record exists: when the fast reader
(:mod:`registry.fastyaml`) reads a file, every text of the record is a piece of the file's text
(it leaves escapes and other rewritten text to the full parser), so a file whose text holds no
hidden character gives a record whose texts hold none. The loader marks such a record here
(:func:`mark_screened`) and REG012 skips it; every other record (read by the full parser, from
the record cache, in a worker process, or a copy) is looked at field by field as before.
"""
from __future__ import annotations

import re
import weakref

from registry.patterns import on_first_use

# Bidirectional controls: they reorder how the text around them is shown (U+202E turns
# "czj-budget" into what reads as another name) — the "Trojan Source" class of tricks.
BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Everything else of Unicode's "format" category Cf (zero-width space/joiners, word joiner,
# invisible operators, BOM, soft hyphen, tag characters, …) plus letters and selectors that
# render as nothing (Hangul fillers, combining grapheme joiner, variation selectors): those of
# the Basic Multilingual Plane, and those beyond it.
INVISIBLE_BMP = (
    "\u00ad\u034f\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5"
    "\u180b-\u180f\u200b-\u200d\u2060-\u2065\u206a-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
    "\ufff9-\ufffb"
)
INVISIBLE_ASTRAL = (
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e007f\U000e0100-\U000e01ef"
)
INVISIBLE = INVISIBLE_BMP + INVISIBLE_ASTRAL
# What a screen of a whole file looks for (the body of a character class): every hidden
# character of the BMP, and any character beyond it. Matching the few hidden ones up there
# exactly makes a search over every character several times slower; a file with an emoji
# or a rare ideograph is simply not screened.
SCREEN = f"{BIDI}{INVISIBLE_BMP}\U00010000-\U0010ffff"

# id → record, for as long as the record lives: an id is never taken for another object's
_SCREENED: weakref.WeakValueDictionary[int, object] = weakref.WeakValueDictionary()


# One hidden character (bidirectional or invisible), and one bidirectional control: compiled
# when first asked for. Most runs never search a text character by character (a record read by
# the fast reader is screened with its file, :func:`screened`), and compiling this class of
# ranges costs about half a millisecond of every commit hook's run.
hidden = on_first_use(f"[{BIDI}{INVISIBLE}]")
bidi = on_first_use(f"[{BIDI}]")


def __getattr__(name: str) -> re.Pattern[str]:
    """``HIDDEN``, the same pattern as :func:`hidden`, for code that imports it by name (the
    pattern is compiled then)."""
    if name == "HIDDEN":
        return hidden()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def mark_screened(record: object) -> None:
    """``record`` was built from a text without any hidden character (see the module)."""
    _SCREENED[id(record)] = record


def screened(record: object) -> bool:
    """Whether ``record`` itself (this object, not an equal one) was marked."""
    return _SCREENED.get(id(record)) is record
