"""``check --staged`` keeps its listing of git's index beside the snapshot's summary
(registry/stagedlayout.py ``Held``, registry/recordsummary.py ``accompany``/``peek``): a warm run
reads the summary alone, puts the listing together again from its rows, takes back what the
last run's differences changed and this run's do not, and applies this run's. Through every
kind of change to the index — edits, unstaging back to HEAD, new and deleted records, renames,
an attachment, registry.yaml, a record over the size limit, a link, a commit, another branch —
the warm run says exactly what the uncached run says, and it never reads the tree's listing
once the summary holds one."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fixturekit import committed_fixture
from gitrepo import GitRepo
from registry import cachestore, recordsummary, staged
from registry.cli import main
from registry.stagedlayout import Held

TODAY = "2026-06-30"


def check(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    code = main(["--root", str(root), "check", "--staged", "--format", "json", "--today", TODAY, *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, json.loads(out) if out.strip().startswith("{") else (out, err)


def tree_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the entries the store reads, as they are read."""
    read: list[str] = []
    real = cachestore.Store.read

    def spy(self: cachestore.Store, name: str) -> Any:
        read.append(name)
        return real(self, name)

    monkeypatch.setattr(cachestore.Store, "read", spy)
    return read


def edit(repo: GitRepo, path: str, text: str) -> None:
    file = repo.path / path
    file.write_text(file.read_text(encoding="utf-8") + text, encoding="utf-8")


STEPS: list[tuple[str, Callable[[GitRepo], None]]] = [
    ("edit two records", lambda r: (edit(r, "systems/czj/czj-asset.yaml", "# 一\n"),
                                    edit(r, "projects/czj/2026-czj-001.yaml", "# 一\n"), r.git("add", "-A"))),
    ("edit one again, unstage the other back to HEAD", lambda r: (
        edit(r, "systems/czj/czj-asset.yaml", "# 二\n"), r.git("add", "systems/czj/czj-asset.yaml"),
        r.git("restore", "--staged", "--worktree", "projects/czj/2026-czj-001.yaml"))),
    ("a new record with an id already taken", lambda r: (
        r.write("systems/czj/czj-copy.yaml", (r.path / "systems/czj/czj-asset.yaml").read_text(encoding="utf-8")),
        r.git("add", "systems/czj/czj-copy.yaml"))),
    ("the copy removed from the index, a record deleted", lambda r: (
        r.git("rm", "-q", "--cached", "systems/czj/czj-copy.yaml"), r.git("rm", "-q", "--cached", "systems/czj/czj-budget.yaml"))),
    ("the deletion undone, a record renamed", lambda r: (
        r.git("reset", "-q", "--", "systems/czj/czj-budget.yaml"), r.git("mv", "projects/fgj/2025-fgj-001.yaml", "projects/fgj/moved.yaml"))),
    ("an attachment and a link staged", lambda r: (
        r.write("docs/new-plan.pdf", "pdf"), (r.path / "systems/czj/link.yaml").symlink_to("czj-asset.yaml"), r.git("add", "-A"))),
    ("registry.yaml changed", lambda r: (edit(r, "registry.yaml", "# 注释\n"), r.git("add", "registry.yaml"))),
    ("a record over the size limit", lambda r: (edit(r, "systems/czj/czj-asset.yaml", "# " + "长" * 400_000 + "\n"),
                                               r.git("add", "systems/czj/czj-asset.yaml"))),
    ("back under the limit, link removed", lambda r: (
        r.git("checkout", "HEAD", "--", "systems/czj/czj-asset.yaml"), r.git("rm", "-q", "--cached", "systems/czj/link.yaml"))),
    ("committed", lambda r: (r.git("commit", "-q", "--no-verify", "-m", "步骤"),)),
    ("another branch checked out, an edit staged there", lambda r: (
        r.git("checkout", "-q", "-b", "other", "HEAD~1"), edit(r, "projects/czj/2026-czj-001.yaml", "# 三\n"),
        r.git("add", "projects/czj/2026-czj-001.yaml"))),
    ("nothing staged at all", lambda r: (r.git("reset", "-q", "--hard"),)),
]


def test_every_kind_of_index_change_says_what_the_uncached_run_says(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    check(root, capsys)  # cold: the tree's listing, the summary and its companion written
    reads = tree_reads(monkeypatch)
    for label, step in STEPS:
        step(repo)
        reads.clear()
        warm = check(root, capsys)
        assert warm == check(root, capsys, "--no-cache"), label
        if label not in ("committed",):  # (a commit changes no entry of the index: nothing is rewritten)
            assert staged.STATE not in reads, label  # the listing came from the summary
        assert check(root, capsys) == warm, label  # the report as stored


def test_a_companion_that_cannot_hold_falls_back_to_the_trees_listing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    check(root, capsys)
    edit(repo, "systems/czj/czj-asset.yaml", "# 一\n")
    repo.git("add", "-A")
    expected = check(root, capsys, "--no-cache")
    # a summary row left to be loaded again (no blob id): the rows cannot be the listing's
    real_read = recordsummary._read

    def holed(store: cachestore.Store, name: str = recordsummary.SUMMARY) -> Any:
        found = real_read(store, name)
        if found is not None and name == staged.SUMMARY:
            found[0].blobs[-1] = ""
        return found

    monkeypatch.setattr(recordsummary, "_read", holed)
    reads = tree_reads(monkeypatch)
    assert check(root, capsys) == expected
    assert staged.STATE in reads


def test_the_delta_keeps_only_what_the_summarys_own_companion_does_not(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    check(root, capsys)
    for round_ in range(3):
        edit(repo, "systems/czj/czj-asset.yaml", f"# {round_}\n")
        repo.git("add", "-A")
        check(root, capsys)
    store = cachestore.Store.open(root)
    assert store is not None
    summary, held, base = recordsummary.peek(store, staged.SUMMARY) or (None, None, None)
    assert isinstance(held, Held) and isinstance(base, Held) and held is not base
    assert held.attachments is None and held.others is None  # (the delta's: the summary file's own apply)
    assert base.attachments and [c[1] for c in held.changes] == ["systems/czj/czj-asset.yaml"]


def test_a_record_over_the_size_limit_keeps_its_blob_in_the_listing_put_together_again(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    large = "systems/czj/czj-asset.yaml"
    edit(repo, large, "# " + "长" * 400_000 + "\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "--no-verify", "-m", "过大的记录")  # in the tree: no difference brings it back
    check(root, capsys)  # the summary's row for it is the refusal's; the companion keeps its blob id
    for round_ in range(2):  # another record edited: the listing comes from the summary and its delta
        edit(repo, "projects/czj/2026-czj-001.yaml", f"# {round_}\n")
        repo.git("add", "-A")
        named = [str(root / large), str(root / "projects/czj/2026-czj-001.yaml")]
        assert check(root, capsys, *named) == check(root, capsys, "--no-cache", *named)
        store = cachestore.Store.open(root)
        index = staged.read(root, store)
        assert index.read(large) == (root / large).read_bytes()  # the staged bytes, by the right blob id
        assert index.listing.entry(large) == ("100644", repo.git("rev-parse", f":{large}").strip())


def test_a_run_started_again_keeps_the_listing_of_what_it_read_again(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A damaged record cache makes the run start again from git's index read anew (the index
    may have changed meanwhile): the summary it writes must keep the listing of that reading."""
    from registry import warm

    root, repo = committed_fixture("quxian", tmp_path)
    check(root, capsys)
    edit(repo, "systems/czj/czj-asset.yaml", "# 一\n")
    repo.git("add", "-A")
    check(root, capsys)
    store = cachestore.Store.open(root)
    assert store is not None
    for data in store.directory.glob("records-*.data"):  # every stored record fails its digest
        data.write_bytes(bytes(b ^ 0xFF for b in data.read_bytes()))
    edit(repo, "projects/czj/2026-czj-001.yaml", "# 一\n")
    repo.git("add", "-A")
    real, again = warm.staged_index, []

    def meanwhile_staged(root_: Path, store_: Any, *rest: Any) -> Any:
        if store_ is None and not again:  # read again: the user staged one more file meanwhile
            again.append(True)
            edit(repo, "projects/fgj/2025-fgj-001.yaml", "nmae: 错字\n")  # (a finding: REG002)
            repo.git("add", "projects/fgj/2025-fgj-001.yaml")
        return real(root_, store_, *rest)

    monkeypatch.setattr(warm, "staged_index", meanwhile_staged)
    found = check(root, capsys)
    assert found == check(root, capsys, "--no-cache") and "REG002" in json.dumps(found)
    assert again
    monkeypatch.setattr(warm, "staged_index", real)
    repo.git("restore", "--staged", "--worktree", "projects/fgj/2025-fgj-001.yaml")  # back to HEAD's
    assert check(root, capsys) == check(root, capsys, "--no-cache")
