"""The home page: totals, compliance summary and the inventory trend."""
from __future__ import annotations

from collections import Counter

from registry.enums import STAGE_ORDER, Stage, SystemStatus
from registry.site import figures, trend, urls
from registry.site.compliance import by_rule
from registry.site.data import SiteData
from registry.site.labels import money
from registry.site.markup import Cell, Column, Table, esc, link, page, paragraph
from registry.site.parts import status_badge


def pages(data: SiteData) -> dict[str, str]:
    return {urls.HOME: home_page(data)}


def home_page(data: SiteData) -> str:
    source = urls.HOME
    active = sum(1 for s in data.systems if s.active)
    total = sum(p.budget.total_wan for p in data.projects)
    return page(
        f"{data.config.jurisdiction}政务信息化登记簿",
        paragraph(esc(
            f"登记 {len(data.units)} 个单位、{len(data.systems)} 个政务信息系统（在用 {active} 个）、"
            f"{len(data.projects)} 个政务信息化项目（投资概算合计 {money(total)} 万元）。数据截至 {data.today.isoformat()}。"
        ), cls="registry-lead"),
        paragraph(link(urls.href(source, urls.SUMMARY), "打印一页简报（A4）")),
        "## 系统按状态", _systems_by_status(data, source),
        "## 各单位系统状态", figures.status_by_unit(data, source, data.systems),
        "## 项目按阶段", _projects_by_stage(data),
        "## 投资概况", figures.investment(data, source, data.projects),
        "## 合规概况",
        paragraph(
            esc(f"{data.errors} 个错误，{data.warnings} 个警告，{len(data.deadline_findings)} 项期限已逾期。")
            + " " + link(urls.href(source, urls.COMPLIANCE), "合规状态")
            + " · " + link(urls.href(source, urls.DEADLINES), "期限提醒")
        ),
        by_rule(data, source, interactive=False) if data.findings else "",
        "## 在用系统数量趋势",
        trend.chart(data, None, "在用政务信息系统数量"),
        paragraph(link(urls.href(source, urls.INVENTORY), "各单位“只减不增”情况")),
    )


def _systems_by_status(data: SiteData, source: str) -> str:
    counts = Counter(s.status for s in data.systems)
    table = Table([Column("状态"), Column("系统数", numeric=True)], cls="registry-compact")
    table.rows = [[Cell(status_badge(status)), Cell.text(counts[status])] for status in SystemStatus]
    table.rows.append([Cell("<strong>合计</strong>"), Cell.text(len(data.systems))])
    return table.render()


def _projects_by_stage(data: SiteData) -> str:
    counts = Counter(p.stage for p in data.projects)
    table = Table([Column("阶段"), Column("项目数", numeric=True)], cls="registry-compact")
    stages: list[Stage | None] = [None, *STAGE_ORDER, Stage.terminated]
    table.rows = [
        [Cell.text(stage.label if stage else "未申报"), Cell.text(counts[stage])]
        for stage in stages if counts[stage]
    ]
    return table.render() if table.rows else paragraph("暂无登记的项目。")
