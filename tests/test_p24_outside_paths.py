"""``registry check PATHS`` with a path outside the registry: nothing of it is checked, and a
plain check says so on standard error (a mistyped root must not look like a clean file), while
``check --staged`` — the commit hook, which in a monorepo is handed staged files of the whole
repository — stays quiet about it. Either way the exit status is that of the checked files."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fixturekit import committed_fixture
from registry.cli import main
from test_hook_imports import records_to_edit, stage_edits

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-06-30"


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object], str]:
    code = main(["check", "--format", "json", "--today", TODAY, *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, json.loads(out), err


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, list[str]]:
    """A committed fixture with three staged edits, a YAML file beside (outside) the registry,
    and the registry root as the current directory."""
    root, _repo = committed_fixture("quxian", tmp_path)
    edited = records_to_edit(root)
    stage_edits(root, 1, edited)
    stray = tmp_path / "elsewhere.yaml"
    stray.write_text("id: not-ours\n", encoding="utf-8")
    monkeypatch.chdir(root)
    return root, stray, edited


def test_a_plain_check_names_the_path_outside_and_checks_the_rest(
        repository: tuple[Path, Path, list[str]], capsys: pytest.CaptureFixture[str]) -> None:
    root, stray, edited = repository
    expected_code, expected, _ = _check(capsys, "--no-cache", *edited)
    code, report, err = _check(capsys, "--no-cache", *edited, str(stray))
    assert (code, report) == (expected_code, expected)
    assert err == f"注意：{stray} 不在登记簿（{root.resolve()}）内，未检查\n"
    relative = os.path.relpath(stray)  # as a user types it: ../elsewhere.yaml
    code, report, err = _check(capsys, relative)
    assert code == 0 and report["findings"] == []
    assert err == f"注意：{relative} 不在登记簿（{root.resolve()}）内，未检查\n"
    main(["--lang", "en", "check", "--today", TODAY, relative])
    out, err = capsys.readouterr()
    assert err == f"note: {relative} is outside the registry ({root.resolve()}), not checked\n"


def test_the_hook_stays_quiet_about_paths_outside(
        repository: tuple[Path, Path, list[str]], capsys: pytest.CaptureFixture[str]) -> None:
    _root, stray, edited = repository
    expected_code, expected, _ = _check(capsys, "--staged", "--no-cache", *edited)
    for _run in ("cold", "warm"):  # the first run fills the cache, the second reuses it
        code, report, err = _check(capsys, "--staged", *edited, str(stray))
        assert (code, report, err) == (expected_code, expected, "")
    code, report, err = _check(capsys, "--staged", str(stray))
    assert (code, report["findings"], err) == (0, [], "")


def test_paths_inside_or_holding_the_registry_are_not_called_outside(
        repository: tuple[Path, Path, list[str]], capsys: pytest.CaptureFixture[str]) -> None:
    root, _stray, edited = repository
    for named in (edited[0], "systems", ".", str(root.parent), "../" + root.name + "/" + edited[1]):
        _code, _report, err = _check(capsys, named)
        assert err == "", named


def test_with_standard_error_closed_the_note_never_reaches_the_report(
        repository: tuple[Path, Path, list[str]]) -> None:
    root, stray, edited = repository
    command = [sys.executable, "-m", "registry", "check", "--format", "json", "--today", TODAY, edited[0], str(stray)]
    done = subprocess.run(["sh", "-c", 'exec 2>&-; exec "$@"', "sh", *command], cwd=root, capture_output=True,
                          text=True, check=False, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode in (0, 1)
    assert json.loads(done.stdout)["summary"]["records"] > 0


def test_a_file_named_through_a_link_to_the_registry_is_checked(
        repository: tuple[Path, Path, list[str]], capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``--root /data/reg`` where /data/reg is a link (or a shell that entered the registry
    through one): a file named through the link is the registry's, not "outside", and a
    broken one fails — it used to pass as 0 errors with nothing checked."""
    root, _stray, edited = repository
    link = tmp_path / "link-to-registry"
    link.symlink_to(root, target_is_directory=True)
    broken = root / Path(edited[0]).parent / "zz-broken.yaml"
    broken.write_text("id: zz-broken\n", encoding="utf-8")
    expected_code, expected, _ = _check(capsys, "--no-cache", str(broken))
    assert expected_code == 1 and expected["findings"]
    monkeypatch.chdir(tmp_path)
    code = main(["--root", str(link), "check", "--format", "json", "--today", TODAY, "--no-cache",
                 str(link / broken.relative_to(root)), str(link / "systems")])
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert err == ""
    assert code == 1
    paths = {f["path"] for f in report["findings"]}
    assert broken.relative_to(root).as_posix() in paths
    assert {f["path"] for f in expected["findings"]} <= paths
