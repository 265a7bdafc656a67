"""Hypothesis strategies for the fuzzer: records generated from the models, then mutated.

``record_data(model)`` walks the pydantic model (field types, enums, patterns, bounds, nested
models, lists, optional fields) and draws a plain dict, mostly valid. ``mutated_bytes`` then
applies a few mutations, on the data (a value of another type, a key dropped or renamed, random
Unicode text) and on the YAML text (a line duplicated — duplicate keys —, truncation, byte flips,
random bytes inserted).
"""
from __future__ import annotations

import copy
import datetime as dt
import enum
import re
import types
import typing
from typing import Any

import annotated_types
from hypothesis import strategies as st
from pydantic import BaseModel

from gitrepo import yaml_text
from registry.models.project import Milestones

# Mostly readable text: letters and digits of any script, punctuation, Chinese.
READABLE = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), min_size=1, max_size=12)
# Anything Unicode has, controls, format characters and surrogates' neighbours included.
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=16)
DATES = st.dates(dt.date(1990, 1, 1), dt.date(2035, 12, 31))

# A value of any type, for type swaps.
ODD_VALUES: st.SearchStrategy[Any] = st.one_of(
    st.booleans(), st.none(), st.integers(-(10**20), 10**20), st.integers(-1, 5),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, -0.0, 1.0, 5e-324, 1e308, 1e400]),
    DATES, st.datetimes(dt.datetime(1970, 1, 1), dt.datetime(2100, 1, 1)),
    st.sampled_from(["off", "no", "yes", "on", "true", "false", "null", "~", "", "2025-02-30", "2025-1-1",
                     "1e3", ".nan", "0x1f", "1_000", "12:30", "=1+1", "<script>", "../../etc/passwd",
                     "javascript:alert(1)", "a\x07b", "\u202e", "\u200b"]),
    ANY_TEXT, st.lists(st.integers(0, 3), max_size=2), st.builds(dict), st.dictionaries(READABLE, st.integers(), max_size=2),
)


def _strategy(annotation: Any, metadata: tuple[Any, ...] = ()) -> st.SearchStrategy[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *extra = typing.get_args(annotation)
        return _strategy(inner, (*metadata, *extra))
    if origin in (typing.Union, types.UnionType):
        return st.one_of([_strategy(arg, metadata) for arg in typing.get_args(annotation)])
    if origin is list:
        return st.lists(_strategy(typing.get_args(annotation)[0]), max_size=2)
    if origin is dict:
        return st.builds(dict)
    if annotation is type(None):
        return st.none()
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return record_data(annotation)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return st.sampled_from([m.value for m in annotation])
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        low = next((m.ge for m in metadata if isinstance(m, annotated_types.Ge)), 0)
        high = next((m.le for m in metadata if isinstance(m, annotated_types.Le)), 240)
        return st.integers(low, high)
    if annotation is float:
        return st.one_of(st.integers(0, 10_000), st.floats(0, 10_000, allow_nan=False, allow_infinity=False))
    if annotation is dt.date:
        return DATES
    if annotation is str:
        pattern = next((getattr(m, "pattern", None) for m in metadata if getattr(m, "pattern", None)), None)
        if pattern:
            # at most 64 characters (the ids' limit), cut where the pattern still holds
            return st.from_regex(re.compile(pattern, re.ASCII), fullmatch=True).map(lambda s: s[:64].rstrip("-"))
        return READABLE
    return ODD_VALUES


@st.composite
def _model_data(draw: st.DrawFn, model: type[BaseModel]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if not info.is_required() and not draw(st.booleans()):
            continue
        value_strategy = _strategy(info.annotation, tuple(info.metadata))
        if model is Milestones and draw(st.booleans()):
            value_strategy = DATES  # the bare-date shorthand
        out[name] = draw(value_strategy)
    return out


def record_data(model: type[BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    return _model_data(model)


# ------------------------------------------------------------------ mutations


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``value`` (the root excluded)."""
    found: list[tuple[Any, ...]] = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        found.append((*prefix, key))
        found.extend(_paths(child, (*prefix, key)))
    return found


def _holder(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def mutated_data(draw: st.DrawFn, data: dict[str, Any]) -> dict[str, Any]:
    """One data-level mutation: swap a value's type, drop a key, rename a key, random text."""
    paths = _paths(data)
    if not paths:
        return data
    path = draw(st.sampled_from(paths))
    holder, last = _holder(data, path), path[-1]
    op = draw(st.sampled_from(["swap", "swap", "drop", "rename", "unicode"]))
    if op == "swap":
        holder[last] = draw(ODD_VALUES)
    elif op == "unicode":
        holder[last] = draw(ANY_TEXT)
    elif op == "drop":
        del holder[last]
    elif isinstance(holder, dict):  # rename
        new = draw(st.one_of(ANY_TEXT, st.sampled_from([str(last).upper(), str(last) + "s", str(last)[:-1], "nmae"])))
        holder[new] = holder.pop(last)
    return data


def to_yaml(data: Any) -> bytes:
    return yaml_text(data).encode("utf-8")


@st.composite
def mutated_text(draw: st.DrawFn, raw: bytes) -> bytes:
    """One text-level mutation: duplicate a line, truncate, flip a byte, insert random bytes."""
    op = draw(st.sampled_from(["duplicate_line", "truncate", "flip", "insert", "insert_text"]))
    if op == "duplicate_line":
        lines = raw.splitlines(keepends=True)
        if not lines:
            return raw
        index = draw(st.integers(0, len(lines) - 1))
        line = lines[index] if lines[index].endswith(b"\n") else lines[index] + b"\n"
        return b"".join([*lines[:index], line, *lines[index:]])
    if not raw:
        return raw
    at = draw(st.integers(0, len(raw) - 1))
    if op == "truncate":
        return raw[:at]
    if op == "flip":
        return raw[:at] + bytes([raw[at] ^ draw(st.integers(1, 255))]) + raw[at + 1:]
    if op == "insert":
        return raw[:at] + draw(st.binary(min_size=1, max_size=4)) + raw[at:]
    return raw[:at] + draw(ANY_TEXT).encode("utf-8", "surrogatepass") + raw[at:]


@st.composite
def fuzzed_record(draw: st.DrawFn, model: type[BaseModel], fixed: dict[str, Any]) -> tuple[bytes, list[str]]:
    """A record's bytes and the mutations applied (for the campaign's statistics)."""
    data = {**draw(record_data(model)), **fixed}
    applied: list[str] = []
    # Hypothesis favours the first choices: most examples get one data mutation, no text one.
    for _ in range(draw(st.sampled_from([1, 0, 2, 3]))):
        data = draw(mutated_data(data))
        applied.append("data")
    raw = to_yaml(data)
    for _ in range(draw(st.sampled_from([0, 1, 0, 2]))):
        raw = draw(mutated_text(raw))
        applied.append("text")
    return raw, applied


@st.composite
def mutated_config(draw: st.DrawFn, config: dict[str, Any]) -> tuple[bytes, list[str]]:
    """registry.yaml: a valid configuration with the same mutations as records."""
    data = copy.deepcopy(config)
    applied: list[str] = []
    for _ in range(draw(st.sampled_from([1, 2, 0]))):
        data = draw(mutated_data(data))
        applied.append("data")
    raw = to_yaml(data)
    for _ in range(draw(st.sampled_from([0, 1]))):
        raw = draw(mutated_text(raw))
        applied.append("text")
    return raw, applied
