"""``registry check FOLDER`` reports the findings of the files below the folder — exactly those a
full check reports on paths under it — however the folder is spelt (``systems/czj``, a trailing
slash, ``./``, absolute, ``.`` from inside it, a folder holding the registry root), uncached and
warm twice. Before the fix a folder matched no finding path: ``check systems/czj`` printed
0 errors (a silent pass). ``check --staged FOLDER`` takes the index's files below the folder: a
staged record since deleted from the working tree is still judged, an untracked draft is not,
as a check of a clean clone of the commit says. A folder reached through a link (even one to
``/``) is not walked: the link itself is reported, and the run ends.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from test_x_staged import NEW, RECORD, Scene, check

FOLDER = "systems/czj"
BROKEN = "status: bogus"


def _broken(s: Scene, path: str = RECORD) -> None:
    s.write(path, s.text(path).replace("status: operating", BROKEN))


def _link(s: Scene, path: str, target: str) -> None:
    (s.root / path).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, s.root / path)


SCENES: dict[str, Callable[[Scene], None]] = {
    "broken-record": _broken,
    "misplaced-text-file": lambda s: (_broken(s), s.write(f"{FOLDER}/notes.txt", "备忘\n")),
    "record-in-a-sub-folder": lambda s: s.write(f"{FOLDER}/sub/czj-deep.yaml", NEW.replace("czj-new", "czj-deep")),
    "record-as-link": lambda s: _link(s, f"{FOLDER}/czj-link.yaml", "../dsj/dsj-portal.yaml"),
    "folder-link-to-the-disk-root": lambda s: (_broken(s), _link(s, f"{FOLDER}/everything", "/")),
    "duplicate-id-in-another-unit": lambda s: s.write("systems/dsj/czj-budget.yaml", s.text()),
    "new-record-missing-a-field": lambda s: s.write(f"{FOLDER}/czj-new.yaml", NEW.replace("online_since: 2025-01-01\n", "")),
}


def _under(report: dict[str, Any], folder: str) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if not folder or f["path"] == folder or f["path"].startswith(folder + "/")]


def _runs(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    """The same check uncached, then cold and warm with the cache: all three must agree."""
    first = check(root, capsys, "--no-cache", *args)
    for _ in range(2):
        assert check(root, capsys, *args) == first, args
    return first


@pytest.mark.parametrize("scene", sorted(SCENES))
def test_a_folder_reports_the_findings_of_the_files_below_it(scene: str, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    s = Scene(tmp_path)
    SCENES[scene](s)
    monkeypatch.chdir(s.root)
    code, full = _runs(s.root, capsys)
    expected = _under(full, FOLDER)
    assert expected, "the scene leaves a finding below the folder"
    for spelt in (FOLDER, FOLDER + "/", "./" + FOLDER, str(s.root / FOLDER), "systems/../" + FOLDER):
        got_code, got = _runs(s.root, capsys, spelt)
        assert got["findings"] == expected, spelt
        assert got["summary"]["errors"] == sum(f["severity"] == "error" for f in expected), spelt
        assert got_code == (1 if got["summary"]["errors"] else 0)
    monkeypatch.chdir(s.root / FOLDER)
    assert _runs(s.root, capsys, ".")[1]["findings"] == expected
    monkeypatch.chdir(s.root / "systems")
    assert _runs(s.root, capsys, ".")[1]["findings"] == _under(full, "systems")
    assert _runs(s.root, capsys, "..") == (code, full)  # the registry root: everything, registry.yaml too


def test_a_folder_says_what_its_files_named_one_by_one_say(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    s = Scene(tmp_path)
    _broken(s)
    s.write(f"{FOLDER}/czj-new.yaml", NEW.replace("online_since: 2025-01-01\n", ""))
    monkeypatch.chdir(s.root)
    files = sorted(f"{FOLDER}/{name}" for name in os.listdir(s.root / FOLDER))
    assert _runs(s.root, capsys, FOLDER) == _runs(s.root, capsys, *files)
    assert _runs(s.root, capsys, FOLDER, "systems/dsj") == _runs(s.root, capsys, *files, "systems/dsj/dsj-portal.yaml",
                                                                 "systems/dsj/dsj-bigdata.yaml")


def test_the_registry_in_a_sub_folder_named_by_its_parent_is_checked_whole(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str],
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    s = Scene(tmp_path, sub="登记 簿")
    _broken(s)
    monkeypatch.chdir(s.top)
    full = _runs(s.root, capsys)
    assert full[0] == 1
    assert _runs(s.root, capsys, ".") == full
    assert _runs(s.root, capsys, str(s.top)) == full


def test_a_folder_under_base_reports_the_unit_s_change_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    s = Scene(tmp_path)
    s.feature()
    s.write(f"{FOLDER}/czj-new.yaml", NEW)  # one more system in use in czj: the only-decrease rule
    s.write("systems/dsj/dsj-new.yaml", NEW.replace("czj", "dsj"))
    monkeypatch.chdir(s.root)
    code, full = _runs(s.root, capsys, *s.extra)
    expected = _under(full, FOLDER)
    assert any(f["rule"].startswith("CHG") for f in expected)
    got = _runs(s.root, capsys, *s.extra, FOLDER)
    assert got[1]["findings"] == expected
    assert _runs(s.root, capsys, *s.extra, "--changes-only", FOLDER)[1]["findings"] == \
        [f for f in expected if f["rule"].startswith("CHG")]


STAGED: dict[str, Callable[[Scene], None]] = {
    "staged-broken-then-deleted-from-the-work-tree": lambda s: (
        _broken(s), s.git("add", RECORD), (s.root / RECORD).unlink()),
    "untracked-broken-draft": lambda s: (s.write(f"{FOLDER}/czj-draft.yaml", NEW + "nmae: x\n"), _broken(s),
                                         s.git("add", RECORD)),
    "intent-to-add-broken": lambda s: (s.write(f"{FOLDER}/czj-new.yaml", NEW + "nmae: x\n"),
                                       s.git("add", "-N", f"{FOLDER}/czj-new.yaml"), _broken(s), s.git("add", RECORD)),
    "staged-broken-fixed-in-the-work-tree": lambda s: (
        _broken(s), s.git("add", RECORD), s.write(RECORD, s.text().replace(BROKEN, "status: operating"))),
    "staged-link": lambda s: (_link(s, f"{FOLDER}/czj-link.yaml", "../dsj/dsj-portal.yaml"), s.git("add", "-A")),
}


@pytest.mark.parametrize("scene", sorted(STAGED))
def test_a_staged_folder_is_checked_as_a_clean_clone_s(scene: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    s = Scene(tmp_path)
    STAGED[scene](s)
    clean = s.clean(tmp_path)
    monkeypatch.chdir(clean)
    expected = check(clean, capsys, "--no-cache", FOLDER)
    full = check(clean, capsys, "--no-cache")
    assert expected[1]["findings"] == _under(full[1], FOLDER)
    monkeypatch.chdir(s.root)
    assert _runs(s.root, capsys, "--staged", FOLDER) == expected
    assert _runs(s.root, capsys, "--staged", FOLDER + "/") == expected


def test_a_folder_named_through_a_link_to_the_disk_root_reports_the_link_and_ends(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    s = Scene(tmp_path)
    _link(s, f"{FOLDER}/everything", "/")
    monkeypatch.chdir(s.root)
    full = _runs(s.root, capsys)[1]
    link = _under(full, f"{FOLDER}/everything")
    assert [f["rule"] for f in link] == ["REG003"]
    for spelt in (f"{FOLDER}/everything", f"{FOLDER}/everything/etc"):
        code, got = _runs(s.root, capsys, spelt)
        assert got["findings"] == (link if spelt.endswith("everything") else []), spelt


def test_a_staged_folder_under_base_reports_the_unit_s_change_findings_as_a_clean_clone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    s = Scene(tmp_path)
    s.feature()
    s.write(f"{FOLDER}/czj-new.yaml", NEW)  # one more system in use in czj: staged
    s.git("add", "-A")
    s.write(f"{FOLDER}/czj-draft.yaml", NEW.replace("czj-new", "czj-draft"))  # untracked: not in the commit
    (s.root / "systems/czj/czj-nontax.yaml").unlink()  # deleted in the work tree only: still in the commit
    clean = s.clean(tmp_path)
    monkeypatch.chdir(clean)
    expected = check(clean, capsys, "--no-cache", *s.extra, FOLDER)
    changes = check(clean, capsys, "--no-cache", *s.extra, "--changes-only", FOLDER)
    assert any(f["rule"].startswith("CHG") for f in expected[1]["findings"])
    monkeypatch.chdir(s.root)
    assert _runs(s.root, capsys, "--staged", *s.extra, FOLDER) == expected
    assert _runs(s.root, capsys, "--staged", *s.extra, "--changes-only", FOLDER) == changes
