"""The stat index (registry/statindex.py) in real git repositories: an unchanged file is never
read, and nothing is ever served stale — working-tree edits not staged, new untracked records,
deletions, renames, ``touch``, a branch checkout and an edit within the same second are all
seen, with exactly the report of a run without any cache."""
from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import Any

import pytest

from cachekit import own_signing_key, registry_of  # noqa: F401  (autouse fixture)
from gitrepo import GitRepo
from registry import warm
from registry.cache import CACHE_DIR, Store
from registry.checking import check_report
from registry.findings import Report
from registry.reporters import REPORTERS
from registry.statindex import INDEX, StatIndex

TODAY = dt.date(2025, 12, 1)
CASE: dict[str, Any] = {
    "registry": {"profiles": ["potou"]},
    "records": {
        "systems/czj/czj-budget.yaml": {},
        "systems/czj/czj-pay.yaml": {},
        "systems/wjw/wjw-his.yaml": {},
        "projects/czj/2025-czj-001.yaml": {"systems": {"upgrades": ["czj-budget"]}},
    },
}


@pytest.fixture(autouse=True)
def lstat_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the stat index: the scan that ``lstat``-s every record file, which
    also serves registries outside git. (The scenarios marked ``both_scans`` also run with
    git's index, tests/test_git_index_scan.py has its own.)"""
    monkeypatch.setenv("REGISTRY_GIT_INDEX", "0")


@pytest.fixture(params=["lstat", "git"])
def both_scans(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("REGISTRY_GIT_INDEX", "1" if request.param == "git" else "0")
    return str(request.param)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo.init(registry_of(tmp_path, CASE))
    repo.commit("登记")
    return repo


class Reads:
    """Counts the record files the scan reads (and so hashes)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[str] = []
        real = warm.read_regular_stat

        def counting(root: Any, path: str, **kwargs: Any) -> Any:
            self.paths.append(path)
            return real(root, path, **kwargs)

        monkeypatch.setattr(warm, "read_regular_stat", counting)


def rendered(report: Report) -> str:
    return "".join(render(report, lang) for render in REPORTERS.values() for lang in ("zh", "en"))


def same_as_uncached(root: Path, **kwargs: Any) -> Report:
    """The cached report, asserted equal to a run without any cache."""
    cached = check_report(root, today=TODAY, **kwargs)
    assert rendered(cached) == rendered(check_report(root, today=TODAY, use_cache=False, **kwargs))
    return cached


def next_second() -> None:
    """Wait until the clock's whole second has moved on (file times older than a new index)."""
    time.sleep(1.05 - time.time() % 1)


def test_an_unchanged_file_is_neither_read_nor_hashed(repo: GitRepo, both_scans: str, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = Reads(monkeypatch)
    next_second()  # the files' times lie in a second before the index's clock: not racy
    same_as_uncached(repo.path)
    for run in (repo.path / CACHE_DIR).rglob("*.run"):
        run.unlink()  # the rules run again: the records come from the record cache
    reads.paths.clear()
    check_report(repo.path, today=TODAY)
    assert reads.paths == []  # every file vouched for by the stat index
    next_second()
    repo.write("systems/czj/czj-pay.yaml", (repo.path / "systems/czj/czj-pay.yaml").read_text(encoding="utf-8") + "# 备注\n")
    reads.paths.clear()
    check_report(repo.path, today=TODAY)
    assert reads.paths == ["systems/czj/czj-pay.yaml"]


def test_a_same_second_edit_of_the_same_size_and_times_is_seen(repo: GitRepo, both_scans: str) -> None:
    """Racily clean: a file written in the second its index was made may change again without
    its size or modification time changing; it is hashed again, as git does."""
    path = repo.path / "systems/czj/czj-pay.yaml"
    same_as_uncached(repo.path)
    before = path.stat()
    text = path.read_bytes()
    path.write_bytes(text.replace(b"status: ", b"status:x", 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    report = same_as_uncached(repo.path)
    assert any(f.path == "systems/czj/czj-pay.yaml" and f.rule == "REG001" for f in report.findings)


def test_an_entry_as_new_as_its_index_is_not_trusted(repo: GitRepo) -> None:
    store = Store.open(repo.path)
    assert store is not None
    info = (repo.path / "systems/czj/czj-pay.yaml").stat()
    first = StatIndex(store)
    first.remember("systems/czj/czj-pay.yaml", info, "0" * 40)
    first.started_ns = info.st_mtime_ns  # the index's clock in the very second of the file's times
    first.save()
    assert StatIndex(store).blob_of("systems/czj/czj-pay.yaml", info) is None
    first.started_ns = max(info.st_mtime_ns, info.st_ctime_ns) + 1_000_000_000
    first.hashed = 1
    first.save()
    assert StatIndex(store).blob_of("systems/czj/czj-pay.yaml", info) == "0" * 40
    os.utime(repo.path / "systems/czj/czj-pay.yaml")  # touch: other times, so no longer vouched for
    assert StatIndex(store).blob_of("systems/czj/czj-pay.yaml", (repo.path / "systems/czj/czj-pay.yaml").stat()) is None


def test_unstaged_edits_new_untracked_records_and_deletions_are_seen(repo: GitRepo, both_scans: str) -> None:
    same_as_uncached(repo.path)
    next_second()
    repo.write("systems/czj/czj-pay.yaml", (repo.path / "systems/czj/czj-pay.yaml").read_text(encoding="utf-8")
               .replace("status: operating", "status: retired"))
    assert any(f.path == "systems/czj/czj-pay.yaml" for f in same_as_uncached(repo.path).findings)
    repo.write("systems/czj/czj-new.yaml", (repo.path / "systems/czj/czj-budget.yaml").read_bytes())
    assert {f.rule for f in same_as_uncached(repo.path).findings if f.path == "systems/czj/czj-new.yaml"}
    repo.remove("systems/czj/czj-budget.yaml")
    report = same_as_uncached(repo.path)
    assert not any(f.path == "systems/czj/czj-budget.yaml" for f in report.findings)
    assert report.summary.records == 4


def test_touch_and_renames_are_seen(repo: GitRepo, both_scans: str) -> None:
    expected = same_as_uncached(repo.path)
    now = time.time_ns()
    os.utime(repo.path / "projects/czj/2025-czj-001.yaml", ns=(now, now))
    assert rendered(same_as_uncached(repo.path)) == rendered(expected)
    repo.move("systems/wjw/wjw-his.yaml", "systems/czj/wjw-his.yaml")  # now in another unit's folder
    moved = same_as_uncached(repo.path)
    assert any(f.path == "systems/czj/wjw-his.yaml" for f in moved.findings)
    # two files swap names: same sizes and times move with them, the inodes tell them apart
    a, b = repo.path / "systems/czj/czj-pay.yaml", repo.path / "systems/czj/czj-budget.yaml"
    a.rename(repo.path / "swap.tmp")
    b.rename(a)
    (repo.path / "swap.tmp").rename(b)
    assert {f.path for f in same_as_uncached(repo.path).findings} >= {"systems/czj/czj-pay.yaml", "systems/czj/czj-budget.yaml"}


def test_a_checkout_of_another_branch_is_seen(repo: GitRepo, both_scans: str) -> None:
    repo.branch("other")
    repo.write("systems/czj/czj-pay.yaml", (repo.path / "systems/czj/czj-pay.yaml").read_text(encoding="utf-8")
               .replace("status: operating", "status: retired"))
    repo.commit("停用")
    on_other = same_as_uncached(repo.path)
    repo.switch("main")
    on_main = same_as_uncached(repo.path)
    assert rendered(on_main) != rendered(on_other)
    repo.switch("other")
    assert rendered(same_as_uncached(repo.path)) == rendered(on_other)


def test_the_index_is_signed_and_lives_in_the_cache(repo: GitRepo) -> None:
    same_as_uncached(repo.path)
    [index] = (repo.path / CACHE_DIR).glob(f"*/{INDEX}")
    index.write_bytes(index.read_bytes()[:-1] + b"\0")  # damaged: ignored, every file hashed again
    repo.write("systems/czj/czj-pay.yaml", (repo.path / "systems/czj/czj-pay.yaml").read_text(encoding="utf-8") + "# 改\n")
    same_as_uncached(repo.path)


def test_attachment_folders_are_listed_again_only_when_they_change(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under docs/ only the names and kinds of entries matter: a folder whose lstat is unchanged
    (and not racily clean) is not listed again; adding, removing or replacing an entry changes
    the folder's times, so the change is seen."""
    repo.write("docs/2025-czj-001/可研.pdf", b"%PDF")
    repo.write("docs/2025-czj-001/批复.pdf", b"%PDF")
    repo.write("projects/czj/2025-czj-001.yaml", (repo.path / "projects/czj/2025-czj-001.yaml").read_text(encoding="utf-8")
               + "documents: {feasibility_study: docs/2025-czj-001/可研.pdf}\n")
    listed: list[str] = []
    real = os.scandir

    def counting(path: Any) -> Any:
        listed.append(os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", counting)
    next_second()
    before = same_as_uncached(repo.path)
    assert not any(f.rule == "REG010" for f in before.findings)
    listed.clear()
    for run in (repo.path / CACHE_DIR).rglob("*.run"):
        run.unlink()
    assert rendered(check_report(repo.path, today=TODAY)) == rendered(before)
    assert not any("docs" in path for path in listed)  # docs/ and its folder: from the index
    (repo.path / "docs/2025-czj-001/可研.pdf").unlink()
    (repo.path / "docs/2025-czj-001/可研.pdf").symlink_to("批复.pdf")  # a link is never a document
    report = same_as_uncached(repo.path)
    assert {"REG003", "REG010"} <= {f.rule for f in report.findings}


def test_the_warm_paths_name_for_registry_yaml_is_the_models_one() -> None:
    from registry import errors
    from registry.models import config

    assert errors.CONFIG_FILE == config.CONFIG_FILE


def test_a_file_saved_during_the_run_restarts_it_and_keeps_the_record_cache(repo: GitRepo, both_scans: str) -> None:
    """The scan hashes a file and lets its bytes go; if the file changes before it is parsed,
    the run starts again from a fresh scan (never the old blob id with the new bytes), and the
    record cache, which is not damaged, stays."""
    same_as_uncached(repo.path)
    path = repo.path / "systems/czj/czj-pay.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# 第一次保存\n", encoding="utf-8")
    inputs = warm.gather(repo.path)
    path.write_text(path.read_text(encoding="utf-8").replace("status: operating", "status: retired"), encoding="utf-8")
    report = check_report(repo.path, today=TODAY, inputs=inputs)
    assert rendered(report) == rendered(check_report(repo.path, today=TODAY, use_cache=False))
    assert list((repo.path / CACHE_DIR).glob("*/records.index"))


def _store_dir(root: Path) -> Path:
    return next((root / CACHE_DIR).glob(f"*/{INDEX}")).parent


def _fresh_report(root: Path, reads: Reads | None = None) -> Report:
    """A cached run whose rules run again (the stored reports removed), asserted as uncached;
    ``reads`` is cleared and then holds what the cached run read."""
    for run in (root / CACHE_DIR).rglob("*.run"):
        run.unlink()
    if reads is not None:
        reads.paths.clear()
    cached = check_report(root, today=TODAY)
    seen = list(reads.paths) if reads is not None else []
    assert rendered(cached) == rendered(check_report(root, today=TODAY, use_cache=False))
    if reads is not None:
        reads.paths[:] = seen
    return cached


def test_a_run_that_hashed_a_few_files_writes_a_delta_not_the_whole_index(repo: GitRepo,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    reads = Reads(monkeypatch)
    next_second()
    same_as_uncached(repo.path)
    index = _store_dir(repo.path) / INDEX
    whole = index.read_bytes()
    next_second()
    repo.write("systems/czj/czj-pay.yaml", (repo.path / "systems/czj/czj-pay.yaml").read_text(encoding="utf-8") + "# 备注\n")
    next_second()  # the edit lies in a second before the run: its entry is stored
    same_as_uncached(repo.path)
    assert index.read_bytes() == whole  # not rewritten
    assert len(list(_store_dir(repo.path).glob("stat-*.delta"))) == 1
    _fresh_report(repo.path, reads)
    assert reads.paths == []  # the delta vouches for the edited file


def test_deltas_that_pile_up_are_merged_into_the_index(repo: GitRepo) -> None:
    from registry.statindex import _MAX_DELTAS

    path = repo.path / "systems/czj/czj-pay.yaml"
    same_as_uncached(repo.path)
    for n in range(_MAX_DELTAS + 2):
        next_second()
        path.write_text(path.read_text(encoding="utf-8") + f"# 第{n}次\n", encoding="utf-8")
        _fresh_report(repo.path)
        assert len(list(_store_dir(repo.path).glob("stat-*.delta"))) <= _MAX_DELTAS
    assert len(list(_store_dir(repo.path).glob("stat-*.delta"))) < _MAX_DELTAS  # merged at least once
    stored = StatIndex(Store.open(repo.path))
    assert stored.blob_of("systems/czj/czj-pay.yaml", path.stat()) in (None, warm.SourceFile.of("", path.read_bytes()).blob)


def test_a_racily_clean_file_is_not_remembered(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file changed in the very second the run started is read again by the next run (and
    whatever it holds then is what the next run reports)."""
    reads = Reads(monkeypatch)
    next_second()
    same_as_uncached(repo.path)
    path = repo.path / "systems/czj/czj-pay.yaml"
    store = Store.open(repo.path)
    assert store is not None
    index = StatIndex(store)
    now_s = (index.started_ns or 0) // 1_000_000_000
    path.write_text(path.read_text(encoding="utf-8") + "# 同一秒\n", encoding="utf-8")
    if path.stat().st_mtime_ns // 1_000_000_000 != now_s:
        pytest.skip("the clock moved on between the index's clock and the edit")
    index.remember("systems/czj/czj-pay.yaml", path.stat(), warm.SourceFile.of("", path.read_bytes()).blob)
    index.save()
    assert StatIndex(store).blob_of("systems/czj/czj-pay.yaml", path.stat()) is None
    _fresh_report(repo.path, reads)
    assert reads.paths == ["systems/czj/czj-pay.yaml"]


def test_a_damaged_or_planted_delta_is_ignored(repo: GitRepo) -> None:
    next_second()
    same_as_uncached(repo.path)
    path = repo.path / "systems/czj/czj-pay.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# 改\n", encoding="utf-8")
    next_second()
    _fresh_report(repo.path)
    [delta] = _store_dir(repo.path).glob("stat-*.delta")
    delta.write_bytes(delta.read_bytes()[:-1] + b"\0")
    path.write_text(path.read_text(encoding="utf-8").replace("status: operating", "status: retired"), encoding="utf-8")
    assert any(f.path == "systems/czj/czj-pay.yaml" for f in _fresh_report(repo.path).findings)


def test_a_deleted_file_leaves_the_index_and_a_new_one_in_its_place_is_read(repo: GitRepo,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    reads = Reads(monkeypatch)
    next_second()
    same_as_uncached(repo.path)
    path = repo.path / "systems/czj/czj-pay.yaml"
    text = path.read_text(encoding="utf-8")
    path.unlink()
    _fresh_report(repo.path)
    store = Store.open(repo.path)
    assert store is not None
    assert "systems/czj/czj-pay.yaml" not in StatIndex(store)._old
    path.write_text(text.replace("status: operating", "status: retired"), encoding="utf-8")
    assert any(f.path == "systems/czj/czj-pay.yaml" for f in _fresh_report(repo.path, reads).findings)
    assert reads.paths == ["systems/czj/czj-pay.yaml"]
