"""The audit's findings in words: one function per finding kind, each naming the commit (id,
date as written, author) and what it changed. Positions point at the working tree's file,
where a reviewer will look."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from registry.enums import Stage
from registry.findings import Finding, Message, Severity
from registry.layout import is_record_path
from registry.loader import CONFIG_FILE
from registry.positions import FilePositions, RememberedPositions

from registry.audit.governance import GovernanceChange
from registry.audit.records import MilestoneChange
from registry.audit.rules import AUDIT_RULES, ROLE_TITLES

if TYPE_CHECKING:
    from registry import gitio

_ACTIONS = {"added": ("新增", "added"), "changed": ("修改", "changed"), "removed": ("删除", "removed")}


def commit_label(entry: gitio.LogEntry) -> tuple[str, str]:
    """``1a2b3c4d（2025-01-05，张三 <zs@x>：标题）`` — the date is shown as written, never trusted."""
    zh = f"{entry.short}（{entry.date}，{entry.author}：{entry.subject}）"
    en = f"{entry.short} ({entry.date}, {entry.author}: {entry.subject})"
    return zh, en


class Locator:
    """Audit findings placed in the working tree's files (see :mod:`registry.positions`); with
    ``remembered``, each file's positions are kept by its content across runs."""

    def __init__(self, root: Path, remembered: RememberedPositions | None = None) -> None:
        self.positions = FilePositions(root, remembered=remembered)

    def locate(self, path: str, field: str) -> tuple[int, int]:
        return self.positions.of_field(path, field)

    def finding(self, rule_id: str, path: str, field: str, message: Message) -> Finding:
        rule = AUDIT_RULES[rule_id]
        line, column = self.locate(path, field)
        return Finding(path=path, line=line, column=column, rule=rule.id, severity=Severity.error,
                       field=field, message=message, citation=rule.citation, quote=rule.quote)


def direct_push(entry: gitio.LogEntry, paths: list[str], branch: str) -> tuple[str, Message]:
    """AUD002: (where, message) for a non-merge commit that changed the registry."""
    ordered = sorted(set(paths), key=lambda p: (not is_record_path(p), p != CONFIG_FILE, p))
    files_zh = "、".join(ordered[:3]) + (f" 等 {len(ordered)} 个文件" if len(ordered) > 3 else "")
    files_en = ", ".join(ordered[:3]) + (f" and {len(ordered) - 3} more files" if len(ordered) > 3 else "")
    zh = (f"提交 {entry.short}（{entry.date}，{entry.author}：{entry.subject}）未经合并请求直接进入 {branch}，"
          f"改动了 {files_zh}：变更须通过合并请求审核后合入，请补做审核并开启分支保护")
    en = (f"commit {entry.short} ({entry.date}, {entry.author}: {entry.subject}) reached {branch} without a "
          f"merge request and changed {files_en}: changes must be reviewed in a merge request")
    return ordered[0], Message(zh, en)


def unverified_merge(entry: gitio.LogEntry, paths: list[str], why: tuple[str, str]) -> tuple[str, Message]:
    """AUD003: a merge whose signature does not verify against a trusted key."""
    where = sorted(set(paths), key=lambda p: (not is_record_path(p), p != CONFIG_FILE, p))[0]
    label_zh, label_en = commit_label(entry)
    zh = (f"合并提交 {label_zh}{why[0]}：无法证明它是代码托管平台或批准人所做的合并（也可能是在分支上伪造后快进进入），"
          "其中的变更不视为经过审核；请在 registry.yaml 的 trust.merge_keys 登记平台合并公钥，或由批准人签名合并")
    en = (f"merge {label_en} {why[1]}: nothing proves the forge or an approver made it (it may be a merge forged on a "
          "branch and fast-forwarded), so its changes are not taken as reviewed")
    return where, Message(zh, en)


def unapproved_milestone(entry: gitio.LogEntry, change: MilestoneChange, authority: tuple[str, str, bool],
                         how: str, mergers: str, branch: str) -> Message:
    """AUD001 for one milestone. ``how``: "direct" (not a merge), "unverified" (a merge whose
    signature does not verify) or "merger" (a verified merge by someone else)."""
    role, unit_id, has_approvers = authority
    label = Stage(change.milestone).label
    role_zh = ROLE_TITLES.get(role) or role
    act_zh, act_en = _ACTIONS[change.action]
    subject = f"项目 {change.project} 的{label}（milestones.{change.milestone}）"
    label_zh, label_en = commit_label(entry)
    head_en = f"project {change.project}: milestones.{change.milestone} {act_en} by"
    if how == "direct":
        zh = (f"{subject}由提交 {label_zh}{act_zh}，该提交不是合并，直接进入 {branch}：该审批结论须由{role_zh} "
              f"{unit_id} 的批准人审核合并")
        en = f"{head_en} commit {label_en}, which is not a merge and reached {branch} directly"
    elif how == "unverified":
        zh = (f"{subject}由合并提交 {label_zh}{act_zh}，但这一合并的签名无法用登记簿信任的公钥验证：不能证明是{role_zh} "
              f"{unit_id} 的批准人所做的合并")
        en = f"{head_en} merge {label_en}, whose signature does not verify against a key the registry trusts"
    else:
        zh = (f"{subject}由合并提交 {label_zh}{act_zh}，合并者 {mergers} 不是{role_zh} {unit_id} 登记的批准人"
              f"（approvers）：该审批结论须由 {unit_id} 的批准人审核合并")
        en = f"{head_en} merge {label_en} of {mergers}, who is not an approver of {role} unit {unit_id}"
    if not has_approvers:
        zh += f"（单位 {unit_id} 尚未在 registry.yaml 中登记 approvers 邮箱）"
        en += f" (unit {unit_id} lists no approver e-mails in registry.yaml)"
    return Message(zh, en)


def with_parents(message: Message, carriers: list[int] | None) -> Message:
    """Add to an AUD001 message which merged parents brought the milestone (merges, octopus
    ones included, are checked parent by parent)."""
    if carriers is None:
        return message
    if not carriers:
        return Message(message.zh + "；这一改动不在任何被合并的父提交中，是合并提交自身写入的",
                       message.en + "; no merged parent has it: the merge commit itself wrote it")
    numbers = "、".join(f"第 {n} 个" for n in carriers)
    return Message(message.zh + f"；由{numbers}父提交带入", message.en + f"; brought by parent {', '.join(map(str, carriers))}")


def unauthorised_governance(entry: gitio.LogEntry, change: GovernanceChange, who: tuple[str, str],
                            how: str, mergers: str) -> Message:
    """AUD004: approvers/reviewers/authorities/trust changed by someone not entitled to."""
    what_zh, what_en = change.describe()
    label_zh, label_en = commit_label(entry)
    reason_zh = {"direct": "该提交不是合并", "unverified": "该合并的签名无法验证"}.get(how, f"合并者 {mergers} 不是{who[0]}")
    reason_en = {"direct": "it is not a merge", "unverified": "its signature does not verify"}.get(
        how, f"{mergers} is not {who[1]}")
    zh = (f"提交 {label_zh}修改了{what_zh}，{reason_zh}：这一修改须由{who[0]}审核合并，"
          "审计中不生效，之后的审批仍按修改前的名单核对")
    en = (f"commit {label_en} changed {what_en} but {reason_en}: only {who[1]} may merge it; the audit ignores "
          "the change and keeps judging later merges by the previous lists")
    return Message(zh, en)


def linked_file(entry: gitio.LogEntry, change: gitio.FileChange, path: str) -> Message:
    """AUD006: a symbolic link or submodule where the registry keeps files."""
    kind_zh, kind_en = ("子模块", "a submodule") if change.mode == "160000" else ("符号链接", "a symbolic link")
    label_zh, label_en = commit_label(entry)
    zh = (f"提交 {label_zh}把 {path} 存为{kind_zh}：登记簿的文件须是普通文件，经链接存放的记录会让审批修改落在审核看不到的"
          "位置；请改回普通文件")
    en = f"commit {label_en} stores {path} as {kind_en}: registry files must be regular files"
    return Message(zh, en)


def backwards_date(entry: gitio.LogEntry, previous: gitio.LogEntry) -> Message:
    """AUD005: a committer date earlier than the previous first-parent commit's."""
    def stamp(e: gitio.LogEntry) -> str:
        return dt.datetime.fromtimestamp(e.timestamp, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")

    label_zh, label_en = commit_label(entry)
    zh = (f"提交 {label_zh}的提交时间 {stamp(entry)} 早于它在主分支上的前一个提交 {previous.short}（{stamp(previous)}）："
          "提交时间被改写过，或提交是在别处伪造后推送的；审计按提交顺序进行，不按日期跳过")
    en = (f"commit {label_en} has committer date {stamp(entry)}, earlier than the previous first-parent commit "
          f"{previous.short} ({stamp(previous)}): the date was rewritten or the commit was made elsewhere")
    return Message(zh, en)
