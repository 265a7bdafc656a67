"""一页简报: the figures a leaders' meeting needs, on one printed A4 page, dated.

The print style sheet (registry.css, ``@media print``) leaves out the site's header, navigation
and footer; the page keeps to short tables so that it fits one sheet.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from registry.enums import SystemStatus
from registry.site import deadlines, urls
from registry.site.data import SiteData
from registry.site.figures import by_source
from registry.site.labels import money
from registry.site.markup import NOT_SEARCHED, Cell, Column, Table, esc, page, paragraph

TOP_OVERDUE = 5


def pages(data: SiteData) -> dict[str, str]:
    return {urls.SUMMARY: summary_page(data)}


def summary_page(data: SiteData) -> str:
    active = sum(1 for s in data.systems if s.active)
    total = sum(p.budget.total_wan for p in data.projects)
    in_flight = sum(1 for p in data.projects if p.in_flight)
    overdue = [d for d in deadlines.items(data) if d.days_overdue > 0]
    line = (
        f"单位 {len(data.units)} 个；政务信息系统 {len(data.systems)} 个，其中在用 {active} 个；"
        f"政务信息化项目 {len(data.projects)} 个，在建 {in_flight} 个，投资概算合计 {money(total)} 万元；"
        f"检查发现错误 {data.errors} 个、警告 {data.warnings} 个；期限已逾期 {len(overdue)} 项。"
    )
    return page(
        f"{data.config.jurisdiction}政务信息化情况简报",
        paragraph(esc(f"数据截至 {data.today.year} 年 {data.today.month} 月 {data.today.day} 日"), cls="registry-dated"),
        paragraph(esc(line), cls="registry-lead"),
        "## 系统状态", _status(data),
        "## 投资", _money(data),
        "## 逾期最久的事项", _overdue(data, overdue[:TOP_OVERDUE]),
        paragraph(esc("本页按 A4 纸一页排版，可直接打印；明细见网站各页面。"), cls="registry-note"),
        **NOT_SEARCHED,
    )


def _status(data: SiteData) -> str:
    counts = Counter(s.status for s in data.systems)
    table = Table([Column(s.label, numeric=True, nowrap=True) for s in SystemStatus] + [Column("合计", numeric=True)],
                  cls="registry-compact")
    table.rows = [[*(Cell.text(counts[s]) for s in SystemStatus), Cell.text(len(data.systems))]]
    return table.render()


def _money(data: SiteData) -> str:
    per_year: dict[int, float] = defaultdict(float)
    for p in data.projects:
        per_year[p.year] += p.budget.total_wan
    years = Table([Column("计划年度"), Column("投资概算（万元）", numeric=True)], cls="registry-compact",
                  empty="暂无登记的项目。")
    years.rows = [[Cell.text(y), Cell.text(money(v))] for y, v in sorted(per_year.items())]
    sources = Table([Column("资金来源"), Column("金额（万元）", numeric=True)], cls="registry-compact", empty="")
    sources.rows = [[Cell.text(k), Cell.text(money(v))] for k, v in by_source(data.projects).items()]
    return f'<div class="registry-columns">{years.render()}{sources.render() if data.projects else ""}</div>'


def _overdue(data: SiteData, items: list[deadlines.Deadline]) -> str:
    table = Table([Column("到期日", nowrap=True), Column("逾期天数", numeric=True), Column("单位"), Column("记录"),
                   Column("事项")], empty="没有逾期事项。", cls="registry-compact")
    for d in items:
        record = data.record_at.get(d.finding.path)
        table.rows.append([Cell.text(d.due.isoformat()), Cell.text(d.days_overdue), Cell.text(data.unit_name(d.unit)),
                           Cell.text(record.name if record is not None else d.finding.path), Cell.text(d.title)])
    return table.render()
