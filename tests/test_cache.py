"""The check cache (registry/cache.py): same reports as without it, never stale, never trusted
when damaged or planted, and nothing written with --no-cache."""
from __future__ import annotations

import builtins
import datetime as dt
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cachekit import own_signing_key, registry_of  # noqa: F401  (autouse fixture)
from casekit import build_registry
from gitrepo import GitRepo
from registry import cache, cachestore, checking, loader, recordcache
from registry.cache import CACHE_DIR, Store
from registry.checking import check_report, run_check
from registry.cli import main
from registry.findings import Report
from registry.reporters import REPORTERS

TODAY = dt.date(2025, 12, 1)

CASE: dict[str, Any] = {
    "registry": {"profiles": ["potou"]},
    "records": {
        "systems/czj/czj-budget.yaml": {},
        "systems/czj/czj-old.yaml": {"status": "retired"},  # REG006: no retired_on / retirement_ref
        "projects/czj/2025-czj-001.yaml": {
            "systems": {"upgrades": ["czj-budget"]},
            "documents": {"feasibility_study": "docs/2025-czj-001/可研.pdf"},  # REG010 until the file exists
        },
        "systems/wjw/czj-budget.yaml": {},  # REG004: the same id in two units' folders
    },
    "raw": {
        "systems/czj/broken.yaml": "name: 甲\nname: 乙\n",  # REG001
        "projects/czj/2025-czj-002.yaml": "id: 2025-czj-002\nnmae: 拼错\n",  # REG002
    },
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return registry_of(tmp_path, CASE)


def rendered(report: Report) -> str:
    """Everything a user can see of a report, in both languages and every format."""
    return "".join(render(report, lang) for render in REPORTERS.values() for lang in ("zh", "en"))


def check(root: Path, **kwargs: Any) -> Report:
    return check_report(root, today=TODAY, **kwargs)


def cache_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / CACHE_DIR).rglob("*") if p.is_file())


class Counting:
    """Counts what a run really computes: files parsed and whole runs of the rules."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.parsed: list[str] = []
        self.checks = 0
        real_load, real_check = loader.load_record, checking._check

        def load_record(path: str, raw: bytes) -> Any:
            self.parsed.append(path)
            return real_load(path, raw)

        def _check(*args: Any, **kwargs: Any) -> Any:
            self.checks += 1
            return real_check(*args, **kwargs)

        monkeypatch.setattr(loader, "load_record", load_record)
        monkeypatch.setattr(checking, "_check", _check)


def test_cached_runs_report_exactly_what_an_uncached_run_reports(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = rendered(check(root, use_cache=False))
    assert {"REG001", "REG002", "REG004", "REG006", "REG010"} <= {f.rule for f in check(root, use_cache=False).findings}
    counting = Counting(monkeypatch)
    assert rendered(check(root)) == expected  # cold: records loaded, report stored
    assert (counting.checks, len(counting.parsed)) == (1, 6)
    assert rendered(check(root)) == expected  # unchanged: the stored report
    assert (counting.checks, len(counting.parsed)) == (1, 6)
    for run in (root / CACHE_DIR).rglob("*.run"):
        run.unlink()
    assert rendered(check(root)) == expected  # rules again, every record (REG001/REG002 too) from the cache
    assert (counting.checks, len(counting.parsed)) == (2, 6)


def test_run_check_uses_the_record_cache_and_sees_the_same(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = run_check(root, today=TODAY, use_cache=False)
    counting = Counting(monkeypatch)
    first, second = run_check(root, today=TODAY), run_check(root, today=TODAY)
    assert len(counting.parsed) == 6  # the second run parsed nothing
    for run in (first, second):
        assert rendered(run.report) == rendered(expected.report)
        assert [s.model_dump() for s in run.context.head.systems] == [s.model_dump() for s in expected.context.head.systems]
        assert [p.model_dump() for p in run.context.head.projects] == [p.model_dump() for p in expected.context.head.projects]


def test_equal_files_at_two_paths_get_a_record_each(root: Path) -> None:
    """Two files with the same bytes share a cache entry but must stay two records: REG004
    names both paths."""
    (root / "systems/wjw/czj-budget.yaml").write_bytes((root / "systems/czj/czj-budget.yaml").read_bytes())
    expected = rendered(check(root, use_cache=False))
    check(root)
    for run in (root / CACHE_DIR).rglob("*.run"):
        run.unlink()
    report = check(root)
    assert rendered(report) == expected
    assert {f.path for f in report.findings if f.rule == "REG004"} == {"systems/czj/czj-budget.yaml", "systems/wjw/czj-budget.yaml"}


def test_an_edit_with_the_same_size_and_mtime_is_seen(root: Path) -> None:
    path = root / "systems/czj/czj-old.yaml"
    before = path.stat()
    assert not [f for f in check(root).findings if f.path == "systems/czj/czj-old.yaml" and f.rule == "REG002"]
    text = path.read_bytes()
    assert b"status: retired" in text
    path.write_bytes(text.replace(b"status: retired", b"status: retirex"))  # same length: an unknown status
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    report = check(root)
    assert [f.field for f in report.findings if f.path == "systems/czj/czj-old.yaml" and f.rule == "REG002"] == ["status"]
    assert rendered(report) == rendered(check(root, use_cache=False))


def test_a_new_attachment_changes_the_report_although_no_record_changed(root: Path) -> None:
    assert "REG010" in {f.rule for f in check(root).findings}
    attachment = root / "docs/2025-czj-001/可研.pdf"
    attachment.parent.mkdir(parents=True)
    attachment.write_bytes(b"%PDF")
    assert "REG010" not in {f.rule for f in check(root).findings}
    attachment.unlink()
    assert "REG010" in {f.rule for f in check(root).findings}


def test_registry_yaml_date_and_paths_are_part_of_the_key(root: Path) -> None:
    everything = check(root)
    only_one = check(root, paths=["systems/czj/czj-old.yaml"])
    assert {f.path for f in only_one.findings} == {"systems/czj/czj-old.yaml"}
    assert len(everything.findings) > len(only_one.findings)
    assert check(root).summary.profiles == ["potou"]
    config = root / "registry.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("- potou", "- dalad"), encoding="utf-8")
    assert check(root).summary.profiles == ["dalad"]
    later = check_report(root, today=dt.date(2031, 1, 1))
    assert rendered(later) == rendered(check_report(root, today=dt.date(2031, 1, 1), use_cache=False))


def test_the_base_commit_is_part_of_the_key(tmp_path: Path) -> None:
    """The same working tree and arguments, but `main` moved: the change rules see a new base."""
    root = tmp_path / "registry"
    build_registry(root, {"registry": {"profiles": ["potou"]}, "records": {"systems/czj/czj-extra.yaml": {}}})
    repo = GitRepo.init(root)
    repo.commit("登记")
    repo.branch("feature")
    repo.remove("systems/czj/czj-extra.yaml")
    deleted = check(root, base="main")
    assert [f.rule for f in deleted.findings] == ["CHG002"]  # a record must not be deleted
    repo.commit("删除记录")
    repo.git("branch", "--force", "main", "feature")  # main moved on; the working tree did not
    assert check(root, base="main").findings == []


def test_corrupt_entries_are_ignored_and_rebuilt(root: Path) -> None:
    expected = rendered(check(root, use_cache=False))
    check(root)
    damaged = cache_files(root)
    for path in damaged:
        if path.name.endswith((".index", ".data", ".run")):
            data = bytearray(path.read_bytes())
            data[len(data) // 2] ^= 0xFF
            path.write_bytes(bytes(data))
    (next(root.glob(f"{CACHE_DIR}/*/runs"))).joinpath("truncated.run").write_bytes(b"registry")
    assert rendered(check(root)) == expected
    directory = next(root.glob(f"{CACHE_DIR}/*/records.index")).parent
    store = Store(directory, cachestore._signing_key() or b"")
    index = store.read(recordcache.INDEX)  # rewritten, and valid again
    assert isinstance(index, tuple) and len(index[2]) == 6


def test_a_damaged_data_file_restarts_the_run_without_the_cache(root: Path) -> None:
    """The index is signed, the data files are not: a record whose bytes no longer match the
    digest in the index is never unpickled; the run starts again and rebuilds the cache."""
    expected = rendered(check(root, use_cache=False))
    check(root)
    for data in root.glob(f"{CACHE_DIR}/*/records-*.data"):
        data.write_bytes(b"\x80" + data.read_bytes()[1:])
    for run in (root / CACHE_DIR).rglob("*.run"):
        run.unlink()
    assert rendered(check(root)) == expected
    for run in (root / CACHE_DIR).rglob("*.run"):
        run.unlink()
    assert rendered(check(root)) == expected  # from the rebuilt cache


def test_a_planted_cache_is_never_unpickled(root: Path) -> None:
    """A cache committed into a pull request is not signed with this machine's key: it is
    ignored, so its pickles never run."""
    check(root)
    directory = next(root.glob(f"{CACHE_DIR}/*/records.index")).parent

    class Payload:
        def __reduce__(self) -> tuple[Any, ...]:
            return (exec, ("import builtins; builtins.registry_cache_pwned = True",))

    forged = pickle.dumps({"systems/" + "0" * 40: Payload()})
    for path in [directory / "records.index", directory / "stat.index", *directory.glob("records-*.data"),
                 *(root / CACHE_DIR).rglob("*.run")]:
        path.write_bytes(cachestore._MAGIC + b"\0" * 32 + forged)
    check(root)
    assert not hasattr(builtins, "registry_cache_pwned")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_planted_link_is_not_followed(root: Path) -> None:
    """A link to /dev/zero in place of an index would never finish reading if followed."""
    expected = rendered(check(root, use_cache=False))
    check(root)
    for name in ("records.index", "stat.index"):
        planted = next(root.glob(f"{CACHE_DIR}/*/{name}"))
        planted.unlink()
        planted.symlink_to("/dev/zero")
    for run in (root / CACHE_DIR).rglob("*.run"):
        run.unlink()
    assert rendered(check(root)) == expected


def test_the_cache_directory_ignores_itself_in_git(root: Path) -> None:
    repo = GitRepo.init(root)
    check(root)
    assert (root / CACHE_DIR / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert (root / CACHE_DIR / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert CACHE_DIR not in repo.git("status", "--porcelain", "--untracked-files=all")


def test_a_symlink_in_place_of_the_cache_directory_is_not_followed(root: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / CACHE_DIR).symlink_to(elsewhere, target_is_directory=True)
    assert rendered(check(root)) == rendered(check(root, use_cache=False))
    assert list(elsewhere.iterdir()) == []


def test_no_cache_writes_nothing(root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["--root", str(root), "check", "--format", "json", "--today", TODAY.isoformat()]
    assert main([*args, "--no-cache"]) == 1
    uncached = json.loads(capsys.readouterr().out)
    assert not (root / CACHE_DIR).exists()
    monkeypatch.setenv(cache.DISABLE_ENV, "1")
    assert main(args) == 1
    assert json.loads(capsys.readouterr().out) == uncached
    assert run_check(root, today=TODAY).report.findings
    assert not (root / CACHE_DIR).exists()
    monkeypatch.delenv(cache.DISABLE_ENV)
    assert main(args) == 1
    assert json.loads(capsys.readouterr().out) == uncached
    assert (root / CACHE_DIR).is_dir()


def test_an_unwritable_cache_is_not_an_error(root: Path) -> None:
    (root / CACHE_DIR).write_text("not a directory", encoding="utf-8")
    assert rendered(check(root)) == rendered(check(root, use_cache=False))


def test_new_records_are_appended_and_compacted_when_mostly_stale(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check(root)
    directory = next(root.glob(f"{CACHE_DIR}/*/records.index")).parent
    [first] = directory.glob("records-*.data")
    size = first.stat().st_size
    project = root / "projects/czj/2025-czj-001.yaml"

    def edit(n: int) -> list[Path]:
        project.write_text(project.read_text(encoding="utf-8").replace("name:", f"name: 第{n}版", 1), encoding="utf-8")
        assert rendered(check(root)) == rendered(check(root, use_cache=False))
        return list(directory.glob("records-*.data"))

    assert edit(1) == [first] and first.stat().st_size > size  # the new record appended
    assert len(list(directory.glob("records-*.delta"))) == 1  # its entry: a small signed delta
    monkeypatch.setattr(recordcache, "_MAX_DELTAS", 1)
    assert edit(3) == [first] and not list(directory.glob("records-*.delta"))  # merged into the index
    monkeypatch.setattr(recordcache, "_COMPACT_MIN_BYTES", 0)
    monkeypatch.setattr(recordcache, "_SLACK", 1)  # the earlier versions of the project are waste now
    [compacted] = edit(2)
    assert compacted != first
    index = Store(directory, cachestore._signing_key() or b"").read(recordcache.INDEX)
    assert index[0] == [compacted.name] and index[1] == [compacted.stat().st_size]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parallel loading forks, on Linux only")
def test_parallel_loading_gives_the_same_records_in_the_same_order(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(30):
        (root / f"systems/czj/czj-extra-{n:02d}.yaml").write_text(
            f"id: czj-extra-{n:02d}\nname: 系统{n}\nunit: czj\nstatus: planned\ndeployment: county_cloud\n", encoding="utf-8")
    files = list(loader.read_files(root, loader.record_files(root)))
    sequential = loader.load_all(files)
    monkeypatch.setattr(loader, "PARALLEL_MIN_FILES", 4)
    monkeypatch.setattr(loader, "MIN_POOL_CORES", 2)
    monkeypatch.setattr(loader, "_CHUNK", 5)
    assert loader._worker_count(len(files)) >= 2 or len(os.sched_getaffinity(0)) < 2
    parallel = loader.load_all(files)
    assert [_plain(r) for r in parallel] == [_plain(r) for r in sequential]


def _plain(result: Any) -> Any:
    return [vars(u) for u in result] if isinstance(result, list) else result.model_dump()


def test_the_check_command_does_not_import_git_or_the_publishing_tools(root: Path) -> None:
    """Run as pre-commit runs it: in the repository, without --root."""
    GitRepo.init(root)
    code = (
        "import sys\n"
        "from registry.cli import main\n"
        "main(['check', '--today', '2025-12-01'])\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'git', 'mkdocs', 'material', 'openpyxl', 'jieba'})\n"
        "print('imported:', ','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "REG001" in done.stdout  # it did check the registry found from the working directory
    assert done.stdout.splitlines()[-1] == "imported: "


def test_loaded_records_share_field_name_sets_and_still_behave_as_models(root: Path) -> None:
    """Memory: one field-name set per distinct set of names, not one per model; pydantic's
    dump (exclude_unset), copy with update, deep copy and pickling behave as before."""
    import copy

    first, second = (run_check(root, today=TODAY, use_cache=False).context.head.systems for _ in range(2))
    assert first[0].__pydantic_fields_set__ is second[0].__pydantic_fields_set__
    run_check(root, today=TODAY)
    cached = run_check(root, today=TODAY).context.head.systems  # unpickled from the record cache
    assert cached[0].__pydantic_fields_set__ is first[0].__pydantic_fields_set__
    record = first[0]
    dumped = record.model_dump(mode="python", exclude_unset=True)
    assert dumped and set(dumped) == set(record.__pydantic_fields_set__)
    changed = record.model_copy(update={"name": "改名"})
    assert changed.name == "改名" and "name" in changed.model_fields_set and record.name != "改名"
    assert copy.deepcopy(record) == record and pickle.loads(pickle.dumps(record)) == record
    with pytest.raises(TypeError):
        record.__pydantic_fields_set__.add("name")
