"""``json.dumps(value, ensure_ascii=False, indent=2)``, written directly.

The standard encoder indents in its slow pure-Python way (only the unindented form has a C
encoder): a report of a few thousand findings (``registry audit --format json`` over a long
history) or an inventory history of a thousand commits spent more time there than in working
them out. :func:`indented_json` writes texts (the encoder's own C escaping), whole numbers,
booleans, null, lists and dicts with text keys itself, and gives anything else (floats, enums,
other keys) to the standard encoder whole; tests compare both on every shape they can make."""
from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any


def indented_json(value: Any) -> str:
    """Exactly ``json.dumps(value, ensure_ascii=False, indent=2)``."""
    try:
        return _indented(value, "")
    except TypeError:
        return json.dumps(value, ensure_ascii=False, indent=2)


def _indented(value: Any, level: str) -> str:
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)
    if value is None or kind is bool:
        return "null" if value is None else "true" if value else "false"
    inner = level + "  "
    if kind is dict:
        if not value:
            return "{}"
        if any(type(key) is not str for key in value):
            raise TypeError("a key that is not text")
        items = ",\n".join(f"{inner}{encode_basestring(k)}: {_indented(v, inner)}" for k, v in value.items())
        return f"{{\n{items}\n{level}}}"
    if kind is list:
        if not value:
            return "[]"
        items = ",\n".join(inner + _indented(v, inner) for v in value)
        return f"[\n{items}\n{level}]"
    raise TypeError(f"not written directly: {kind.__name__}")
