"""``registry check PATHS`` with a path that goes through a link inside the registry: the file
the link leads to is what is named — checked when it is in the registry, named on standard
error as outside when it is not — never a path that matches no record and passes silently.
A link named itself is still the link (REG003)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from fixturekit import copy_fixture
from registry.cli import main

TODAY = "2026-06-30"
BROKEN = "systems/czj/czj-broken.yaml"


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[tuple[str, str]], str]:
    code = main(["check", "--format", "json", "--today", TODAY, *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, [(f["path"], f["rule"]) for f in json.loads(out)["findings"]], err


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    found = copy_fixture("quxian", tmp_path)
    (found / BROKEN).write_text("id: [broken\n", encoding="utf-8")
    monkeypatch.chdir(found)
    return found


@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
def test_a_file_named_through_a_link_to_a_folder_of_the_registry_is_checked(
        root: Path, cache: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    direct = _check(capsys, *cache, BROKEN)
    assert direct[0] == 1 and direct[1] and all(path == BROKEN for path, _ in direct[1]) and direct[2] == ""
    (root / "loop").symlink_to(".", target_is_directory=True)
    assert _check(capsys, *cache, f"loop/{BROKEN}") == direct
    (root / "loop").unlink()
    (root / "systems/czj2").symlink_to("czj", target_is_directory=True)
    code, findings, err = _check(capsys, *cache, "systems/czj2/czj-broken.yaml")
    assert (code, err) == (1, "") and (BROKEN, direct[1][0][1]) in findings
    code, findings, _ = _check(capsys, *cache, "systems/czj2")  # the link named itself: the link
    assert code == 1 and [rule for path, rule in findings if path == "systems/czj2"] == ["REG003"]


def test_a_file_named_through_a_link_leading_outside_is_named_as_outside(
        root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.yaml").write_text("id: [x\n", encoding="utf-8")
    (root / "docs/out").symlink_to(outside, target_is_directory=True)
    code, findings, err = _check(capsys, "docs/out/x.yaml")
    assert (code, findings) == (0, [])
    assert err == f"注意：docs/out/x.yaml 不在登记簿（{root.resolve()}）内，未检查\n"
    code, findings, err = _check(capsys, "docs/out/x.yaml", BROKEN)  # the rest is checked as usual
    assert code == 1 and {path for path, _ in findings} == {BROKEN} and "docs/out/x.yaml" in err


def test_a_named_link_to_a_record_is_the_link(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (root / "systems/czj/czj-alias.yaml").symlink_to("czj-asset.yaml")
    code, findings, err = _check(capsys, "systems/czj/czj-alias.yaml")
    assert code == 1 and findings == [("systems/czj/czj-alias.yaml", "REG003")] and err == ""
