"""Plain YAML scalars → Python values: the YAML 1.2 core schema plus dates (``2025-01-31``),
as ruamel.yaml resolves them, and back to text for messages."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_INT_OCT = re.compile(r"0o[0-7]+\Z")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_SPECIAL_FLOAT = {".inf": float("inf"), ".Inf": float("inf"), ".INF": float("inf"),
                  "-.inf": float("-inf"), "-.Inf": float("-inf"), "-.INF": float("-inf"),
                  ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan")}
# Integer literals longer than this are refused: Python will not even print an integer of
# more than 4,300 digits, and no field of a record needs a tenth of that.
_MAX_NUMBER_LENGTH = 400
_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})\Z")
_TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.([0-9]*))?(?:[ \t]*(Z|[-+][0-9]{1,2}(?::?[0-9]{2})?))?\Z"
)


def resolve_plain(text: str) -> Any:
    """The value of a plain (unquoted) scalar."""
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    first = text[0]
    if first.isdigit() or first in "-+.":
        if len(text) > _MAX_NUMBER_LENGTH and (_INT.match(text) or _INT_OCT.match(text) or _INT_HEX.match(text)):
            raise TooLong(text)
        if _INT.match(text):
            return int(text)
        if _FLOAT.match(text):
            return float(text)
        if text in _SPECIAL_FLOAT:
            return _SPECIAL_FLOAT[text]
        if _INT_OCT.match(text):
            return int(text[2:], 8)
        if _INT_HEX.match(text):
            return int(text[2:], 16)
        if m := _DATE.match(text):
            return _date(text, *m.groups())
        if m := _TIMESTAMP.match(text):
            return _timestamp(text, m)
    return text


class TooLong(ValueError):
    """A number literal too long to be a value of any field."""


def _date(text: str, year: str, month: str, day: str) -> dt.date | str:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return text  # "2025-02-30" stays text; the schema then asks for a real date


def _timestamp(text: str, m: re.Match[str]) -> dt.datetime | str:
    year, month, day, hour, minute, second, fraction, _tz = m.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        return dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro)
    except ValueError:
        return text


def dump_value(value: Any) -> str:
    """A value as the user wrote it, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)
