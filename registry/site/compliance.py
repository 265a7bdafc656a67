"""合规状态 (findings by rule and by unit) and 期限提醒 (deadline findings overdue now and
due within the outlook window)."""
from __future__ import annotations

from collections import Counter, defaultdict

from registry.findings import Severity
from registry.rules import RULES
from registry.site import urls
from registry.site.data import OUTLOOK_DAYS, SiteData
from registry.site.markup import NOT_SEARCHED, Cell, Column, Table, bullet_list, esc, link, page, paragraph
from registry.site import deadlines
from registry.site.parts import finding_record, findings_table, rule_link, severity_badge, unit_link
from registry.site.wording import profile_name, public_message


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
    found = deadlines.items(data)
    overdue = [d for d in found if d.days_overdue > 0]
    upcoming = [d for d in found if d.days_overdue <= 0]
    return page(
        "期限提醒",
        paragraph(esc(
            f"期限按发布日期 {data.today.isoformat()} 计算：已逾期 {len(overdue)} 项，"
            f"{OUTLOOK_DAYS} 天内到期 {len(upcoming)} 项，逾期最久的排在最前。期限提醒为警告，不阻止合并，请各单位及时办理。"
        )),
        paragraph("下载：" + link(urls.href(source, deadlines.CSV), "期限提醒（CSV）") + " · "
                  + link(urls.href(source, deadlines.XLSX), "期限提醒（Excel）")),
        "## 已逾期",
        _deadlines_table(data, source, overdue, "没有逾期事项。"),
        f"## {OUTLOOK_DAYS} 天内到期",
        _deadlines_table(data, source, upcoming, f"{OUTLOOK_DAYS} 天内没有到期事项。"),
        **NOT_SEARCHED,
    )


def _deadlines_table(data: SiteData, source: str, items: list[deadlines.Deadline], empty: str) -> str:
    table = Table([Column("到期日", nowrap=True), Column("逾期天数", numeric=True, nowrap=True),
                   Column("单位", filter=True), Column("记录"), Column("事项"), Column("主管部门", filter=True),
                   Column("处理建议", wide=True), Column("规则", nowrap=True)],
                  interactive=True, empty=empty, cls="registry-deadlines")
    for d in items:
        record = data.record_at.get(d.finding.path)
        overdue = f"{d.days_overdue} 天" if d.days_overdue > 0 else f"还剩 {-d.days_overdue} 天"
        table.rows.append([
            Cell.text(d.due.isoformat()), Cell(esc(overdue), str(d.days_overdue)),
            Cell(unit_link(data, source, d.unit) if d.unit else "—"), finding_record(data, source, d.finding),
            Cell.text(d.title), Cell(unit_link(data, source, d.authority)),
            Cell.text(public_message(d.finding.message.zh, type(record) if record is not None else None)),
            Cell(rule_link(source, d.finding.rule)),
        ])
    return table.render()
