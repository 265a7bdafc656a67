"""Rule test cases as data (sqlfluff style).

Each file ``tests/rules/cases/<RULE>.yaml`` (a profile's rules: ``tests/rules/cases/<profile>/<RULE>.yaml``)
holds cases for one rule::

    rule: QX36
    cases:
      - name: implementation_over_12_months
        today: 2025-12-01                 # optional (default 2025-12-01)
        registry: {profiles: [quxian]}    # optional: merged into the template registry.yaml
        parameters: {max_build_months: 6} # optional: registry.yaml parameters
        records:                          # path -> fields merged onto the template record
          projects/czj/2025-czj-001.yaml:
            milestones: {contracted: {date: 2025-03-01, implementation_months: 13}}
        base:                             # optional, change rules: the base revision's records
          projects/czj/2025-czj-001.yaml: {}
        base_registry: {profiles: [quxian]}  # optional, change rules: the target's registry.yaml
                                          # (merged into the template; default: the case's own)
        fails: [{field: milestones.contracted.implementation_months}]   # exactly these findings
        # or: passes: true                # no finding of this rule

Templates: every record named is the template of its kind (a valid, early-stage record of unit
``czj``) with the case's fields merged on top (a ``null`` deletes a key); ``id`` and ``unit``
follow from the path unless given. The template registry always also holds the system
``czj-budget`` (operating) unless a case overrides that path; set ``template: false`` on a
case to start from no records at all.
"""
from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from registry.engine import Locator, findings_of, select_rules
from registry.findings import Finding
from registry.loader import load_records
from registry.models import RegistryConfig
from registry.rules import RULES
from registry.rules.base import Context, Kind

CASES_DIR = Path(__file__).parent / "rules" / "cases"
DEFAULT_TODAY = dt.date(2025, 12, 1)

REGISTRY: dict[str, Any] = {
    "jurisdiction": "测试县",
    "profiles": ["quxian"],
    "units": [
        {"id": "dsj", "name": "测试县大数据局", "kind": "authority"},
        {"id": "czj", "name": "测试县财政局", "kind": "department"},
        {"id": "wjw", "name": "测试县卫生健康局", "kind": "department"},
        {"id": "gaj", "name": "测试县公安局", "kind": "department"},
    ],
    "authorities": {"data_authority": "dsj", "finance": "czj"},
}

SYSTEM: dict[str, Any] = {
    "name": "测试系统",
    "status": "operating",
    "online_since": dt.date(2021, 6, 1),
    "deployment": "county_cloud",
}

PROJECT: dict[str, Any] = {
    "name": "测试项目",
    "nature": "upgrade",
    "delivery": "build",
    "scope": "professional",
    "track": "approval",
    "budget": {"total_wan": 100},
}

DEFAULT_RECORDS = {"systems/czj/czj-budget.yaml": {}}

# For change rules in git repositories: a new system's approval, and a potou project that meets
# every rule up to approval.
APPROVAL = {"doc_no": "测政字〔2025〕21号", "date": "2025-03-01"}
APPROVED_MILESTONES = {
    "declared": "2024-10-01",
    "reviewed": {"date": "2025-01-10", "ref": "测评〔2025〕1号"},
    "finance_reviewed": {"date": "2025-01-20", "ref": "测财审〔2025〕2号"},
    "approved": {"date": "2025-02-01", "doc_no": "测大数据发〔2025〕3号"},
}
APPROVED_PROJECT = {
    "basis": [{"title": "测试县数字政府建设规划", "doc_no": "测政发〔2023〕5号", "kind": "plan"}],
    "documents": {"resource_catalog": "测资源目录〔2025〕1号"},
    "milestones": APPROVED_MILESTONES,
}


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Deep merge; ``None`` in ``extra`` deletes the key."""
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def record_data(path: str, fields: dict[str, Any]) -> dict[str, Any]:
    parts = path.split("/")
    folder, unit, stem = parts[0], parts[1], parts[-1].removesuffix(".yaml")
    template = dict(SYSTEM) if folder == "systems" else dict(PROJECT, year=int(stem[:4]))
    return merge({"id": stem, "unit": unit, **template}, fields)


def write_yaml(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh)


def records_of(case: dict[str, Any], key: str) -> dict[str, dict[str, Any]]:
    given = case.get(key) or {}
    if key == "records" and case.get("template", True):
        given = {**DEFAULT_RECORDS, **given}
    # ``path: null`` removes a template record; ``path: {}`` is the bare template
    return {path: record_data(path, fields) for path, fields in given.items() if fields is not None}


def build_registry(root: Path, case: dict[str, Any]) -> None:
    """Write the case's registry.yaml and records under ``root``."""
    config = merge(REGISTRY, case.get("registry") or {})
    if case.get("parameters"):
        config["parameters"] = case["parameters"]
    write_yaml(root / "registry.yaml", config)
    for path, data in records_of(case, "records").items():
        write_yaml(root / path, data)
    for path, text in (case.get("raw") or {}).items():  # files written verbatim (REG001 …)
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    for doc in case.get("documents", []):
        (root / doc).parent.mkdir(parents=True, exist_ok=True)
        (root / doc).write_text("附件", encoding="utf-8")


def _yaml_bytes(data: Any) -> bytes:
    import io

    yaml = YAML(typ="safe", pure=True)
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue().encode("utf-8")


def run_case(root: Path, rule_id: str, case: dict[str, Any]) -> list[Finding]:
    """Build the case under ``root`` and return the findings of ``rule_id`` alone."""
    from registry.checking import document_resolver, load_head
    from registry.loader import load_config

    build_registry(root, case)
    config: RegistryConfig = load_config(root)
    selection = select_rules(config)
    params = next((p for r, p in selection.rules if r.id == rule_id), None)
    assert params is not None, f"{rule_id} is not in force for profiles {config.profiles}"
    rule = RULES[rule_id]
    base = None
    if rule.kind is Kind.change or "base" in case:
        base_records = records_of(case, "base")
        base = load_records((p, _yaml_bytes(d)) for p, d in base_records.items())
    proposed = None
    if rule.kind is Kind.change:  # change rules judge by the target's registry.yaml
        proposed = config
        if "base_registry" in case:
            config = RegistryConfig.model_validate(merge(REGISTRY, case["base_registry"]))
    ctx = Context(
        config=config, head=load_head(root), today=case.get("today", DEFAULT_TODAY),
        base=base, document_status=document_resolver(root), proposed_config=proposed,
    )
    return findings_of(((rule, p) for p in rule.run(ctx, params)), ctx, Locator(root))


def load_case_files() -> list[tuple[str, dict[str, Any]]]:
    """(``RULE::case``, case) for every case of every case file, for parametrize."""
    yaml = YAML(typ="safe")
    out = []
    for file in sorted(CASES_DIR.rglob("*.yaml")):
        doc = yaml.load(file.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            out.append((f"{doc['rule']}::{case['name']}", {**case, "rule": doc["rule"]}))
    return out
