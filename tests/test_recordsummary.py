"""The working tree's summary (registry/recordsummary.py) and the remembered configuration
(configfacts.checked_config): a warm ``check PATHS`` answers cross-record questions from cached
columns, and is never stale — every scenario below is checked in a real git repository against
the same command with ``--no-cache``, byte for byte."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from cachekit import own_signing_key  # noqa: F401  (autouse fixture)
from casekit import REGISTRY, merge, record_data
from gitrepo import GitRepo, yaml_text
from registry import recordcache, recordsummary
from registry.cachestore import CACHE_DIR
from registry.cli import main

TODAY = "2026-06-30"
UNITS = ("czj", "wjw", "gaj")


def records() -> dict[str, dict[str, Any]]:
    """A few records per unit; one project creates a system, one system carries an approval."""
    out: dict[str, dict[str, Any]] = {}
    for unit in UNITS:
        for n in range(1, 4):
            out[f"systems/{unit}/{unit}-sys{n}.yaml"] = {}
            out[f"projects/{unit}/2025-{unit}-00{n}.yaml"] = {}
    out["projects/czj/2025-czj-001.yaml"] = {"systems": {"creates": ["czj-sys1"]}}
    out["systems/wjw/wjw-sys2.yaml"] = {"status": "planned", "online_since": None,
                                       "new_system_approval": {"doc_no": "测政字〔2025〕21号", "date": "2025-03-01"}}
    return out


RETRIES: list[str] = []


@pytest.fixture(autouse=True)
def no_silent_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run that finds a cache entry damaged starts again without the cache and is still
    right: count those restarts, so that a summary that points at wrong bytes cannot hide
    behind them. And every summary read has one ``where`` per row."""
    from registry import checking

    RETRIES.clear()
    real_scan, real_read = checking.scan, recordsummary._read

    def scan(*args: Any, **kwargs: Any) -> Any:
        RETRIES.append("retry")
        return real_scan(*args, **kwargs)

    def read(store: Any, *name: str) -> Any:
        found = real_read(store, *name)
        if found is not None:
            summary = found[0]
            rows = len(summary.columns.paths)
            assert len(summary.where) == rows * 48 and len(summary.blobs) == rows
            assert all(len(column) == rows for column in summary.columns.all())
        return found

    monkeypatch.setattr(checking, "scan", scan)
    monkeypatch.setattr(recordsummary, "_read", read)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    repo = GitRepo.init(tmp_path / "registry")
    monkeypatch.chdir(repo.path)  # paths on the command line are relative to where it runs
    repo.write("registry.yaml", REGISTRY)
    for path, fields in records().items():
        repo.write(path, record_data(path, fields))
    repo.commit("登记")
    return repo


def run(repo: GitRepo, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--root", str(repo.path), "check", "--format", "json", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def same(repo: GitRepo, capsys: pytest.CaptureFixture[str], *paths: str, today: str = TODAY,
         retried: bool = False) -> dict[str, Any]:
    """The warm run's output equals the uncached one's; the report, parsed."""
    warm = run(repo, "--today", today, *paths, capsys=capsys)
    cold = run(repo, "--today", today, *paths, "--no-cache", capsys=capsys)
    assert warm == cold and warm[0] in (0, 1), warm[2]
    assert RETRIES == [] or retried, "the run restarted without the cache"
    report: dict[str, Any] = json.loads(warm[1])
    return report


def store_dir(repo: GitRepo) -> Path:
    return next((repo.path / CACHE_DIR).glob("*/records.index")).parent


def edit(repo: GitRepo, path: str, **fields: Any) -> str:
    repo.write(path, record_data(path, merge(records().get(path, {}), fields)))
    return path


def rules(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["path"], f["rule"]) for f in report["findings"]]


def test_a_few_edited_files_patch_the_summary_through_a_small_delta(repo: GitRepo,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    same(repo, capsys)  # a full run writes the summary
    directory = store_dir(repo)
    summary = directory / recordsummary.SUMMARY
    written = summary.stat().st_mtime_ns
    target = "systems/czj/czj-sys2.yaml"
    before = same(repo, capsys, target)["findings"]
    # another file now carries czj-sys2's id: a cross-record finding, from the columns
    report = same(repo, capsys, edit(repo, "systems/gaj/gaj-sys1.yaml", id="czj-sys2", name="改名"))
    assert any(f["field"] == "id" and "czj-sys2" in f["message"] for f in report["findings"])
    assert (directory / recordsummary.DELTA).exists() and summary.stat().st_mtime_ns == written
    duplicate = same(repo, capsys, target)["findings"]
    assert len(duplicate) == len(before) + 1  # the duplicate, seen from the untouched file too
    same(repo, capsys, edit(repo, "systems/gaj/gaj-sys1.yaml", name="再改名"))  # its own id again
    assert same(repo, capsys, target)["findings"] == before


def test_an_edit_within_the_same_second_with_the_same_length(repo: GitRepo,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = "systems/czj/czj-sys3.yaml"
    same(repo, capsys, path)
    target = repo.path / path
    before = target.stat()
    text = target.read_text(encoding="utf-8")
    changed = text.replace("status: operating", "status: suspended")
    assert changed != text
    # same length: pad or cut the name so that size and mtime are all a stat sees
    target.write_text(changed, encoding="utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    same(repo, capsys, path)
    same(repo, capsys)


def test_rename_to_another_unit_delete_and_new_untracked(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    same(repo, capsys)
    repo.move("systems/czj/czj-sys3.yaml", "systems/wjw/czj-sys3.yaml")  # now in the wrong unit folder
    report = same(repo, capsys, "systems/wjw/czj-sys3.yaml")
    assert report["findings"]
    repo.remove("projects/gaj/2025-gaj-002.yaml")
    repo.write("projects/gaj/2025-gaj-009.yaml", record_data("projects/gaj/2025-gaj-009.yaml",
                                                             {"systems": {"creates": ["czj-sys1"]}}))
    same(repo, capsys, "projects/gaj/2025-gaj-009.yaml")  # a second creator of czj-sys1
    same(repo, capsys, "projects/czj/2025-czj-001.yaml")
    same(repo, capsys)


def test_a_checkout_of_another_branch(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    same(repo, capsys)
    repo.branch("other")
    for unit in UNITS:
        edit(repo, f"systems/{unit}/{unit}-sys1.yaml", status="retired", retired_on="2025-01-01")
    repo.remove("systems/wjw/wjw-sys2.yaml")
    repo.commit("另一分支")
    same(repo, capsys, "systems/czj/czj-sys1.yaml")
    repo.switch("main")
    same(repo, capsys, "systems/czj/czj-sys1.yaml", "projects/czj/2025-czj-001.yaml")
    repo.switch("other")
    same(repo, capsys)


def test_a_file_that_stops_and_starts_being_a_record(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "projects/wjw/2025-wjw-002.yaml"
    same(repo, capsys)
    repo.write(path, "id: 2025-wjw-002\nunit: wjw\nnmae: 拼错\n")
    assert "REG002" in {f["rule"] for f in same(repo, capsys, path)["findings"]}
    repo.write(path, b"id: [unclosed\n")
    assert "REG001" in {f["rule"] for f in same(repo, capsys, path)["findings"]}
    edit(repo, path)
    assert same(repo, capsys, path)["findings"] == []
    assert same(repo, capsys)["summary"]["records"] == len(records())


def test_a_changed_registry_yaml_and_date_are_never_served_from_the_cache(repo: GitRepo,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = "systems/czj/czj-sys1.yaml"
    same(repo, capsys, path)
    for profiles in (["potou"], ["quxian", "jinxiang"], ["quxian"]):
        repo.write("registry.yaml", yaml_text(merge(REGISTRY, {"profiles": profiles})))
        assert same(repo, capsys, path)["summary"]["profiles"] == profiles
    repo.write("registry.yaml", yaml_text(merge(REGISTRY, {"parameters": {"QX15.nope": 1}})))
    code, _out, _err = run(repo, "--today", TODAY, path, capsys=capsys)
    assert code == 2  # an invalid registry.yaml after cached good ones is refused as before
    repo.write("registry.yaml", yaml_text(REGISTRY))
    for today in ("2025-01-01", "2031-12-31"):
        same(repo, capsys, path, today=today)


def test_a_damaged_planted_or_stale_summary_is_never_used(repo: GitRepo, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    same(repo, capsys)
    directory = store_dir(repo)
    summary = directory / recordsummary.SUMMARY
    good = summary.read_bytes()
    summary.write_bytes(good[:-40] + bytes(40))  # damaged: the signature fails
    same(repo, capsys, edit(repo, "systems/czj/czj-sys1.yaml", name="一"))
    # a delta written for another summary is ignored
    same(repo, capsys, edit(repo, "systems/czj/czj-sys1.yaml", name="二"))
    delta = directory / recordsummary.DELTA
    old_delta = delta.read_bytes()
    same(repo, capsys, edit(repo, "systems/wjw/wjw-sys3.yaml", name="三"))  # summary rewritten? delta grows
    delta.write_bytes(old_delta)  # an older delta (a parallel run's) of the same summary: rows re-checked
    same(repo, capsys, "systems/wjw/wjw-sys3.yaml")
    # the data files the summary points into are gone (another run compacted them)
    for data in directory.glob("records-*.data"):
        data.unlink()
    same(repo, capsys, edit(repo, "systems/gaj/gaj-sys3.yaml", name="四"))
    same(repo, capsys)
    # records damaged on disk: the run starts again without them
    for data in directory.glob("records-*.data"):
        data.write_bytes(b"\x00" * data.stat().st_size)
    same(repo, capsys, edit(repo, "systems/gaj/gaj-sys3.yaml", name="五"), "systems/czj/czj-sys2.yaml", retried=True)
    assert RETRIES
    RETRIES.clear()
    monkeypatch.setattr(recordsummary, "_DELTA_LIMIT", 1)  # the delta grows past its limit: all written again
    same(repo, capsys, edit(repo, "systems/gaj/gaj-sys2.yaml", name="六"), edit(repo, "systems/czj/czj-sys2.yaml", name="七"))
    assert not delta.exists()


def test_many_changes_and_compaction_build_the_summary_again(repo: GitRepo, capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    same(repo, capsys)
    monkeypatch.setattr(recordsummary, "_PATCH_LIMIT", 1)
    monkeypatch.setattr(recordsummary, "_PARSE_LIMIT", 0)  # changed rows looked up in the record cache
    for unit in UNITS:
        edit(repo, f"projects/{unit}/2025-{unit}-003.yaml", name=f"{unit} 新名")
    same(repo, capsys, "projects/czj/2025-czj-003.yaml")
    monkeypatch.setattr(recordcache, "_COMPACT_MIN_BYTES", 0)
    monkeypatch.setattr(recordcache, "_SLACK", 1)
    same(repo, capsys, edit(repo, "projects/czj/2025-czj-003.yaml", name="再次"))
    assert len(list(store_dir(repo).glob("records-*.data"))) == 1
    same(repo, capsys)


def test_signed_entries_copied_over_each_other_are_misses(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    """Every cache file is signed with the same key: one copied over another (a records delta
    over the index, the summary's delta over the summary, and back) is a miss, never a crash or
    a wrong answer."""
    same(repo, capsys)
    same(repo, capsys, edit(repo, "systems/czj/czj-sys1.yaml", name="一"))
    directory = store_dir(repo)
    delta = next(directory.glob("records-*.delta"))
    for source, target in ((delta, directory / "records.index"),
                           (directory / recordsummary.DELTA, directory / recordsummary.SUMMARY),
                           (directory / "stat.index", directory / recordsummary.DELTA)):
        if source.exists():
            target.write_bytes(source.read_bytes())
        same(repo, capsys, edit(repo, "systems/czj/czj-sys1.yaml", name=f"改 {target.name}"), "systems/wjw/wjw-sys1.yaml")
        same(repo, capsys)
