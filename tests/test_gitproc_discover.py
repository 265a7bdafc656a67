"""Finding the repository (registry/gitproc.py ``Repo.discover``): one ``git rev-parse`` in the
usual case, the same answers as asking git twice everywhere else (a bare repository, inside
.git, a folder whose name holds a line break, outside git)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from registry import gitproc
from registry.gitproc import Repo


def git(*args: str) -> None:
    subprocess.run(["git", *args], check=True, capture_output=True)


def answer(path: Path) -> tuple[str | None, str] | None:
    repo = Repo.discover(path)
    return None if repo is None else (repo.working_tree_dir, repo.git_dir)


@pytest.mark.parametrize("name", ["work", "第二 个", "line\nbreak"])
def test_a_work_tree_is_found_from_any_folder_in_it(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    top = tmp_path / name
    git("init", "-q", str(top))
    (top / "sub" / "deeper").mkdir(parents=True)
    calls: list[list[str]] = []
    real = gitproc._run

    def counting(where: Path, args: list[str], env: dict[str, str]) -> bytes:
        calls.append(args)
        return real(where, args, env)

    monkeypatch.setattr(gitproc, "_run", counting)
    for start in (top, top / "sub" / "deeper"):
        assert answer(start) == (str(top.resolve()), str((top / ".git").resolve()))
    if "\n" not in name:
        assert len(calls) == 2  # one process per discovery


def test_a_bare_repository_and_the_git_folder_have_no_work_tree(tmp_path: Path) -> None:
    git("init", "-q", "--bare", str(tmp_path / "bare.git"))
    git("init", "-q", str(tmp_path / "work"))
    assert answer(tmp_path / "bare.git") == (None, str((tmp_path / "bare.git").resolve()))
    assert answer(tmp_path / "work" / ".git") == (None, str((tmp_path / "work" / ".git").resolve()))


def test_outside_git_there_is_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    (tmp_path / "plain").mkdir()
    assert answer(tmp_path / "plain") is None
    assert answer(tmp_path / "missing") is None
