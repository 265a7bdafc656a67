"""Every command with output formats declares them in one :class:`Renderers` map, which gives
argparse its choices and help and picks the renderer; reporters print only what the report
carries."""
from __future__ import annotations

import argparse
import datetime as dt
import importlib
from pathlib import Path

import pytest

from casekit import REGISTRY, record_data, write_yaml
from registry.checking import check_report
from registry.cli import build_parser, main
from registry.findings import Finding, Message, Report, Severity, Summary
from registry.loader import ConfigError
from registry.reporters import REPORTERS
from registry.reporters.formats import Renderers

# command → (module, name of its Renderers map, formats in the order --help lists them)
COMMANDS = {
    "check": ("registry.commands.check", "REPORTERS", ["github", "json", "junit", "sarif", "text"]),
    "audit": ("registry.commands.audit", "REPORTERS", ["github", "json", "junit", "sarif", "text"]),
    "diff": ("registry.commands.diff", "FORMATS", ["markdown", "json"]),
    "rules": ("registry.commands.rules", "FORMATS", ["text", "json", "markdown"]),
    "inventory": ("registry.commands.inventory", "FORMATS", ["text", "json", "csv"]),
    "export": ("registry.commands.export", "FORMATS", ["json", "csv", "xlsx"]),
}


def _format_action(command: str) -> argparse.Action:
    parser = build_parser([command])
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return next(a for a in sub.choices[command]._actions if "--format" in a.option_strings)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_each_command_takes_its_formats_from_one_map(command: str) -> None:
    module, attribute, names = COMMANDS[command]
    formats = getattr(importlib.import_module(module), attribute)
    assert isinstance(formats, Renderers)
    assert list(formats) == names
    action = _format_action(command)
    assert list(action.choices or []) == names
    assert action.default == formats.default
    for name in names:  # the help names every format with what it is for
        assert name in (action.help or "") and formats.renderer(name).help in (action.help or "")


def test_an_unknown_format_is_a_usage_error_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("check", "audit", "rules", "inventory", "export"):
        with pytest.raises(SystemExit) as exc:
            main([command, "--format", "xml"])
        assert exc.value.code == 2
        assert "参数 --format：无效的选项 'xml'" in capsys.readouterr().err
    report = Report([], Summary(records=0, profiles=[]))
    with pytest.raises(ConfigError) as raised:
        REPORTERS.render("xml", report, "zh")  # from Python: the same exit code 2, with the known names
    assert raised.value.message.zh == "未知的输出格式 xml：可选 github、json、junit、sarif、text"
    assert "xml" not in REPORTERS and "sarif" in REPORTERS


def test_a_format_is_registered_once() -> None:
    formats: Renderers[int, str] = Renderers(default="text")
    formats.add("text", "文本", lambda value, lang: str(value))
    with pytest.raises(ValueError, match="registered twice"):
        formats.add("text", "又一个", lambda value, lang: "")
    assert formats.render("text", 42, "zh") == "42" and formats["text"](7, "en") == "7"


def test_check_reports_stamp_what_reporters_print(tmp_path: Path) -> None:
    """The engine puts each cited rule's title, citation and profile into the report; the
    reporters read nothing else."""
    write_yaml(tmp_path / "registry.yaml", REGISTRY)
    write_yaml(tmp_path / "systems/czj/czj-budget.yaml", record_data("systems/czj/czj-budget.yaml", {"statsu": "x"}))
    report = check_report(tmp_path, today=dt.date(2025, 12, 1), use_cache=False)
    assert report.findings and {f.rule for f in report.findings} <= set(report.rules)
    info = report.rules["REG002"]
    assert info.id == "REG002" and info.title and info.tag == "common"


def test_reporters_import_no_rule_registry() -> None:
    """Rendering a report with rules the registry does not know uses only the report."""
    finding = Finding("a.yaml", 3, 1, "ZZ1", Severity.error, "", Message("问题", "problem"), "某办法 第三条")
    text = REPORTERS["text"](Report([finding], Summary(records=1, profiles=["demo"])), "zh")
    assert text.startswith("a.yaml:3:1: [error] 问题 (ZZ1)\n    依据：某办法 第三条\n")
