"""Helpers for the clean fixture registries (tests/fixtures/<profile>/): copy one, commit it to
a temporary git repository, change one record in one place, and list what the check found.

    root = copy_fixture("dalad", tmp_path)
    edit(root, "projects/czj/2026-czj-001.yaml", drop("documents.preliminary_design"))
    assert found(run_check(root, today=TODAY)) == [("DLT8", "projects/czj/2026-czj-001.yaml", "documents.preliminary_design")]
"""
from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Sequence
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


def profile_fixture_tests(profile: str, today: dt.date, *, records: int, harmless: Sequence[tuple[str, Edit]],
                          breaks: Sequence[Any]) -> tuple[Callable[..., None], ...]:
    """The three tests every profile's fixture registry (``tests/fixtures/<profile>``) passes,
    for its test module to bind to its own names:

    * the fixture as it is has no findings (:func:`check_clean_fixture`);
    * ``harmless`` edits (path, change), committed against ``main``, add none;
    * each of ``breaks`` — ``pytest.param(path, change, today, expected findings)`` — breaks
      one record (``path=None``: none, only the date moves) and makes exactly the expected
      rules fire, at exactly those places.
    """
    def test_fixture_has_no_findings() -> None:
        check_clean_fixture(profile, today, records=records)

    def test_harmless_change_against_base_has_no_findings(tmp_path: Path) -> None:
        run = check_change(profile, tmp_path, today, *harmless)
        assert found(run) == [], messages(run)

    @pytest.mark.parametrize(("path", "change", "when", "expected"), breaks)
    def test_one_break_fires_one_rule(tmp_path: Path, path: str | None, change: Edit | None, when: dt.date,
                                      expected: list[Found]) -> None:
        run = check_with_break(profile, tmp_path, path, change, when)
        assert found(run) == expected, messages(run)

    return test_fixture_has_no_findings, test_harmless_change_against_base_has_no_findings, test_one_break_fires_one_rule


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



def replace_with(record: dict[str, Any]) -> Edit:
    """Overwrite the record's fields with ``record`` (a whole new record for a new file)."""
    return lambda data: data.update(record)
