"""Document numbers (文号): what a real one looks like, and where records carry them.

Shared by the rules that refuse placeholder or malformed numbers (REG014), approvals spent
more than once (REG015) and net growth excused by an approval (CHG001).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING

from registry.enums import Stage
from registry.models.kinds import SystemKind
from registry.rules.base import Params
from registry.rules.paramkit import Field, field_validator
from registry.rules.profiles import PROFILES

if TYPE_CHECKING:
    from registry.models import Project, RegistryConfig, System
    from registry.models.system import NewSystemApproval

# 发文机关代字 + 〔年份〕 + 序号 + 号, e.g. 金政字〔2024〕80号. The year's brackets come in the
# variants people type: 〔〕 (the standard, GB/T 9704), [] ［］ () （） and 【】; an opening
# bracket must close with its own kind (full- and half-width round brackets mix freely, as
# input methods switch width mid-word). An optional 第 before the sequence number is accepted;
# digits may be half or full width, the sequence number has no leading zero.
DEFAULT_DOC_NO_PATTERN = (
    r"[\u4e00-\u9fff〇]{1,20}"
    r"(?:〔[0-9０-９]{4}〕|\[[0-9０-９]{4}\]|［[0-9０-９]{4}］|[(（][0-9０-９]{4}[)）]|【[0-9０-９]{4}】)"
    r"第?[1-9１-９][0-9０-９]{0,5}号"
)

# Words that stand for "no document" (normalised: NFKC, no spaces, lower case, no trailing dots).
PLACEHOLDERS = frozenset({
    "无", "暂无", "没有", "无文号", "无文件", "待定", "待补", "待补充", "待补录", "待填", "待填写", "待发",
    "待批", "待批复", "待审批", "审批中", "报批中", "未定", "未批", "未批复", "未知", "不详", "空", "略", "见附件",
    "同上", "另行提供", "后补", "暂缺", "缺", "某", "某某", "测试", "文号", "批准文号", "文件号",
    "n/a", "na", "n.a", "none", "null", "nil", "tbd", "tba", "todo", "test", "xxx", "unknown", "pending", "0",
})


# Every bracket variant of the year becomes 〔〕 (after NFKC, which turns （［ into ([).
_BRACKETS = str.maketrans({"[": "〔", "(": "〔", "【": "〔", "]": "〕", ")": "〕", "】": "〕"})
_ANY_BRACKET = re.compile(r"[\[(【\])】]")
# Zeros before a digit, not after one: "(?<![0-9])0+(?=[0-9])" written to start with the
# literal 0, which the regular expression engine finds by a fast scan.
_LEADING_ZEROS = re.compile(r"0(?<![0-9]0)0*(?=[0-9])")
# A letter or a number: ``\w`` is ``str.isalnum()`` plus "_", and isalnum() holds for exactly the
# code points of Unicode categories L* and N* (checked over every code point by the tests).
_LETTER_OR_NUMBER = re.compile(r"[^\W_]")


def normalised(text: str) -> str:
    """How two spellings of one number compare: NFKC (full width → half width), no whitespace
    or invisible characters, lower case, and every bracket variant of the year as 〔〕."""
    folded = unicodedata.normalize("NFKC", text)
    if not folded.isprintable() or " " in folded:  # (a printable text has no Cc, Cf or space but " ")
        folded = "".join(ch for ch in folded if not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc"))
    if _ANY_BRACKET.search(folded):
        folded = folded.translate(_BRACKETS)
    folded = folded.replace("〕第", "〕")  # 〔2024〕第80号 is 〔2024〕80号
    if "0" in folded:
        folded = _LEADING_ZEROS.sub("", folded)  # 080号 is 80号 (under a looser pattern)
    return folded.casefold()


_PLACEHOLDER: dict[str, bool] = {}  # text → is_placeholder(text): references repeat across records
_MAX_REMEMBERED = 100_000


def is_placeholder(text: str) -> bool:
    """Blank, a word that means "none" (无, 待定, N/A …), or nothing but punctuation (-, /, ……)."""
    known = _PLACEHOLDER.get(text)
    if known is None:
        key = normalised(text).rstrip(".。")
        known = key in PLACEHOLDERS or _LETTER_OR_NUMBER.search(key) is None
        if len(_PLACEHOLDER) >= _MAX_REMEMBERED:
            _PLACEHOLDER.clear()
        _PLACEHOLDER[text] = known
    return known


class DocNoParams(Params):
    """The form an approval's document number must take (one parameter for every rule that
    reads approvals: setting ``doc_no_pattern`` in registry.yaml changes them together)."""

    doc_no_pattern: str = Field(
        DEFAULT_DOC_NO_PATTERN,
        description="批准文件文号须整体匹配的正则表达式（Python re 语法）。默认：发文机关代字 +〔四位年份〕+ 序号 +“号”，"
        "如“某政字〔2025〕12号”；年份括号可为〔〕[]［］()（）【】，序号前可有“第”",
        max_length=1000,
    )

    @field_validator("doc_no_pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("文号格式不能为空")
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"不是有效的正则表达式（{exc}）") from None
        return value


def doc_no_year(doc_no: str) -> int | None:
    """The year written in a document number's brackets (〔2024〕 → 2024), if any."""
    match = re.search(r"[〔\[［(（【]([0-9０-９]{4})[〕\]］)）】]", doc_no)
    return int(unicodedata.normalize("NFKC", match.group(1))) if match else None


def regulation_number(doc_no: str) -> str | None:
    """The title of the regulation whose own number ``doc_no`` is (a regulation approves no system)."""
    key = normalised(doc_no)
    for profile in PROFILES.values():
        if "〔" in profile.document and normalised(profile.document) == key:
            return profile.regulation
    return None


def well_formed(doc_no: str, pattern: str) -> bool:
    return re.fullmatch(pattern, doc_no.strip()) is not None


def approval_numbers(s: System) -> Iterator[tuple[str, str, dt.date | None]]:
    """(field, number, date) of the approvals a system carries (numbers that must be real 文号)."""
    if s.new_system_approval is not None:
        yield "new_system_approval.doc_no", s.new_system_approval.doc_no, s.new_system_approval.date
    if s.transferred_from is not None:
        yield "transferred_from.doc_no", s.transferred_from.doc_no, s.transferred_from.date
    if s.data.sharing_exemption is not None:
        yield "data.sharing_exemption.doc_no", s.data.sharing_exemption.doc_no, s.data.sharing_exemption.date


def project_approval_numbers(p: Project) -> Iterator[tuple[str, str, dt.date | None]]:
    approved = p.milestones.approved
    if approved is not None and approved.doc_no is not None:
        yield "milestones.approved.doc_no", approved.doc_no, approved.date
    for i, c in enumerate(p.changes):
        if c.approval is not None:
            yield f"changes[{i}].approval.doc_no", c.approval.doc_no, c.approval.date


_STAGES = tuple(stage.value for stage in Stage)  # the milestones' field names, in their order


def other_references(record: System | Project) -> Iterator[tuple[str, str]]:
    """(field, text) of document references that may be a path, a report name or a number:
    they need not follow the 文号 pattern, but "无" or "-" is no document either."""
    if isinstance(record, SystemKind):
        if record.retirement_ref is not None:
            yield "retirement_ref", record.retirement_ref
        return
    for i, b in enumerate(record.basis):
        if b.doc_no is not None:
            yield f"basis[{i}].doc_no", b.doc_no
    # the models' own dicts (fields only: extra keys are refused): this runs for every reference
    # of every project, and pydantic's attribute look-ups cost more than the check itself
    for kind, ref in record.documents.__dict__.items():
        if ref is not None:
            yield f"documents.{kind}", ref
    milestones = record.milestones.__dict__
    for stage in _STAGES:
        milestone = milestones[stage]
        ref = milestone.__dict__.get("ref") if milestone is not None else None
        if ref is not None:
            yield f"milestones.{stage}.ref", ref
    for i, e in enumerate(record.evaluations):
        if e.ref is not None:
            yield f"evaluations[{i}].ref", e.ref


def usable_approval(approval: NewSystemApproval, today: dt.date, pattern: str) -> bool:
    """An approval that can excuse net growth: a real, well-formed number, not dated in the future."""
    return (
        not is_placeholder(approval.doc_no)
        and well_formed(approval.doc_no, pattern)
        and regulation_number(approval.doc_no) is None
        and approval.date <= today
        and (doc_no_year(approval.doc_no) or 0) <= today.year
    )


def configured_pattern(config: RegistryConfig) -> str:
    """``doc_no_pattern`` as registry.yaml sets it for CHG001 (for callers outside the engine,
    such as ``registry diff``; the engine validates the value before any rule runs)."""
    for key in ("CHG001.doc_no_pattern", "doc_no_pattern"):
        value = config.parameters.get(key)
        if isinstance(value, str):
            return value
    return DEFAULT_DOC_NO_PATTERN
