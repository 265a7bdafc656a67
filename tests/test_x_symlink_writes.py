"""Commands that write into the registry never write through a symbolic link committed in the
place of what they write: ``codeowners --write`` used to overwrite the target of a CODEOWNERS
link (any file of whoever ran it), ``upgrade`` wrote schema files into the folder a ``schema``
link names, ``new`` wrote a record into the folder a unit-folder link names (or created the file
a dangling link names). Each now stops with exit 2 naming the link, writing nothing anywhere."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from fixturekit import committed_fixture
from registry.cli import main


def run(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--root", str(root), *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out + err


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "bashrc").write_text("原有内容\n", "utf-8")
    return folder


def _unchanged(outside: Path) -> None:
    assert sorted(p.name for p in outside.iterdir()) == ["bashrc"]
    assert (outside / "bashrc").read_text("utf-8") == "原有内容\n"


def test_codeowners_write_refuses_a_linked_codeowners(tmp_path: Path, outside: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    root, repo = committed_fixture("jinxiang", tmp_path)
    (root / "CODEOWNERS").unlink(missing_ok=True)
    os.symlink(outside / "bashrc", root / "CODEOWNERS")
    code, said = run(root, capsys, "codeowners", "--write")
    assert code == 2 and "CODEOWNERS" in said and "符号链接" in said, said
    _unchanged(outside)


def test_codeowners_write_refuses_a_linked_github_folder(tmp_path: Path, outside: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    root, repo = committed_fixture("jinxiang", tmp_path)
    (root / "CODEOWNERS").unlink(missing_ok=True)
    (outside / "CODEOWNERS").write_text("# 旧\n", "utf-8")
    os.symlink(outside, root / ".github", target_is_directory=True)
    code, said = run(root, capsys, "codeowners", "--write")
    assert code == 2 and ".github" in said, said
    assert (outside / "CODEOWNERS").read_text("utf-8") == "# 旧\n"


@pytest.mark.parametrize("kind", ["folder", "dangling"])
def test_new_refuses_a_link_where_the_record_goes(kind: str, tmp_path: Path, outside: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    root, repo = committed_fixture("jinxiang", tmp_path)
    if kind == "folder":
        target = root / "systems/sjj"
        for file in target.iterdir():
            file.unlink()
        target.rmdir()
        os.symlink(outside, target, target_is_directory=True)
        code, said = run(root, capsys, "new", "system", "--unit", "sjj")
    else:
        os.symlink(outside / "planted.yaml", root / "systems/czj/czj-system-01.yaml")
        code, said = run(root, capsys, "new", "system", "--unit", "czj", "--id", "czj-system-01")
    assert code == 2 and "符号链接" in said, said
    _unchanged(outside)


@pytest.mark.parametrize("linked", ["schema", ".pre-commit-config.yaml"])
def test_upgrade_refuses_a_link_and_writes_nothing(linked: str, tmp_path: Path, outside: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    root, repo = committed_fixture("jinxiang", tmp_path)
    place = root / linked
    if place.is_dir():
        for file in place.iterdir():
            file.unlink()
        place.rmdir()
    else:
        place.unlink(missing_ok=True)
    os.symlink(outside if linked == "schema" else outside / "bashrc", place, target_is_directory=linked == "schema")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}
    code, said = run(root, capsys, "upgrade")
    assert code == 2 and linked in said and "符号链接" in said, said
    _unchanged(outside)
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert after == before  # checked before anything was written


def test_the_same_commands_still_write_in_a_plain_registry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root, repo = committed_fixture("jinxiang", tmp_path)
    assert run(root, capsys, "codeowners", "--write")[0] == 0 and (root / "CODEOWNERS").is_file()
    code, said = run(root, capsys, "new", "system", "--unit", "czj")
    assert code == 0 and (root / said.strip().splitlines()[0]).is_file()
    assert run(root, capsys, "upgrade")[0] == 0
    assert (root / "schema/system.schema.json").is_file() and not (root / "schema").is_symlink()
