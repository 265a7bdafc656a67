"""The summaries' columns are packed (registry.packed) when written, and every warm run reads
them back so: through edits (same second, same size), new, deleted and renamed records, a unit
of Chinese characters, a file name holding a control character, a commit and a branch checked out,
``check --staged`` and ``check`` say what the uncached run says."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fixturekit import committed_fixture
from gitrepo import GitRepo
from registry import cachestore, recordsummary, staged
from registry.cli import main
from registry.packed import Packed

TODAY = "2026-06-30"
_ODD = "systems/czj/odd\x01name.yaml"  # (git holds any name without NUL; reported by a name shown escaped)


def check(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code = main(["--root", str(root), "check", "--format", "json", "--today", TODAY, *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, json.loads(out) if out.strip().startswith("{") else (out, err)


def _replace(repo: GitRepo, path: str, old: str, new: str) -> None:
    file = repo.path / path
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def _copy(repo: GitRepo, source: str, target: str) -> None:
    (repo.path / target).parent.mkdir(parents=True, exist_ok=True)
    (repo.path / target).write_bytes((repo.path / source).read_bytes())


STEPS: list[tuple[str, Callable[[GitRepo], None]]] = [
    ("one edit", lambda r: _replace(r, "systems/czj/czj-asset.yaml", "name: ", "name: 改")),
    ("same-size edits in one second", lambda r: (_replace(r, "systems/czj/czj-asset.yaml", "name: ", "name: 甲"),
                                                 r.git("add", "-A"), _replace(r, "systems/czj/czj-asset.yaml", "甲", "乙"))),
    ("a record in a unit of Chinese characters", lambda r: _copy(r, "systems/czj/czj-asset.yaml", "systems/财政局/czj-asset.yaml")),
    ("a name holding a control character", lambda r: _copy(r, "systems/czj/czj-budget.yaml", _ODD)),
    ("a record deleted, another renamed", lambda r: (r.git("rm", "-q", "systems/czj/czj-budget.yaml"),
                                                     r.git("mv", "projects/fgj/2025-fgj-001.yaml", "projects/fgj/moved.yaml"))),
    ("committed", lambda r: r.git("commit", "-q", "--no-verify", "-m", "步骤")),
    ("the odd name gone, an edit", lambda r: (r.git("rm", "-q", _ODD),
                                              _replace(r, "projects/czj/2026-czj-001.yaml", "name: ", "name: 新"))),
    ("another branch", lambda r: (r.git("commit", "-q", "--no-verify", "-m", "再一步"),
                                  r.git("checkout", "-q", "-b", "other", "HEAD~2"))),
]


def _summary_columns(root: Path, name: str) -> list[Any]:
    store = cachestore.Store.open(root)
    assert store is not None
    found = recordsummary.peek(store, name)
    assert found is not None
    summary = found[0]
    return [summary.blobs, *summary.columns.all()]


@pytest.mark.parametrize("staged_run", [True, False])
def test_warm_runs_over_packed_summaries_say_what_the_uncached_run_says(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                        staged_run: bool) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    args = ("--staged",) if staged_run else ()
    name = staged.SUMMARY if staged_run else recordsummary.SUMMARY
    check(root, capsys, *args)
    for label, step in STEPS:
        step(repo)
        repo.git("add", "-A")
        warm = check(root, capsys, *args)
        assert warm == check(root, capsys, *args, "--no-cache"), label
        assert check(root, capsys, *args) == warm, label
        columns = _summary_columns(root, name)
        # every column of text read back packed: blob ids, paths, ids, units, approvals
        assert all(isinstance(columns[i], Packed) for i in (0, 1, 3, 4, 5, 6, 9)), label
