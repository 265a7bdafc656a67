"""Differential attack on records made without pydantic's validator (regression tests).

Where the shapes vouch for a record's data the loader may build the model without running
pydantic's validator. This attack goes through the REAL reading path — YAML text, the fast
reader or the full parser, then the model — so that the data holds exactly the types YAML
gives (integers written in hex or with underscores, floats written as ``1e3``/``.inf``/``.nan``,
``-0.0``, timestamps with and without a time, quoted dates, YAML 1.1 words, tags such as
``!!str``/``!!float``/``!!binary``, escapes that make lone surrogates, line separators, empty
collections, huge numbers). Every leaf of a real record (every fixture's systems and projects)
may be replaced by such a scalar, by a value the same key holds in another record (so that most
examples stay valid and reach the fast construction), dropped, or joined by an unknown key.

For every text, :func:`registry.loader.load_record` with whatever fast path the loader has must
give exactly what it gives with pydantic's ``model_validate`` alone: the same REG problems
(rule, position, field, message), or models equal at every depth with the same TYPES (an enum
member is not its text, ``True`` is not ``1``, ``3.0`` is not ``3``, a date is not a datetime),
the same field order, the same ``model_fields_set`` at every level, nothing else on them, the
same ``model_dump``/JSON, and a pickle that loads back to the same.
"""
from __future__ import annotations

import enum
import os
import pickle
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from registry import loader

EXAMPLES = int(os.environ.get("REGISTRY_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                derandomize="REGISTRY_FUZZ_EXAMPLES" not in os.environ,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FIXTURES = Path(__file__).parent / "fixtures"
DEMO = Path(__file__).resolve().parents[1]

SCALARS = [
    # numbers as YAML writes them
    "0", "3", "-3", "+3", "007", "0x10", "0o7", "0b11", "1_000", "3.0", "3.5", "-0.0", "0.0", "1e3", "1E3", "1.5e-3",
    ".5", "5.", ".inf", "-.inf", ".nan", ".NaN", "9007199254740992", "9007199254740993", str(10 ** 20), str(10 ** 400),
    "-" + str(10 ** 30), "1e400", "!!float 3", "!!int 3", "!!float '3'", "3 # 注释",
    # dates and times
    "2025-01-01", "2025-03-14", "'2025-03-14'", '"2025-03-14"', "2025-3-14", "2025-02-30", "'2025-02-30'",
    "2025-01-01 00:00:00", "2025-01-01T00:00:00Z", "2025-01-01T10:00:00+08:00", "2025-01-01t10:00:00.5",
    "!!str 2025-01-01", "!!timestamp 2025-01-01", "'2025-01-01 '", "' 2025-01-01'", '"2025-01-01\\n"',
    "'２０２５-０１-０１'", "20250101", "2025/01/01", "1900-01-01", "9999-12-31", "0001-01-01",
    # booleans and nulls
    "true", "false", "True", "FALSE", "yes", "no", "on", "off", "y", "'true'", "!!bool true", "~", "null", "Null",
    "NULL", "''", '""', "!!null ''",
    # text
    "czj", "'czj'", "CZJ", "czj ", "' czj'", '"czj\\n"', '"czj\\t"', '"\\ud800"', '"\\U0001F600"', "中文名称",
    '"x\\u2028y"', '"x\\u0085y"', '"\\u00a0czj"', "czj-a", "czj--a", "-czj", "a" * 65, "a" * 64, "2025-czj-001",
    "2025-CZJ-001", "2025-czj-0001", "http://example.gov.cn/a", "!!binary aGk=", "x: y", "'x: y'", "|-\n  多行\n  文本",
    # collections
    "[]", "{}", "[a]", "[1, 2]", "{date: 2025-01-01}", "{start: 2025-01-01}", "[2025-01-01]", "{a: 1}",
    "{date: '2025-01-01'}", "{date: 2025-01-01, extra: 1}",
]
LEAF = re.compile(r"^(?P<indent>\s*)(?P<dash>- )?(?P<key>[A-Za-z_][A-Za-z0-9_]*): (?P<value>\S.*)$")
ITEM = re.compile(r"^(?P<indent>\s*)- (?P<value>[^\s:][^:]*)$")


def _records() -> list[tuple[str, str]]:
    """(path as the loader sees it, text) of every shipped system and project record."""
    out = []
    for top in (FIXTURES, DEMO):
        for path in sorted(top.glob("*/*/*.yaml")) + sorted(top.glob("*/*/*/*.yaml")):
            parts = path.relative_to(top).parts
            folder = next((p for p in parts if p in ("systems", "projects")), None)
            if folder is None or path.parent.parent.name != folder:
                continue
            out.append((f"{folder}/{path.parent.name}/{path.name}", path.read_text("utf-8")))
    return out


RECORDS = _records()


def _values_by_key() -> dict[str, list[str]]:
    """The texts each key holds somewhere in the shipped records (enum members, ids, dates …)."""
    found: dict[str, set[str]] = {}
    for _, text in RECORDS:
        for line in text.splitlines():
            match = LEAF.match(line)
            if match:
                found.setdefault(match["key"], set()).add(match["value"])
    return {key: sorted(values) for key, values in found.items()}


VALUES = _values_by_key()
KEYS = sorted(VALUES) + ["unknown_key", "Name", "id ", "_id"]


@st.composite
def edited_record(draw: st.DrawFn) -> tuple[str, bytes]:
    path, text = draw(st.sampled_from(RECORDS))
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        leaf, item = LEAF.match(lines[i]), ITEM.match(lines[i])
        action = draw(st.sampled_from(["other", "other", "other", "scalar", "scalar", "drop", "key"]))
        if action == "drop":
            del lines[i]
            if not lines:
                lines = ["{}"]
            continue
        if action == "key":
            indent = leaf["indent"] + (leaf["dash"] and "  " or "") if leaf else ""
            lines.insert(i + 1, f"{indent}{draw(st.sampled_from(KEYS))}: {draw(st.sampled_from(SCALARS))}")
            continue
        if leaf is not None:
            pool = VALUES.get(leaf["key"], []) if action == "other" else SCALARS
            value = draw(st.sampled_from(pool or SCALARS))
            if value.startswith("|"):
                value = value.replace("\n", "\n" + leaf["indent"] + ("  " if leaf["dash"] else ""))
            lines[i] = f"{leaf['indent']}{leaf['dash'] or ''}{leaf['key']}: {value}"
        elif item is not None and "\n" not in (value := draw(st.sampled_from(SCALARS))):
            lines[i] = f"{item['indent']}- {value}"
    return path, ("\n".join(lines) + "\n").encode("utf-8")


def strict_same(made: Any, expected: Any, where: str = "$") -> None:
    """Equal and of the same type at every depth (dict keys and their order included, enum
    members by identity, floats by repr so that -0.0 and nan compare)."""
    assert type(made) is type(expected), f"{where}: {type(made).__name__} != {type(expected).__name__}"
    if isinstance(made, BaseModel):
        assert list(made.__dict__) == list(expected.__dict__), where
        assert made.model_fields_set == expected.model_fields_set, f"{where}: fields set"
        assert made.__pydantic_extra__ == expected.__pydantic_extra__, f"{where}: extra"
        assert made.__pydantic_private__ == expected.__pydantic_private__, f"{where}: private"
        extra = set(vars(made)) ^ set(vars(expected))
        assert not extra, f"{where}: attributes {extra}"
        for name, value in made.__dict__.items():
            strict_same(value, expected.__dict__[name], f"{where}.{name}")
    elif isinstance(made, dict):
        assert len(made) == len(expected), where
        for (key, value), (other_key, other) in zip(made.items(), expected.items()):
            strict_same(key, other_key, f"{where}[key]")
            strict_same(value, other, f"{where}[{key!r}]")
    elif isinstance(made, (list, tuple)):
        assert len(made) == len(expected), where
        for i, (one, other) in enumerate(zip(made, expected)):
            strict_same(one, other, f"{where}[{i}]")
    elif isinstance(made, enum.Enum):
        assert made is expected, where
    elif isinstance(made, float):
        assert repr(made) == repr(expected), where
    else:
        assert made == expected, where


def validated_only(path: str, raw: bytes) -> Any:
    """The load result with pydantic's validator for every record (no fast construction)."""
    with pytest.MonkeyPatch.context() as patch:
        if hasattr(loader, "surely_built"):
            patch.setattr(loader, "surely_built", lambda model, data: None)
        return loader.load_record(path, raw)


def assert_loads_as_validated(path: str, raw: bytes) -> bool:
    """load_record as it is = load_record with pydantic alone; whether the fast construction
    made the record (False: pydantic did, or it is not a record)."""
    built: list[Any] = []
    fast = getattr(loader, "surely_built", None)
    with pytest.MonkeyPatch.context() as patch:
        if fast is not None:
            patch.setattr(loader, "surely_built", lambda model, data: _kept(built, fast(model, data)))
        made = loader.load_record(path, raw)
    expected = validated_only(path, raw)
    if isinstance(expected, list) or isinstance(made, list):
        assert isinstance(made, list) and isinstance(expected, list), (made, expected)
        assert [(u.path, u.rule, u.line, u.column, u.field, u.message) for u in made] == \
               [(u.path, u.rule, u.line, u.column, u.field, u.message) for u in expected]
        return False
    strict_same(made, expected)
    assert made == expected
    assert made.model_dump() == expected.model_dump()
    assert made.model_dump_json() == expected.model_dump_json()
    assert made.model_dump(mode="json", exclude_unset=True) == expected.model_dump(mode="json", exclude_unset=True)
    strict_same(pickle.loads(pickle.dumps(made)), expected)
    return any(one is not None for one in built)


def _kept(built: list[Any], value: Any) -> Any:
    built.append(value)
    return value


def test_every_shipped_record_loads_as_validated() -> None:
    assert len(RECORDS) > 50
    made = [assert_loads_as_validated(path, text.encode("utf-8")) for path, text in RECORDS]
    if hasattr(loader, "surely_built"):  # the attack has something to attack
        assert sum(made) > 0.8 * len(made), f"{sum(made)} of {len(made)} made without validation"


@FUZZ
@given(record=edited_record())
def test_edited_records_load_as_validated(record: tuple[str, bytes]) -> None:
    path, raw = record
    event(f"made without validation: {assert_loads_as_validated(path, raw)}")


@pytest.mark.parametrize("value", SCALARS)
def test_each_hostile_scalar_in_every_leaf_of_one_project_and_one_system(value: str) -> None:
    """Every scalar in every leaf position of one system and one project, one at a time."""
    for path, text in (next(r for r in RECORDS if r[0].startswith("systems/")),
                       max((r for r in RECORDS if r[0].startswith("projects/")), key=lambda r: len(r[1]))):
        lines = text.splitlines()
        for i, line in enumerate(lines):
            leaf = LEAF.match(line)
            if leaf is None or "\n" in value:
                continue
            edited = [*lines[:i], f"{leaf['indent']}{leaf['dash'] or ''}{leaf['key']}: {value}", *lines[i + 1:]]
            assert_loads_as_validated(path, ("\n".join(edited) + "\n").encode("utf-8"))


# -- the record cache's plain-data form (when the record cache stores records as plain data) ----


def _codec() -> Any:
    try:
        from registry import recordcodec
    except ImportError:
        return None
    return recordcodec


def assert_round_trip(path: str, raw: bytes) -> bool:
    """A record stored in the record cache's plain-data form comes back exactly as loaded."""
    codec = _codec()
    loaded = loader.load_record(path, raw)
    if codec is None or isinstance(loaded, list):
        return False
    stored = codec.dumps(loaded)
    if stored is None:
        return False  # not cached: the next run loads it again
    back = codec.loads(stored)
    strict_same(back, loaded)
    assert back == loaded and back.model_dump_json() == loaded.model_dump_json()
    assert type(back.model_fields_set) is type(loaded.model_fields_set)
    strict_same(codec.loads(codec.dumps(back)), loaded)
    return True


def test_every_shipped_record_comes_back_from_the_record_cache_form() -> None:
    kept = [assert_round_trip(path, text.encode("utf-8")) for path, text in RECORDS]
    if _codec() is not None:
        assert sum(kept) > 0.9 * len(kept), f"only {sum(kept)} of {len(kept)} kept"


@FUZZ
@given(record=edited_record())
def test_edited_records_come_back_from_the_record_cache_form(record: tuple[str, bytes]) -> None:
    event(f"kept: {assert_round_trip(*record)}")
