"""Shared by the tests of ``--base`` runs (``diff --base`` and ``check --base``): a synthetic
history, one run's outcome, the full computation, and the agreement of cold, warm and uncached
runs with it. The full computation reads every blob from git, runs every rule on every record,
uses the models (not twins) and no cache: what the fast paths must give, byte for byte."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

import shortcutkit
from registry import checking, diffing
from registry.cli import main
from registry.recordcache import RecordCache

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2025, 12, 1)


def synthetic(tmp_path: Path, records: int = 120, merges: int = 30) -> Path:
    """A registry with a first-parent history (benchmarks/history_synth.py)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import history_synth

    return Path(history_synth.build(tmp_path / "synthetic", records=records, merges=merges).root)


def run_base(root: Path, command: str, base: str, capsys: pytest.CaptureFixture[str]) -> Any:
    """(exit code, the JSON output or what stderr said) of ``COMMAND --base BASE``."""
    code = main(["--root", str(root), command, "--base", base, "--today", TODAY.isoformat(), "--format", "json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, json.loads(out) if out.strip() else err.strip()


def full_base(root: Path, command: str, base: str, capsys: pytest.CaptureFixture[str],
              monkeypatch: pytest.MonkeyPatch) -> Any:
    """:func:`run_base` computed the full way (see the module's docstring)."""
    real = checking.run_check

    def everything(*args: Any, **kwargs: Any) -> checking.Run:
        kwargs["changed_only"] = False
        return real(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(diffing, "run_check", everything)
        patch.setattr(RecordCache, "has", lambda self, path, blob: False)
        patch.setattr(checking, "_plain_configs", lambda inputs, target: None)  # (the models)
        patch.setenv("REGISTRY_NO_CACHE", "1")
        return run_base(root, command, base, capsys)


def assert_base_runs_agree(root: Path, bases: Iterable[str], capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch, commands: Iterable[str] = ("diff", "check")) -> Counter[str]:
    """diff and check --base: uncached (in this process), cold and warm (each in a fresh process,
    as a user runs them) all equal the full computation; the shortcuts the fresh runs took
    (:mod:`shortcutkit`'s labels). Fresh processes, because a run in this one cannot hand the
    rules twins once anything here imported the record models (as the full computation does):
    it would silently compare the models with themselves."""
    taken: Counter[str] = Counter()
    for base in bases:
        for command in commands:
            full = full_base(root, command, base, capsys, monkeypatch)
            monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
            uncached = run_base(root, command, base, capsys)
            monkeypatch.delenv("REGISTRY_NO_CACHE")
            shutil.rmtree(root / ".registry-cache", ignore_errors=True)
            cold = fresh_base(root, command, base, taken)
            warm = fresh_base(root, command, base, taken)
            assert full == uncached == cold == warm, (command, base)
    return taken


def fresh_base(root: Path, command: str, base: str, taken: Counter[str]) -> Any:
    """:func:`run_base` in a fresh process with every shortcut (:func:`shortcutkit.run`); the
    shortcuts it took are added to ``taken``."""
    done = shortcutkit.run(root, [command, "--base", base, "--today", TODAY.isoformat(), "--format", "json"])
    taken.update(done.taken)
    return done.code, done.out if not isinstance(done.out, str) or done.out.strip() else done.err.strip()


def walked_histories(seed: int, tmp_path: Path) -> Iterator[tuple[Path, list[str]]]:
    """Five steps of a random history (tests/x23walk.py: transfers, merges of systems,
    retirements, revivals, deletions, re-adding under a new id, hostile files), work in progress
    after every other step: after each, the registry and the bases to compare it with."""
    if shutil.which("ssh-keygen") is None:
        pytest.fail("ssh-keygen is needed (openssh-client)")
    from x23walk import Keys, Walk

    walk = Walk(tmp_path / "registry", Keys(tmp_path / "keys"), seed)
    for step in range(5):
        walk.step()
        if step % 2:
            walk.pending()
        commits = len(walk.repo.first_parents())
        yield walk.repo.path, [f"HEAD~{n}" for n in (1, 3) if n < commits]
