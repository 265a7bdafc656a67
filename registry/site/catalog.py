"""系统目录 and 项目目录: complete HTML tables that tables.js makes sortable and filterable."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from registry.models import Project, System
from registry.site import urls
from registry.site.data import SiteData
from registry.site.labels import label, money, title_of
from registry.site.markup import NOT_SEARCHED, Cell, Column, Table, esc, page, paragraph
from registry.site.parts import count, findings_summary, record_link, status_badge, unit_link

Record = TypeVar("Record", bound=System | Project)


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
        Column(title_of(System, "status"), filter=interactive, nowrap=True),
        Column(title_of(System, "deployment"), filter=interactive),
        Column(title_of(System, "scope"), filter=interactive, nowrap=True),
        Column(title_of(System, "online_since"), nowrap=True),
    ]

    def cells(s: System) -> list[Cell]:
        return [Cell(status_badge(s.status)), Cell.text(label(s.deployment)), Cell.text(label(s.scope)),
                Cell.text(label(s.online_since))]

    return _table(data, source, System, systems, columns, cells,
                  interactive=interactive, with_unit=with_unit, empty="暂无登记的系统。")


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
        Column(title_of(Project, "year"), filter=interactive, numeric=True, nowrap=True),
        Column(title_of(Project, "nature"), filter=interactive),
        Column("阶段", filter=interactive),
        Column("投资概算（万元）", numeric=True, total=interactive),
    ]

    def cells(p: Project) -> list[Cell]:
        return [Cell.text(p.year), Cell.text(p.nature.label), Cell.text(stage_label(p)),
                Cell(esc(money(p.budget.total_wan)), repr(p.budget.total_wan))]

    return _table(data, source, Project, projects, columns, cells,
                  interactive=interactive, with_unit=with_unit, empty="暂无登记的项目。")


def _table(data: SiteData, source: str, kind: type[Record], records: Sequence[Record], own: list[Column],
           cells: Callable[[Record], list[Cell]], *, interactive: bool, with_unit: bool, empty: str) -> str:
    """A catalog table: the record's name, id and unit, the columns of its own kind, its problems.
    On a unit's own page the unit column (always that unit) is left out."""
    unit = [Column(title_of(kind, "unit"), filter=interactive)] if with_unit else []
    columns = [Column(title_of(kind, "name")), Column(title_of(kind, "id"), nowrap=True), *unit, *own,
               Column("问题", numeric=True, nowrap=True)]
    rows: list[Sequence[Cell]] = []
    for r in records:
        errors, warnings = count(data.findings_on(r))
        rows.append([
            Cell(record_link(source, r)),
            Cell(f"<code>{esc(r.id)}</code>"),
            *([Cell(unit_link(data, source, r.unit))] if with_unit else []),
            *cells(r),
            Cell(findings_summary(errors, warnings), str(errors * 1000 + warnings)),
        ])
    return Table(columns, rows, interactive=interactive, empty=empty).render()
