"""The review summary of a change (``registry diff``) as text: Chinese (or English) Markdown short
enough for a pull-request comment, and JSON for bots. What changed is worked out in
:mod:`registry.diffing`; this module only says it."""
from __future__ import annotations

import dataclasses
from typing import Any

from registry.configdiff import summary
from registry.diffing import GROUPS, Diff, RecordChange, RecordRef
from registry.enums import Stage, SystemStatus
from registry.findings import Severity

MAX_ITEMS = 20  # per list in Markdown: a PR comment must stay readable


# -- JSON ---------------------------------------------------------------------------------------


def as_json(diff: Diff, lang: str) -> dict[str, Any]:
    return {
        "base": {"rev": diff.base_rev, "commit": diff.base_commit},
        "config": [{"field": c.field, "change": c.message.text(lang), "loosens": c.loosens} for c in diff.config],
        "records": {group: [_change_json(c) for c in diff.group(group)] for group in GROUPS},
        "stages": [
            {**m.ref.as_json(), "from": m.before.value if m.before else None, "to": m.after.value if m.after else None,
             "reached": [{"milestone": s.value, "date": d.isoformat()} for s, d in m.reached]}
            for m in diff.stages
        ],
        "budgets": [
            {**b.ref.as_json(), "from_wan": b.before, "to_wan": b.after, "delta_wan": b.delta,
             "percent": b.percent, "approved": b.approved}
            for b in diff.budgets
        ],
        "inventory": [
            {"unit": u.unit, "name": u.name, "before": u.before, "after": u.after, "verdict": u.verdict}
            for u in diff.units
        ],
        "inventory_total": None if diff.total is None else {
            "name": diff.total.name, "before": diff.total.before, "after": diff.total.after, "verdict": diff.total.verdict,
        },
        "findings": {
            "introduced": [f.as_json(lang) for f in diff.introduced],
            "fixed": [f.as_json(lang) for f in diff.fixed],
        },
    }


def _change_json(change: RecordChange) -> dict[str, Any]:
    out: dict[str, Any] = {**change.ref.as_json(), "fields": list(change.fields)}
    if change.before:
        out["from"] = change.before
    if change.after:
        out["to"] = change.after
    if change.note:
        out["note"] = change.note
    return out


# -- Markdown -----------------------------------------------------------------------------------


def render_markdown(diff: Diff, lang: str) -> str:
    zh = lang != "en"
    lines = ["## " + ("登记簿变更摘要" if zh else "Registry change summary"), ""]
    if diff.config:  # first: a change to the rules themselves is what a reviewer must see before anything
        lines += [("⚠️ **本变更修改了规则配置：" if zh else "⚠️ **This change modifies the rule configuration: ")
                  + _plain(summary(diff.config, "zh" if zh else "en")) + "**", ""]
    lines.append(_headline(diff, zh))
    if diff.empty:
        lines += ["", "本次变更未改动任何登记记录，也没有引入或修复问题。" if zh
                  else "This change touches no record and introduces or fixes no finding."]
        return "\n".join(lines) + "\n"
    for section in (_units_section, _records_section, _stages_section, _budgets_section, _findings_section):
        block = section(diff, zh)
        if block:
            lines += ["", *block]
    return "\n".join(lines) + "\n"


def _headline(diff: Diff, zh: bool) -> str:
    base = f"`{_plain(diff.base_rev)}` @ `{diff.base_commit[:8]}`"
    counts = [(GROUP_LABELS[g] if zh else g, len(_listed(diff, g))) for g in GROUPS]
    counts += [(("阶段变化", "stage moves")[0 if zh else 1], len(diff.stages)),
               (("投资变化", "budget changes")[0 if zh else 1], len(diff.budgets))]
    parts = [f"{label} {n}" for label, n in counts if n]
    errors = sum(1 for f in diff.introduced if f.severity is Severity.error)
    if zh:
        parts.append(f"引入问题 {len(diff.introduced)}（错误 {errors}）" if diff.introduced else "未引入问题")
        parts += [f"修复问题 {len(diff.fixed)}"] if diff.fixed else []
        return f"对比目标 {base}（合并后的结果与目标分支当前版本比较）：" + " · ".join(parts)
    parts.append(f"introduced {len(diff.introduced)} ({errors} errors)" if diff.introduced else "no new findings")
    parts += [f"fixed {len(diff.fixed)}"] if diff.fixed else []
    return f"Against {base} (the merge result compared with the target's tip): " + " · ".join(parts)


GROUP_LABELS = {  # in English, the group's own name
    "added": "新增",
    "retired": "停用",
    "merged": "整合",
    "transferred": "划转",
    "terminated": "终止",
    "deleted": "删除",
    "changed": "修改",
}

VERDICTS = {
    "decrease": ("✅ 减少 {n} 个，符合“只减不增”", "✅ down by {n}, complies with only-decrease"),
    "unchanged": ("✅ 持平，符合“只减不增”", "✅ unchanged, complies with only-decrease"),
    "approved_increase": ("⚠️ 净增 {n} 个，已有新增系统批准文件或划转依据", "⚠️ up by {n}, covered by approval or transfer"),
    "violation": ("❌ 净增 {n} 个，违反“只减不增”", "❌ up by {n}: violates only-decrease"),
}


def _units_section(diff: Diff, zh: bool) -> list[str]:
    if not diff.units:
        return []
    head = ["### 在用政务信息系统数量（只减不增）", "", "| 单位 | 变更前 | 变更后 | 结论 |"] if zh else \
        ["### Active systems per unit (only decrease)", "", "| Unit | Before | After | Verdict |"]
    rows = [
        f"| {_plain(u.unit)} {_plain(u.name)} | {u.before} | {u.after} | "
        f"{VERDICTS[u.verdict][0 if zh else 1].format(n=abs(u.after - u.before))} |"
        for u in diff.units
    ]
    total = diff.total
    if total is not None:  # the registry as a whole: a transfer moves a system, it adds none
        label = f"**合计**（{_plain(total.name)}，划转相互抵消）" if zh else "**Total** (transfers net to zero)"
        rows.append(f"| {label} | {total.before} | {total.after} | "
                    f"{VERDICTS[total.verdict][0 if zh else 1].format(n=abs(total.after - total.before))} |")
    return [*head, "|---|---:|---:|---|", *rows]


def _records_section(diff: Diff, zh: bool) -> list[str]:
    lines: list[str] = []
    for group in GROUPS:
        changes = _listed(diff, group)
        if not changes:
            continue
        label = GROUP_LABELS[group] if zh else group
        lines += ["", f"**{label}**" if zh else f"**{label.capitalize()}**", *_bullets([_change_line(c, zh) for c in changes], zh)]
    return ["### 记录" if zh else "### Records", *lines] if lines else []


def _listed(diff: Diff, group: str) -> list[RecordChange]:
    """The records of ``group`` the Markdown lists: a changed project whose every change is
    already shown under stages or budgets is not listed again."""
    if group != "changed":
        return diff.group(group)
    out = []
    for change in diff.group(group):
        fields = tuple(f for f in change.fields if f not in _covered(diff, change.ref))
        if fields or change.before:
            out.append(dataclasses.replace(change, fields=fields))
    return out


def _covered(diff: Diff, ref: RecordRef) -> set[str]:
    """Fields of ``ref`` that the stage and budget sections already show."""
    covered = {"budget.total_wan" for b in diff.budgets if b.ref.id == ref.id and ref.kind == "project"}
    for move in diff.stages:
        if move.ref.id == ref.id and ref.kind == "project":
            covered.update(f"milestones.{stage.value}" for stage, _ in move.reached)
    return covered


def _change_line(change: RecordChange, zh: bool) -> str:
    kind = ("系统" if change.ref.kind == "system" else "项目") if zh else change.ref.kind
    line = f"{kind} `{change.ref.id}` {_plain(change.ref.name)}（{change.ref.unit}）" if zh else \
        f"{kind} `{change.ref.id}` {_plain(change.ref.name)} ({change.ref.unit})"
    detail = _change_detail(change, zh)
    return f"{line}：{detail}" if zh and detail else f"{line}: {detail}" if detail else line


def _change_detail(change: RecordChange, zh: bool) -> str:
    if change.group == "added":
        return _value_label(change.ref.kind, change.after, zh)
    if change.group == "merged":
        return (f"整合至 `{change.after}`" if zh else f"merged into `{change.after}`") if change.after else ""
    if change.group == "transferred":
        return f"{change.before} → {change.after}"
    if change.group == "retired":
        return _retired(change, zh)
    if change.group == "terminated":
        when = change.after + (f"，{_plain(change.note)}" if zh and change.note else f", {_plain(change.note)}" if change.note else "")
        return when
    if change.group != "changed":
        return ""
    fields = [f for f in change.fields if f != "status"]
    parts = []
    if change.before:
        parts.append(f"{_value_label('system', change.before, zh)} → {_value_label('system', change.after, zh)}")
    if fields:
        parts.append(("改动 " if zh else "fields: ") + ("、" if zh else ", ").join(_field_label(change.ref.kind, f, zh) for f in fields))
    return ("；" if zh else "; ").join(parts)


def _retired(change: RecordChange, zh: bool) -> str:
    """``运行中 → 已停用（2025-06-30，依据 测政发〔2025〕1号）``"""
    moved = f"{_value_label('system', change.before, zh)} → {_value_label('system', 'retired', zh)}"
    details = [change.after] if change.after else []
    if change.note:
        details.append(f"依据 {_plain(change.note)}" if zh else f"ref. {_plain(change.note)}")
    if not details:
        return moved
    return f"{moved}（{'，'.join(details)}）" if zh else f"{moved} ({', '.join(details)})"


def _stages_section(diff: Diff, zh: bool) -> list[str]:
    if not diff.stages:
        return []
    lines = []
    for m in diff.stages:
        before = _stage(m.before, zh)
        after = _stage(m.after, zh)
        dates = ("、" if zh else ", ").join(f"{_stage(s, zh)} {d.isoformat()}" for s, d in m.reached)
        tail = (f"（新增 {dates}）" if zh else f" (added {dates})") if dates else ""
        lines.append(f"`{m.ref.id}` {_plain(m.ref.name)}：{before} → {after}{tail}" if zh
                     else f"`{m.ref.id}` {_plain(m.ref.name)}: {before} → {after}{tail}")
    return ["### 项目阶段" if zh else "### Project stages", "", *_bullets(lines, zh)]


def _budgets_section(diff: Diff, zh: bool) -> list[str]:
    if not diff.budgets:
        return []
    lines = []
    for b in diff.budgets:
        pct = f"{b.percent:+.1f}%" if b.percent is not None else "—"
        if zh:
            basis = f"较批复概算 {pct}" if b.approved else f"较原概算 {pct}，尚未立项批复"
            lines.append(f"`{b.ref.id}` {_plain(b.ref.name)}：{_wan(b.before)} → {_wan(b.after)} 万元"
                         f"（{_wan(b.delta, sign=True)} 万元，{basis}）")
        else:
            basis = f"{pct} of the approved total" if b.approved else f"{pct}, not yet approved"
            lines.append(f"`{b.ref.id}` {_plain(b.ref.name)}: {_wan(b.before)} → {_wan(b.after)} (10k CNY; "
                         f"{_wan(b.delta, sign=True)}, {basis})")
    return ["### 投资概算" if zh else "### Budgets", "", *_bullets(lines, zh)]


def _findings_section(diff: Diff, zh: bool) -> list[str]:
    if not (diff.introduced or diff.fixed):
        return []
    lang = "zh" if zh else "en"
    lines = ["### 检查结果" if zh else "### Findings"]
    if diff.introduced:
        items = [f"{_icon(f.severity)} `{f.path}:{f.line}` {_plain(f.message.text(lang))}{_rule_tag(f.rule, zh)}"
                 for f in diff.introduced]
        lines += ["", "**本次变更引入**" if zh else "**Introduced**", *_bullets(items, zh)]
    if diff.fixed:
        items = [f"`{f.path}` {_plain(f.message.text(lang))}{_rule_tag(f.rule, zh)}" for f in diff.fixed]
        lines += ["", "**本次变更修复**" if zh else "**Fixed**", *_bullets(items, zh)]
    return lines


def _rule_tag(rule: str, zh: bool) -> str:
    return f"（{rule}）" if zh else f" ({rule})"


def _bullets(items: list[str], zh: bool) -> list[str]:
    shown = [f"- {item}" for item in items[:MAX_ITEMS]]
    if len(items) > MAX_ITEMS:
        rest = len(items) - MAX_ITEMS
        shown.append(f"- ……另有 {rest} 项（完整列表：registry diff --format json）" if zh
                     else f"- … {rest} more (full list: registry diff --format json)")
    return shown


def _icon(severity: Severity) -> str:
    return "❌" if severity is Severity.error else "⚠️"


def _stage(stage: Stage | None, zh: bool) -> str:
    if stage is None:
        return "—"
    return stage.label if zh else stage.value


def _value_label(kind: str, value: str, zh: bool) -> str:
    """A status (system) or stage (project) value as the reader knows it."""
    if not value:
        return ""
    enum: Any = SystemStatus if kind == "system" else Stage
    try:
        member = enum(value)
    except ValueError:
        return value
    return str(member.label) if zh else value


def _field_label(kind: str, dotted: str, zh: bool) -> str:
    """``budget.total_wan`` → ``投资概算（万元）``: the model's Chinese title."""
    if not zh:
        return dotted
    from registry.models import Project, System  # (their titles: only a Chinese summary imports the models)
    from registry.models.project import Budget, Milestones

    nested: dict[str, Any] = {"budget": Budget, "milestones": Milestones}  # the fields diffing.EXPANDED names
    model: Any = System if kind == "system" else Project
    title = dotted
    for part in dotted.split("."):
        info = getattr(model, "model_fields", {}).get(part)
        if info is None:
            return dotted
        title = info.title or part
        model = nested.get(part, None)
    return title


def _wan(amount: float, *, sign: bool = False) -> str:
    text = f"{amount:+,.2f}" if sign else f"{amount:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


_MARKDOWN_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>|#~"})


def _plain(text: str) -> str:
    """User text shown as text: no Markdown or HTML of its own, no line breaks."""
    return " ".join(text.split()).translate(_MARKDOWN_SPECIAL)
