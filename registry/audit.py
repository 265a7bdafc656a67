"""Approval audit: did every authority decision recorded in the registry really go through
review by the right people?

Walks the first-parent history of the base branch (one ``git log`` pass, blobs through one
``git cat-file --batch``) and reports

* **AUD001** — a commit that adds, changes or removes an authority milestone (``reviewed``,
  ``third_party_assessed``, ``approved``, ``final_acceptance`` → data authority;
  ``finance_reviewed``, ``budgeted`` → finance; ``crypto_reviewed`` → crypto) without being a
  merge made by an identity in that authority unit's ``approvers``;
* **AUD002** — a commit that changed the registry without a merge (a direct push): one
  finding per commit, on the first record file it changed.

What counts, deliberately:

* The merge identity is the merge commit's author *or* committer, by e-mail or name,
  case-insensitively (GitLab records the merging user as both; GitHub's web merge has the user
  as author and "GitHub <noreply@github.com>" as committer, an identity that never counts).
  An approver written ``@login`` also matches GitHub's ``<id>+<login>@users.noreply.github.com``.
* The approvers are read from registry.yaml *before* the commit (its first parent), so a merge
  cannot approve itself by adding its author to ``approvers``.
* A role without a unit in ``authorities`` (finance, crypto are optional) falls back to the
  data authority, which runs the registry.
* Projects are matched by ``id`` across the commit, so moving a file (a deletion plus an
  addition, renames are off) is not taken for a new milestone.
* The root commit is the initial import and is not audited; ``since`` starts the audit at the
  date the review process began.
* Squash and rebase merges leave no merge commit: in git they look like direct pushes. Use
  "merge commit" as the merge method of the base branch.

These findings come from history, not from records, so they are not rules of the engine; they
use the same :class:`~registry.findings.Finding`, reporters and exit codes as ``check``.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import git
from pydantic import ValidationError

from registry import gitio
from registry.enums import Stage
from registry.findings import Finding, Message, Report, Severity, Summary
from registry.layout import is_record_path
from registry.loader import CONFIG_FILE, ConfigError, load_config, position
from registry.models import Authorities, RegistryConfig
from registry.yamlio import YamlError, parse

# Milestone → the authority role (registry.yaml ``authorities``) whose decision it records.
AUTHORITY_OF_MILESTONE: dict[str, str] = {
    "reviewed": "data_authority",
    "third_party_assessed": "data_authority",
    "approved": "data_authority",
    "final_acceptance": "data_authority",
    "finance_reviewed": "finance",
    "budgeted": "finance",
    "crypto_reviewed": "crypto",
}

# Shared identities of the hosting platform: they never stand for a person's approval.
PLATFORM_IDENTITIES = frozenset({"noreply@github.com", "github"})
_GITHUB_NOREPLY = re.compile(r"(?:\d+\+)?(?P<login>[^@]+)@users\.noreply\.github\.com")


@dataclasses.dataclass(frozen=True)
class AuditRule:
    """An audit finding kind: documented like a rule, but found in history, not records."""

    id: str
    title: str
    summary: str
    citation: str
    quote: str


AUDIT_RULES: dict[str, AuditRule] = {
    r.id: r
    for r in (
        AuditRule(
            "AUD001", "职能部门审批里程碑须由该部门批准人合并",
            "新增、修改或删除职能部门里程碑（评审、第三方评估论证、立项批复、竣工验收 → 数据主管部门；"
            "资金审核、预算下达 → 财政部门；密码应用审核 → 密码管理部门）的提交，须是该部门在 registry.yaml "
            "中登记的批准人（approvers）所做的合并。",
            "登记簿审核流程：职能部门审批结论须经该部门批准人合并",
            "登记簿中的审批结论（立项批复、资金审核、预算下达、密码应用审核、验收等）只能由作出该结论的职能部门确认："
            "单位提交合并请求，职能部门的批准人审核后合并。",
        ),
        AuditRule(
            "AUD002", "变更须经合并请求进入主分支",
            "主分支上改动登记簿的提交都应是合并请求的合并提交；直接推送的提交未经审核。",
            "登记簿审核流程：变更须经合并请求审核",
            "各单位以合并请求提交变更，经审核人审核、数据主管部门合并后生效；主分支应开启保护，禁止直接推送，"
            "合并方式选用“合并提交”（squash 或 rebase 合并在 git 历史中与直接推送无法区分）。",
        ),
    )
}

_ACTIONS = {"added": ("新增", "added"), "changed": ("修改", "changed"), "removed": ("删除", "removed")}


@dataclasses.dataclass(frozen=True)
class MilestoneChange:
    """One authority milestone of one project that a commit added, changed or removed."""

    path: str  # registry-relative path of the project file (after the commit, else before)
    project: str
    milestone: str
    action: str  # added | changed | removed


def run_audit(root: Path, *, branch: str | None = None, since: dt.date | None = None) -> Report:
    """Audit the first-parent history of ``branch`` (default: registry.yaml's base_branch)."""
    config = load_config(root)
    repo = gitio.try_open_repo(root)
    if repo is None:
        raise ConfigError(Message(
            f"{root} 不在 git 仓库中：审计需要 git 历史",
            f"{root} is not inside a git repository: the audit needs git history",
        ), path=str(root))
    try:
        name = branch or config.base_branch
        commit = _history_start(repo, name)
        auditor = Auditor(repo, root, config, name)
        findings = list(auditor.walk(gitio.first_parent_log(repo, commit), since=since))
    finally:
        repo.close()
    summary = Summary(records=len(auditor.records), profiles=list(config.profiles), notices=auditor.notices())
    return Report(sorted(findings), summary)


def _history_start(repo: git.Repo, branch: str) -> str:
    if gitio.is_shallow(repo):
        raise ConfigError(Message(
            "当前是浅克隆，历史不完整，无法审计：请先 git fetch --unshallow，或在 GitHub Actions 的 checkout 中设置 "
            "fetch-depth: 0（GitLab：GIT_DEPTH: 0）",
            "this is a shallow clone, the history is incomplete: run git fetch --unshallow, or set fetch-depth: 0 "
            "(GitLab: GIT_DEPTH: 0)",
        ), path="--base-branch")
    found = gitio.resolve_branch(repo, branch)
    if found is None:
        raise ConfigError(Message(
            f"找不到分支 {branch}（也没有 origin/{branch}）：请先 git fetch origin {branch}，或用 --base-branch 指定主分支",
            f"branch {branch} (or origin/{branch}) not found: git fetch origin {branch}, or pass --base-branch",
        ), path="--base-branch")
    return found


class Auditor:
    """Replays the history commit by commit, keeping registry.yaml as it was before each one."""

    def __init__(self, repo: git.Repo, root: Path, config: RegistryConfig, branch: str) -> None:
        self.repo = repo
        self.root = root
        self.config = config  # the current one: fallback when history has no readable registry.yaml
        self.branch = branch
        self.prefix = gitio.root_prefix(repo, root)
        self.records: set[str] = set()
        self._notices: list[Message] = []
        self._configs: dict[str, RegistryConfig | None] = {}
        self._positions: dict[str, Any] = {}
        self._counts = {"commits": 0, "merges": 0, "direct": 0}

    def walk(self, entries: Iterable[gitio.LogEntry], *, since: dt.date | None = None) -> Iterator[Finding]:
        config_blob: str | None = None  # registry.yaml before the current commit
        for entry in entries:
            changes = [c for c in entry.changes if c.path.startswith(self.prefix)]
            if not entry.parents:
                self._note(f"根提交 {entry.short} 视为初始导入，未审计", f"root commit {entry.short} is the initial import and is not audited")
            elif since is None or entry.date >= since:
                yield from self._audit(entry, changes, self._config_at(config_blob, entry))
            config_blob = _blob_after(changes, self.prefix + CONFIG_FILE, config_blob)

    def _audit(self, entry: gitio.LogEntry, changes: list[gitio.FileChange], config: RegistryConfig) -> Iterator[Finding]:
        self._counts["commits"] += 1
        self._counts["merges" if entry.merge else "direct"] += 1
        paths = [c.path[len(self.prefix):] for c in changes]
        self.records.update(p for p in paths if is_record_path(p))
        if not entry.merge and paths:
            yield self._direct_push(entry, paths)
        for change in milestone_changes(changes, self.prefix, self._read):
            approvers, unit_id, role = approvers_for(config, change.milestone)
            if entry.merge and approved_by(entry, approvers):
                continue
            yield self._unapproved(entry, change, unit_id, role, bool(approvers))

    # -- reading history --------------------------------------------------------------------

    def _read(self, blob: str) -> bytes:
        return gitio.read_blob(self.repo, blob)

    def _config_at(self, blob: str | None, entry: gitio.LogEntry) -> RegistryConfig:
        if blob is None:
            return self.config
        if blob not in self._configs:
            try:
                data = parse(self._read(blob)).data
                self._configs[blob] = RegistryConfig.model_validate(data)
            except (YamlError, ValidationError):
                self._configs[blob] = None
        found = self._configs[blob]
        if found is None:
            self._note(
                f"提交 {entry.short} 之前的 registry.yaml 无法读取，其批准人按当前 registry.yaml 判断",
                f"registry.yaml before commit {entry.short} is unreadable: approvers taken from the current one",
            )
            return self.config
        return found

    # -- findings ---------------------------------------------------------------------------

    def _direct_push(self, entry: gitio.LogEntry, paths: list[str]) -> Finding:
        """One finding per commit, placed on its first record file (else registry.yaml, else
        the first file), naming up to three of the files it changed."""
        rule = AUDIT_RULES["AUD002"]
        ordered = sorted(set(paths), key=lambda p: (not is_record_path(p), p != CONFIG_FILE, p))
        files_zh = "、".join(ordered[:3]) + (f" 等 {len(ordered)} 个文件" if len(ordered) > 3 else "")
        files_en = ", ".join(ordered[:3]) + (f" and {len(ordered) - 3} more files" if len(ordered) > 3 else "")
        zh = (f"提交 {entry.short}（{entry.date}，{entry.author}：{entry.subject}）未经合并请求直接进入 {self.branch}，"
              f"改动了 {files_zh}：变更须通过合并请求审核后合入，请补做审核并开启分支保护")
        en = (f"commit {entry.short} ({entry.date}, {entry.author}: {entry.subject}) reached {self.branch} without a "
              f"merge request and changed {files_en}: changes must be reviewed in a merge request")
        return self._finding(rule, ordered[0], "", Message(zh, en))

    def _unapproved(self, entry: gitio.LogEntry, change: MilestoneChange, unit_id: str, role: str,
                    has_approvers: bool) -> Finding:
        rule = AUDIT_RULES["AUD001"]
        label = Stage(change.milestone).label
        role_zh = Authorities.model_fields[role].title or role
        act_zh, act_en = _ACTIONS[change.action]
        subject = f"项目 {change.project} 的{label}（milestones.{change.milestone}）"
        if entry.merge:
            zh = (f"{subject}由合并提交 {entry.short}（{entry.date}）{act_zh}，合并者 {_merger(entry)} 不是{role_zh} "
                  f"{unit_id} 登记的批准人（approvers）：该审批结论须由 {unit_id} 的批准人审核合并")
            en = (f"project {change.project}: milestones.{change.milestone} {act_en} by merge {entry.short} "
                  f"({entry.date}) of {_merger(entry)}, who is not an approver of {role} unit {unit_id}")
        else:
            zh = (f"{subject}由提交 {entry.short}（{entry.date}，{entry.author}）{act_zh}，未经合并请求直接进入 "
                  f"{self.branch}：该审批结论须由{role_zh} {unit_id} 的批准人审核合并")
            en = (f"project {change.project}: milestones.{change.milestone} {act_en} by commit {entry.short} "
                  f"({entry.date}, {entry.author}) pushed to {self.branch} without a merge by an approver of {unit_id}")
        if not has_approvers:
            zh += f"（单位 {unit_id} 尚未在 registry.yaml 中登记 approvers）"
            en += f" (unit {unit_id} lists no approvers in registry.yaml)"
        return self._finding(rule, change.path, f"milestones.{change.milestone}", Message(zh, en))

    def _finding(self, rule: AuditRule, path: str, field: str, message: Message) -> Finding:
        line, column = self._locate(path, field)
        return Finding(path=path, line=line, column=column, rule=rule.id, severity=Severity.error,
                       field=field, message=message, citation=rule.citation, quote=rule.quote)

    def _locate(self, path: str, field: str) -> tuple[int, int]:
        """The field's position in the working tree's file (where a reviewer will look)."""
        if not field:
            return 1, 1
        if path not in self._positions:
            try:
                self._positions[path] = parse((self.root / path).read_bytes(), positions=True)
            except (OSError, YamlError):
                self._positions[path] = None
        parsed = self._positions[path]
        return position(parsed, tuple(field.split("."))) if parsed is not None else (1, 1)

    # -- notices ----------------------------------------------------------------------------

    def _note(self, zh: str, en: str) -> None:
        message = Message(zh, en)
        if message not in self._notices:
            self._notices.append(message)

    def notices(self) -> list[Message]:
        c = self._counts
        summary = Message(
            f"已审计 {self.branch} 的 {c['commits']} 个首父提交：合并 {c['merges']} 个，直接提交 {c['direct']} 个",
            f"audited {c['commits']} first-parent commits of {self.branch}: {c['merges']} merges, {c['direct']} direct",
        )
        return [summary, *self._notices]


def _blob_after(changes: Iterable[gitio.FileChange], path: str, current: str | None) -> str | None:
    for change in changes:
        if change.path == path:
            return change.new_blob
    return current


def milestone_changes(
    changes: Iterable[gitio.FileChange], prefix: str, read: Callable[[str], bytes]
) -> Iterator[MilestoneChange]:
    """Authority milestones that differ between the two sides of a commit, per project id."""
    before: dict[str, tuple[str, dict[str, Any]]] = {}
    after: dict[str, tuple[str, dict[str, Any]]] = {}
    for change in changes:
        path = change.path[len(prefix):]
        if not (path.startswith("projects/") and is_record_path(path) and change.regular_file):
            continue
        if change.old_blob is not None:
            key, milestones = project_milestones(path, read(change.old_blob))
            before[key] = (path, milestones)
        if change.new_blob is not None:
            key, milestones = project_milestones(path, read(change.new_blob))
            after[key] = (path, milestones)
    for project in sorted(set(before) | set(after)):
        path, old = before.get(project, ("", {}))
        path, new = after.get(project, (path, {}))
        for milestone in AUTHORITY_OF_MILESTONE:
            was, now = old.get(milestone), new.get(milestone)
            if was != now:
                action = "added" if was is None else "removed" if now is None else "changed"
                yield MilestoneChange(path, project, milestone, action)


def project_milestones(path: str, raw: bytes) -> tuple[str, dict[str, Any]]:
    """(project id, milestone → mapping) read leniently: an unreadable file has no milestones,
    so a milestone that reappears once the file is repaired still counts as added."""
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    try:
        data = parse(raw).data
    except YamlError:
        return stem, {}
    project_id = data.get("id")
    milestones = data.get("milestones")
    if not isinstance(milestones, dict):
        milestones = {}
    normal = {k: (v if isinstance(v, dict) else {"date": v}) for k, v in milestones.items() if v is not None}
    return (str(project_id) if project_id else stem), normal


def approvers_for(config: RegistryConfig, milestone: str) -> tuple[list[str], str, str]:
    """(approvers, unit id, role) of the authority that decides ``milestone``; a role without
    a unit in ``authorities`` falls back to the data authority."""
    role = AUTHORITY_OF_MILESTONE[milestone]
    unit_id = getattr(config.authorities, role, None)
    if unit_id is None:
        role, unit_id = "data_authority", config.authorities.data_authority
    unit = config.unit(unit_id)
    return (list(unit.approvers) if unit is not None else []), unit_id, role


def approved_by(entry: gitio.LogEntry, approvers: Iterable[str]) -> bool:
    """Whether the merge's author or committer is one of ``approvers`` (e-mail or name,
    case-insensitive; ``@login`` also matches a GitHub no-reply address of that login)."""
    people = [p for p in (entry.author, entry.committer) if not _platform(p)]
    names = {v.strip().casefold() for p in people for v in (p.name, p.email) if v.strip()}
    logins = {m.group("login").casefold() for p in people if (m := _GITHUB_NOREPLY.fullmatch(p.email.strip()))}
    for approver in approvers:
        wanted = approver.strip().casefold()
        if wanted in names or (wanted.startswith("@") and wanted[1:] in logins):
            return True
    return False


def _platform(person: gitio.Identity) -> bool:
    return person.email.strip().casefold() in PLATFORM_IDENTITIES or (
        person.name.strip().casefold() in PLATFORM_IDENTITIES and person.email.strip().casefold().endswith("github.com")
    )


def _merger(entry: gitio.LogEntry) -> str:
    people = [str(p) for p in (entry.author, entry.committer) if not _platform(p)]
    return " / ".join(dict.fromkeys(people)) or str(entry.author)
