"""单位: the list of units and one page per unit (its systems, projects and inventory trend)."""
from __future__ import annotations

from typing import Any

from registry.models import Unit
from registry.site import catalog, figures, trend, urls
from registry.site.data import SiteData
from registry.site.labels import label, money, title_of
from registry.privacy import is_personal
from registry.site.markup import (
    NOT_SEARCHED, Cell, Column, Table, definition_table, esc, esc_identity, link, page, paragraph, search_terms,
)
from registry.site.parts import count, findings_summary, unit_link


def pages(data: SiteData) -> dict[str, str]:
    out = {urls.UNITS: units_page(data)}
    out.update({urls.unit(u.id): unit_page(data, u) for u in data.units})
    return out


def sources(data: SiteData) -> dict[str, str]:
    """A unit page shows the unit's entry in registry.yaml."""
    return {urls.unit(u.id): "registry.yaml" for u in data.units}


def units_page(data: SiteData) -> str:
    source = urls.UNITS
    now = data.active_counts
    table = Table(
        [Column("单位"), Column(title_of(Unit, "id")), Column(title_of(Unit, "kind"), filter=True),
         Column(title_of(Unit, "parent")), Column("在用系统", numeric=True), Column("系统总数", numeric=True),
         Column("项目", numeric=True), Column("投资概算合计（万元）", numeric=True, total=True), Column("问题", numeric=True)],
        interactive=True, empty="registry.yaml 中尚未登记单位。",
    )
    for u in data.units:
        systems, projects = data.head.systems_of(u.id), data.head.projects_of(u.id)
        errors, warnings = count(data.findings_of_unit(u.id))
        total = sum(p.budget.total_wan for p in projects)
        table.rows.append([
            Cell(unit_link(data, source, u.id)),
            Cell(f"<code>{esc(u.id)}</code>"),
            Cell.text(u.kind.label),
            Cell(unit_link(data, source, u.parent) if u.parent else "—"),
            Cell.text(now.get(u.id, 0)),
            Cell.text(len(systems)),
            Cell.text(len(projects)),
            Cell(esc(money(total)), repr(total)),
            Cell(findings_summary(errors, warnings), str(errors * 1000 + warnings)),
        ])
    intro = paragraph(esc(f"{data.config.jurisdiction}登记簿共有 {len(data.units)} 个单位。"))
    return page("单位", intro, table.render(), **NOT_SEARCHED)


def unit_page(data: SiteData, u: Unit) -> str:
    source = urls.unit(u.id)
    systems, projects = data.head.systems_of(u.id), data.head.projects_of(u.id)
    systems = sorted(systems, key=lambda s: s.id)
    projects = sorted(projects, key=lambda p: (p.year, p.id))
    active = sum(1 for s in systems if s.active)
    start = trend.start_of_year(data, u.id)
    return page(
        u.name,
        definition_table(_unit_rows(data, source, u)),
        "## 在用系统数量",
        paragraph(esc(
            f"现有在用系统 {active} 个" + (f"，{data.today.year} 年初 {start} 个（{trend.delta(active, start)}）。"
                                        if start is not None else "。")
        )),
        trend.chart(data, u.id, f"{u.name}在用政务信息系统数量"),
        "## 系统按状态",
        figures.status_by_unit(data, source, systems),
        "## 投资",
        figures.investment(data, source, projects, per_unit=False),
        f"## 政务信息系统（{len(systems)}）",
        catalog.systems_table(data, source, systems, interactive=False, with_unit=False),
        f"## 政务信息化项目（{len(projects)}）",
        catalog.projects_table(data, source, projects, interactive=False, with_unit=False),
        "## 检查结果",
        _findings_line(data, source, u),
        **search_terms(data.config.jurisdiction, u.name, u.aliases),
    )


def _findings_line(data: SiteData, source: str, u: Unit) -> str:
    errors, warnings = count(data.findings_of_unit(u.id))
    if not errors and not warnings:
        return paragraph("本单位的记录未发现问题。")
    target = urls.href(source, urls.COMPLIANCE) + f"#unit-{u.id}"
    return paragraph(f"{findings_summary(errors, warnings)}。" + link(target, "在合规状态中查看"))


def _unit_rows(data: SiteData, source: str, u: Unit) -> list[tuple[str, str]]:
    rows = [(title_of(Unit, "id"), f"<code>{esc(u.id)}</code>"), (title_of(Unit, "kind"), esc(label(u.kind)))]
    if u.aliases:
        rows.insert(0, (title_of(Unit, "aliases"), esc("、".join(u.aliases))))
    if u.parent:
        rows.append((title_of(Unit, "parent"), unit_link(data, source, u.parent)))
    children = [c for c in data.units if c.parent == u.id]
    if children:
        rows.append(("下属单位", "、".join(unit_link(data, source, c.id) for c in children)))
    roles = [title_of(type(data.config.authorities), role) for role, unit_id
             in data.config.authorities.model_dump().items() if unit_id == u.id]
    if roles:
        rows.append(("职能", esc("、".join(roles))))
    for name in ("reviewers", "approvers"):
        if getattr(u, name):
            rows.append((title_of(Unit, name), identities(data, getattr(u, name))))
    return rows


def identities(data: SiteData, entries: list[Any]) -> str:
    """Reviewers or approvers as the public may see them: plain names, and only a count of the
    entries that are e-mail addresses, phone numbers or account handles, unless the registry
    sets ``publish_identities: true``."""
    people = [str(p) for p in entries]  # an Approver shows as its e-mail address
    if data.config.publish_identities:
        return esc_identity("、".join(people))
    names = [p for p in people if not is_personal(p)]
    hidden = len(people) - len(names)
    parts = [esc(n) for n in names] + ([esc(f"{hidden} 人（身份不公开）")] if hidden else [])
    return "、".join(parts)
