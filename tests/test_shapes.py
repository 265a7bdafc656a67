"""registry.shapes: "surely valid" only where pydantic accepts, with the same facts read off.

The committed reduction must be the one the models give now; then, on every system record and
registry.yaml the project ships, on the synthetic benchmark registry and on values Hypothesis
puts into them, whenever the shapes say "surely valid" the model must accept the data and the
history must read the same state (unit, in use, retirement date) and configuration facts."""
from __future__ import annotations

import copy
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from registry import shapes
from registry.blobfields import system_state
from registry.configfacts import ConfigFacts, surely_valid_facts
from registry.errors import ConfigError
from registry.loader import config_from
from registry.models import System
from registry.yamlio import YamlError, parse
from test_fastyaml import ROOT, shipped_yaml


def test_the_committed_shapes_are_the_models_own() -> None:
    assert shapes.SHAPES_FILE.read_text(encoding="utf-8") == shapes.render(shapes.generate()), (
        "registry/shapes.json is out of date: python -m registry.shapes (and re-state any validator "
        "function or configuration check it now calls opaque, see registry/shapes.py)")


def test_the_known_validators_and_configuration_checks_are_the_current_ones() -> None:
    found = shapes.generate()
    tags = {node["t"] for node in _nodes(found)}
    assert {"date_text", "whole_number", "non_empty"} <= tags  # each re-stated function still matches
    assert found["config_checks"] == shapes.KNOWN_CONFIG_CHECKS


def _nodes(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        return ([node] if "t" in node else []) + [n for v in node.values() for n in _nodes(v)]
    if isinstance(node, list):
        return [n for v in node for n in _nodes(v)]
    return []


def pydantic_state(data: Any) -> tuple[str, bool, dt.date | None] | None:
    try:
        record = System.model_validate(data)
    except ValidationError:
        return None
    return record.unit, record.active, None if record.active else record.retired_on


def agrees_on_system(data: Any) -> bool:
    """True: surely valid and the same state as pydantic's; False: not sure."""
    if not shapes.surely_valid("System", data):
        return False
    assert pydantic_state(data) is not None, f"surely valid, but the model refuses it: {data!r}"
    return True


def system_data() -> list[dict[str, Any]]:
    out = []
    for path in shipped_yaml():
        if "systems" in path.parts:
            try:
                out.append(parse(path.read_bytes()).data)
            except YamlError:
                continue
    return out


def test_shipped_system_records_agree_and_nearly_all_are_sure() -> None:
    records = system_data()
    sure = [agrees_on_system(data) for data in records]
    valid = [data for data in records if pydantic_state(data) is not None]
    assert len(valid) > 20 and sum(sure) > len(valid) * 0.9


def test_the_state_read_off_is_the_models(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synth

    written = synth.generate(tmp_path / "r", systems=80, projects=0, units=6)
    for path in written.systems:
        raw = (written.root / path).read_bytes()
        fast = system_state(raw, fast=True)
        assert fast == system_state(raw, fast=False) and fast is not None
        assert shapes.surely_valid("System", parse(raw).data)


ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5000), st.floats(allow_nan=True, allow_infinity=True),
    st.dates(), st.datetimes(), st.text(max_size=8), st.sampled_from([10**400, -(10**400), 2**63, 4, 1000, 1001]),
    st.sampled_from(["", " ", "operating", "retired", "czj", "CZJ", "czj\n", "2025-06-30", "2025-02-30", "2025-6-3",
                     "a-b", "-a", "a--b", "x" * 65, "2025-czj-001", "2025-czj-001\n", "county_cloud", "1", "true"]),
    st.lists(st.sampled_from(["x", 1, None, "2025-czj-001", {"a": 1}]), max_size=3),
    st.dictionaries(st.sampled_from(["doc_no", "date", "count", "unit", "x", "name", "mlps_level"]),
                    st.sampled_from(["金字〔2025〕1号", "2025-01-01", 1, 0, 3.0, None, True, "czj"]), max_size=4),
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0), st.lists(st.tuples(st.sampled_from([
    "id", "name", "aliases", "unit", "status", "description", "scope", "audience", "common_function", "enforcement",
    "online_since", "retired_on", "merged_into", "retirement_ref", "deployment", "network", "platforms", "security",
    "data", "built_by", "new_system_approval", "transferred_from", "notes", "contacts", "unknown",
    "security.mlps_level", "security.major_risks", "data.shared", "data.sharing_exemption",
]), ODD_VALUES, st.booleans()), min_size=1, max_size=3))
def test_changed_system_records_agree(pick: int, edits: list[tuple[str, Any, bool]]) -> None:
    records = [d for d in system_data() if pydantic_state(d) is not None]
    data = copy.deepcopy(records[pick % len(records)])
    for field, value, remove in edits:
        holder, _, name = field.rpartition(".")
        target = data.setdefault(holder, {}) if holder else data
        if not isinstance(target, dict):
            continue
        if remove:
            target.pop(name, None)
        else:
            target[name] = value
    agrees_on_system(data)


# -- registry.yaml -----------------------------------------------------------------------------


def config_agrees(raw: bytes) -> bool:
    """True: surely valid and the facts are config_from's; False: not sure."""
    fast = surely_valid_facts(raw)
    if fast is None:
        return False
    try:
        config = config_from(raw)
    except ConfigError as exc:
        raise AssertionError(f"surely valid, but config_from refuses it ({exc.message.en}):\n{raw.decode()}") from None
    assert fast == ConfigFacts(config.base_branch, {unit.id: unit.name for unit in config.units})
    return True


def shipped_configs() -> list[bytes]:
    return [p.read_bytes() for p in shipped_yaml() if p.name == "registry.yaml"]


def test_shipped_registry_yaml_agree_and_most_are_sure() -> None:
    answers = [config_agrees(raw) for raw in shipped_configs()]
    assert len(answers) > 5 and sum(answers) >= len(answers) // 2


@pytest.mark.parametrize("edit", [
    ("profiles: [", "profiles: [nosuch, "), ("profiles:", "profiles: []\nx:"), ("base_branch:", "base_branch: 1\nx:"),
    ("- id: czj", "- id: czj\n    parent: nosuch"), ("data_authority:", "data_authority: nosuch\n  x:"),
    ("units:", "parameters: {max_days: 3}\nunits:"), ("units:", "disabled_rules: [{rule: REG001, reason: x}]\nunits:"),
    ("units:", "publish_identities: yes\nunits:"), ("units:", "trust: {merge_keys: [not-a-key]}\nunits:"),
    ("units:", "calendar:\n  \"2025\": {holidays: [2024-01-01]}\nunits:"), ("- id: czj", "- id: czj\n    id: x"),
])
def test_a_doubtful_or_wrong_registry_yaml_is_left_to_the_loader(edit: tuple[str, str]) -> None:
    for raw in shipped_configs():
        text = raw.decode("utf-8")
        if edit[0] in text:
            config_agrees(text.replace(edit[0], edit[1], 1).encode("utf-8"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0), st.integers(min_value=0, max_value=4000), st.sampled_from([
    "", " ", "\n", "- ", "x", "1", "null", "[]", "{}", "czj", "\n  - id: zzz\n    name: 新\n    kind: township",
    "\n  parent: czj", "\n    parent: dsj", "\n    approvers: [\"@a\"]", "\n    approvers: [{email: a@b}]", "#", ":",
]), st.booleans())
def test_edited_registry_yaml_agree(pick: int, at: int, piece: str, insert: bool) -> None:
    configs = shipped_configs()
    text = configs[pick % len(configs)].decode("utf-8")
    at %= len(text) + 1
    text = text[:at] + piece + text[at:] if insert else text[:at] + text[at + len(piece):]
    config_agrees(text.encode("utf-8"))
