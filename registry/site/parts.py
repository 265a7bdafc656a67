"""Pieces several pages share: links to records, units and rules, badges, findings tables."""
from __future__ import annotations

from collections.abc import Iterable

from registry.enums import SystemStatus
from registry.findings import Finding, Severity
from registry.models import Project, System
from registry.site import urls
from registry.site.changelog import RecordChange
from registry.site.data import SiteData
from registry.site.wording import field_label, model_of, public_message
from registry.site.markup import Cell, Column, Table, esc, link

SEVERITY_LABELS = {Severity.error: "错误", Severity.warning: "警告"}


def system_link(source: str, system: System) -> str:
    return link(urls.href(source, urls.system(system.id)), system.name)


def project_link(source: str, project: Project) -> str:
    return link(urls.href(source, urls.project(project.id)), project.name)


def record_link(source: str, record: System | Project) -> str:
    return system_link(source, record) if isinstance(record, System) else project_link(source, record)


def system_ref(data: SiteData, source: str, system_id: str) -> str:
    """A link to a system by id, or the bare id when it does not resolve (REG005 says so)."""
    found = data.head.system(system_id)
    return system_link(source, found) if found is not None else f"<code>{esc(system_id)}</code>"


def project_ref(data: SiteData, source: str, project_id: str) -> str:
    found = data.head.project(project_id)
    return project_link(source, found) if found is not None else f"<code>{esc(project_id)}</code>"


def unit_link(data: SiteData, source: str, unit_id: str) -> str:
    if data.unit(unit_id) is None:
        return f"<code>{esc(unit_id)}</code>"
    return link(urls.href(source, urls.unit(unit_id)), data.unit_name(unit_id))


def rule_link(source: str, rule_id: str) -> str:
    target = urls.rule(rule_id)
    return link(urls.href(source, target), rule_id) if target else esc(rule_id)


def status_badge(status: SystemStatus) -> str:
    return f'<span class="registry-badge status-{status.value}">{esc(status.label)}</span>'


def severity_badge(severity: Severity) -> str:
    return f'<span class="registry-badge severity-{severity.value}">{esc(SEVERITY_LABELS[severity])}</span>'


def finding_record(data: SiteData, source: str, finding: Finding) -> Cell:
    """The record a finding is on: its page, or the file path for a file that did not load."""
    record = data.record_at.get(finding.path)
    if record is None:
        return Cell(f"<code>{esc(finding.path)}</code>")
    return Cell(record_link(source, record))


def findings_table(
    data: SiteData, source: str, findings: Iterable[Finding], *, with_record: bool = True,
    interactive: bool = False, empty: str = "未发现问题。",
) -> str:
    columns = [Column("级别", filter=interactive, nowrap=True), Column("规则", filter=interactive, nowrap=True)]
    if with_record:
        columns = [Column("单位", filter=interactive), Column("记录"), *columns]
    columns += [Column("事项"), Column("问题与处理建议", wide=True), Column("依据", wide=True)]
    table = Table(columns, interactive=interactive, empty=empty, cls="registry-findings")
    for f in findings:
        # The CLI names the field by its path and quotes YAML; readers get the Chinese words.
        model = model_of(data.record_at.get(f.path))
        row = [
            Cell(severity_badge(f.severity)),
            Cell(rule_link(source, f.rule)),
            Cell.text(field_label(f.field, model)),
            Cell.text(public_message(f.message.zh, model)),
            Cell.text(f.citation or "—"),
        ]
        if with_record:
            unit = data.unit_of_path(f.path)
            row = [Cell(unit_link(data, source, unit) if unit else "—"),
                   finding_record(data, source, f), *row]
        table.rows.append(row)
    return table.render()


def history_table(changes: list[RecordChange]) -> str:
    """The record's changes: date, what changed (registration, status and stage moves, updated
    parts) and who merged (approved) or made it. Not the commit messages: they are written
    for developers."""
    table = Table(
        [Column("日期", nowrap=True), Column("变更内容", wide=True), Column("合并人（批准）／提交人")],
        empty="暂无变更记录（登记簿尚无版本历史，或该记录尚未提交）。",
    )
    for c in changes:
        # The author of a merge commit is who merged the pull request (GitHub's web merge
        # records GitHub as committer). Names only: esc() hides an address used as a name.
        who = f"{esc(c.by)}（合并）" if c.merged else esc(c.by)
        table.rows.append([Cell.text(c.date.isoformat()), Cell.text("；".join(c.what)), Cell(who)])
    return table.render()


def count(findings: Iterable[Finding]) -> tuple[int, int]:
    errors = warnings = 0
    for f in findings:
        if f.severity is Severity.error:
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def findings_summary(errors: int, warnings: int) -> str:
    if not errors and not warnings:
        return '<span class="registry-ok">无问题</span>'
    parts = []
    if errors:
        parts.append(f'<span class="severity-error">{errors} 个错误</span>')
    if warnings:
        parts.append(f'<span class="severity-warning">{warnings} 个警告</span>')
    return "，".join(parts)
