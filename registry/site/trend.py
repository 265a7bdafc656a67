"""只减不增: active systems per unit now, at the start of the year and along the base
branch's history (registry.inventory), with static SVG charts."""
from __future__ import annotations

import datetime as dt

from registry.inventory import InventoryPoint
from registry.rules import RULES
from registry.site import urls
from registry.site.data import SiteData
from registry.site.markup import Cell, Column, Table, esc, link, page, paragraph
from registry.site.parts import unit_link
from registry.site.svg import Point, sparkline, step_chart

def policy(data: SiteData) -> str:
    """The only-decrease policy, citing the chosen profiles' article (or the neutral wording)."""
    return (
        "政务信息系统总量实行“只减不增”：除经批准的新增系统外，各单位在用（规划中、建设中、试运行、运行中）"
        f"系统数量不得增加（{RULES['CHG001'].citation_for(data.config.profiles)}）。"
    )


def count_of(point: InventoryPoint, unit: str | None) -> int:
    return point.total if unit is None else point.counts.get(unit, 0)


def series(data: SiteData, unit: str | None = None) -> list[Point]:
    """(date, active systems) after each commit of the base branch, then the current files,
    from the first commit that registered a system (of the unit): the trend starts at the
    registry's first record, not at the empty repository before it."""
    points = [(p.date, count_of(p, unit)) for p in data.history if unit is None or unit in p.counts]
    now = data.active_counts
    points.append((data.today, sum(now.values()) if unit is None else now.get(unit, 0)))
    first = next((i for i, (_, value) in enumerate(points) if value), len(points) - 1)
    return points[first:]


def start_of_year(data: SiteData, unit: str | None) -> int | None:
    """The count after the last commit before 1 January of the build year (None: no history
    reaches back that far)."""
    new_year = dt.date(data.today.year, 1, 1)
    before = [p for p in data.history if p.date < new_year]
    return count_of(before[-1], unit) if before else None


def chart(data: SiteData, unit: str | None, title: str) -> str:
    points = series(data, unit)
    note = "" if data.history else "未读取到主分支的版本历史（登记簿尚无版本历史或尚无提交），仅显示当前数量。"
    return step_chart(points, title=title, note=note)


def delta(now: int, before: int | None) -> str:
    if before is None:
        return "—"
    diff = now - before
    return f"+{diff}" if diff > 0 else str(diff)


def pages(data: SiteData) -> dict[str, str]:
    return {urls.INVENTORY: inventory_page(data)}


def inventory_page(data: SiteData) -> str:
    source = urls.INVENTORY
    now = data.active_counts
    total_now = sum(now.values())
    total_start = start_of_year(data, None)
    summary = paragraph(esc(
        f"{data.config.jurisdiction}在用政务信息系统现有 {total_now} 个；"
        + (f"{data.today.year} 年初 {total_start} 个，变化 {delta(total_now, total_start)}。"
           if total_start is not None else "主分支历史未覆盖今年年初，无法比较。")
    ))
    return page(
        "只减不增",
        paragraph(esc(policy(data))),
        summary,
        chart(data, None, f"{data.config.jurisdiction}在用政务信息系统数量"),
        "## 各单位在用系统",
        _units_table(data, source, now),
        paragraph(esc(
            f"“年初”为 {data.today.year} 年 1 月 1 日前主分支最后一次提交时的数量；"
            "“现在”为本次发布时的登记簿；“历史最高”为主分支各次提交后与现在的数量中的最大值。"
            "数量增加且未附新增系统批准的变更，会被检查规则 CHG001 拦截。"
        ), cls="registry-note"),
    )


def _units_table(data: SiteData, source: str, now: dict[str, int]) -> str:
    table = Table(
        [Column("单位"), Column("年初", numeric=True), Column("现在", numeric=True),
         Column("较年初", numeric=True), Column("历史最高", numeric=True), Column("趋势")],
        interactive=True, empty="暂无登记的系统。",
    )
    units = [u.id for u in data.units if u.id in now or any(u.id in p.counts for p in data.history)]
    for unit in units:
        start = start_of_year(data, unit)
        current = now.get(unit, 0)
        values = [v for _, v in series(data, unit)]
        name = data.unit_name(unit)
        table.rows.append([
            Cell(unit_link(data, source, unit)),
            Cell.text("—" if start is None else start),
            Cell(link(urls.href(source, urls.unit(unit)), current)),
            Cell.text(delta(current, start)),
            Cell.text(max(values)),
            Cell(sparkline(values, label=f"{name}在用系统数量趋势")),
        ])
    return table.render()
