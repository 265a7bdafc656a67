"""A broken registry.yaml is refused the same way by every command that reads it: exit 2,
the same message naming registry.yaml and its line."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness import Case, config_line, ids, parameters, replace, run_case, steps, write

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


def bad(name: str, build: object) -> Case:
    return Case(name, build, commands=EVERY_COMMAND, expect=2, names="registry.yaml")  # type: ignore[arg-type]


CASES = [
    bad("unknown_profile", config_line("profiles: [jinxiang]", "profiles: [jinxiang, nosuch]")),
    bad("no_profile", config_line("profiles: [jinxiang]", "profiles: []")),
    bad("unknown_parameter", parameters("{no_such_parameter: 3}")),
    bad("parameter_of_another_profile", parameters("{self_build_limit_wan: 30}")),
    bad("parameter_far_too_large", parameters("{contract_working_days: 100000}")),
    bad("parameter_zero", parameters("{contract_working_days: 0}")),
    bad("parameter_negative_share", parameters("{min_security_share: -0.5}")),
    bad("parameter_share_over_one", parameters("{JX37.min_security_share: 5}")),
    bad("parameter_nan", parameters("{major_project_wan: .nan}")),
    bad("parameter_infinite", parameters("{major_project_wan: .inf}")),
    bad("parameter_boolean_for_a_number", parameters("{contract_working_days: true}")),
    bad("parameter_text_for_a_number", parameters('{contract_working_days: "10"}')),
    bad("parameter_fraction_for_an_integer", parameters("{contract_working_days: 10.5}")),
    bad("unknown_disabled_rule", config_line("parameters: {}", "parameters: {}\ndisabled_rules: [{rule: NOPE1, reason: 会议纪要}]")),
    bad("disabled_rule_without_reason", config_line("parameters: {}", "parameters: {}\ndisabled_rules: [{rule: JX37, reason: ' '}]")),
    bad("unknown_top_level_key", config_line("parameters: {}", "parameters: {}\nprofile: jinxiang")),
    bad("duplicate_unit_id", config_line("  - id: czj\n", "  - id: dsj\n")),
    bad("authority_names_unknown_unit", config_line("finance: czj", "finance: nosuch")),
    bad("config_yaml_syntax_error", config_line("base_branch: main", "base_branch: [main")),
    bad("config_is_a_list", write("registry.yaml", "- jinxiang\n")),
    bad("config_empty", write("registry.yaml", "")),
    bad("config_not_utf8", write("registry.yaml", "jurisdiction: 金乡县\n".encode("gbk"))),
    bad("config_alias", config_line("base_branch: main", "base_branch: &b main\nb2: *b")),
    bad("config_deep_nesting", config_line("parameters: {}", "parameters: " + "{a: " * 10_000 + "1" + "}" * 10_000)),
    # (without registry.yaml, ``registry rules`` lists the rules as documentation)
    Case("config_missing", lambda root: (root / "registry.yaml").unlink(),
         commands=tuple(c for c in EVERY_COMMAND[:-1] if c[0] != "rules"), expect=2, names="registry.yaml"),
    Case("config_is_a_folder", steps(lambda root: (root / "registry.yaml").unlink(), lambda root: (root / "registry.yaml").mkdir()),
         commands=EVERY_COMMAND[:-1], expect=2, names="registry.yaml"),
    Case("config_is_a_symlink", steps(lambda root: (root / "registry.yaml").rename(root / "real.yaml"),
                                      lambda root: (root / "registry.yaml").symlink_to("real.yaml")),
         commands=EVERY_COMMAND[:-1], expect=2, names="registry.yaml"),
    bad("unit_id_with_path_characters", replace("registry.yaml", "  - id: czj\n", "  - id: ../czj\n")),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_configuration(case: Case, tmp_path: Path) -> None:
    outcomes = run_case(case, tmp_path)
    messages = {o.err.strip().splitlines()[-1] for o in outcomes}
    assert len(messages) == 1, f"{case.name}: commands refuse it differently: {messages}"
