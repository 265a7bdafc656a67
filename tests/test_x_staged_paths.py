"""``check --staged PATHS`` (what pre-commit runs: the staged files named) says what ``check PATHS``
says of a clean clone of the commit, however the paths are spelt — ``./`` before them, absolute,
a doubled slash, a non-record file among them, a new staged record, a record removed from the
index but left in the work tree (the commit has no such file: 找不到文件, exit 2, as the clean
clone says) — uncached and warm twice."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from test_x_staged import NEW, PROJECT, RECORD, Scene, check

NEW_RECORD = "systems/czj/czj-new.yaml"
REMOVED = "systems/czj/czj-nontax.yaml"  # `git rm --cached`: still in the work tree
VARIANTS: dict[str, Callable[[Scene], list[str]]] = {
    "plain": lambda s: [RECORD, PROJECT],
    "dot-slash": lambda s: ["./" + RECORD, "./" + PROJECT],
    "absolute": lambda s: [str(s.root / RECORD), str(s.root / PROJECT)],
    "double-slash": lambda s: [RECORD.replace("/", "//"), PROJECT],
    "with-registry-yaml": lambda s: [RECORD, "registry.yaml"],
    "new-record": lambda s: [RECORD, NEW_RECORD],
    "removed-from-index": lambda s: [RECORD, REMOVED],
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_the_named_staged_files_are_checked_as_a_clean_clone_s(variant: str, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    s = Scene(tmp_path)
    s.write(RECORD, s.text().replace("status: operating", "status: bogus"))
    s.write(NEW_RECORD, NEW.replace("online_since: 2025-01-01\n", ""))
    s.git("add", "-A")
    s.git("rm", "-q", "--cached", REMOVED)
    paths = VARIANTS[variant](s)
    clean = s.clean(tmp_path)
    monkeypatch.chdir(clean)
    expected = check(clean, capsys, "--no-cache", *[p.replace(str(s.root), str(clean)) for p in paths])
    assert expected[0] == (2 if REMOVED in paths else 1)
    monkeypatch.chdir(s.root)
    for cache in ("--no-cache", None, None):
        assert check(s.root, capsys, "--staged", *([cache] if cache else []), *paths) == expected, cache
