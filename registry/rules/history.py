"""Recorded history of a record: which entries of a base revision a change kept, edited or removed.

Lists of events (``changes``, ``evaluations``, ``progress_reports``) and a system's recorded
approvals are append-only (CHG004). Entries are compared as values, order aside (sorting a list
by date edits nothing), and text without its whitespace (re-wrapping a long description into a
YAML block changes nothing in Chinese text).
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from registry.models.kinds import RecordPart

if TYPE_CHECKING:
    from registry.models import Project, System


# Project lists whose entries record something that happened (FORMAT.md): label, English name.
EVENT_LISTS = {
    "changes": ("变更记录", "change entry"),
    "evaluations": ("评价记录", "evaluation"),
    "progress_reports": ("进度报告", "progress report"),
}

# System fields that record a decision once taken: label. (Retirement fields are kept only once
# the system has left service at base, see :func:`system_records`.)
APPROVAL_FIELDS = {"new_system_approval": "新增系统批准文件"}
RETIREMENT_FIELDS = {"retired_on": "停用（整合）日期", "retirement_ref": "停用依据", "merged_into": "整合至的系统"}


def canonical(value: Any) -> Any:
    """A comparable form of an entry: plain data, strings without whitespace, numbers as floats."""
    if isinstance(value, RecordPart):
        value = value.model_dump(mode="json")  # type: ignore[attr-defined]
    if isinstance(value, dict):
        return tuple(sorted((k, canonical(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(canonical(v) for v in value)
    if isinstance(value, str):
        return "".join(value.split())
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return str(value)


def split_entries(old: list[Any], new: list[Any]) -> tuple[list[int], list[int]]:
    """(indexes of ``old`` entries missing from ``new``, indexes of ``new`` entries not in ``old``),
    matching each old entry to one new entry: an equal one first, else one that only fills in
    what was blank (:func:`fills_in`)."""
    used = [False] * len(new)
    removed = []
    keys = [canonical(entry) for entry in new]
    for i, entry in enumerate(old):
        key = canonical(entry)
        match = next((j for j, k in enumerate(keys) if not used[j] and k == key), None)
        if match is None:
            match = next((j for j, n in enumerate(new) if not used[j] and fills_in(entry, n)), None)
        if match is None:
            removed.append(i)
        else:
            used[match] = True
    return removed, [j for j, taken in enumerate(used) if not taken]


# Keys of an entry that may be filled in later when blank at base: the re-approval of a change
# arrives after the change is recorded, a report number after the evaluation. Amounts and dates
# never: they are what the entry records.
FILLABLE = frozenset({"approval", "ref"})


def fills_in(old: Any, new: Any) -> bool:
    """``new`` is ``old`` with some of its blank :data:`FILLABLE` keys given a value."""
    if not (isinstance(old, RecordPart) and isinstance(new, RecordPart)) or type(old) is not type(new):
        return False
    before, after = old.model_dump(mode="json"), new.model_dump(mode="json")  # type: ignore[attr-defined]
    return all(
        canonical(value) == canonical(after.get(key)) or (value is None and key in FILLABLE)
        for key, value in before.items()
    )


def removed_entries(before: Project, after: Project) -> Iterator[tuple[str, int, Any]]:
    """(list name, index at base, entry) of every event entry at base that ``after`` lacks."""
    for name in EVENT_LISTS:
        old, new = getattr(before, name), getattr(after, name)
        removed, _ = split_entries(old, new)
        for i in removed:
            yield name, i, old[i]


def added_entries(before: Project, after: Project, name: str) -> list[Any]:
    """The entries of list ``name`` at head that were not there at base."""
    new = getattr(after, name)
    _, added = split_entries(getattr(before, name), new)
    return [new[i] for i in added]


def system_records(before: System, after: System) -> Iterator[tuple[str, str, Any, Any]]:
    """(field, label, value at base, value now) of every recorded approval or retirement fact
    of ``before`` that ``after`` changed or dropped."""
    fields = dict(APPROVAL_FIELDS)
    if not before.active:
        fields.update(RETIREMENT_FIELDS)
    if before.transferred_from is not None and before.unit == after.unit:  # a new transfer replaces it
        fields["transferred_from"] = "划转来源"
    for name, label in fields.items():
        old, new = getattr(before, name), getattr(after, name)
        if old is not None and canonical(old) != canonical(new):
            yield name, label, old, new


def shown(value: Any) -> str:
    """A short text for a recorded value in a message."""
    if value is None:
        return "（空）"
    if isinstance(value, RecordPart):
        dumped: dict[str, Any] = value.model_dump(mode="json")  # type: ignore[attr-defined]
        return "，".join(f"{k}: {v}" for k, v in dumped.items() if v is not None)
    return str(value)
