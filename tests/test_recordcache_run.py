"""One run, several snapshots (``check``/``diff --base`` load the working tree, the merge result
and the target): a file content parsed for one snapshot is not parsed again for the next, each
snapshot still gets records of its own, and what the run writes to the record cache keeps every
snapshot's records (a later load's write never replaces an earlier one's index)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from cachekit import own_signing_key  # noqa: F401  (autouse fixture)
from casekit import record_data
from gitrepo import GitRepo
from registry import loader
from registry.cache import SourceFile, Store
from registry.checking import load_snapshot, run_check
from registry.diffing import compute_diff
from registry.diffrender import as_json
from registry.recordcache import RecordCache

TODAY = dt.date(2025, 12, 1)


def sources(files: dict[str, bytes]) -> list[SourceFile]:
    return [SourceFile.of(path, raw) for path, raw in sorted(files.items())]


def text(path: str, **fields: Any) -> bytes:
    from gitrepo import yaml_text

    return yaml_text(record_data(path, fields)).encode("utf-8")


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = loader.load_record

    def load_record(path: str, raw: bytes) -> Any:
        parsed.append(path)
        return real(path, raw)

    monkeypatch.setattr(loader, "load_record", load_record)
    return parsed


def test_a_second_snapshot_of_the_run_parses_only_new_content(tmp_path: Path, counted: list[str]) -> None:
    (tmp_path / ".git").mkdir()
    store = Store.open(tmp_path)
    assert store is not None
    shared = text("systems/czj/czj-a.yaml")
    head = {"systems/czj/czj-a.yaml": shared, "systems/czj/czj-b.yaml": text("systems/czj/czj-b.yaml"),
            "projects/czj/2025-czj-001.yaml": b"id: 2025-czj-001\nnmae: x\n"}
    base = {"systems/wjw/czj-a.yaml": shared,  # the same content at another path
            "systems/czj/czj-a2.yaml": shared,  # ... twice
            "projects/czj/2025-czj-001.yaml": head["projects/czj/2025-czj-001.yaml"],
            "systems/czj/czj-c.yaml": text("systems/czj/czj-c.yaml")}
    records = RecordCache(store, tmp_path)
    first = load_snapshot(sources(head), records)
    assert len(counted) == 3
    second = load_snapshot(sources(base), records)
    assert counted[3:] == ["systems/czj/czj-c.yaml"]  # only the new content was parsed
    uncached = load_snapshot(sources(base), RecordCache(None))
    assert [s.model_dump() for s in second.systems] == [s.model_dump() for s in uncached.systems]
    assert [(u.path, u.rule, u.line, u.message) for u in second.invalid] == \
        [(u.path, u.rule, u.line, u.message) for u in uncached.invalid]
    ids = [id(s) for s in second.systems] + [id(s) for s in first.systems]
    assert len(set(ids)) == len(ids)  # every snapshot, every file: a record of its own
    assert {second.path_of(s) for s in second.systems} == {p for p in base if p.startswith("systems/")}
    # a new run finds every content of both snapshots in the cache
    parsed = len(counted)
    load_snapshot(sources({**head, **base}), RecordCache(store, tmp_path))
    assert len(counted) == parsed

def test_diff_base_cold_warm_and_uncached_agree(tmp_path: Path, counted: list[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    repo = GitRepo.init(tmp_path / "registry")
    from casekit import REGISTRY

    repo.write("registry.yaml", REGISTRY)
    for n in range(6):
        path = f"systems/czj/czj-s{n}.yaml"
        repo.write(path, record_data(path, {}))
    repo.commit("初始登记")
    repo.branch("feature")
    repo.write("systems/czj/czj-s1.yaml", record_data("systems/czj/czj-s1.yaml", {"status": "retired"}))
    repo.write("systems/czj/czj-new.yaml", record_data("systems/czj/czj-new.yaml", {}))
    repo.commit("变更")
    root = repo.path
    cold = as_json(compute_diff(root, base="main", today=TODAY), "zh")
    parsed_cold = len(counted)
    assert parsed_cold == 8  # 7 files of the working tree, and the one content only main holds
    # a diff does not start the record cache (on a cold cache, writing it costs the diff more than
    # the diff gains from it); once a check has started it, a diff keeps and takes its records
    assert not list((root / ".registry-cache").rglob("records.index"))
    run_check(root, today=TODAY)
    assert len(counted) == parsed_cold + 7
    assert as_json(compute_diff(root, base="main", today=TODAY), "zh") == cold
    assert len(counted) == parsed_cold + 8  # only the content main alone holds was new to the cache
    warm = as_json(compute_diff(root, base="main", today=TODAY), "zh")
    assert len(counted) == parsed_cold + 8  # everything came from the cache
    monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
    assert as_json(compute_diff(root, base="main", today=TODAY), "zh") == cold == warm


def test_a_second_snapshot_keeps_the_first_ones_records_and_encodes_only_its_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``diff --base`` cold: the base snapshot shares most records with the working tree's,
    which this run has just written. They count as used (not as slack that calls for a
    compaction), so the base's load appends only its new records: nothing is encoded twice, and
    the working tree's records stay in the cache for the next run."""
    from registry import recordcache, recordcodec

    monkeypatch.setattr(recordcache, "_COMPACT_MIN_BYTES", 0)  # compaction due as soon as slack outweighs use
    encoded: list[str] = []
    real = recordcodec.dumps

    def dumps(record: Any) -> Any:
        encoded.append(record.id)
        return real(record)

    monkeypatch.setattr(recordcodec, "dumps", dumps)
    (tmp_path / ".git").mkdir()
    store = Store.open(tmp_path)
    assert store is not None
    head = {f"systems/czj/czj-{n}.yaml": text(f"systems/czj/czj-{n}.yaml") for n in "abcdefgh"}
    base = {**{p: raw for p, raw in head.items() if not p.endswith("-h.yaml")},
            "systems/czj/czj-z.yaml": text("systems/czj/czj-z.yaml")}
    records = RecordCache(store, tmp_path)
    load_snapshot(sources(head), records)
    assert sorted(encoded) == [f"czj-{n}" for n in "abcdefgh"]
    load_snapshot(sources(base), records)
    assert encoded[8:] == ["czj-z"]  # only the base's own record
    counted: list[str] = []
    real_load = loader.load_record
    monkeypatch.setattr(loader, "load_record", lambda path, raw: counted.append(path) or real_load(path, raw))
    load_snapshot(sources({**head, **base}), RecordCache(store, tmp_path))
    assert counted == []  # both snapshots' records are in the cache
