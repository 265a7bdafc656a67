"""One page per system and per project: every public field with its Chinese title, the
links between records, the findings and the record's git history."""
from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel

from registry.enums import STAGE_ORDER, Stage
from registry.models import Project, System
from registry.models.base import DocRef
from registry.models.project import Basis, Budget, Change, Evaluation, FundingSource, Goal, Milestones
from registry.models.system import DataInfo, Security, Transfer
from registry.site import urls
from registry.site.data import SiteData
from registry.site.labels import html, label, labels, money, title_of
from registry.site.markup import Cell, Column, Table, definition_table, esc, page, paragraph, search_terms
from registry.site.parts import (
    findings_table, history_table, project_ref, status_badge, system_ref, unit_link,
)

ROLE_LABELS = {"creates": "新建", "upgrades": "升级改造", "maintains": "运行维护", "retires": "整合或停用"}


def pages(data: SiteData) -> dict[str, str]:
    """Every record's page; one whose inputs (:func:`page_inputs`) are unchanged since the last
    build comes from the page cache instead of being rendered again."""
    out: dict[str, str] = {}
    everything: list[System | Project] = [*data.systems, *data.projects]
    for record in everything:
        path = urls.system(record.id) if isinstance(record, System) else urls.project(record.id)
        out[path] = data.cache.page(path, page_inputs(data, record), functools.partial(record_page, data, record))
    return out


def sources(data: SiteData) -> dict[str, str]:
    """Generated page → the YAML file it shows (the page's edit link)."""
    out = {urls.system(s.id): data.path_of(s) for s in data.systems}
    out.update({urls.project(p.id): data.path_of(p) for p in data.projects})
    return out


def record_page(data: SiteData, record: System | Project) -> str:
    return system_page(data, record) if isinstance(record, System) else project_page(data, record)


def page_inputs(data: SiteData, record: System | Project) -> Iterator[str]:
    """Everything a record's page shows besides the configuration and the date (which key the
    whole cache): the record, the findings on it, its changes, the records that name it, and
    the record each id on the page resolves to — records by their content, an id that names
    no record as absent."""
    yield f"{type(record).__name__}:{data.digest_of(record)}"
    yield repr(data.findings_on(record))
    yield repr(data.changes.get(data.path_of(record), []))
    systems: set[str] = set()
    projects: set[str] = set()
    if isinstance(record, Project):
        systems.update(sid for role in ROLE_LABELS for sid in getattr(record.systems, role))
    else:
        for role, p in data.built_by.get(record.id, []):  # the rows of 相关项目, in order
            yield f"built_by:{role}:{data.digest_of(p)}"
            projects.add(p.id)
        for m in data.merged_from.get(record.id, []):
            yield f"merged_from:{data.digest_of(m)}"
            systems.add(m.id)
        projects.update(record.built_by)
        if record.merged_into:
            systems.add(record.merged_into)
    for kind, ids, resolve in (("system", systems, data.head.system), ("project", projects, data.head.project)):
        for rid in sorted(ids):
            found: System | Project | None = resolve(rid)
            yield f"{kind}:{rid}:{data.digest_of(found) if found is not None else 'absent'}"


# ------------------------------------------------------------------------- shared helpers


def rows(model: type[BaseModel], obj: BaseModel, names: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(Chinese title, escaped value) for the named fields that are set."""
    for name in names:
        value = getattr(obj, name)
        if value is None or value == [] or value == "":
            continue
        yield title_of(model, name), _value_html(value)


def _value_html(value: Any) -> str:
    if isinstance(value, list):
        return esc(labels(value))
    if isinstance(value, BaseModel):
        return esc("，".join(f"{title_of(type(value), k)} {label(getattr(value, k))}"
                             for k in type(value).model_fields if getattr(value, k) is not None))
    if isinstance(value, float):
        return esc(money(value))
    return html(value)


def doc_ref(ref: DocRef | None) -> str:
    return "—" if ref is None else esc(f"{ref.doc_no}（{ref.date.isoformat()}）")


def section(title: str, *blocks: str) -> str:
    body = "".join(b for b in blocks if b)
    # Our own section titles: Markdown headings, so they appear in the page's table of contents.
    return f"## {esc(title)}\n\n{body}" if body else ""


def lead(*parts: str) -> str:
    return paragraph(" · ".join(p for p in parts if p), cls="registry-lead")


# --------------------------------------------------------------------------------- systems


def system_page(data: SiteData, s: System) -> str:
    source = urls.system(s.id)
    basics = list(rows(System, s, ("aliases", "description", "scope", "audience", "common_function", "online_since",
                                   "retired_on", "retirement_ref")))
    basics.insert(0, (title_of(System, "unit"), unit_link(data, source, s.unit)))
    basics.append((title_of(System, "enforcement"), html(s.enforcement)))
    deployment = list(rows(System, s, ("deployment", "network", "platforms")))
    return page(
        s.name,
        lead(f"<code>{esc(s.id)}</code>", unit_link(data, source, s.unit), status_badge(s.status),
             esc(f"简称：{'、'.join(s.aliases)}") if s.aliases else ""),
        section("基本信息", definition_table(basics)),
        section("部署与接入", definition_table(deployment)),
        section(title_of(System, "security"), definition_table(_security_rows(s.security))),
        section("数据共享", definition_table(_data_rows(s.data))),
        section("沿革", definition_table(_lineage_rows(data, source, s))),
        section("相关项目", _projects_of_system(data, source, s)),
        section("检查结果", findings_table(data, source, data.findings_on(s), with_record=False)),
        section("变更记录", history_table(data.changes.get(data.path_of(s), []))),
        **search_terms(data.config.jurisdiction, s.name, s.aliases),
    )


def _security_rows(sec: Security) -> list[tuple[str, str]]:
    out = list(rows(Security, sec, ("mlps_level", "mlps_tested_on", "crypto_assessment", "crypto_assessed_on",
                                    "trusted_products")))
    out.append((title_of(Security, "major_risks"), esc(labels(sec.major_risks)) if sec.major_risks else "无"))
    return out


def _data_rows(d: DataInfo) -> list[tuple[str, str]]:
    out = list(rows(DataInfo, d, ("resource_catalog", "shared", "duplicate_collection")))
    if d.sharing_exemption is not None:
        out.append((title_of(DataInfo, "sharing_exemption"), doc_ref(d.sharing_exemption)))
    return out


def _lineage_rows(data: SiteData, source: str, s: System) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if s.merged_into:
        out.append((title_of(System, "merged_into"), system_ref(data, source, s.merged_into)))
    merged = data.merged_from.get(s.id, [])
    if merged:
        out.append(("由以下系统整合而来", "、".join(system_ref(data, source, m.id) for m in merged)))
    if s.transferred_from is not None:
        t = s.transferred_from
        out.append((title_of(System, "transferred_from"),
                    f"{unit_link(data, source, t.unit)}，{esc(title_of(Transfer, 'doc_no'))} "
                    f"{esc(t.doc_no)}（{esc(t.date.isoformat())}）"))
    if s.new_system_approval is not None:
        out.append((title_of(System, "new_system_approval"), doc_ref(s.new_system_approval)))
    return out


def _projects_of_system(data: SiteData, source: str, s: System) -> str:
    """Projects that name this system (creates/upgrades/maintains/retires) and those its own
    ``built_by`` names, each once."""
    table = Table([Column("关系"), Column("项目"), Column("计划年度"), Column("阶段")],
                  empty="暂无关联项目。")
    linked = [(ROLE_LABELS[role], p.id) for role, p in data.built_by.get(s.id, [])]
    named = {pid for _, pid in linked}
    linked += [("建设项目（系统记录所填）", pid) for pid in s.built_by if pid not in named]
    for role, pid in linked:
        p = data.head.project(pid)
        table.rows.append([
            Cell.text(role), Cell(project_ref(data, source, pid), pid),
            Cell.text(p.year if p else "—"),
            Cell.text(p.stage.label if p and p.stage else "—"),
        ])
    return table.render()


# -------------------------------------------------------------------------------- projects


def project_page(data: SiteData, p: Project) -> str:
    source = urls.project(p.id)
    stage = p.stage.label if p.stage is not None else "未申报"
    return page(
        p.name,
        lead(f"<code>{esc(p.id)}</code>", unit_link(data, source, p.unit), esc(f"{p.year} 年度"),
             f'<span class="registry-badge stage">{esc(stage)}</span>'),
        section("基本信息", definition_table(_project_basics(data, source, p))),
        section(title_of(Project, "basis"), _basis_table(p.basis)),
        section(title_of(Project, "goals"), _goals_table(p.goals)),
        section("投资与资金", definition_table(_budget_rows(p)), _sources_table(p.budget.sources)),
        section(title_of(Project, "systems"), _systems_of_project(data, source, p)),
        section("里程碑", _timeline(p.milestones)),
        section(title_of(Project, "documents"), _documents(p)),
        section("进度报告与评价", _progress(p)),
        section(title_of(Project, "changes"), _changes_table(p.changes)),
        section("检查结果", findings_table(data, source, data.findings_on(p), with_record=False)),
        section("变更记录", history_table(data.changes.get(data.path_of(p), []))),
    )


def _project_basics(data: SiteData, source: str, p: Project) -> list[tuple[str, str]]:
    out = [(title_of(Project, "unit"), unit_link(data, source, p.unit))]
    if p.partners:
        out.append((title_of(Project, "partners"), "、".join(unit_link(data, source, u) for u in p.partners)))
    out += rows(Project, p, ("year", "nature", "delivery", "scope", "track", "builder", "hardware",
                             "necessity", "content"))
    return out


def _basis_table(basis: list[Basis]) -> str:
    table = Table([Column(title_of(Basis, n)) for n in ("title", "doc_no", "kind")], empty="")
    table.rows = [[Cell.text(b.title), Cell.text(b.doc_no or "—"), Cell.text(b.kind.label)] for b in basis]
    return table.render() if basis else ""


def _goals_table(goals: list[Goal]) -> str:
    table = Table([Column(title_of(Goal, "indicator")), Column(title_of(Goal, "target"))], empty="")
    table.rows = [[Cell.text(g.indicator), Cell.text(g.target)] for g in goals]
    return table.render() if goals else ""


def _budget_rows(p: Project) -> list[tuple[str, str]]:
    out = list(rows(Budget, p.budget, ("total_wan", "security_wan", "crypto_wan", "om_annual_wan")))
    if p.cost_comparison is not None:
        c = p.cost_comparison
        out.append((title_of(Project, "cost_comparison"),
                    esc(f"自建 {money(c.build_wan)} 万元，购买服务 {money(c.purchase_wan)} 万元")))
    net = sum(c.amount_wan or 0 for c in p.changes)
    if net:
        out.append(("变更累计（万元）", esc(f"{net:+,.2f}".rstrip("0").rstrip("."))))
    return out


def _sources_table(sources: list[FundingSource]) -> str:
    if not sources:
        return ""
    table = Table([Column(title_of(FundingSource, "kind")), Column(title_of(FundingSource, "amount_wan"), numeric=True)])
    table.rows = [[Cell.text(s.kind.label), Cell.text(money(s.amount_wan))] for s in sources]
    return table.render()


def _systems_of_project(data: SiteData, source: str, p: Project) -> str:
    table = Table([Column("关系"), Column("系统"), Column("状态")], empty="未涉及登记的系统。")
    for role, title in ROLE_LABELS.items():
        for sid in getattr(p.systems, role):
            found = data.head.system(sid)
            table.rows.append([
                Cell.text(title), Cell(system_ref(data, source, sid), sid),
                Cell(status_badge(found.status) if found else "—"),
            ])
    return table.render()


def _timeline(m: Milestones) -> str:
    """Every milestone in stage order; stages of the main order not reached yet are shown
    greyed, so the reader sees where the project stands."""
    items = []
    for stage in Stage:
        milestone = m.get(stage)
        if milestone is None and stage not in STAGE_ORDER:
            continue
        items.append(_timeline_item(stage, milestone))
    return f'<ol class="registry-timeline">{"".join(items)}</ol>'


def _timeline_item(stage: Stage, milestone: Any) -> str:
    if milestone is None:
        return f'<li class="pending"><span class="stage">{esc(stage.label)}</span><span class="when">未到达</span></li>'
    # The dates are the "when"; every other field of the milestone is a detail.
    details = [
        f"{title_of(type(milestone), name)} {label(getattr(milestone, name))}"
        for name in type(milestone).model_fields
        if name not in ("date", "start", "end") and getattr(milestone, name) is not None
    ]
    when = milestone.date.isoformat()
    if stage is Stage.trial_run and milestone.end is not None:
        when = f"{milestone.start.isoformat()} 至 {milestone.end.isoformat()}"
    detail = f'<span class="detail">{esc("；".join(details))}</span>' if details else ""
    return (f'<li class="reached"><span class="stage">{esc(stage.label)}</span>'
            f'<span class="when">{esc(when)}</span>{detail}</li>')


def _documents(p: Project) -> str:
    present = [(name, info.title or name, getattr(p.documents, name)) for name, info in type(p.documents).model_fields.items()]
    table = Table([Column("文件类型"), Column("路径或文号")], empty="尚未登记文件。")
    table.rows = [[Cell.text(title), Cell(f"<code>{esc(value)}</code>", value)] for _, title, value in present if value]
    return table.render()


def _progress(p: Project) -> str:
    reports = paragraph(esc(f"{title_of(Project, 'progress_reports')}：{labels(p.progress_reports)}")) if p.progress_reports else ""
    table = Table([Column(title_of(Evaluation, n)) for n in ("kind", "date", "ref")], empty="")
    table.rows = [[Cell.text(e.kind.label), Cell.text(e.date.isoformat()), Cell.text(e.ref or "—")] for e in p.evaluations]
    return reports + (table.render() if p.evaluations else "")


def _changes_table(changes: list[Change]) -> str:
    table = Table([Column(title_of(Change, n)) for n in ("date", "description", "amount_wan", "approval")], empty="")
    table.rows = [
        [Cell.text(c.date.isoformat()), Cell.text(c.description),
         Cell.text(money(c.amount_wan) if c.amount_wan is not None else "—"), Cell(doc_ref(c.approval))]
        for c in changes
    ]
    return table.render() if changes else ""
