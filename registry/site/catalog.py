"""系统目录 and 项目目录: complete HTML tables that tables.js makes sortable and filterable."""
from __future__ import annotations

from collections.abc import Sequence

from registry.models import Project, System
from registry.site import urls
from registry.site.data import SiteData
from registry.site.labels import label, money, title_of
from registry.site.markup import NOT_SEARCHED, Cell, Column, Table, esc, page, paragraph
from registry.site.parts import count, findings_summary, project_link, status_badge, system_link, unit_link


def pages(data: SiteData) -> dict[str, str]:
    return {urls.SYSTEMS: systems_page(data), urls.PROJECTS: projects_page(data)}


def systems_page(data: SiteData) -> str:
    source = urls.SYSTEMS
    active = sum(1 for s in data.systems if s.active)
    intro = paragraph(
        f"共登记政务信息系统 {len(data.systems)} 个，其中在用（规划中、建设中、试运行、运行中）{active} 个。"
        "点击表头排序，用表格上方的下拉框按单位、状态、部署方式筛选。"
    )
    return page("系统目录", intro, systems_table(data, source, data.systems), **NOT_SEARCHED)


def systems_table(data: SiteData, source: str, systems: list[System], *, interactive: bool = True,
                  with_unit: bool = True) -> str:
    columns = [
        Column(title_of(System, "name")),
        Column(title_of(System, "id"), nowrap=True),
        Column(title_of(System, "unit"), filter=interactive),
        Column(title_of(System, "status"), filter=interactive, nowrap=True),
        Column(title_of(System, "deployment"), filter=interactive),
        Column(title_of(System, "scope"), filter=interactive, nowrap=True),
        Column(title_of(System, "online_since"), nowrap=True),
        Column("问题", numeric=True, nowrap=True),
    ]
    rows: list[Sequence[Cell]] = []
    for s in systems:
        errors, warnings = count(data.findings_on(s))
        rows.append([
            Cell(system_link(source, s)),
            Cell(f"<code>{esc(s.id)}</code>"),
            Cell(unit_link(data, source, s.unit)),
            Cell(status_badge(s.status)),
            Cell.text(label(s.deployment)),
            Cell.text(label(s.scope)),
            Cell.text(label(s.online_since)),
            Cell(findings_summary(errors, warnings), str(errors * 1000 + warnings)),
        ])
    return _table(columns, rows, interactive=interactive, with_unit=with_unit, empty="暂无登记的系统。")


def _table(columns: list[Column], rows: list[Sequence[Cell]], *, interactive: bool, with_unit: bool, empty: str) -> str:
    """A catalog table; on a unit's own page the unit column (always that unit) is left out."""
    if not with_unit:
        columns = columns[:2] + columns[3:]
        rows = [[*row[:2], *row[3:]] for row in rows]
    return Table(columns, rows, interactive=interactive, empty=empty).render()


def projects_page(data: SiteData) -> str:
    source = urls.PROJECTS
    total = sum(p.budget.total_wan for p in data.projects)
    in_flight = sum(1 for p in data.projects if p.in_flight)
    intro = paragraph(
        f"共登记政务信息化项目 {len(data.projects)} 个，投资概算合计 {money(total)} 万元，"
        f"在建（已纳入计划、尚未验收或终止）{in_flight} 个。"
        "点击表头排序，用表格上方的下拉框按单位、年度、阶段、性质筛选。"
    )
    return page("项目目录", intro, projects_table(data, source, data.projects), **NOT_SEARCHED)


def stage_label(p: Project) -> str:
    return p.stage.label if p.stage is not None else "未申报"


def projects_table(data: SiteData, source: str, projects: list[Project], *, interactive: bool = True,
                   with_unit: bool = True) -> str:
    columns = [
        Column(title_of(Project, "name")),
        Column(title_of(Project, "id"), nowrap=True),
        Column(title_of(Project, "unit"), filter=interactive),
        Column(title_of(Project, "year"), filter=interactive, numeric=True, nowrap=True),
        Column(title_of(Project, "nature"), filter=interactive),
        Column("阶段", filter=interactive),
        Column("投资概算（万元）", numeric=True, total=interactive),
        Column("问题", numeric=True, nowrap=True),
    ]
    rows: list[Sequence[Cell]] = []
    for p in projects:
        errors, warnings = count(data.findings_on(p))
        rows.append([
            Cell(project_link(source, p)),
            Cell(f"<code>{esc(p.id)}</code>"),
            Cell(unit_link(data, source, p.unit)),
            Cell.text(p.year),
            Cell.text(p.nature.label),
            Cell.text(stage_label(p)),
            Cell(esc(money(p.budget.total_wan)), repr(p.budget.total_wan)),
            Cell(findings_summary(errors, warnings), str(errors * 1000 + warnings)),
        ])
    return _table(columns, rows, interactive=interactive, with_unit=with_unit, empty="暂无登记的项目。")
