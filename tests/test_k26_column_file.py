"""The summaries' packed columns live in a column file beside the signed entry (registry.columnfile),
mapped and verified block by block when first read. A damaged block, a truncated, missing or
swapped file is never used: the run says what the uncached run says, through ``check --staged``
and ``check``; and only the current summary's column file is kept."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fixturekit import committed_fixture
from gitrepo import GitRepo
from registry import cachestore, columnfile, recordsummary, staged
from registry.cachestore import StaleCache
from registry.cli import main
from registry.packed import Packed

TODAY = "2026-06-30"


def check(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code = main(["--root", str(root), "check", "--format", "json", "--today", TODAY, *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, json.loads(out)


def _edit(repo: GitRepo, round_: int) -> None:
    for path in ("systems/czj/czj-asset.yaml", "projects/czj/2026-czj-001.yaml"):
        file = repo.path / path
        file.write_text(file.read_text(encoding="utf-8") + f"# {round_}\n", encoding="utf-8")
    repo.git("add", "-A")


def _column_files(root: Path, name: str) -> list[Path]:
    store = cachestore.Store.open(root)
    assert store is not None
    return sorted(store.directory.glob(f"{name}-*.columns"))


def _flip(at: Callable[[int], int]) -> Callable[[Path], None]:
    def damage(file: Path) -> None:
        data = bytearray(file.read_bytes())
        data[at(len(data))] ^= 0x20
        file.write_bytes(bytes(data))
    return damage


DAMAGE: dict[str, Callable[[Path], None]] = {
    "first byte flipped": _flip(lambda size: 0),
    "a middle byte flipped": _flip(lambda size: size // 2),
    "last byte flipped": _flip(lambda size: size - 1),
    "truncated": lambda file: file.write_bytes(file.read_bytes()[:-1]),
    "grown": lambda file: file.write_bytes(file.read_bytes() + b"\0"),
    "removed": lambda file: file.unlink(),
    "emptied": lambda file: file.write_bytes(b""),
}


def _refusals(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the column files refused, as they refuse it: a file not as written, a damaged block."""
    refused: list[str] = []
    real_open, real_ensure = columnfile.Mapped.open.__func__, columnfile.Mapped.ensure  # type: ignore[attr-defined]

    def opened(cls: type[columnfile.Mapped], store: cachestore.Store, sections: columnfile.Sections) -> Any:
        found = real_open(cls, store, sections)
        if found is None:
            refused.append("file")
        return found

    def ensured(self: columnfile.Mapped, start: int, end: int) -> None:
        try:
            real_ensure(self, start, end)
        except StaleCache:
            refused.append("block")
            raise

    monkeypatch.setattr(columnfile.Mapped, "open", classmethod(opened))
    monkeypatch.setattr(columnfile.Mapped, "ensure", ensured)
    return refused


@pytest.mark.parametrize("staged_run", [True, False])
def test_a_damaged_column_file_is_never_used(tmp_path: Path, capsys: pytest.CaptureFixture[str], staged_run: bool,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    refused = _refusals(monkeypatch)
    root, repo = committed_fixture("quxian", tmp_path)
    args = ("--staged",) if staged_run else ()
    name = staged.SUMMARY if staged_run else recordsummary.SUMMARY
    check(root, capsys, *args)
    for round_, (label, damage) in enumerate(DAMAGE.items()):
        files = _column_files(root, name)
        assert len(files) == 1, label  # (only the current summary's)
        damage(files[0])
        _edit(repo, round_)
        refused.clear()
        found = check(root, capsys, *args)
        assert refused == (["block"] if "flipped" in label else ["file"]), label  # (found, and refused once)
        assert found == check(root, capsys, *args, "--no-cache"), label
        assert check(root, capsys, *args) == found, label
        if staged_run:  # the next run's summary stands again, with a column file of its own
            _edit(repo, 100 + round_)
            assert check(root, capsys, *args) == check(root, capsys, *args, "--no-cache"), label


def test_another_summarys_column_file_under_this_ones_name_is_never_used(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    check(root, capsys, "--staged")
    older = _column_files(root, staged.SUMMARY)[0].read_bytes()
    (repo.path / "systems/czj/czj-extra.yaml").write_bytes((repo.path / "systems/czj/czj-asset.yaml").read_bytes())
    repo.git("add", "-A")  # (a new record: the whole summary is written again)
    check(root, capsys, "--staged")
    current = _column_files(root, staged.SUMMARY)[0]
    current.write_bytes(older[:len(current.read_bytes())].ljust(len(current.read_bytes()), b"\0"))
    _edit(repo, 1)
    assert check(root, capsys, "--staged") == check(root, capsys, "--staged", "--no-cache")


def test_blocks_are_verified_when_first_read_and_a_damaged_one_is_refused(tmp_path: Path) -> None:
    store = cachestore.Store(tmp_path, b"k" * 32)
    values = [f"systems/u{n % 7}/id-{n:05d}.yaml" for n in range(9000)]
    column = Packed.of(values)
    assert column is not None
    stored = columnfile.stored_apart(store, "t.columns", [column])
    assert stored is not None
    sections, (detached,) = stored
    assert sections.size > 2 * columnfile.BLOCK
    data = bytearray((tmp_path / "t.columns").read_bytes())
    data[columnfile.BLOCK + 5] ^= 1  # (the second block: rows after the first 64 KiB)
    (tmp_path / "t.columns").write_bytes(bytes(data))
    mapped = columnfile.Mapped.open(store, sections)
    assert mapped is not None
    detached.bind(mapped)
    assert detached[0] == values[0] and detached[10] == values[10]  # (the first block is sound)
    with pytest.raises(StaleCache):
        detached.index(values[-1])  # (a search over every row reads the damaged block)
    with pytest.raises(StaleCache):
        detached.verify()
    assert columnfile.Mapped.open(store, columnfile.Sections("t.columns", sections.size + 1, sections.spans,
                                                             sections.digests)) is None
