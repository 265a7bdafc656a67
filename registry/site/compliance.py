"""合规状态 (findings by rule and by unit) and 期限提醒 (deadline findings overdue now and
due within the outlook window)."""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable

from registry.findings import Finding, Severity
from registry.rules import RULES
from registry.site import urls
from registry.site.data import OUTLOOK_DAYS, SiteData
from registry.site.markup import NOT_SEARCHED, Cell, Column, Table, bullet_list, esc, page, paragraph
from registry.site.parts import findings_table, rule_link, severity_badge, unit_link
from registry.site.wording import profile_name


def pages(data: SiteData) -> dict[str, str]:
    return {urls.COMPLIANCE: compliance_page(data), urls.DEADLINES: deadlines_page(data)}


def compliance_page(data: SiteData) -> str:
    source = urls.COMPLIANCE
    summary = data.run.report.summary
    intro = paragraph(esc(
        f"以 {data.today.isoformat()} 为基准，按{'、'.join(profile_name(p) for p in summary.profiles)}检查 {summary.records} 个记录文件："
        f"{data.errors} 个错误，{data.warnings} 个警告。变更规则（只减不增、不得删除等）在合并请求中检查，不在此列。"
    ))
    disabled = bullet_list(
        f"{rule_link(source, rule_id)}：{esc(reason)}" for rule_id, reason in summary.disabled
    )
    notices = bullet_list(esc(n.zh) for n in summary.notices)
    return page(
        "合规状态",
        intro,
        "## 按规则", by_rule(data, source),
        "## 按单位", by_unit(data, source),
        "## 全部问题",
        paragraph("用表格上方的下拉框按单位、级别、规则筛选。"),
        findings_table(data, source, data.findings, interactive=True),
        "## 停用的规则" if disabled else "", disabled,
        "## 说明" if notices else "", notices,
        **NOT_SEARCHED,
    )


def by_rule(data: SiteData, source: str, *, interactive: bool = True) -> str:
    counts = Counter(f.rule for f in data.findings)
    severity = {f.rule: f.severity for f in data.findings}
    table = Table([Column("规则", nowrap=True), Column("名称"), Column("级别", nowrap=True),
                   Column("问题数", numeric=True)], interactive=interactive, empty="未发现问题。")
    for rule_id, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        known = RULES.get(rule_id)
        table.rows.append([
            Cell(rule_link(source, rule_id)),
            Cell.text(known.title if known else ""),
            Cell(severity_badge(severity[rule_id])),
            Cell.text(n),
        ])
    return table.render()


def by_unit(data: SiteData, source: str) -> str:
    per_unit: dict[str, Counter[Severity]] = defaultdict(Counter)
    for f in data.findings:
        per_unit[data.unit_of_path(f.path)][f.severity] += 1
    table = Table([Column("单位"), Column("错误", numeric=True), Column("警告", numeric=True),
                   Column("合计", numeric=True)], interactive=True, empty="未发现问题。")
    for unit, c in sorted(per_unit.items(), key=lambda item: (-sum(item[1].values()), item[0])):
        anchor = f'<span id="unit-{esc(unit)}"></span>' if unit else ""
        table.rows.append([
            Cell(anchor + (unit_link(data, source, unit) if unit else "—")),
            Cell.text(c[Severity.error]), Cell.text(c[Severity.warning]), Cell.text(sum(c.values())),
        ])
    return table.render()


def deadlines_page(data: SiteData) -> str:
    source = urls.DEADLINES
    overdue = sorted(data.deadline_findings, key=_by_unit(data))
    upcoming = sorted(data.upcoming, key=_by_unit(data))
    return page(
        "期限提醒",
        paragraph(esc(
            f"期限类规则按发布日期 {data.today.isoformat()} 计算：已逾期 {len(overdue)} 项，"
            f"{OUTLOOK_DAYS} 天内到期 {len(upcoming)} 项。期限提醒为警告，不阻止合并，请各单位及时办理。"
        )),
        "## 已逾期",
        findings_table(data, source, overdue, interactive=True, empty="没有逾期事项。"),
        f"## {OUTLOOK_DAYS} 天内到期",
        paragraph(esc(f"以下事项今天尚未逾期，按 {data.today + dt.timedelta(days=OUTLOOK_DAYS)} 计算将会逾期；说明按该日期写出。")),
        findings_table(data, source, upcoming, interactive=True, empty=f"{OUTLOOK_DAYS} 天内没有到期事项。"),
        **NOT_SEARCHED,
    )


def _by_unit(data: SiteData) -> Callable[[Finding], tuple[str, str, str]]:
    def key(f: Finding) -> tuple[str, str, str]:
        return data.unit_of_path(f.path), f.path, f.rule
    return key
