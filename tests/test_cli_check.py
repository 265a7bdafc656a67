"""`registry check` as a user runs it: exit codes, formats, positions, Chinese messages."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from casekit import build_registry
from registry.cli import main

VALID_SYSTEM = "id: czj-ok\nname: 甲系统\nunit: czj\nstatus: planned\ndeployment: county_cloud\n"


def check(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any, str]:
    code = main(["--root", str(root), "check", "--format", "json", "--today", "2025-12-01", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, json.loads(out) if out.strip().startswith("{") else out, err


@pytest.fixture
def root(tmp_path: Path) -> Path:
    build_registry(tmp_path, {"records": {}, "registry": {"profiles": ["potou"]}})  # no potou rule asks more of the template system
    return tmp_path


def write(root: Path, path: str, text: str | bytes) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)


def test_clean_registry_exits_0(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check(root, capsys)
    assert code == 0
    assert out["findings"] == []
    assert out["summary"]["errors"] == 0 and out["summary"]["records"] == 1
    assert out["summary"]["profiles"] == ["potou"]


@pytest.mark.parametrize(
    ("text", "rule", "line", "field", "words"),
    [
        ("id: czj-x\nname: [甲\nunit: czj\n", "REG001", 3, "", "YAML 语法错误"),
        ("id: czj-x\nname: 甲\nunit: czj\nname: 乙\nstatus: planned\ndeployment: county_cloud\n", "REG001", 4, "name", "重复的键"),
        ("id: czj-x\nnmae: 甲\nname: 甲\nunit: czj\nstatus: planned\ndeployment: county_cloud\n", "REG002", 2, "nmae", "是否想写 name"),
        ("id: czj-x\nname: 甲\nunit: czj\nstatus: runing\ndeployment: county_cloud\n", "REG002", 4, "status", "不在可选值中"),
        ("id: czj-x\nname: 2024-12-12\nunit: czj\nstatus: planned\ndeployment: county_cloud\n", "REG002", 2, "name", "请加引号"),
        ("id: czj-x\nname: 甲\nunit: czj\nstatus: planned\ndeployment: county_cloud\ndescription: 8.1\n", "REG002", 6, "description", "读成了数字"),
    ],
    ids=["syntax", "duplicate-key", "unknown-key", "wrong-enum", "unquoted-date", "unquoted-number"],
)
def test_bad_input_names_rule_line_and_field(
    root: Path, capsys: pytest.CaptureFixture[str], text: str, rule: str, line: int, field: str, words: str
) -> None:
    write(root, "systems/czj/czj-x.yaml", text)
    code, out, _ = check(root, capsys)
    assert code == 1
    [finding] = out["findings"]
    assert (finding["rule"], finding["line"], finding["field"], finding["path"]) == (rule, line, field, "systems/czj/czj-x.yaml")
    assert words in finding["message"]


def test_alias_bomb_is_refused_before_it_expands(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    layers = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    layers += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    write(root, "systems/czj/czj-bomb.yaml", "\n".join(layers) + "\n")
    code, out, _ = check(root, capsys)
    assert code == 1
    assert [f["rule"] for f in out["findings"]] == ["REG001"]
    assert "锚点" in out["findings"][0]["message"]


def test_english_messages(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(root, "systems/czj/czj-x.yaml", VALID_SYSTEM.replace("planned", "runing").replace("czj-ok", "czj-x"))
    code = main(["--root", str(root), "--lang", "en", "check", "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert out["findings"][0]["message"].startswith("status: runing is not one of")


def test_text_format_has_position_rule_and_citation(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(root, "projects/czj/2025-czj-001.yaml",
          "id: 2025-czj-001\nname: 甲\nunit: czj\nyear: 2025\nnature: new\ndelivery: build\n"
          "scope: public\ntrack: approval\nclassified: true\nbudget: {total_wan: 10}\n")
    code = main(["--root", str(root), "check"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0].startswith("projects/czj/2025-czj-001.yaml:9:1: [error] 项目 2025-czj-001 标记为涉密")
    assert out[0].endswith("(REG009)")
    # the registry chose potou: its article only, not 金乡县's article saying the same thing
    assert out[1].strip() == "依据：坡头区区级政务信息化服务项目管理办法 第五条"
    assert "1 个错误" in out[-1]


def test_github_format(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(root, "systems/czj/czj-x.yaml", "id: czj-x\nname: 甲\nunit: czj\nstatus: retired\ndeployment: county_cloud\n")
    assert main(["--root", str(root), "check", "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("::error file=systems/czj/czj-x.yaml,line=1,col=1,title=REG006::")


def test_paths_limit_the_report_not_the_lookups(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(root, "systems/czj/czj-bad.yaml", "id: czj-bad\n")
    write(root, "projects/czj/2025-czj-001.yaml",
          "id: 2025-czj-001\nname: 甲\nunit: czj\nyear: 2025\nnature: upgrade\ndelivery: build\n"
          "scope: public\ntrack: approval\nbudget: {total_wan: 10}\nsystems: {upgrades: [czj-budget]}\n")
    code, out, _ = check(root, capsys, str(root / "projects/czj/2025-czj-001.yaml"))
    assert code == 0 and out["findings"] == []  # czj-budget resolves; czj-bad is not reported
    code, out, _ = check(root, capsys, str(root / "systems/czj/czj-bad.yaml"))
    assert code == 1 and {f["path"] for f in out["findings"]} == {"systems/czj/czj-bad.yaml"}


def test_deadline_warnings_fail_only_with_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from registry.findings import Message, Report, Severity, Summary, Finding

    report = Report([Finding("p", 1, 1, "X", Severity.warning, "", Message("警告", "warning"))], Summary(1, []))
    assert report.exit_code(strict=False) == 0
    assert report.exit_code(strict=True) == 1


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ({"profiles": ["nowhere"]}, "未知的规则配置 nowhere"),
        ({"disabled_rules": [{"rule": "REG009", "reason": " "}]}, "disabled_rules[0].reason"),
        ({"disabled_rules": [{"rule": "XX1", "reason": "会议决定"}]}, "XX1 不存在"),
        ({"parameters": {"no_such_parameter": 3}}, "no_such_parameter"),
        ({"authorities": {"data_authority": "nobody"}}, "nobody"),
    ],
    ids=["unknown-profile", "disabled-without-reason", "disabled-unknown", "unknown-parameter", "unknown-authority"],
)
def test_configuration_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], config: dict[str, Any], words: str) -> None:
    build_registry(tmp_path, {"records": {}, "registry": config})
    code = main(["--root", str(tmp_path), "check"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("registry.yaml:") and words in err
    assert "Traceback" not in err


def test_disabled_rules_are_echoed_with_their_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_registry(tmp_path, {"registry": {"profiles": ["potou"], "disabled_rules": [{"rule": "REG009", "reason": "县政府常务会议决定暂缓"}]},
                              "records": {"projects/czj/2025-czj-001.yaml": {"classified": True}}})
    code, out, _ = check(tmp_path, capsys)
    assert code == 0
    assert out["summary"]["disabled_rules"] == [{"rule": "REG009", "reason": "县政府常务会议决定暂缓"}]
    main(["--root", str(tmp_path), "check"])
    assert "已停用规则 REG009: 县政府常务会议决定暂缓" in capsys.readouterr().out


def test_missing_registry_yaml_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(tmp_path), "check"]) == 2
    assert "找不到或无法读取 registry.yaml" in capsys.readouterr().err


def test_base_outside_git_exits_2_with_hint(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(root), "check", "--base", "main"]) == 2
    assert "git" in capsys.readouterr().err


def test_bad_today_is_a_usage_error(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--root", str(root), "check", "--today", "2025-13-01"])
    assert exc.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
