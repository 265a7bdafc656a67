"""A synthetic first-parent history for the history benchmarks (bench_history.py).

Starts from a synth.py registry (half systems, half projects) committed as the initial import,
then writes ``merges`` pull requests with ``git fast-import`` (one process, seconds even for
thousands of commits): each is a topic commit on a branch off main and a ``--no-ff``-style
merge commit on main, the way GitHub and GitLab record a merged pull request. A pull request
edits one to four records the way staff do: a system's description, a retirement (some dated
ahead of ``today``, so they stay in use until then), a new system, a transfer to another unit,
a moved or deleted file, a project's progress report, budget, a new or changed milestone
(authority milestones too, so the audit has approvals to judge), now and then registry.yaml.
Everything comes from a seeded random source: the same arguments give the same history.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
import subprocess
from pathlib import Path

import synth

_MILESTONES_ADDED = ("started", "preliminary_acceptance", "archive_acceptance", "price_inquiry",
                     "budgeted", "final_acceptance", "reviewed")
# What each milestone takes besides its date (the project model's milestone types): the edits
# write what the schema accepts, as staff do (check refuses anything else before it lands).
_MILESTONE_EXTRA = {"reviewed": ", ref: 金大数据〔2026〕{number}号", "final_acceptance": ", ref: 金验字〔2026〕{number}号",
                    "budgeted": ", amount_wan: {number}"}
_IDENTITIES = [("张三", "zhangsan@jinxiang.gov.cn"), ("李四", "lisi@jinxiang.gov.cn"),
               ("王五", "wangwu@jinxiang.gov.cn"), ("数据局", "dsj@jinxiang.gov.cn")]


@dataclasses.dataclass
class History:
    root: Path
    records: int
    merges: int
    commits: int  # first-parent commits (the import and every merge)


def build(root: Path, *, records: int, merges: int, seed: int = 14, today: dt.date = synth.TODAY) -> History:
    """Write the registry at ``root`` (must not exist) and its history of ``merges`` merges."""
    units = max(6, min(100, records // 40))  # the first six hold the authorities registry.yaml names
    written = synth.generate(root, systems=records // 2, projects=records - records // 2, units=units,
                             seed=seed, today=today)
    files = {p: (root / p).read_text(encoding="utf-8") for p in written.systems + written.projects}
    files["registry.yaml"] = (root / "registry.yaml").read_text(encoding="utf-8")
    unit_ids = sorted({p.split("/")[1] for p in written.systems})
    edits = _Editor(random.Random(seed), files, unit_ids, today)
    stream = bytearray()
    stamp = int(dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc).timestamp())
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], check=True, capture_output=True,
                          text=True).stdout.strip()
    main_mark: str = head
    for number in range(1, merges + 1):
        changes = edits.pull_request(number)
        name, email = _IDENTITIES[number % len(_IDENTITIES)]
        topic = f":{2 * number - 1}"
        stamp += 3600
        stream += _commit("refs/heads/topic", topic, (name, email), stamp, f"第 {number} 次变更", main_mark, None, changes)
        stamp += 600
        merge = f":{2 * number}"
        stream += _commit("refs/heads/main", merge, ("数据局审核", "merge@jinxiang.gov.cn"), stamp,
                          f"Merge pull request #{number}", main_mark, topic, changes)
        main_mark = merge
    subprocess.run(["git", "-C", str(root), "fast-import", "--quiet", "--force"], input=bytes(stream), check=True)
    subprocess.run(["git", "-C", str(root), "branch", "-D", "topic"], check=True, capture_output=True)
    subprocess.run(["git", "-C", str(root), "reset", "--hard", "-q", "main"], check=True)
    return History(root, len(written.systems) + len(written.projects), merges, merges + 1)


def _commit(ref: str, mark: str, who: tuple[str, str], stamp: int, message: str, parent: str,
            merged: str | None, changes: dict[str, str | None]) -> bytes:
    text = message.encode()
    lines = [f"commit {ref}", f"mark {mark}", f"author {who[0]} <{who[1]}> {stamp} +0800",
             f"committer {who[0]} <{who[1]}> {stamp} +0800", f"data {len(text)}"]
    out = "\n".join(lines).encode() + b"\n" + text + b"\n" + f"from {parent}\n".encode()
    if merged is not None:
        out += f"merge {merged}\n".encode()
    for path, content in changes.items():
        if content is None:
            out += f"D {path}\n".encode()
        else:
            body = content.encode()
            out += f"M 100644 inline {path}\ndata {len(body)}\n".encode() + body + b"\n"
    return out + b"\n"


class _Editor:
    """Edits records as text, the way people do; keeps the current content of every file."""

    def __init__(self, rng: random.Random, files: dict[str, str], units: list[str], today: dt.date) -> None:
        self.rng = rng
        self.files = files
        self.units = units
        self.today = today
        self.new_systems = 0

    def pull_request(self, number: int) -> dict[str, str | None]:
        changes: dict[str, str | None] = {}
        if number % 97 == 0:
            changes["registry.yaml"] = self._config(number)
        for _ in range(self.rng.choice((1, 1, 2, 2, 3, 4))):
            changes.update(self._one_edit(number))
        for path, content in changes.items():
            if content is None:
                self.files.pop(path, None)
            else:
                self.files[path] = content
        return changes

    def _one_edit(self, number: int) -> dict[str, str | None]:
        roll = self.rng.random()
        systems = sorted(p for p in self.files if p.startswith("systems/"))
        projects = sorted(p for p in self.files if p.startswith("projects/"))
        if roll < 0.08:
            return self._new_system()
        if roll < 0.18:
            return self._retire(self.rng.choice(systems))
        if roll < 0.21:
            return self._transfer(self.rng.choice(systems))
        if roll < 0.23:
            return self._move(self.rng.choice(projects + systems))
        if roll < 0.24:
            return {self.rng.choice(systems): None}
        if roll < 0.40:
            path = self.rng.choice(systems)
            return {path: _sub(r"^description: (.*)$", rf"description: \1（第{number}次修订）", self.files[path])}
        path = self.rng.choice(projects)
        return self._project(path, number)

    def _date(self) -> str:
        return (self.today - dt.timedelta(days=self.rng.randint(1, 700))).isoformat()

    def _retire(self, path: str) -> dict[str, str | None]:
        text = self.files[path]
        if "status: operating" not in text or "\nretired_on:" in text:
            return {path: text.replace("\ndescription: ", "\ndescription: 已停用系统，", 1)}
        ahead = self.rng.random() < 0.25  # retirement announced ahead of time
        day = (self.today + dt.timedelta(days=self.rng.randint(1, 300))) if ahead else dt.date.fromisoformat(self._date())
        text = text.replace("status: operating", "status: retired", 1)
        return {path: text + f"retired_on: {day.isoformat()}\nretirement_ref: 金停字〔{day.year}〕{self.rng.randint(1, 99)}号\n"}

    def _transfer(self, path: str) -> dict[str, str | None]:
        unit = self.rng.choice(self.units)
        return {path: _sub(r"^unit: .*$", f"unit: {unit}", self.files[path])}

    def _move(self, path: str) -> dict[str, str | None]:
        folder, _unit, name = path.split("/")
        target = f"{folder}/{self.rng.choice(self.units)}/{name}"
        if target == path or target in self.files:
            return {}
        return {path: None, target: self.files[path]}

    def _new_system(self) -> dict[str, str | None]:
        self.new_systems += 1
        unit = self.rng.choice(self.units)
        template = self.files[min(p for p in self.files if p.startswith(f"systems/{unit}/"))] \
            if any(p.startswith(f"systems/{unit}/") for p in self.files) else None
        sid = f"{unit}-sys-n{self.new_systems:04d}"
        if template is None:
            return {}
        text = _sub(r"^id: .*$", f"id: {sid}", template)
        text = _sub(r"^status: .*$", "status: operating", text)
        if self.rng.random() < 0.5:
            text += (f"new_system_approval:\n  doc_no: 金大数据函〔2026〕{self.new_systems}号\n"
                     f"  date: {self._date()}\n")
        return {f"systems/{unit}/{sid}.yaml": text}

    def _project(self, path: str, number: int) -> dict[str, str | None]:
        text = self.files[path]
        roll = self.rng.random()
        if roll < 0.3 and "progress_reports: [" in text:
            date = self._date()
            if "progress_reports: []" in text:  # the first report: [date], as a person writes it (not "[date, ]")
                return {path: text.replace("progress_reports: []", f"progress_reports: [{date}]", 1)}
            return {path: text.replace("progress_reports: [", f"progress_reports: [{date}, ", 1)}
        if roll < 0.5 and "  total_wan: " in text:
            return {path: _sub(r"^  total_wan: ([0-9.]+)$", f"  total_wan: {self.rng.randint(10, 900)}.{number % 100:02d}", text)}
        milestone = self.rng.choice(_MILESTONES_ADDED)
        line = re.search(rf"^  {milestone}: .*$", text, flags=re.M)
        value = f"{{date: {self._date()}{_MILESTONE_EXTRA.get(milestone, '').format(number=number)}}}"
        if line is not None:
            return {path: text[:line.start()] + f"  {milestone}: {value}" + text[line.end():]}
        if "\nmilestones:\n" in text:
            return {path: text.replace("\nmilestones:\n", f"\nmilestones:\n  {milestone}: {value}\n", 1)}
        return {path: text + f"notes: 第{number}次变更\n"}

    def _config(self, number: int) -> str:
        text = self.files["registry.yaml"]
        return _sub(r"^jurisdiction: .*$", f"jurisdiction: {synth.JURISDICTION}", text).replace(
            "# 登记簿实例文件", f"# 第{number}次修订 登记簿实例文件", 1)


def _sub(pattern: str, replacement: str, text: str) -> str:
    return re.sub(pattern, replacement, text, count=1, flags=re.M)
