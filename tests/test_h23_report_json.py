"""Reports in JSON are written by :func:`registry.reporters.jsontext.indented_json`: exactly
the text ``json.dumps(..., ensure_ascii=False, indent=2)`` writes, for an audit's report of a
real history and for reports holding every odd text a finding may carry."""
from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.audit import run_audit
from registry.findings import Finding, Message, Report, Severity, Summary
from registry.reporters import REPORTERS
from registry.reporters.jsontext import indented_json
from test_h23_audit_fast import governed


def standard(report: Report, lang: str) -> str:
    """What render_json wrote before (the standard encoder)."""
    s = report.summary
    payload = {
        "findings": [f.as_json(lang) for f in report.findings],
        "summary": {
            "errors": report.errors, "warnings": report.warnings, "records": s.records, "profiles": s.profiles,
            "disabled_rules": [{"rule": r, "reason": why} for r, why in s.disabled],
            "notices": [n.text(lang) for n in s.notices],
            **({"trust": s.trust} if s.trust else {}),
        },
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def test_an_audit_report_in_json_is_the_standard_encoders_text(tmp_path: Path) -> None:
    repo = governed(tmp_path)
    for trust in ("identities", "signatures"):
        report = run_audit(repo.path, trust=trust)
        assert report.findings
        for lang in ("zh", "en"):
            assert REPORTERS.render("json", report, lang) == standard(report, lang)


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["引号\" 反斜杠\\ 换行\n 制表\t", "\x00\u2028\u2029", "😀", ""])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(TEXT, st.integers(0, 10**6), st.integers(0, 500), TEXT, TEXT, TEXT), max_size=5),
       st.lists(TEXT, max_size=3), st.lists(st.tuples(TEXT, TEXT), max_size=2), st.sampled_from(["", "signatures"]))
def test_any_report_in_json_is_the_standard_encoders_text(found: list[tuple[str, int, int, str, str, str]],
                                                          profiles: list[str], disabled: list[tuple[str, str]],
                                                          trust: str) -> None:
    findings = [Finding(path=p, line=ln, column=c, rule=r, severity=Severity.warning, field=f,
                        message=Message(m, m[::-1]), citation=m) for p, ln, c, r, f, m in found]
    report = Report(findings, Summary(records=len(found), profiles=profiles, disabled=disabled,
                                      notices=[Message(p, p) for p in profiles], trust=trust))
    for lang in ("zh", "en"):
        assert REPORTERS.render("json", report, lang) == standard(report, lang)


def test_what_it_does_not_write_itself_goes_to_the_standard_encoder() -> None:
    for value in ({"x": 1.5}, {1: "a"}, [Severity.error], {"a": [True, None, {"b": -0}]}):
        assert indented_json(value) == json.dumps(value, ensure_ascii=False, indent=2)
