"""Rule documentation generated from the rule registry (sqlfluff style): the docstring, the
citation and the examples of each rule are its documentation. Used by ``registry rules`` and
by the site's rule pages."""
from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import Any

from registry import plainclass
from registry.findings import Severity
from registry.rules.base import KIND_LABELS, Rule, allowed_values
from registry.rules.profiles import PROFILES

SEVERITY_LABELS = {Severity.error: "错误", Severity.warning: "警告"}


@plainclass.dataclass(frozen=True)
class Parameter:
    name: str
    default: Any
    type: str
    description: str
    range: str = ""  # allowed values of a numeric parameter, e.g. "1 至 250 的整数"


def parameters(rule: Rule[Any]) -> list[Parameter]:
    out = []
    for name, info in rule.params.model_fields.items():
        annotation = info.annotation
        type_name = getattr(annotation, "__name__", str(annotation))
        allowed = allowed_values(rule.params, name)
        out.append(Parameter(name, info.default, type_name, info.description or "", allowed[0] if allowed else ""))
    return out


def rule_entry(rule: Rule[Any], *, in_force: bool | None = None, values: dict[str, Any] | None = None,
               profiles: Collection[str] | None = None) -> dict[str, Any]:
    """Everything known about a rule, as plain data (the ``--format json`` shape); the articles
    of the chosen ``profiles`` only, when given."""
    entry: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "title": rule.title,
        "profile": rule.profile,
        "kind": str(rule.kind),
        "severity": str(rule.severity),
        "citation": rule.citation_for(profiles),
        "articles": [
            {"profile": c.profile, "regulation": c.regulation, "article": c.article, "quote": c.quote}
            for c in rule.cited(profiles)
        ],
        "summary": own_text(rule.summary, profiles),
        "why": own_text(rule.why, profiles),
        "parameters": [
            {"name": p.name, "default": p.default, "type": p.type, "description": p.description,
             **({"range": p.range} if p.range else {}),
             **({"value": values[p.name]} if values and p.name in values else {})}
            for p in parameters(rule)
        ],
        "fails": rule.fails,
        "passes": rule.passes,
    }
    if in_force is not None:
        entry["in_force"] = in_force
    return entry


# How rule texts and field descriptions refer to a regulation in passing: "（坡头 第五条、金乡 第二条）"
# (each profile declares its short names).
SHORT_NAMES = {p.id: p.short_names for p in PROFILES.values() if p.id != "common"}
_ASIDE = re.compile(r"（[^（）]*(?:（[^（）]*）[^（）]*)*）")


def own_text(text: str, profiles: Collection[str] | None) -> str:
    """``text`` without its asides citing a profile outside ``profiles`` ("（渠县 第三十四条）");
    an aside naming several keeps the chosen ones' parts. None: the text as written."""
    if profiles is None:
        return text
    foreign = tuple(name for p, names in SHORT_NAMES.items() if p not in profiles for name in names)

    def keep(match: re.Match[str]) -> str:
        aside = match.group(0)
        if not any(name in aside for name in foreign):
            return aside
        parts = [part for part in re.split(r"[、；]", aside[1:-1]) if not any(name in part for name in foreign)]
        return f"（{'、'.join(parts)}）" if parts else ""

    return _ASIDE.sub(keep, text)


def _wide(character: str) -> bool:
    """A CJK character or full-width form (U+3000–U+9FFF, U+FF00–U+FFEF): a range test, not a
    regular expression — compiling that character class cost 25 M instructions (4 % of a warm
    3-file commit hook, which imports this module for :func:`own_text` and never calls
    :func:`flow`)."""
    return "\u3000" <= character <= "\u9fff" or "\uff00" <= character <= "\uffef"


def flow(text: str) -> str:
    """Join a paragraph's wrapped lines: no space between two Chinese characters (a browser
    would show one), a space elsewhere; blank lines still separate paragraphs."""
    paragraphs = []
    for paragraph in text.split("\n\n"):
        out = ""
        for line in (part.strip() for part in paragraph.splitlines()):
            if out and line and not (_wide(out[-1]) and _wide(line[0])):
                out += " "
            out += line
        paragraphs.append(out)
    return "\n\n".join(paragraphs)


def _fence(text: str) -> list[str]:
    return ["```yaml", text, "```"]


def markdown(rule: Rule[Any], profiles: Collection[str] | None = None) -> str:
    """One rule as a Markdown section (Chinese), for `registry rules --format markdown` and the
    site; with ``profiles``, citing only the articles of those profiles."""
    lines = [
        f"## {rule.id} {rule.title} {{#{rule.id.lower().replace('.', '-')}}}",
        "",
        f"- 名称：`{rule.name}`",
        f"- 类型：{KIND_LABELS[rule.kind]}（`{rule.kind}`）",
        f"- 默认级别：{SEVERITY_LABELS[rule.severity]}（`{rule.severity}`）",
        f"- 依据：{rule.citation_for(profiles) or '通用规则（数据格式与登记簿完整性）'}",
        "",
    ]
    for c in rule.cited(profiles):
        if c.quote:
            lines += [f"> {c.regulation} {c.article}：{c.quote}", ""]
    lines += [f"**检查内容**：{flow(own_text(rule.summary, profiles))}", ""]
    if rule.why:
        lines += [f"**为什么**：{flow(own_text(rule.why, profiles))}", ""]
    params = parameters(rule)
    if params:
        lines += ["| 参数 | 默认值 | 允许范围 | 说明 |", "|---|---|---|---|"]
        lines += [f"| `{p.name}` | `{p.default}` | {p.range or '—'} | {p.description} |" for p in params]
        lines.append("")
    if rule.fails:
        lines += ["不符合的示例：", "", *_fence(rule.fails), ""]
    if rule.passes:
        lines += ["符合的示例：", "", *_fence(rule.passes), ""]
    return "\n".join(lines)


def markdown_document(rules: Iterable[Rule[Any]], title: str, profiles: Collection[str] | None = None) -> str:
    body = [markdown(r, profiles) for r in rules]
    return f"# {title}\n\n" + "\n".join(body)


def profile_title(profile: str) -> str:
    p = PROFILES[profile]
    return p.regulation if profile == "common" else f"{p.jurisdiction}：{p.regulation}（{p.document}）"
