"""SARIF 2.1.0 output, as GitHub code scanning reads it (``upload-sarif``).

Paths are relative to the registry root (``uriBaseId: %SRCROOT%``), which is the repository
root in the usual layout. Each result carries a ``partialFingerprints`` entry made from rule,
path, field and message, so an alert keeps its identity when lines move. What the log says
about each rule (title, summary, citation, default level, profile tag) comes from the report's
``rules``, stamped by the engine or the audit: this module knows no rule registry.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

from registry import __version__
from registry.findings import Finding, Report, RuleInfo, Severity
from registry.reporters.basic import disabled_lines, notice_lines, summary_line

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"


def render_sarif(report: Report, lang: str) -> str:
    rule_ids = sorted({f.rule for f in report.findings})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "registry",
            "fullName": "政务信息化项目与政务信息系统登记簿校验" if lang != "en" else "Government informatization registry checker",
            "version": __version__,
            "semanticVersion": __version__,
            "rules": [rule_descriptor(report.rules.get(rule_id) or RuleInfo(rule_id), lang) for rule_id in rule_ids],
        }},
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "登记簿根目录" if lang != "en" else "registry root"}}},
        "columnKind": "unicodeCodePoints",  # ruamel reports columns in characters
        "results": [_result(f, index[f.rule], lang) for f in report.findings],
        "invocations": [{
            "executionSuccessful": True,
            "toolExecutionNotifications": [
                {"level": "note", "message": {"text": text}}
                for text in [*disabled_lines(report, lang), *notice_lines(report, lang), summary_line(report, lang)]
            ],
        }],
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def _result(f: Finding, rule_index: int, lang: str) -> dict[str, Any]:
    basis = "basis" if lang == "en" else "依据"
    text = f.message.text(lang) + (f"（{basis}：{f.citation}）" if f.citation and lang != "en"
                                   else f" ({basis}: {f.citation})" if f.citation else "")
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": quote(f.path, safe="/"), "uriBaseId": SRCROOT},
            "region": {"startLine": f.line, "startColumn": f.column},
        },
    }
    if f.field:
        location["logicalLocations"] = [{"fullyQualifiedName": f.field, "kind": "member"}]
    return {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": "error" if f.severity is Severity.error else "warning",
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {"registryFinding/v1": _fingerprint(f)},
    }


def _fingerprint(f: Finding) -> str:
    identity = "\0".join((f.rule, f.path, f.field, f.message.zh))
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]


def rule_descriptor(info: RuleInfo, lang: str) -> dict[str, Any]:
    """A ``reportingDescriptor``: GitHub shows shortDescription, fullDescription and help."""
    help_text = "\n\n".join(part for part in (info.summary, info.citation, info.quote) if part)
    descriptor: dict[str, Any] = {
        "id": info.id,
        "shortDescription": {"text": info.title or info.id},
        "fullDescription": {"text": info.summary or info.title or info.id},
        "help": {"text": help_text or info.title or info.id},
        "defaultConfiguration": {"level": str(info.severity)},
        "properties": {"tags": list(dict.fromkeys(["registry", info.tag]))},  # SARIF: tags are unique
    }
    if info.name:
        descriptor["name"] = info.name
    return descriptor
