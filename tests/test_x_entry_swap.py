"""Attack on the signed cache store: every entry is signed (HMAC) so that a planted or damaged
file is ignored — but a signed entry copied over ANOTHER entry's name is still a genuine
signature. Entries named by a hash of their inputs (the run cache's ``runs/<key>.run``, diff's
``diff-base/<key>``) must never answer for another key: a swapped entry is a miss, never the
other run's report.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from cachekit import own_signing_key  # noqa: F401  (autouse fixture)
from fixturekit import committed_fixture
from registry.cache import CACHE_DIR
from test_x_stale_tree import Runner, runner  # noqa: F401  (fixture)

TODAY = "2026-11-20"  # the quxian fixture is clean on this day (tests/test_fixture_quxian.py)
RECORD = "systems/czj/czj-asset.yaml"


def entries(root: Path, pattern: str) -> set[Path]:
    return set((root / CACHE_DIR).glob(f"*/{pattern}"))


def test_a_run_entry_copied_over_another_runs_name_is_not_its_report(
        tmp_path: Path, runner: Runner) -> None:
    root, _repo = committed_fixture("quxian", tmp_path)
    args = ("check", "--today", TODAY, "--format", "json")
    assert runner.run(root, *args)[0] == 0
    (clean,) = entries(root, "runs/*.run")
    path = root / RECORD
    path.write_text(path.read_text("utf-8").replace("status: retired", "status: bogus"), "utf-8")
    assert runner.run(root, *args)[0] == 1
    (broken,) = entries(root, "runs/*.run") - {clean}
    shutil.copyfile(clean, broken)  # the clean run's signed entry under the broken run's key
    warm = runner.run(root, *args)
    cold = runner.run(root, *args, cached=False)
    assert cold[0] == 1
    assert warm == cold


def test_diff_base_findings_copied_over_another_commits_name_are_not_its_findings(
        tmp_path: Path, runner: Runner) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    path = root / RECORD
    good = path.read_text("utf-8")
    path.write_text(good.replace("status: retired", "status: retired\nretired_on: 2030-01-01"), "utf-8")
    args = ("diff", "--today", TODAY, "--base", "HEAD", "--format", "json")
    repo.commit("base with findings")
    runner.run(root, *args)
    (first,) = entries(root, "diff-base/*")
    path.write_text(good, "utf-8")
    repo.commit("base without them")
    path.write_text(good + "# 改\n", "utf-8")  # a working-tree change: diff has something to compare
    runner.run(root, *args)
    (second,) = entries(root, "diff-base/*") - {first}
    shutil.copyfile(first, second)
    warm = runner.run(root, *args)
    cold = runner.run(root, *args, cached=False)
    assert warm == cold


def test_a_records_delta_copied_over_the_records_index_is_a_miss_not_a_crash(
        tmp_path: Path, runner: Runner) -> None:
    """Both are signed tuples of three with a dict last: only their shapes tell them apart."""
    root, _repo = committed_fixture("quxian", tmp_path)
    args = ("check", "--today", TODAY, "--format", "json")
    runner.run(root, *args)
    path = root / RECORD
    path.write_text(path.read_text("utf-8") + "# 改\n", "utf-8")
    runner.run(root, *args)  # a new record: appended, with a delta
    (delta,) = entries(root, "records-*.delta")
    (index,) = entries(root, "records.index")
    shutil.copyfile(delta, index)
    for stored in entries(root, "runs/*.run"):
        stored.unlink()  # the report is worked out again, through the record cache
    other = root / "systems/czj/czj-budget.yaml"
    other.write_text(other.read_text("utf-8") + "# 改\n", "utf-8")
    warm = runner.run(root, *args)
    cold = runner.run(root, *args, cached=False)
    assert cold[0] == 0
    assert warm == cold


def test_entries_rolled_back_to_an_older_state_are_facts_or_misses(tmp_path: Path, runner: Runner) -> None:
    """A CI cache restored from an earlier job, or one file of it: every entry under its own name
    but from before the registry changed (a record broken, a file moved to another unit, a
    commit, a file replaced by another record's content). Each is either still true or a miss."""
    root, repo = committed_fixture("quxian", tmp_path)
    commands = (("check", "--today", TODAY, "--format", "json"),
                ("diff", "--today", TODAY, "--base", "HEAD", "--format", "json"),
                ("inventory", "--history", "--today", TODAY, "--format", "json"))
    for args in commands:
        runner.run(root, *args)
    (store,) = (root / CACHE_DIR).glob("*/")
    old = shutil.copytree(store, tmp_path / "old")
    path = root / RECORD
    path.write_text(path.read_text("utf-8").replace("status: retired", "status: invalid"), "utf-8")
    (root / "systems/czj/czj-budget.yaml").rename(root / "systems/dsj/czj-budget.yaml")
    repo.commit("改动之后")
    shutil.copyfile(root / "systems/wjj/wjj-clinic.yaml", path)
    for args in commands:
        runner.run(root, *args)
    new = shutil.copytree(store, tmp_path / "new")
    names = sorted(p.relative_to(old).as_posix() for p in old.rglob("*") if p.is_file())
    assert len(names) > 5, names  # the index, deltas, records, runs, history fields, diff base …
    for rolled_back in [names, *([name] for name in names)]:
        shutil.rmtree(store)
        shutil.copytree(new, store)
        for name in rolled_back:
            (store / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(old / name, store / name)
        for args in commands:
            cold = runner.run(root, *args, cached=False)
            assert cold[0] in (0, 1)
            assert runner.run(root, *args) == cold, (rolled_back, args)
