"""Helpers for the clean fixture registries (tests/fixtures/<profile>/): copy one, commit it to
a temporary git repository, change one record in one place, and list what the check found.

    root = copy_fixture("dalad", tmp_path)
    edit(root, "projects/czj/2026-czj-001.yaml", drop("documents.preliminary_design"))
    assert found(run_check(root, today=TODAY)) == [("DLT8", "projects/czj/2026-czj-001.yaml", "documents.preliminary_design")]
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from gitrepo import GitRepo, yaml_text
from registry.checking import Run, run_check
from registry.rules import RULES

FIXTURES = Path(__file__).parent / "fixtures"

Edit = Callable[[dict[str, Any]], None]
Found = tuple[str, str, str]  # (rule, path, field)


def found(run: Run) -> list[Found]:
    return sorted((f.rule, f.path, f.field) for f in run.report.findings)


def messages(run: Run) -> list[str]:
    """For assertion output: what a failing comparison should show."""
    return [f"{f.rule} {f.path} {f.field}: {f.message.zh}" for f in run.report.findings]


def copy_fixture(profile: str, tmp_path: Path) -> Path:
    """A copy of ``tests/fixtures/<profile>/`` that a test may change."""
    root = tmp_path / "registry"
    shutil.copytree(FIXTURES / profile, root)
    return root


def committed_fixture(profile: str, tmp_path: Path) -> tuple[Path, GitRepo]:
    """The fixture committed as the first commit of ``main`` in a fresh repository."""
    root = copy_fixture(profile, tmp_path)
    repo = GitRepo.init(root)
    repo.commit("登记簿初始登记")
    return root, repo


def edit(root: Path, relpath: str, *changes: Edit) -> None:
    """Load a record (or start a new one), apply ``changes`` in order and write it as YAML."""
    target = root / relpath
    data: dict[str, Any] = YAML(typ="safe").load(target.read_text(encoding="utf-8")) if target.exists() else {}
    for change in changes:
        change(data)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml_text(data), encoding="utf-8")


def check_clean_fixture(profile: str, today: dt.date, *, records: int) -> Run:
    """The fixture as it is (read only: checked without the cache, which would be written into
    the source tree): no findings, no notices, ``records`` records, every rule of its profile
    in force."""
    run = run_check(FIXTURES / profile, today=today, use_cache=False)
    assert found(run) == [], messages(run)
    assert run.report.summary.records == records
    assert run.report.summary.profiles == [profile]
    assert run.report.summary.notices == []
    in_force = {r.id for r, _ in run.selection.rules}
    assert {r for r in RULES if RULES[r].profile == profile} <= in_force
    return run


def check_change(profile: str, tmp_path: Path, today: dt.date, *edits: tuple[str, Edit]) -> Run:
    """The fixture committed on ``main``, then ``edits`` (path, change) made in the working
    tree, checked with ``--base main`` (the change rules do run)."""
    root, _repo = committed_fixture(profile, tmp_path)
    for path, change in edits:
        edit(root, path, change)
    run = run_check(root, today=today, base="main")
    assert run.context.base is not None
    return run


# -- the case tables (tests/fixture_cases/<profile>.yaml) ------------------------------------

CASE_TABLES = Path(__file__).parent / "fixture_cases"
_CASE_KEYS = {"path", "today", "expect"}


@dataclasses.dataclass(frozen=True)
class ProfileCases:
    """One profile's case table, as the shared tests of ``tests/test_fixture_cases.py`` run it:

    * ``records``: how many records the clean fixture has (it has no findings on ``today``);
    * ``harmless``: edits (path, change) that, committed against ``main``, add no finding;
    * ``breaks``: ``pytest.param(path, change, today, expected findings)``, one record broken
      (``path=None``: none, only the date moves), making exactly the expected rules fire;
    * ``changes``: ``pytest.param(path, change, expected findings)``, an edit in the working
      tree checked with ``--base main`` (the change rules run).

    Every param's id is ``<profile>-<case name>``."""

    profile: str
    today: dt.date
    records: int
    harmless: list[tuple[str, Edit]]
    breaks: list[Any]
    changes: list[Any]


def case_profiles() -> list[str]:
    return sorted(p.stem for p in CASE_TABLES.glob("*.yaml"))


def load_cases(profile: str) -> ProfileCases:
    """Read ``tests/fixture_cases/<profile>.yaml``: ``today``, ``records``, ``paths`` (YAML
    anchors for the records the cases name), ``harmless`` (a list of edits), ``breaks`` and
    ``changes`` (case name → edit, ``expect``; a break may move ``today`` instead of editing).
    An edit is ``path`` plus what to do to that record, in the order written (see :func:`edit_of`);
    an expected finding is ``[rule, path, field]``."""
    table = YAML(typ="safe", pure=True).load((CASE_TABLES / f"{profile}.yaml").read_text(encoding="utf-8"))
    today: dt.date = table["today"]

    def expected(case: dict[str, Any]) -> list[Found]:
        return [(rule, path, field) for rule, path, field in case["expect"]]

    def one_break(name: str, case: dict[str, Any]) -> Any:
        edited = case.keys() - _CASE_KEYS
        assert ("path" in case) == bool(edited), f"{profile} {name}: a break edits a path, or only moves the date"
        change = edit_of(case) if edited else None
        return pytest.param(case.get("path"), change, case.get("today", today), expected(case), id=f"{profile}-{name}")

    return ProfileCases(
        profile=profile, today=today, records=table["records"],
        harmless=[(case["path"], edit_of(case)) for case in table["harmless"]],
        breaks=[one_break(name, case) for name, case in table["breaks"].items()],
        changes=[pytest.param(case["path"], edit_of(case), expected(case), id=f"{profile}-{name}")
                 for name, case in table.get("changes", {}).items()],
    )


def edit_of(case: dict[str, Any]) -> Edit:
    """A case's edit of one record, written as data, its steps applied in the order written:

    * ``set: {dotted.key: value, …}`` (:func:`set_at`);
    * ``drop: dotted.key`` or a list of them (:func:`drop`);
    * ``append: {dotted.key: item}``: add ``item`` at the end of that list;
    * ``pop: dotted.key``: remove the last item of that list;
    * ``replace: {…}``: overwrite the record's fields (:func:`replace_with`).
    """
    steps: list[Edit] = []
    for step, argument in case.items():
        if step in _CASE_KEYS:
            continue
        if step == "set":
            steps += [set_at(keys, value) for keys, value in argument.items()]
        elif step == "drop":
            steps += [drop(keys) for keys in ([argument] if isinstance(argument, str) else argument)]
        elif step == "append":
            steps += [append_at(keys, item) for keys, item in argument.items()]
        elif step == "pop":
            steps.append(pop_at(argument))
        elif step == "replace":
            steps.append(replace_with(argument))
        else:
            raise AssertionError(f"unknown edit {step!r} in {case}")  # a typo must not make a case pass
    assert steps, f"an edit that changes nothing: {case}"
    return both(*steps)


def check_with_break(profile: str, tmp_path: Path, path: str | None, change: Edit | None, today: dt.date) -> Run:
    """Check a copy of the fixture with one record changed (``path=None``: unchanged, on ``today``)."""
    root = copy_fixture(profile, tmp_path)
    if path is not None and change is not None:
        edit(root, path, change)
    return run_check(root, today=today)


def _parent(data: dict[str, Any], keys: str, *, create: bool) -> tuple[dict[str, Any], str]:
    *parents, last = keys.split(".")
    for key in parents:
        data = data.setdefault(key, {}) if create else data[key]
    return data, last


def both(*changes: Edit) -> Edit:
    """Several edits of one record applied in order, as one edit."""
    def change(data: dict[str, Any]) -> None:
        for one in changes:
            one(data)
    return change


def set_at(keys: str, value: Any) -> Edit:
    """Set the dotted ``keys`` to ``value`` (creating mappings on the way)."""
    def change(data: dict[str, Any]) -> None:
        parent, last = _parent(data, keys, create=True)
        parent[last] = value
    return change


def drop(keys: str) -> Edit:
    """Remove the dotted ``keys`` (which must exist: a typo must not make a test pass)."""
    def change(data: dict[str, Any]) -> None:
        parent, last = _parent(data, keys, create=False)
        del parent[last]
    return change


def append_at(keys: str, item: Any) -> Edit:
    """Add ``item`` at the end of the list at the dotted ``keys`` (which must exist)."""
    def change(data: dict[str, Any]) -> None:
        parent, last = _parent(data, keys, create=False)
        parent[last].append(item)
    return change


def pop_at(keys: str) -> Edit:
    """Remove the last item of the list at the dotted ``keys`` (which must exist)."""
    def change(data: dict[str, Any]) -> None:
        parent, last = _parent(data, keys, create=False)
        parent[last].pop()
    return change


def replace_with(record: dict[str, Any]) -> Edit:
    """Overwrite the record's fields with ``record`` (a whole new record for a new file)."""
    return lambda data: data.update(record)
