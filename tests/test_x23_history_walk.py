"""A seeded random walk over a register's history (tests/x23walk.py): pull requests merged by
approvers (signed), by the forge, by a clerk with their own key or unsigned, direct pushes,
fast-forwards (a forged merge commit among them), the last commit amended, main moved back —
each carrying record edits the only-decrease policy and the approval audit look at (new
systems, retirements, revivals, moves across units, deletions, re-adding under a new id,
approvals added, rewritten, removed or copied, approvers and authorities changed) and hostile
files. After every step ``audit`` (signatures and identities), ``inventory --history``,
``inventory``, ``diff --base`` and ``check --base`` an older point of main, and ``check``, answer
with every cache (cold, then warm) exactly what they answer without any cache, and what the
history's full reader (``REGISTRY_HISTORY_FULL=1``, no fast extractor) answers. Half of the
steps leave work in progress on main (edits staged, staged then edited again, ``add -N``), and
``check --staged`` (whole, with ``--base``, of the files touched) and ``check`` join the list.
``REGISTRY_WALK_STEPS`` lengthens the walk.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from registry.cli import main
from x23walk import Keys, Walk, normalised

STEPS = int(os.environ.get("REGISTRY_WALK_STEPS", "6"))


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    if shutil.which("ssh-keygen") is None:
        pytest.fail("ssh-keygen is needed (openssh-client)")
    return Keys(tmp_path_factory.mktemp("keys"))


def _run(root: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, Any]:
    code = main(["--root", str(root), *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err, args
    assert code in (0, 1, 2), (args, code, err)
    return code, normalised(out) if out else err.strip()


@pytest.mark.parametrize("seed", [3, 11, 23])
def test_history_commands_answer_the_same_with_and_without_caches(seed: int, tmp_path: Path, keys: Keys,
                                                                  capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    walk = Walk(tmp_path / "registry", keys, seed)
    for _ in range(STEPS):
        walk.step()
        commands = walk.commands()
        if walk.rng.random() < 0.5:  # work in progress: the commit hook's --staged view too
            paths = walk.pending()
            walk.log.append(f"pending {paths}")
            commands = walk.pending_commands(paths) + commands
        for args in commands:
            monkeypatch.delenv("REGISTRY_NO_CACHE", raising=False)
            monkeypatch.delenv("REGISTRY_HISTORY_FULL", raising=False)
            cold = _run(walk.repo.path, args, capsys)
            warm = _run(walk.repo.path, args, capsys)
            monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
            uncached = _run(walk.repo.path, args, capsys)
            monkeypatch.setenv("REGISTRY_HISTORY_FULL", "1")
            full = _run(walk.repo.path, args, capsys)
            where = f"seed {seed}, {' | '.join(walk.log)}; {' '.join(args)}"
            assert uncached == full, where
            assert cold == uncached, where
            assert warm == uncached, where
            if "json" in args:  # a JSON report, or a usage error said on stderr
                assert not isinstance(uncached[1], str) or uncached[0] == 2, (where, uncached)
