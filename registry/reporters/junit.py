"""JUnit XML output, as GitLab's merge-request test report (``artifacts:reports:junit``) reads it.

One ``testsuite`` per file with findings, one ``testcase`` per finding: an error is a
``failure``; a warning is ``skipped`` (JUnit has no warning status, and a skipped case shows in
GitLab's report without failing it). A final ``registry`` suite holds one passing case with the
summary, so a clean run still shows as a test report rather than as "no tests".
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import groupby

from registry.findings import Finding, Report, Severity
from registry.reporters.basic import disabled_lines, notice_lines, summary_line

# Characters XML 1.0 cannot carry at all (user text might hold them).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render_junit(report: Report, lang: str) -> str:
    suites = ET.Element("testsuites", _counts("registry", report.findings, extra=1))
    for path, group in groupby(sorted(report.findings), key=lambda f: f.path):
        findings = list(group)
        suite = ET.SubElement(suites, "testsuite", _counts(path, findings))
        for f in findings:
            _testcase(suite, f, lang)
    summary = ET.SubElement(suites, "testsuite", _counts("registry", [], extra=1))
    case = ET.SubElement(summary, "testcase", classname="registry", name=_clean(summary_line(report, lang)), time="0")
    ET.SubElement(case, "system-out").text = _clean("\n".join(
        [*disabled_lines(report, lang), *notice_lines(report, lang), summary_line(report, lang)]
    ))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _counts(name: str, findings: list[Finding], *, extra: int = 0) -> dict[str, str]:
    """Attributes of a suite holding ``findings`` (plus ``extra`` passing cases)."""
    failures = sum(1 for f in findings if f.severity is Severity.error)
    return {
        "name": _clean(name), "tests": str(len(findings) + extra), "failures": str(failures),
        "errors": "0", "skipped": str(len(findings) - failures), "time": "0",
    }


def _testcase(suite: ET.Element, f: Finding, lang: str) -> None:
    where = f.field or ("record" if lang == "en" else "记录")
    line = f"line {f.line}" if lang == "en" else f"第 {f.line} 行"
    case = ET.SubElement(suite, "testcase", classname=_clean(f.path), name=_clean(f"{f.rule} {where}（{line}）"),
                         file=_clean(f.path), line=str(f.line), time="0")
    message = _clean(f.message.text(lang))
    basis = "basis" if lang == "en" else "依据"
    body = f"{f.path}:{f.line}:{f.column}: [{f.severity}] {f.message.text(lang)} ({f.rule})"
    if f.citation:
        body += f"\n{basis}: {f.citation}" if lang == "en" else f"\n{basis}：{f.citation}"
    if f.severity is Severity.error:
        ET.SubElement(case, "failure", message=message, type=f.rule).text = _clean(body)
    else:
        ET.SubElement(case, "skipped", message=_clean(f"[warning] {f.message.text(lang)}")).text = _clean(body)


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
