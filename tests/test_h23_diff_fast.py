"""``registry diff`` places only the findings it shows (those its change introduces): the
summary is exactly what placing every finding of the check and then choosing gives — same
positions, same order, each finding once — in real temporary git repositories, after edits
that move fields, in the same second, with and without the cache."""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest

from gitrepo import GitRepo
from registry import gitio
from registry.checking import run_check
from registry.cli import main
from registry.diffing import compute_diff
from registry.engine import UNPLACED
from registry.target import resolve
from registry.warm import gather
from test_history_fast import synthetic

TODAY = dt.date(2025, 12, 1)


def diff_json(root: Path, base: str, capsys: pytest.CaptureFixture[str]) -> Any:
    assert main(["--root", str(root), "diff", "--base", base, "--today", TODAY.isoformat(), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def every_finding_placed(root: Path, base: str) -> list[tuple[str, int, int, str, str, str]]:
    """The introduced findings as the check places them all (positions first, then chosen)."""
    diff = compute_diff(root, base=base, today=TODAY)
    repo = gitio.open_repo(root)
    try:
        run = run_check(root, today=TODAY, base=base, inputs=gather(root, use_cache=False), target=resolve(root, repo, base))
    finally:
        repo.close()
    shown = {(f.rule, f.path, f.field, f.message.zh) for f in diff.introduced}
    assert len(shown) == len(diff.introduced)
    return [(f.path, f.line, f.column, f.rule, f.field, f.message.zh) for f in run.report.findings
            if (f.rule, f.path, f.field, f.message.zh) in shown]


def introduced(found: Any) -> list[tuple[str, int, int, str, str, str]]:
    return [(f["path"], f["line"], f["column"], f["rule"], f["field"], f["message"]) for f in found["findings"]["introduced"]]


def moved(repo: GitRepo) -> list[str]:
    """Push every field of the records with introduced findings two lines down (same second)."""
    paths = sorted({f.path for f in compute_diff(repo.path, base="HEAD~20", today=TODAY).introduced
                    if f.path.endswith(".yaml") and f.line > 1})
    assert paths
    for path in paths:
        file = repo.path / path
        stat = file.stat()
        file.write_bytes(b"# \xe6\xb3\xa8\xe9\x87\x8a\n# \n" + file.read_bytes())
        os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return paths


def test_introduced_findings_are_placed_as_the_whole_check_places_them(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    repo = synthetic(tmp_path)
    monkeypatch.delenv("REGISTRY_NO_CACHE", raising=False)
    cold = diff_json(repo.path, "HEAD~20", capsys)
    assert cold["findings"]["introduced"] and any(f["line"] > 1 for f in cold["findings"]["introduced"])
    assert introduced(cold) == [(p, ln, c, r, fd, m) for p, ln, c, r, fd, m in every_finding_placed(repo.path, "HEAD~20")]
    assert diff_json(repo.path, "HEAD~20", capsys) == cold  # warm: the kept text
    paths = moved(repo)
    after = diff_json(repo.path, "HEAD~20", capsys)
    assert after != cold
    assert introduced(after) == every_finding_placed(repo.path, "HEAD~20")
    lines = {(f["path"], f["field"]): f["line"] for f in after["findings"]["introduced"]}
    assert all(lines[(f["path"], f["field"])] == f["line"] + 2 for f in cold["findings"]["introduced"]
               if f["path"] in paths and f["line"] > 1)
    monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
    assert diff_json(repo.path, "HEAD~20", capsys) == after


def test_an_unplaced_run_places_to_the_same_report(tmp_path: Path) -> None:
    """Placing all of an unplaced run's findings gives the placed run's report, finding by
    finding (each once, sorted); an unplaced finding is never shown as line 0 or -1."""
    from registry.engine import place

    repo = synthetic(tmp_path)
    git = gitio.open_repo(repo.path)
    try:
        target = resolve(repo.path, git, "HEAD~20")
        placed = run_check(repo.path, today=TODAY, inputs=gather(repo.path, use_cache=False), target=target)
        unplaced = run_check(repo.path, today=TODAY, inputs=gather(repo.path, use_cache=False), target=target,
                             placed=False)
    finally:
        git.close()
    assert any(f.line == UNPLACED for f in unplaced.report.findings)
    assert unplaced.locator is not None
    again = place(unplaced.report.findings, unplaced.locator)
    assert [(f, f.field, f.message, f.severity, f.citation) for f in again] == \
        [(f, f.field, f.message, f.severity, f.citation) for f in placed.report.findings]
    assert all(f.line >= 1 for f in again)
