"""Differential attack on registry.yaml read without pydantic (h23: ``registry audit`` takes every
version of registry.yaml in history, and the working tree's, as plain twins).

For each version of registry.yaml in history, the audit of 0beded6 used the model alone:
``RegistryConfig.model_validate(parse(raw).data)``, None when the parser or the model refuses.
:func:`registry.blobfields.history_config` must give exactly that — the twin of the model's
result at every depth (types, field order, fields set), or None — with the fast reader and
the shapes (no pydantic) and without them. For the working tree's registry.yaml,
:func:`registry.configfacts.config_twin` must refuse exactly what ``config_from`` refuses (the
same message, line and column) and otherwise give the twin of its result, with and without a
cache store that already remembers another version.

The texts: every fixture's registry.yaml, the demo registry's and one with approvers' keys,
forge keys and ``approver_changes``, each leaf value replaced by a hostile scalar (hex and
underscored integers, 1e3, .inf, YAML 1.1 words, dates in every spelling, tags, escapes that
make lone surrogates, NEL and U+2028, empty collections, long texts), lines dropped, repeated
(duplicate keys) and re-indented.
"""
from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from fixturekit import FIXTURES
from gitrepo import yaml_text
from registry import blobfields, configfacts
from registry.cachestore import Store
from registry.errors import ConfigError
from registry.loader import config_from
from registry.models import RegistryConfig
from registry.models.twins import twin_of
from registry.yamlio import YamlError, parse
from test_twins import assert_twin
from test_x_construct import EXAMPLES, SCALARS

DEMO = FIXTURES.parents[1] / "registry.yaml"  # the demo registry of the repository
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOq0dU4wG6jnLwLoUdd5B8z0yGB6bE1H9pVnJrT1yQbJ forge"
RICH: dict[str, Any] = {
    "jurisdiction": "测试县", "profiles": ["quxian"], "base_branch": "main",
    "units": [
        {"id": "dsj", "name": "测试县大数据局", "kind": "authority",
         "approvers": [{"email": "approver@dsj.test.gov.cn", "key": KEY}, "lead@dsj.test.gov.cn", "@dsj-lead"],
         "reviewers": ["@county/dsj"]},
        {"id": "czj", "name": "测试县财政局", "kind": "department", "approvers": ["approver@czj.test.gov.cn"]},
        {"id": "wjw", "name": "测试县卫生健康局", "kind": "department", "parent": "dsj"},
    ],
    "authorities": {"data_authority": "dsj", "finance": "czj"},
    "trust": {"merge_keys": [KEY], "approver_changes": "either"},
    "publish_identities": False,
}
TEXTS = sorted([(p.parent.name, p.read_text("utf-8")) for p in FIXTURES.glob("*/registry.yaml")]
               + [("demo", DEMO.read_text("utf-8")), ("rich", yaml_text(RICH))])
LEAF = re.compile(r"^(?P<head>\s*(?:- )?(?:[A-Za-z_][A-Za-z0-9_]*: |- ))(?P<value>\S.*)$")


def model_twin(raw: bytes) -> Any:
    """What 0beded6's audit made of a version of registry.yaml, as a twin (None: refused)."""
    try:
        return twin_of(RegistryConfig.model_validate(parse(raw).data))
    except (YamlError, ValidationError, ValueError, RecursionError):
        return None


def assert_history_config_agrees(raw: bytes) -> str:
    expected = model_twin(raw)
    for fast in (True, False):
        got = blobfields.history_config(raw, fast)
        if expected is None:
            assert got is None, (fast, raw[:300])
        else:
            assert got is not None, (fast, raw[:300])
            assert_twin(got, RegistryConfig.model_validate(parse(raw).data), f"fast={fast}")
            assert got == expected
    return "refused" if expected is None else "valid"


def loaded(raw: bytes) -> tuple[str, Any]:
    try:
        return "ok", twin_of(config_from(raw))
    except ConfigError as exc:
        return "error", (exc.message, exc.path, exc.line, exc.column)


def assert_config_twin_agrees(raw: bytes, store: Store | None) -> str:
    kind, expected = loaded(raw)
    for _ in range(2):  # the second time from the store's memory, when there is one
        try:
            got: tuple[str, Any] = "ok", configfacts.config_twin(raw, store)
        except ConfigError as exc:
            got = "error", (exc.message, exc.path, exc.line, exc.column)
        assert got == (kind, expected), raw[:300]
        if kind == "ok":
            assert_twin(got[1], config_from(raw))
    return kind


@st.composite
def edited(draw: st.DrawFn) -> bytes:
    name, text = draw(st.sampled_from(TEXTS))
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        how = draw(st.sampled_from(["scalar", "scalar", "scalar", "drop", "repeat", "indent"]))
        match = LEAF.match(lines[i])
        if how == "scalar" and match:
            lines[i] = match["head"] + draw(st.sampled_from(SCALARS))
        elif how == "drop":
            del lines[i]
        elif how == "repeat":
            lines.insert(i, lines[i])
        elif how == "indent":
            lines[i] = "  " + lines[i]
    return "\n".join(lines).encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("name", [name for name, _ in TEXTS])
def test_every_leaf_with_every_hostile_scalar(name: str) -> None:
    text = dict(TEXTS)[name]
    lines = text.split("\n")
    seen: list[str] = []
    for i, line in enumerate(lines):
        match = LEAF.match(line)
        if not match:
            continue
        for scalar in SCALARS if name == "rich" else SCALARS[i % 4::4]:  # (the approvers' text: all)
            raw = "\n".join([*lines[:i], match["head"] + scalar, *lines[i + 1:]]).encode("utf-8", "surrogatepass")
            seen.append(assert_history_config_agrees(raw))
    assert "valid" in seen and "refused" in seen


@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited())
def test_edited_versions_read_in_history_as_the_model_reads_them(raw: bytes) -> None:
    event(assert_history_config_agrees(raw))


@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited())
def test_the_working_tree_s_registry_yaml_is_refused_or_read_as_config_from_does(raw: bytes) -> None:
    event(assert_config_twin_agrees(raw, None))


def test_a_store_remembering_other_versions_answers_for_each_version_its_own(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    assert store is not None
    for name, text in TEXTS:
        for variant in (text, text.replace("kind: department", "kind: township", 1), text + "bogus_key: 1\n",
                        text.replace("units:", "units:\n  - id: dsj\n    name: 重复\n    kind: authority", 1)):
            assert_config_twin_agrees(variant.encode("utf-8"), store)


APPROVERS = [  # the spellings the Approver model takes or refuses (aliases of keys, stripped e-mails …)
    {"email": " approver@dsj.test.gov.cn ", "key": KEY}, {"email": "approver@dsj.test.gov.cn", "fingerprint": "SHA256:abc"},
    {"email": "approver@dsj.test.gov.cn", "fingerprints": ["SHA256:abc", "SHA256:def"]},
    {"email": "approver@dsj.test.gov.cn", "keys": KEY}, {"email": "approver@dsj.test.gov.cn", "key": KEY, "keys": ["x"]},
    {"email": "approver@dsj.test.gov.cn", "key": KEY, "fingerprint": "SHA256:abc"},
    {"email": "approver@dsj.test.gov.cn", "name": "张三", "keys": []}, {"email": "approver@dsj.test.gov.cn", "name": None},
    {"email": "Approver@DSJ.test.gov.cn\u200b"}, {"email": "approver＠dsj.test.gov.cn"}, {"email": "@dsj-lead", "key": [KEY, KEY]},
    {"email": "a@b", "key": None}, {"email": "a@b", "keys": None}, {"email": "a@b", "extra": 1}, {"key": KEY},
    " approver@dsj.test.gov.cn ", "approver@dsj.test.gov.cn\t", None, 3, [], {},
]


@pytest.mark.parametrize("approver", APPROVERS, ids=range(len(APPROVERS)))
def test_approvers_and_merge_keys_in_every_spelling(approver: Any) -> None:
    data = copy.deepcopy(RICH)
    data["units"][0]["approvers"] = [approver, "lead@dsj.test.gov.cn"]
    assert_history_config_agrees(yaml_text(data).encode("utf-8"))
    assert_config_twin_agrees(yaml_text(data).encode("utf-8"), None)
    data["trust"]["merge_keys"] = [approver] if isinstance(approver, str) else [KEY, f" {KEY} "]
    assert_history_config_agrees(yaml_text(data).encode("utf-8"))
    assert_config_twin_agrees(yaml_text(data).encode("utf-8"), None)
