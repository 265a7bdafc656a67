"""Reporters render a :class:`~registry.findings.Report` (of ``check`` or ``audit``); one per
output format, chosen through :class:`~registry.reporters.formats.Renderers` like every other
command's formats. A reporter prints only what the report carries (findings, summary, and the
rule metadata stamped into ``Report.rules``): it imports no rule registry and no audit."""
from __future__ import annotations

from collections.abc import Callable

from registry.findings import Report
from registry.reporters.basic import render_github, render_json, render_text
from registry.reporters.formats import Renderer, Renderers

Reporter = Callable[[Report, str], str]


# JUnit (xml.etree, pyexpat) and SARIF are imported when asked for: every command that renders
# anything imports this package, and most never write either.
def render_junit(report: Report, lang: str) -> str:
    from registry.reporters.junit import render_junit as render

    return render(report, lang)


def render_sarif(report: Report, lang: str) -> str:
    from registry.reporters.sarif import render_sarif as render

    return render(report, lang)


REPORTERS: Renderers[Report, str] = Renderers(default="text")
REPORTERS.add("github", "GitHub Actions 注释（在合并请求的文件上标出问题）", render_github)
REPORTERS.add("json", "JSON，供程序读取", render_json)
REPORTERS.add("junit", "JUnit XML，供 GitLab 合并请求的测试报告读取", render_junit)
REPORTERS.add("sarif", "SARIF 2.1.0，供 GitHub 代码扫描（upload-sarif）读取", render_sarif)
REPORTERS.add("text", "文本，每个问题一行并附依据条款", render_text)

__all__ = ["REPORTERS", "Renderer", "Renderers", "Reporter"]
