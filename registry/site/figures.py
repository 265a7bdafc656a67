"""Money and status at a glance: investment by year, unit, nature and funding source, and
systems by status per unit, as tables with static SVG bar charts. Every total is the sum over
the records shown, rounded only when printed."""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from registry.enums import FundSource, Nature, SystemStatus
from registry.models import Project, System
from registry.site.data import SiteData
from registry.site.labels import money
from registry.site.markup import Cell, Column, Table, esc
from registry.site.parts import status_badge, unit_link
from registry.site.svg import bar_chart

UNSPECIFIED = "未填写资金来源"


def _sum_by(projects: Iterable[Project], key: Callable[[Project], str]) -> dict[str, tuple[int, float]]:
    counts: Counter[str] = Counter()
    totals: dict[str, float] = defaultdict(float)
    for p in projects:
        counts[key(p)] += 1
        totals[key(p)] += p.budget.total_wan
    return {k: (counts[k], totals[k]) for k in counts}


def by_source(projects: Iterable[Project]) -> dict[str, float]:
    """Investment per funding source kind; what the sources leave of a project's total counts
    as 未填写资金来源, so the parts add up to the total investment."""
    totals: dict[str, float] = defaultdict(float)
    for p in projects:
        for s in p.budget.sources:
            totals[s.kind.label] += s.amount_wan
        rest = p.budget.total_wan - sum(s.amount_wan for s in p.budget.sources)
        if rest > 0.005:
            totals[UNSPECIFIED] += rest
    order = [k.label for k in FundSource] + [UNSPECIFIED]
    return {k: totals[k] for k in order if k in totals}


def investment(data: SiteData, source: str, projects: list[Project], *, per_unit: bool = True) -> str:
    """The investment sections: by year (the trend, oldest first), by unit, by nature, by source."""
    if not projects:
        return "<p>暂无登记的项目。</p>"
    total = sum(p.budget.total_wan for p in projects)
    blocks = [f'<p class="registry-lead">投资概算合计 <strong>{esc(money(total))}</strong> 万元，项目 {len(projects)} 个。</p>']
    years = _sum_by(projects, lambda p: str(p.year))
    blocks += ["### 按计划年度", _breakdown("计划年度", sorted(years.items()), total),
               _chart("投资概算按计划年度", sorted(years.items()))]
    if per_unit:
        units = _sum_by(projects, lambda p: p.unit)
        ranked = sorted(units.items(), key=lambda item: -item[1][1])
        blocks += ["### 按单位", _breakdown("单位", ranked, total, label=lambda u: unit_link(data, source, u)),
                   _chart("投资概算按单位", [(data.unit_name(u), v) for u, v in ranked])]
    natures = _sum_by(projects, lambda p: p.nature.label)
    ordered = [(n.label, natures[n.label]) for n in Nature if n.label in natures]
    blocks += ["### 按项目性质", _breakdown("项目性质", ordered, total), _chart("投资概算按项目性质", ordered)]
    sources = by_source(projects)
    table = Table([Column("资金来源"), Column("金额（万元）", numeric=True), Column("占比", numeric=True)], cls="registry-compact")
    table.rows = [[Cell.text(k), Cell.text(money(v)), Cell.text(_share(v, total))] for k, v in sources.items()]
    table.rows.append([Cell("<strong>合计</strong>"), Cell(f"<strong>{esc(money(sum(sources.values())))}</strong>"), Cell.text("100%")])
    blocks += ["### 按资金来源", table.render(),
               bar_chart(list(sources.items()), title="投资按资金来源", unit="万元",
                         value_text=[money(v) for v in sources.values()])]
    return "\n\n".join(blocks)


def _share(part: float, total: float) -> str:
    return f"{part / total * 100:.1f}%" if total else "—"


def _breakdown(title: str, items: list[tuple[str, tuple[int, float]]], total: float,
               label: Callable[[str], str] = esc) -> str:
    table = Table([Column(title), Column("项目数", numeric=True), Column("投资概算（万元）", numeric=True),
                   Column("占比", numeric=True)], cls="registry-compact")
    table.rows = [[Cell(label(k)), Cell.text(n), Cell.text(money(v)), Cell.text(_share(v, total))] for k, (n, v) in items]
    table.rows.append([Cell("<strong>合计</strong>"), Cell.text(sum(n for _, (n, _) in items)),
                       Cell(f"<strong>{esc(money(sum(v for _, (_, v) in items)))}</strong>"), Cell.text("100%")])
    return table.render()


def _chart(title: str, items: list[tuple[str, tuple[int, float]]]) -> str:
    return bar_chart([(k, v) for k, (_, v) in items], title=title, unit="万元",
                     value_text=[money(v) for _, (_, v) in items])


def status_by_unit(data: SiteData, source: str, systems: list[System]) -> str:
    """Systems by status per unit: one row per unit, one column per status that occurs."""
    statuses = [s for s in SystemStatus if any(x.status is s for x in systems)]
    if not statuses:
        return "<p>暂无登记的系统。</p>"
    per_unit: dict[str, Counter[SystemStatus]] = defaultdict(Counter)
    for s in systems:
        per_unit[s.unit][s.status] += 1
    table = Table([Column("单位"), *(Column(s.label, numeric=True, nowrap=True) for s in statuses),
                   Column("合计", numeric=True)], cls="registry-status-by-unit")
    for unit in [u.id for u in data.units if u.id in per_unit] + sorted(set(per_unit) - {u.id for u in data.units}):
        counts = per_unit[unit]
        table.rows.append([Cell(unit_link(data, source, unit)), *(Cell.text(counts[s]) for s in statuses),
                           Cell.text(sum(counts.values()))])
    table.rows.append([Cell("<strong>合计</strong>"),
                       *(Cell(status_badge(s) + f" {sum(c[s] for c in per_unit.values())}") for s in statuses),
                       Cell.text(len(systems))])
    return table.render()
