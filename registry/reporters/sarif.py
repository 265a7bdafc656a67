"""SARIF 2.1.0 output, as GitHub code scanning reads it (``upload-sarif``).

Paths are relative to the registry root (``uriBaseId: %SRCROOT%``), which is the repository
root in the usual layout. Each result carries a ``partialFingerprints`` entry made from rule,
path, field and message, so an alert keeps its identity when lines move.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from typing import Any, NamedTuple
from urllib.parse import quote

from registry import __version__
from registry.findings import Finding, Report, Severity
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
            "rules": [rule_descriptor(rule_id, lang, report.summary.profiles) for rule_id in rule_ids],
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


class RuleInfo(NamedTuple):
    title: str
    summary: str
    citation: str
    quote: str
    name: str
    level: str
    tag: str  # the profile (quxian, potou …), "common" or "audit"


def rule_descriptor(rule_id: str, lang: str, profiles: Collection[str] | None = None) -> dict[str, Any]:
    """A ``reportingDescriptor``: GitHub shows shortDescription, fullDescription and help."""
    info = rule_info(rule_id, profiles)
    help_text = "\n\n".join(part for part in (info.summary, info.citation, info.quote) if part)
    descriptor: dict[str, Any] = {
        "id": rule_id,
        "shortDescription": {"text": info.title or rule_id},
        "fullDescription": {"text": info.summary or info.title or rule_id},
        "help": {"text": help_text or info.title or rule_id},
        "defaultConfiguration": {"level": info.level},
        "properties": {"tags": ["registry", info.tag]},
    }
    if info.name:
        descriptor["name"] = info.name
    return descriptor


def rule_info(rule_id: str, profiles: Collection[str] | None = None) -> RuleInfo:
    """What the rule registry (or, for AUD rules, the audit) says about ``rule_id``."""
    from registry.audit import AUDIT_RULES  # imported here: only SARIF needs audit metadata
    from registry.rules import RULES

    rule = RULES.get(rule_id)
    if rule is not None:
        return RuleInfo(rule.title, rule.summary, rule.citation_for(profiles), rule.quote_for(profiles), rule.name,
                        str(rule.severity), rule.profile)
    audit = AUDIT_RULES.get(rule_id)
    if audit is not None:
        return RuleInfo(audit.title, audit.summary, audit.citation, audit.quote, "", "error", "audit")
    return RuleInfo("", "", "", "", "", "error", "registry")
