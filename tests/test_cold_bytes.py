"""A check without the cache reads each record file once: the scan keeps the bytes it hashed
and hands each file's bytes to the loader when the file is parsed (then lets them go). A file
whose bytes were handed over already (the same file in a later snapshot of the run) is read
again and checked against the blob id the scan saw, like a file whose bytes were never kept."""
from __future__ import annotations

import datetime as dt
import io
import shutil
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from registry import layout, warm
from registry.cachestore import StaleCache
from registry.checking import check_report, load_snapshot
from registry.cli import main
from registry.recordcache import RecordCache

FIXTURE = Path(__file__).parent / "fixtures" / "potou"
TODAY = dt.date(2026, 6, 30)


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "registry"
    shutil.copytree(FIXTURE, root)
    return root


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every record file read (by the scan, or again by the loader)."""
    read: list[str] = []
    real_stat, real = layout.read_regular_stat, layout.read_regular

    def read_regular_stat(top: str, path: str):  # type: ignore[no-untyped-def]
        read.append(path)
        return real_stat(top, path)

    def read_regular(root: Path, path: str) -> bytes:
        read.append(path)
        return real(root, path)

    monkeypatch.setattr(warm, "read_regular_stat", read_regular_stat)
    monkeypatch.setattr("registry.recordcache.read_regular", read_regular)
    return read


def _check(root: Path, *extra: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["--root", str(root), "check", "--today", TODAY.isoformat(), "--format", "json", *extra])
    return code, out.getvalue()


def test_no_cache_check_reads_each_record_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _copy(tmp_path)
    records = warm.scan(root)
    assert len(records) > 10
    reads = _reads(monkeypatch)
    code, out = _check(root, "--no-cache")
    assert sorted(reads) == sorted(f.path for f in records)  # each once
    monkeypatch.undo()
    assert (code, out) == _check(root, "--no-cache") == _check(root)  # the same report with the cache


def test_kept_bytes_are_handed_over_once_and_the_inputs_let_them_go(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    inputs = warm.gather(root, use_cache=False)
    assert all(f.raw is not None for f in inputs.files)
    load_snapshot(inputs.files, RecordCache(None, root))
    assert all(f.raw is None for f in inputs.files)  # parsed: no file's bytes stay beside its record
    # a second snapshot of the same files reads them again (and checks them)
    again = load_snapshot(inputs.files, RecordCache(None, root))
    assert again.records == len(inputs.files)


def test_a_file_changed_after_its_bytes_were_handed_over_restarts_the_run(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    inputs = warm.gather(root, use_cache=False)
    load_snapshot(inputs.files, RecordCache(None, root))
    path = next(f.path for f in inputs.files if f.path.startswith("projects/"))
    (root / path).write_text((root / path).read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    with pytest.raises(StaleCache):
        load_snapshot(inputs.files, RecordCache(None, root))


def test_a_file_changed_between_the_scan_and_the_parse_is_checked_as_scanned(tmp_path: Path) -> None:
    """The loader parses exactly the bytes the scan hashed: the report is the one of the
    content the blob ids name, never a mix."""
    root = _copy(tmp_path)
    inputs = warm.gather(root, use_cache=False)
    before = check_report(root, today=TODAY, use_cache=False)
    assert before.summary.records == len(inputs.files) and not before.findings
    for f in inputs.files:
        (root / f.path).write_bytes(b"id: [\n")  # every file broken after the scan
    assert check_report(root, today=TODAY, use_cache=False, inputs=inputs) == before
