"""A broken registry.yaml is refused the same way by every command that reads it: exit 2,
the same message naming registry.yaml and its line."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from harness import Build, Case, config_line, ids, parameters, run_case, steps, write

EVERY_COMMAND = (
    ("check",),
    ("check", "--base", "main"),
    ("export", "--format", "json"),
    ("export", "--format", "xlsx", "--out", "{out}/c.xlsx"),
    ("site", "--out", "{out}/site"),
    ("diff", "--base", "main"),
    ("inventory",),
    ("inventory", "--history"),
    ("audit",),
    ("rules",),
    ("codeowners",),
    ("new", "system", "--unit", "czj"),
)


def bad(name: str, build: Build) -> Case:
    return Case(name, build, commands=EVERY_COMMAND, expect=2, names="registry.yaml")


def registry_yaml_change(change: dict[str, Any]) -> Build:
    """One change of registry.yaml as bad_config.yaml writes it (its header says how)."""
    (how, what), = change.items()
    if how == "replace":
        old, new = what
        return config_line(old, new)
    if how == "parameters":
        return parameters(what)
    if how == "content":
        return write("registry.yaml", what)
    raise AssertionError(f"unknown change {how!r}")  # a typo must not make a case pass


TABLE = YAML(typ="safe", pure=True).load((Path(__file__).parent / "bad_config.yaml").read_text(encoding="utf-8"))

CASES = [
    *(bad(name, registry_yaml_change(change)) for name, change in TABLE.items()),
    bad("config_not_utf8", write("registry.yaml", "jurisdiction: 金乡县\n".encode("gbk"))),
    bad("config_deep_nesting", config_line("parameters: {}", "parameters: " + "{a: " * 10_000 + "1" + "}" * 10_000)),
    # (without registry.yaml, ``registry rules`` lists the rules as documentation)
    Case("config_missing", lambda root: (root / "registry.yaml").unlink(),
         commands=tuple(c for c in EVERY_COMMAND[:-1] if c[0] != "rules"), expect=2, names="registry.yaml"),
    Case("config_is_a_folder", steps(lambda root: (root / "registry.yaml").unlink(), lambda root: (root / "registry.yaml").mkdir()),
         commands=EVERY_COMMAND[:-1], expect=2, names="registry.yaml"),
    Case("config_is_a_symlink", steps(lambda root: (root / "registry.yaml").rename(root / "real.yaml"),
                                      lambda root: (root / "registry.yaml").symlink_to("real.yaml")),
         commands=EVERY_COMMAND[:-1], expect=2, names="registry.yaml"),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_configuration(case: Case, tmp_path: Path) -> None:
    outcomes = run_case(case, tmp_path)
    messages = {o.err.strip().splitlines()[-1] for o in outcomes}
    assert len(messages) == 1, f"{case.name}: commands refuse it differently: {messages}"
