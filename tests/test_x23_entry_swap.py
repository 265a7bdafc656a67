"""Every entry of the signed cache store copied over each of this session's new entries — the
audit's remembered positions (``positions``), registry.yaml's twin (``config-twin``), the history's
per-blob fields (``history-fields``, now with "cannot hold milestones" marks) and the staged
snapshot's summary that holds the index's listing (``staged.summary``). A copy is signed with the
same key (genuine), so only each reader's own checks stand between it and a wrong answer: every
command must answer exactly what it answers without any cache (never another entry's content,
never an internal error). The store is the one a seeded history walk (tests/x23walk.py) leaves.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from registry.cachestore import CACHE_DIR
from registry.cli import main
from x23walk import TODAY, Keys, Walk, normalised

TARGETS = ("positions", "config-twin", "history-fields", "staged.summary")
COMMANDS = [["audit", "--trust", "identities", "--format", "json"], ["audit", "--format", "json"],
            ["inventory", "--history", "--format", "json", "--today", TODAY],
            ["check", "--format", "json", "--today", TODAY], ["check", "--staged", "--format", "json", "--today", TODAY]]


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], Path]:
    """A register after a seeded walk with work in progress, the uncached answers, and its warm store saved."""
    top = tmp_path_factory.mktemp("swap")
    walk = Walk(top / "registry", Keys(top / "keys"), 11)
    for _ in range(8):
        walk.step()
    walk.pending()
    root = walk.repo.path
    with pytest.MonkeyPatch.context() as env:
        env.setenv("REGISTRY_NO_CACHE", "1")
        expected = {" ".join(args): _run(root, args) for args in COMMANDS}
    for args in COMMANDS * 2:
        _run(root, args)
    saved = top / "saved"
    shutil.copytree(root / CACHE_DIR, saved)
    return root, expected, saved


def _run(root: Path, args: list[str]) -> tuple[int, Any]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--root", str(root), *args])
    assert "Traceback" not in err.getvalue() and code != 3, (args, err.getvalue())
    return code, normalised(out.getvalue())


@pytest.mark.parametrize("target", TARGETS)
def test_any_entry_copied_over_a_new_entry_is_never_served_for_it(target: str, walked: tuple[Path, dict[str, Any], Path]
                                                                 ) -> None:
    root, expected, saved = walked
    store = next(p for p in saved.iterdir() if (p / target).exists())
    sources = sorted(str(p.relative_to(store)) for p in store.rglob("*") if p.is_file() and not p.name.endswith(".data"))
    assert len(sources) > 8, sources
    live = root / CACHE_DIR / store.name
    for source in sources:
        if source == target:
            continue
        shutil.rmtree(root / CACHE_DIR)
        shutil.copytree(saved, root / CACHE_DIR)
        shutil.copyfile(store / source, live / target)
        for args in COMMANDS:
            assert _run(root, args) == expected[" ".join(args)], (source, target, args)
