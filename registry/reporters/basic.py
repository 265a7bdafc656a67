"""Text, JSON and GitHub Actions output (CLI.md)."""
from __future__ import annotations

from registry.findings import Report
from registry.reporters.jsontext import indented_json


def summary_line(report: Report, lang: str) -> str:
    """The last line: how many records were checked and reported on. With PATHS, those among
    them, and beside it the whole registry's count (what the cross-record rules looked at)."""
    s = report.summary
    profiles = ", ".join(s.profiles)
    if lang == "en":
        scope = f"{s.records}" if s.checked is None else f"{s.checked}"
        whole = "" if s.checked is None else f"of {s.records} in the registry; "
        return f"{scope} records checked ({whole}profiles: {profiles}): {report.errors} errors, {report.warnings} warnings"
    if s.checked is None:
        return f"共检查 {s.records} 条记录（规则配置：{profiles}）：{report.errors} 个错误，{report.warnings} 个警告"
    return (f"共检查 {s.checked} 条记录（登记簿共 {s.records} 条记录；规则配置：{profiles}）："
            f"{report.errors} 个错误，{report.warnings} 个警告")


def disabled_lines(report: Report, lang: str) -> list[str]:
    label = "disabled rule" if lang == "en" else "已停用规则"
    return [f"{label} {rule}: {reason}" for rule, reason in report.summary.disabled]


def notice_lines(report: Report, lang: str) -> list[str]:
    return [n.text(lang) for n in report.summary.notices]


def render_text(report: Report, lang: str) -> str:
    """``path:line:col: [severity] message (RULE)``, the citation on the next line."""
    basis = "basis" if lang == "en" else "依据"
    lines = []
    for f in report.findings:
        lines.append(f"{f.path}:{f.line}:{f.column}: [{f.severity}] {f.message.text(lang)} ({f.rule})")
        if f.citation:
            lines.append(f"    {basis}: {f.citation}" if lang == "en" else f"    {basis}：{f.citation}")
    lines.extend(disabled_lines(report, lang))
    lines.extend(notice_lines(report, lang))
    lines.append(summary_line(report, lang))
    return "\n".join(lines) + "\n"


def render_json(report: Report, lang: str) -> str:
    s = report.summary
    payload = {
        "findings": [f.as_json(lang) for f in report.findings],
        "summary": {
            "errors": report.errors,
            "warnings": report.warnings,
            "records": s.records,
            **({"checked": s.checked} if s.checked is not None else {}),  # check PATHS: the records among them
            "profiles": s.profiles,
            "disabled_rules": [{"rule": r, "reason": why} for r, why in s.disabled],
            "notices": notice_lines(report, lang),
            **({"trust": s.trust} if s.trust else {}),
        },
    }
    return indented_json(payload) + "\n"  # (json.dumps(payload, ensure_ascii=False, indent=2), faster)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report, lang: str) -> str:
    """GitHub Actions workflow commands: annotations on the changed files."""
    lines = []
    for f in report.findings:
        body = f.message.text(lang) + (f"（{f.citation}）" if f.citation else "")
        props = f"file={_escape_property(f.path)},line={f.line},col={f.column},title={_escape_property(f.rule)}"
        lines.append(f"::{f.severity} {props}::{_escape_data(body)}")
    for line in [*disabled_lines(report, lang), *notice_lines(report, lang)]:
        lines.append(f"::notice::{_escape_data(line)}")
    lines.append(summary_line(report, lang))
    return "\n".join(lines) + "\n"
