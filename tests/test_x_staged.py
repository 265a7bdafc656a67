"""Differential attack on ``registry check --staged`` (the pre-commit hook): whatever a
department does to its index and work tree, the staged check must say exactly what a clean
check of the commit's content says — a fresh repository whose work tree is the index's tree
committed on HEAD, checked with ``check`` (and ``check --base`` the same commit).

Each scenario leaves the index and the work tree apart in one way: unstaged edits, staged
errors fixed only in the work tree, untracked drafts (same id, duplicate ids), ``git add -N``,
``git rm --cached``, partial staging by ``update-index --cacheinfo``, ``--assume-unchanged`` and
``--skip-worktree`` over a different blob, symlinks and executable bits staged, case-only and
odd-byte names (control bytes, line breaks, bytes that are not UTF-8), registry.yaml staged
broken or as a link, a staged blob over 1 MiB, documents staged away / as links / as ``-N``,
another index (``GIT_INDEX_FILE``, absolute and relative), the registry in a sub-folder whose
name has a space and the hook run from a unit folder, a linked worktree with its own index, a
detached older HEAD; and with ``--base``: new active systems untracked / staged then deleted in
the work tree, a staged deletion, a retirement staged then undone in the work tree, a loosened
registry.yaml staged, the target moved on. Every staged run is compared uncached, then warm
twice (the cache must never answer for another index).
"""
from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fixturekit import FIXTURES
from gitrepo import GitRepo
from registry.cli import main

TODAY = "2026-06-01"
RECORD = "systems/czj/czj-budget.yaml"
PROJECT = "projects/czj/2024-czj-001.yaml"
NEW = ("id: czj-new\nname: 新系统\nunit: czj\nstatus: operating\nscope: professional\naudience: internal\n"
       "deployment: county_cloud\nnetwork: egov_extranet\nonline_since: 2025-01-01\n")
RETIRED = "status: retired\nretired_on: 2026-01-01"


def check(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    code = main(["--root", str(root), "check", "--format", "json", "--today", TODAY, *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if not out.startswith("{"):
        return code, err.strip()
    report = json.loads(out)
    report["summary"].pop("duration", None)
    return code, report


class Scene:
    """A committed fixture in ``top`` (the registry at ``top/sub``), and what the scenario set up."""

    def __init__(self, tmp_path: Path, sub: str = "") -> None:
        self.top = tmp_path / "repo"
        self.root = self.top / sub if sub else self.top
        shutil.copytree(FIXTURES / "jinxiang", self.root)
        self.repo = GitRepo.init(self.top)
        self.repo.git("add", "-A")
        self.repo.commit("init")
        self.main = self.repo.git("rev-parse", "HEAD")
        self.repo.git("branch", "x21-base")  # the first commit stays fetchable whatever HEAD becomes
        self.sub = sub
        self.extra: tuple[str, ...] = ()
        self.env: dict[str, str] = {}

    # -- edits --------------------------------------------------------------------------------

    def text(self, path: str = RECORD) -> str:
        return (self.root / path).read_text("utf-8")

    def write(self, path: str, text: str) -> None:
        (self.root / path).parent.mkdir(parents=True, exist_ok=True)
        (self.root / path).write_text(text, "utf-8")

    def git(self, *args: str, input: bytes | None = None) -> str:
        return self.repo.git(*args, env={**self.repo.env(), **self.env}, input=input)

    def blob(self, text: str) -> str:
        return self.git("hash-object", "-w", "--stdin", input=text.encode("utf-8"))

    def stage(self, path: str, oid: str, mode: str = "100644") -> None:
        self.git("update-index", "--add", "--cacheinfo", f"{mode},{oid},{self.sub + '/' if self.sub else ''}{path}")

    def feature(self) -> None:
        self.git("checkout", "-qb", "feature")
        self.extra = ("--base", self.main)

    # -- the clean check of the commit's content ------------------------------------------------

    def clean(self, tmp_path: Path) -> Path:
        """A new repository whose HEAD is the index's tree committed on HEAD, checked out."""
        tree = self.git("write-tree")
        commit = self.git("commit-tree", tree, "-p", "HEAD", "-m", "暂存的内容")
        self.git("update-ref", "refs/x21/staged", commit)
        clone = GitRepo.init(tmp_path / "clean")
        clone.git("fetch", "-q", str(self.top), "+refs/x21/staged:refs/heads/staged", "+refs/heads/*:refs/remotes/o/*")
        clone.git("checkout", "-q", "staged")
        self.git("update-ref", "-d", "refs/x21/staged")
        return clone.path / self.sub if self.sub else clone.path


def _broken(text: str) -> str:
    return text.replace("status: operating", "status: bogus")


SCENES: dict[str, Callable[[Scene], None]] = {
    "unstaged-broken": lambda s: s.write(RECORD, _broken(s.text())),
    "staged-broken-fixed-in-work-tree": lambda s: (s.write(RECORD, _broken(o := s.text())), s.git("add", RECORD),
                                                   s.write(RECORD, o)),
    "untracked-duplicate-id": lambda s: s.write("systems/czj/zz.yaml", s.text()),
    "untracked-new-id": lambda s: s.write("systems/czj/czj-dup.yaml", s.text().replace("id: czj-budget", "id: czj-dup")),
    "intent-to-add-broken": lambda s: (s.write("systems/czj/czj-new.yaml", _broken(NEW) + "nmae: x\n"),
                                       s.git("add", "-N", "systems/czj/czj-new.yaml")),
    "rm-cached-record": lambda s: s.git("rm", "-q", "--cached", RECORD),
    "rm-cached-project": lambda s: s.git("rm", "-q", "--cached", PROJECT),
    "cacheinfo-partial": lambda s: s.stage(RECORD, s.blob(_broken(s.text()))),
    "assume-unchanged": lambda s: (s.write(RECORD, _broken(o := s.text())), s.git("add", RECORD),
                                   s.git("update-index", "--assume-unchanged", RECORD), s.write(RECORD, o)),
    "skip-worktree": lambda s: (s.stage(RECORD, s.blob(_broken(s.text()))), s.git("update-index", "--skip-worktree", RECORD)),
    "symlink-over-record": lambda s: s.stage(RECORD, s.blob("../dsj/dsj-portal.yaml"), "120000"),
    "symlink-new": lambda s: s.stage("systems/czj/czj-link.yaml", s.blob("czj-budget.yaml"), "120000"),
    "exec-bit": lambda s: s.git("update-index", "--chmod=+x", RECORD),
    "case-only-rename": lambda s: (s.git("rm", "-q", "--cached", RECORD),
                                   s.stage("systems/czj/CZJ-budget.yaml", s.blob(s.text()))),
    "case-only-folder": lambda s: (s.git("rm", "-q", "--cached", RECORD),
                                   s.stage("Systems/czj/czj-budget.yaml", s.blob(s.text()))),
    "control-byte-name": lambda s: s.stage("systems/czj/czj-\x01new.yaml", s.blob(NEW)),
    "line-break-name": lambda s: s.stage("systems/czj/czj-new\n.yaml", s.blob(NEW)),
    "not-utf8-name": lambda s: s.git("update-index", "--add", "--index-info",
                                     input=b"100644 " + s.blob(NEW).encode() + b"\tsystems/czj/\xff\xfe.yaml\n"),
    "registry-yaml-staged-broken": lambda s: (s.write("registry.yaml", (o := s.text("registry.yaml")).replace(
        "profiles:", "profiles: [nope]\nx:")), s.git("add", "registry.yaml"), s.write("registry.yaml", o)),
    "registry-yaml-staged-unit-renamed": lambda s: (s.write("registry.yaml", (o := s.text("registry.yaml")).replace(
        "id: czj", "id: czjx")), s.git("add", "registry.yaml"), s.write("registry.yaml", o)),
    "registry-yaml-staged-as-link": lambda s: s.stage("registry.yaml", s.blob(RECORD), "120000"),
    "blob-over-1MiB": lambda s: s.stage(RECORD, s.blob(s.text() + "#" * (1 << 20) + "\n")),
    "document-staged-away": lambda s: (s.write(d := _document(s), "x"), s.git("add", "-A"), s.git("commit", "-qm", "d"),
                                       s.git("rm", "-q", "--cached", d)),
    "document-staged-as-link": lambda s: (s.write(d := _document(s), "x"), s.stage(d, s.blob("elsewhere.md"), "120000")),
    "document-intent-to-add": lambda s: (s.write(d := _document(s), "x"), s.git("add", "-N", d)),
    "document-untracked": lambda s: s.write(_document(s), "x"),
    "linked-worktree": lambda s: (s.git("worktree", "add", "-q", str(s.top / "wt"), "-b", "wtb"),
                                  (s.top / "wt" / RECORD).write_text("junk: [\n", "utf-8"),
                                  s.write("systems/czj/czj-new.yaml", NEW), s.git("add", "systems")),
    "detached-older-head": lambda s: (s.write("systems/czj/czj-new.yaml", NEW), s.git("add", "-A"),
                                      s.git("commit", "-qm", "x"), s.git("checkout", "-q", "--detach", "HEAD~1"),
                                      s.write("systems/czj/czj-new2.yaml", NEW.replace("czj-new", "czj-new2") + "nmae: 1\n"),
                                      s.git("add", "-A")),
    # with --base: the only-decrease count and the other change rules on what the commit holds
    "base-untracked-new-active": lambda s: (s.feature(), s.write("systems/czj/czj-new.yaml", NEW)),
    "base-staged-new-active-deleted-in-work-tree": lambda s: (
        s.feature(), s.write("systems/czj/czj-new.yaml", NEW), s.git("add", "-A"), (s.root / "systems/czj/czj-new.yaml").unlink()),
    "base-staged-deletion": lambda s: (s.feature(), s.git("rm", "-q", "--cached", RECORD)),
    "base-deleted-in-work-tree-only": lambda s: (s.feature(), (s.root / RECORD).unlink()),
    "base-retirement-staged-undone-in-work-tree": lambda s: (
        s.feature(), s.write("systems/czj/czj-new.yaml", NEW), s.write(RECORD, (o := s.text()).replace("status: operating", RETIRED)),
        s.git("add", "-A"), s.git("commit", "-qm", "x"), s.write(RECORD, o), s.git("add", RECORD),
        s.write(RECORD, o.replace("status: operating", RETIRED))),
    "base-loosened-config-staged": lambda s: (
        s.feature(), s.write("registry.yaml", (o := s.text("registry.yaml")) + "disabled_rules: [CHG001]\n"),
        s.git("add", "registry.yaml"), s.write("registry.yaml", o), s.write("systems/czj/czj-new.yaml", NEW), s.git("add", "-A")),
    "base-changes-only": lambda s: (s.feature(), s.write("systems/czj/czj-new.yaml", NEW), s.git("add", "-A"),
                                    setattr(s, "extra", (*s.extra, "--changes-only"))),
    "base-target-moved-on": lambda s: _target_moved(s),
}


def _document(s: Scene) -> str:
    return next(line.split()[-1] for line in s.text(PROJECT).splitlines() if "docs/" in line)


def _target_moved(s: Scene) -> None:
    s.feature()
    s.write("systems/czj/czj-new.yaml", NEW)
    s.git("add", "-A")
    s.git("commit", "-qm", "x")
    s.git("checkout", "-q", "main")
    s.write(RECORD, s.text().replace("status: operating", RETIRED))
    s.git("commit", "-qam", "停用")
    s.extra = ("--base", s.git("rev-parse", "HEAD"))
    s.git("checkout", "-q", "feature")


def assert_staged_is_clean(s: Scene, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    clean = check(s.clean(tmp_path), capsys, "--no-cache", *s.extra)
    for name, value in s.env.items():
        monkeypatch.setenv(name, value)
    for cache in ("--no-cache", None, None):
        staged = check(s.root, capsys, "--staged", *s.extra, *([cache] if cache else []))
        assert staged == clean, cache


@pytest.mark.parametrize("scene", sorted(SCENES))
def test_the_staged_check_says_what_a_clean_check_of_the_commit_says(
        scene: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    s = Scene(tmp_path)
    SCENES[scene](s)
    assert_staged_is_clean(s, tmp_path, capsys, monkeypatch)


@pytest.mark.parametrize("relative", [False, True])
def test_another_index_file(relative: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    """``git commit --only`` / ``git commit PATHS`` run the hook on a temporary index (GIT_INDEX_FILE)."""
    s = Scene(tmp_path)
    s.write("systems/czj/czj-new.yaml", NEW + "nmae: x\n")
    s.git("add", "-A")
    shutil.copy(s.top / ".git/index", s.top / ".git/alt-index")
    s.env = {"GIT_INDEX_FILE": ".git/alt-index" if relative else str(s.top / ".git/alt-index")}
    s.git("rm", "-q", "--cached", "systems/czj/czj-new.yaml")
    monkeypatch.chdir(s.top)
    assert_staged_is_clean(s, tmp_path, capsys, monkeypatch)


def test_a_registry_in_a_sub_folder_checked_from_a_unit_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry in ``reg dir/`` beside a top-level ``systems/`` that is not part of it; the
    hook run from a unit folder, --root given relative to it."""
    s = Scene(tmp_path, "reg dir")
    (s.top / RECORD).parent.mkdir(parents=True)
    (s.top / RECORD).write_text("junk: [\n", "utf-8")
    s.write("systems/czj/czj-new.yaml", NEW + "nmae: x\n")
    s.git("add", "-A")
    s.write("systems/czj/czj-new.yaml", NEW)
    clean = check(s.clean(tmp_path), capsys, "--no-cache")
    monkeypatch.chdir(s.root / "systems/czj")
    for cache in ("--no-cache", None, None):
        code = main(["--root", "../..", "check", "--staged", "--format", "json", "--today", TODAY, *([cache] if cache else [])])
        out, _ = capsys.readouterr()
        report = json.loads(out)
        report["summary"].pop("duration", None)
        assert (code, report) == clean


@pytest.mark.parametrize("where", ["systems/czj/sub", RECORD, "systems/czj", "document"])
def test_a_staged_submodule_is_refused_at_least_as_a_clean_check_refuses_it(
        where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A gitlink (160000) staged where the registry keeps files: in a clean clone it is an empty
    folder the plain scan passes over, while the commit holds a submodule (``check --base``
    reads it from git and says REG003). The staged check says REG003 too: stricter, never laxer."""
    s = Scene(tmp_path)
    path = _document(s) if where == "document" else where
    if where == "systems/czj":
        s.git("rm", "-rq", "--cached", "systems/czj")
    s.stage(path, s.main, "160000")
    code_clean, clean = check(s.clean(tmp_path), capsys, "--no-cache")
    code, staged = check(s.root, capsys, "--staged", "--no-cache")
    assert code >= code_clean == 1
    assert ("REG003", path) in {(f["rule"], f["path"]) for f in staged["findings"]}
    assert {json.dumps(f, sort_keys=True) for f in clean["findings"]} <= {json.dumps(f, sort_keys=True) for f in staged["findings"]} | {
        json.dumps(f, sort_keys=True) for f in clean["findings"] if f["path"] == PROJECT}


@pytest.mark.parametrize(("mode", "staged"), [("120000", False), ("120000", True), ("160000", True)])
def test_a_link_removed_since_head_is_gone_from_the_merge_result(staged: bool, mode: str, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A symlink (or submodule) committed on the branch, then ``git rm``-ed and not yet committed:
    the merge result the change rules see must not keep it (it kept REG003 for a path the work tree
    and the index no longer hold, where the clean check of the same content passes). A submodule
    only under ``--staged``: a work tree cannot tell a removed submodule from one never checked out."""
    s = Scene(tmp_path)
    s.feature()
    s.stage("systems/czj/link.yaml", s.blob("../dsj/dsj-portal.yaml") if mode == "120000" else s.main, mode)
    s.git("commit", "-qm", "链接")
    s.git("rm", "-q", "--cached", "systems/czj/link.yaml")
    (s.root / "systems/czj/link.yaml").unlink(missing_ok=True)
    clean = check(s.clean(tmp_path), capsys, "--no-cache", *s.extra)
    assert "systems/czj/link.yaml" not in json.dumps(clean, ensure_ascii=False)
    for cache in ("--no-cache", None, None):
        assert check(s.root, capsys, *(["--staged"] if staged else []), *s.extra, *([cache] if cache else [])) == clean
