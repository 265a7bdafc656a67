"""A rule's documented ``fails``/``passes`` examples as runnable cases (one source: the text
the rule reference shows is the text that runs; see ``registry.rules.base.rule``).

An example is the YAML of ONE record — only the fields that matter — merged onto the case
template of its kind (tests/casekit.py). Comment lines are prose, except these directives,
which say what else the example's registry holds (written so a reader understands them too):

``# 文件 <path>``
    the path of the example's record (else ``<folder>/<unit>/<id>.yaml`` from its ``id`` and
    ``unit``, the folder from its fields: a field only projects have makes it a project);
    ``# 文件 registry.yaml`` makes the example registry.yaml fields instead of a record
``# <path>: <fields>``
    another record (``systems/…`` or ``projects/…``) with these fields, in flow style without
    the braces; indented comment lines (``#   …``) continue it. Change rules find it
    unchanged in the base revision unless a ``基准版本`` line names the same id
``# 基准版本：<fields>``
    change rules: the example's record as the base revision (``--base``) holds it — the
    record with these fields in place; without it, the record is new in the change
``# 基准版本 <path>: <fields>``
    a record of the base revision only (what a change moved, renamed or deleted)
``# 删除了 <path>``
    change rules: a record of the base revision that the change deletes
``# 未提交 <docs/…>``
    a document the example names that is not committed (every other ``docs/…`` path it
    names is committed)
``# 今天 <date>``
    the date deadline rules measure against (default: casekit's 2025-12-01)

An example that is no YAML mapping at all (REG001's duplicate key) is written verbatim as the
record's file. The registry chooses the rule's own profile; every unit named is declared.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from casekit import DEFAULT_TODAY, REGISTRY, build_registry, merge
from registry.engine import Locator, findings_of, select_rules
from registry.findings import Finding
from registry.models import Project, System
from registry.rules.base import Context, Kind, Rule

RECORD_PATH = r"(?:systems|projects)/[\w.-]+/[\w.-]+\.yaml"
_DIRECTIVE = re.compile(
    rf"#\s*(?:文件\s+(?P<file>{RECORD_PATH}|registry\.yaml)(?:[:：].*)?"
    rf"|(?P<other>{RECORD_PATH})[:：](?P<other_fields>.*)"
    rf"|基准版本\s+(?P<moved>{RECORD_PATH})[:：](?P<moved_fields>.*)"
    r"|基准版本[:：](?P<base_fields>.*)"
    rf"|删除了\s*(?P<deleted>{RECORD_PATH})"
    r"|未提交\s+(?P<missing>docs/\S+)"
    r"|今天\s*(?P<today>\d{4}-\d{2}-\d{2})(?:[:：，,].*)?)"
)
_CONTINUATION = re.compile(r"#\s{2,}(?P<more>\S.*)")
_DOCUMENT = re.compile(r"docs/[^\s'\",}\]]+")
PROJECT_ONLY = set(Project.model_fields) - set(System.model_fields)
TEMPLATE_SYSTEM = "systems/czj/czj-budget.yaml"


class ExampleError(ValueError):
    """An example this harness cannot read: the message says which directive and why."""


@dataclasses.dataclass
class Directives:
    file: str = ""
    others: dict[str, str] = dataclasses.field(default_factory=dict)  # path -> fields text
    # base-only path -> fields; "" -> the fields of the example's record in the base
    moved: dict[str, str] = dataclasses.field(default_factory=dict)
    deleted: list[str] = dataclasses.field(default_factory=list)
    missing: list[str] = dataclasses.field(default_factory=list)
    today: dt.date | None = None


def _directives(text: str) -> Directives:
    out = Directives()
    last: tuple[dict[str, str], str] | None = None  # the fields a continuation line extends
    for line in text.splitlines():
        more = _CONTINUATION.fullmatch(line.rstrip())
        if more and last is not None:
            table, key = last
            before = table[key].strip().rstrip(",，")
            table[key] = f"{before}, {more['more']}" if before else more["more"]
            continue
        last = None
        match = _DIRECTIVE.fullmatch(line.strip()) if line.startswith("#") else None
        if match is None:
            continue
        if match["file"]:
            out.file = match["file"]
        elif match["other"]:
            out.others[match["other"]] = match["other_fields"]
            last = (out.others, match["other"])
        elif match["moved"]:
            out.moved[match["moved"]] = match["moved_fields"]
            last = (out.moved, match["moved"])
        elif match["base_fields"] is not None:
            out.moved[""] = match["base_fields"]
            last = (out.moved, "")
        elif match["deleted"]:
            out.deleted.append(match["deleted"])
        elif match["missing"]:
            out.missing.append(match["missing"])
        elif match["today"]:
            out.today = dt.date.fromisoformat(match["today"])
    return out


def _flow(text: str, where: str) -> dict[str, Any]:
    """``a: 1, b: {c: 2}`` → ``{"a": 1, "b": {"c": 2}}``: a directive holds data only."""
    text = text.strip().rstrip(",，")
    try:
        value = YAML(typ="safe", pure=True).load("{" + text + "}") if text else {}
    except YAMLError as exc:
        raise ExampleError(f"{where}: not a flow mapping: {text!r} ({exc})") from exc
    if not isinstance(value, dict):
        raise ExampleError(f"{where}: not a mapping: {text!r}")
    return value


def _body(text: str) -> dict[str, Any] | None:
    """The example's fields, or None when the text is no YAML mapping."""
    try:
        value = YAML(typ="safe", pure=True).load(text)
    except YAMLError:
        return None
    if value is None:
        return {}
    return value if isinstance(value, dict) else None


def _record_path(fields: dict[str, Any]) -> str:
    """Where a record with these fields belongs: its id and unit decide, as REG003 says (a
    project id ``2025-sjj-002`` names its unit)."""
    project_id = re.fullmatch(r"(\d{4})-([a-z0-9]+)-\d{3}", str(fields.get("id", "")))
    unit = str(fields.get("unit", project_id.group(2) if project_id else "czj"))
    if PROJECT_ONLY & set(fields) or project_id:
        year = fields.get("year", 2025)
        return f"projects/{unit}/{fields.get('id', f'{year}-{unit}-001')}.yaml"
    return f"systems/{unit}/{fields.get('id', f'{unit}-budget')}.yaml"


def _stem(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".yaml")


def example_case(rule: Rule[Any], which: str) -> dict[str, Any]:
    """The casekit case of ``rule``'s ``fails`` or ``passes`` example."""
    text = rule.fails if which == "fails" else rule.passes
    where = f"{rule.id} {which} example"
    if not text.strip():
        raise ExampleError(f"{where}: empty")
    d = _directives(text)
    body = _body(text)
    case: dict[str, Any] = {"name": f"{rule.id}-{which}-example", which: True, "registry": {}}
    if d.today is not None:
        case["today"] = d.today
    records: dict[str, Any] = {p: _flow(f, where) for p, f in d.others.items()}
    base: dict[str, Any] = {p: _flow(f, where) for p, f in d.moved.items() if p}
    is_change = rule.kind is Kind.change
    if is_change:  # context records stand unchanged in the base, unless moved
        moved_ids = {_stem(p) for p in base}
        base.update({p: f for p, f in records.items() if _stem(p) not in moved_ids})
        base.setdefault(TEMPLATE_SYSTEM, {})
    for path in d.deleted:
        base.setdefault(path, {})
        records[path] = None
    if d.file == "registry.yaml":
        if body is None:
            raise ExampleError(f"{where}: registry.yaml example is no YAML mapping")
        case["registry"] = body
    else:
        path = d.file or _record_path(body or {})
        if body is None:
            case["raw"] = {path: text}
        else:
            records[path] = body
            if "" in d.moved:
                base[path] = merge(body, _flow(d.moved[""], where))
    named = _DOCUMENT.findall(text)
    case["documents"] = sorted({doc for doc in named if doc not in d.missing})
    case["records"] = records
    if is_change or base:
        case["base"] = base
    units = {p.split("/")[1] for p in [*records, *base]}
    profiles = list(REGISTRY["profiles"]) if rule.profile == "common" else [rule.profile]
    case["registry"] = {**case["registry"], "profiles": profiles, "units": _units(units)}
    if is_change:  # the target's registry.yaml: the change's own, without what it adds
        case["base_registry"] = {"profiles": profiles, "units": _units(units)}
    return case


def _units(names: set[str]) -> list[dict[str, str]]:
    known = {u["id"] for u in REGISTRY["units"]}
    return [*REGISTRY["units"], *({"id": n, "name": f"测试县{n}", "kind": "department"}
                                  for n in sorted(names - known))]


def common_findings(root: Path, case: dict[str, Any], *, besides: str) -> list[Finding]:
    """Build ``case`` under ``root`` and return what the common record and registry rules other
    than ``besides`` find in it: a passing example must show a record the registry accepts."""
    from registry.checking import document_resolver, load_head
    from registry.loader import load_config

    build_registry(root, case)
    config = load_config(root)
    ctx = Context(config=config, head=load_head(root), today=case.get("today", DEFAULT_TODAY),
                  document_status=document_resolver(root))
    chosen = [(r, p) for r, p in select_rules(config).rules
              if r.profile == "common" and r.kind is not Kind.change and r.id != besides]
    return findings_of(((r, found) for r, p in chosen for found in r.run(ctx, p)), ctx, Locator(root))
