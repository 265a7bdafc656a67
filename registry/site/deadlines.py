"""期限提醒 as a leader can act on it: for every deadline finding, the due date, the days
overdue, the unit, the authority it answers to and what to do, most urgent first.

Findings do not carry their due date, and reading it out of a message would break when a
message is reworded. The due date is found from the rules themselves: a deadline finding
appears on the first day after its due date and stays until the record changes, so the due
date is the last day on which the deadline rules, run on that one record, do not report it
yet (a binary search over days; one record and the deadline rules only, so it costs little).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from typing import Any

from registry import export
from registry.engine import run_rules
from registry.findings import Finding
from registry.rules import RULES
from registry.rules.base import Kind
from registry.site.data import OUTLOOK_DAYS, SiteData
from registry.site.wording import public_message

# How far back the search for a due date looks: older deadlines are shown as due that long ago.
SEARCH_YEARS = 60


@dataclasses.dataclass(frozen=True)
class Deadline:
    finding: Finding
    due: dt.date
    days_overdue: int  # negative: days left
    unit: str  # unit id of the record
    authority: str  # unit id of the authority the unit answers to

    @property
    def title(self) -> str:
        rule = RULES.get(self.finding.rule)
        return rule.title if rule is not None else self.finding.rule


def items(data: SiteData) -> list[Deadline]:
    """Overdue and upcoming deadlines, most overdue first, then the soonest due (computed once
    per build: the page, the downloads and the summary share them)."""
    if "deadlines" not in data.memo:
        data.memo["deadlines"] = _compute(data)
    found: list[Deadline] = data.memo["deadlines"]
    return found


def _compute(data: SiteData) -> list[Deadline]:
    probe = _Probe(data)
    found: list[Deadline] = []
    for findings, limit in ((data.deadline_findings, data.today), (data.upcoming, None)):
        seen: Counter[tuple[str, str, str]] = Counter()
        for f in sorted(findings):
            key = (f.path, f.rule, f.field)
            seen[key] += 1
            due = probe.due(f, seen[key], limit)
            found.append(Deadline(f, due, (data.today - due).days, data.unit_of_path(f.path),
                                  data.config.authorities.data_authority))
    return sorted(found, key=lambda d: (-d.days_overdue, d.unit, d.finding.path, d.finding.rule))


class _Probe:
    def __init__(self, data: SiteData) -> None:
        self.data = data
        rules = [(r, p) for r, p in data.run.selection.rules if r.kind is Kind.deadline]
        self.selection = dataclasses.replace(data.run.selection, rules=rules)
        self.counted: dict[tuple[str, str, str, dt.date], int] = {}

    def count(self, f: Finding, day: dt.date) -> int:
        key = (f.path, f.rule, f.field, day)
        if key not in self.counted:
            ctx = dataclasses.replace(self.data.run.context, today=day, notices=[], targets=frozenset({f.path}))
            problems: list[tuple[Any, Any]] = run_rules(self.selection, ctx)
            self.counted[key] = sum(1 for r, p in problems if r.id == f.rule and p.field == f.field)
        return self.counted[key]

    def due(self, f: Finding, nth: int, limit: dt.date | None) -> dt.date:
        """The last day on which fewer than ``nth`` such findings are reported."""
        today = self.data.today
        high = limit or today + dt.timedelta(days=OUTLOOK_DAYS)  # a day on which it is reported
        low = today - dt.timedelta(days=365 * SEARCH_YEARS)
        if self.count(f, low) >= nth:
            return low
        while (high - low).days > 1:  # invariant: count(low) < nth <= count(high)
            middle = low + (high - low) / 2
            if self.count(f, middle) >= nth:
                high = middle
            else:
                low = middle
        return low


HEADER = ["到期日", "逾期天数", "单位", "单位代码", "记录", "记录编号", "事项", "主管部门", "处理建议", "依据"]


def table_rows(data: SiteData) -> list[list[Any]]:
    """The downloadable 期限提醒 table, most urgent first (逾期天数 negative: days left)."""
    rows: list[list[Any]] = []
    for d in items(data):
        record = data.record_at.get(d.finding.path)
        model = type(record) if record is not None else None
        rows.append([
            d.due, d.days_overdue, data.unit_name(d.unit), d.unit,
            record.name if record is not None else d.finding.path, record.id if record is not None else "",
            d.title, data.unit_name(d.authority), public_message(d.finding.message.zh, model), d.finding.citation,
        ])
    return rows


def assets(data: SiteData) -> dict[str, bytes]:
    rows = table_rows(data)
    return {CSV: export.table_csv(HEADER, rows), XLSX: export.table_xlsx("期限提醒", HEADER, rows)}


CSV = "data/deadlines.csv"
XLSX = "data/deadlines.xlsx"
