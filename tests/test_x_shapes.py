"""Differential attack on :mod:`registry.shapes` (regression tests: all held): the history's
"surely valid" answer without pydantic is given only where pydantic accepts the data, with the
same state (:func:`registry.blobfields._state_of_valid`), and registry.yaml's facts without the
loader (:func:`registry.configfacts.surely_valid_facts`) only where the loader accepts the file,
with the same base branch and unit names. Data generated from the models and mutated (types
swapped, keys dropped or renamed, random text), record blobs mutated as text, and registry.yaml
files of every fixture edited where the facts come from (base branch, profiles, unit ids,
parents, names, authorities, units dropped or repeated, unknown keys) with hostile values.
"""
from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from fixturekit import FIXTURES
from fuzz.strategies import fuzzed_record, mutated_data, record_data
from registry import blobfields, configfacts, shapes
from registry.errors import ConfigError
from registry.loader import config_from
from registry.models import System
from registry.yamlio import parse

EXAMPLES = int(os.environ.get("REGISTRY_FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                derandomize="REGISTRY_FUZZ_EXAMPLES" not in os.environ,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
CONFIGS = sorted(FIXTURES.glob("*/registry.yaml"))
ODD: list[Any] = [
    "", " ", "main\n", "a..b", "-x", "x" * 300, "主分支", "refs/heads/main", "HEAD", "@", "a b", None, 1, True,
    "czj", "CZJ", "c", "czj-x", "cz_j", "0czj", "dsj", "fgj", "zwzx", "unknown", "quxian", "potou", "common",
    "QUXIAN", [], {}, ["quxian"], ["quxian", "quxian"], ["potou", "quxian"], ["common"], "2025-01-01"]


@FUZZ
@given(data=st.data())
def test_surely_valid_system_data_is_valid_with_the_same_state(data: st.DataObject) -> None:
    record = {**data.draw(record_data(System)), "id": "czj-a", "unit": "czj"}
    for _ in range(data.draw(st.integers(0, 3))):
        record = data.draw(mutated_data(record))
    sure = shapes.surely_valid("System", record)
    event(f"surely valid: {sure}")
    if not sure:
        return
    try:
        model = System.model_validate(record)
    except ValidationError as exc:
        raise AssertionError(f"shapes is sure, pydantic refuses:\n{exc}\n{record!r}") from None
    expected = blobfields.SystemState(model.unit, model.active, None if model.active else model.retired_on)
    assert blobfields._state_of_valid(record) == expected, record


@FUZZ
@given(data=st.data())
def test_system_blobs_have_the_same_state_fast_and_full(data: st.DataObject) -> None:
    raw, _applied = data.draw(fuzzed_record(System, {"id": "czj-a", "unit": "czj"}))
    fast = blobfields.system_state(raw, True)
    event(f"a valid system: {fast is not None}")
    assert fast == blobfields.system_state(raw, False), raw


def block_yaml(value: Any, indent: int = 0) -> list[str]:
    """Block YAML the fast reader reads (texts double-quoted), so that the facts get a say."""
    pad = " " * indent
    out: list[str] = []
    items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
    for key, inner in items:
        head = f"{pad}{key}:" if key is not None else f"{pad}-"
        if isinstance(inner, (dict, list)) and inner:
            nested = block_yaml(inner, indent + 2)
            if key is None and isinstance(inner, dict):
                out += [f"{head} {nested[0].lstrip()}", *nested[1:]]
            else:
                out += [head, *nested]
        else:
            out.append(f"{head} {scalar(inner)}")
    return out


def scalar(value: Any) -> str:
    if value is None or isinstance(value, (bool, int, float)):
        return json.dumps(value)
    if isinstance(value, (list, dict)):
        return "[]" if isinstance(value, list) else "{}"
    return json.dumps(str(value), ensure_ascii=False)


@FUZZ
@given(data=st.data())
def test_registry_yaml_facts_without_the_loader_are_the_loaders(data: st.DataObject) -> None:
    config = parse(data.draw(st.sampled_from(CONFIGS)).read_bytes()).data
    for section in ("calendar", "disabled_rules", *(("parameters",) if data.draw(st.booleans()) else ())):
        config.pop(section, None)  # (the facts are never sure with them: give the rest a chance)
    for _ in range(data.draw(st.integers(0, 3))):
        edit(data, config)
    raw = ("\n".join(block_yaml(config)) + "\n").encode("utf-8")
    facts = configfacts.surely_valid_facts(raw)
    event(f"sure of the facts: {facts is not None}")
    if facts is None:
        return
    try:
        loaded = config_from(raw)
    except ConfigError as exc:
        raise AssertionError(f"facts sure, the loader refuses: {exc.message.en}\n{raw.decode()}") from None
    assert facts == configfacts.ConfigFacts(loaded.base_branch, {unit.id: unit.name for unit in loaded.units})


def edit(data: st.DataObject, config: dict[str, Any]) -> None:
    where = data.draw(st.sampled_from(["base_branch", "profiles", "jurisdiction", "unit.id", "unit.parent",
                                       "unit.name", "unit.kind", "authority", "drop unit", "repeat unit", "new key"]))
    value = data.draw(st.sampled_from(ODD))
    units = config.get("units") or []
    if where in ("base_branch", "profiles", "jurisdiction"):
        config[where] = value
    elif where.startswith("unit.") and units:
        data.draw(st.sampled_from(units))[where.removeprefix("unit.")] = value
    elif where == "authority" and isinstance(config.get("authorities"), dict) and config["authorities"]:
        config["authorities"][data.draw(st.sampled_from(sorted(config["authorities"])))] = value
    elif where == "drop unit" and units:
        units.pop(data.draw(st.integers(0, len(units) - 1)))
    elif where == "repeat unit" and units:
        units.append(dict(data.draw(st.sampled_from(units))))
    elif where == "new key":
        config[data.draw(st.sampled_from(["extra", "cms", "trust", "Units", "base-branch"]))] = value
