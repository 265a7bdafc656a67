"""A temporary git repository for tests that read history (modelled on pre-commit-hooks'
``testing/util.py``): write files, commit as a given identity on a given date, branch, and
merge with ``--no-ff`` as someone else, the way GitHub and GitLab record a merged pull request.

    repo = GitRepo.init(tmp_path)
    repo.write("registry.yaml", {...})                 # dict/list → YAML, str → text, bytes → as is
    repo.commit("初始登记", as_=ADMIN)
    repo.branch("feature")                             # create and switch
    repo.write("systems/czj/czj-x.yaml", {...})
    repo.commit("新增系统", as_=CLERK)
    repo.merge("feature", into="main", as_=ADMIN)      # a merge commit on main

The environment is isolated from the user's and the system's git configuration, so a global
``commit.gpgsign`` or hook setting cannot change what the tests see.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import subprocess
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML


@dataclasses.dataclass(frozen=True)
class Who:
    """A git identity (author and committer of the commits made ``as_`` it)."""

    name: str
    email: str


DEFAULT = Who("测试员", "tester@example.gov.cn")
_EPOCH = dt.datetime(2025, 1, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def yaml_text(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def signing(key: Path | None) -> tuple[str, ...]:
    """git options that sign with an SSH private key (git 2.34+, works offline)."""
    return ("-c", "gpg.format=ssh", "-c", f"user.signingkey={key}") if key else ()


def ssh_key(directory: Path, name: str) -> tuple[Path, str]:
    """A new ed25519 key pair without passphrase: (private key file, public key line)."""
    directory.mkdir(parents=True, exist_ok=True)
    private = directory / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(private)], check=True)
    return private, Path(f"{private}.pub").read_text(encoding="utf-8").strip()


class GitRepo:
    """A work tree with its own repository; every method runs real git commands."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._tick = 0  # successive commits get successive timestamps: history reads in order

    @classmethod
    def init(cls, path: Path, *, branch: str = "main") -> GitRepo:
        path.mkdir(parents=True, exist_ok=True)
        repo = cls(path)
        repo.git("init", "--quiet", f"--initial-branch={branch}")
        return repo

    # -- running git ------------------------------------------------------------------------

    def env(self, who: Who | None = None, committer: Who | None = None, when: dt.datetime | None = None) -> dict[str, str]:
        who = who or DEFAULT
        committer = committer or who
        stamp = (when or self._next_time()).isoformat()
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": who.name, "GIT_AUTHOR_EMAIL": who.email, "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_NAME": committer.name, "GIT_COMMITTER_EMAIL": committer.email,
            "GIT_COMMITTER_DATE": stamp,
        }

    def git(self, *args: str, env: dict[str, str] | None = None, input: bytes | None = None) -> str:
        done = subprocess.run(
            ["git", "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", *args],
            cwd=self.path, env=env or self.env(), input=input, capture_output=True, check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed:\n{done.stderr.decode(errors='replace')}")
        return done.stdout.decode("utf-8", "replace").strip()

    def _next_time(self) -> dt.datetime:
        self._tick += 1
        return _EPOCH + dt.timedelta(days=self._tick)

    # -- the work tree ----------------------------------------------------------------------

    def write(self, relpath: str, content: Any) -> Path:
        """Write a file: bytes as they are, str as UTF-8 text, anything else as YAML."""
        target = self.path / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content if isinstance(content, str) else yaml_text(content), encoding="utf-8")
        return target

    def remove(self, relpath: str) -> None:
        (self.path / relpath).unlink()

    def move(self, old: str, new: str) -> None:
        (self.path / new).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", old, new)

    # -- history ----------------------------------------------------------------------------

    def commit(self, message: str, *, as_: Who | None = None, committer: Who | None = None,
               when: dt.datetime | None = None, sign_with: Path | None = None) -> str:
        """Stage everything and commit (signed with the SSH key ``sign_with``); returns the new commit id."""
        self.git("add", "--all")
        self.git(*signing(sign_with), "commit", "--quiet", "--allow-empty", "-m", message,
                 *(["-S"] if sign_with else []), env=self.env(as_, committer, when))
        return self.rev("HEAD")

    def branch(self, name: str, *, start: str | None = None) -> None:
        """Create branch ``name`` (from ``start``, default HEAD) and switch to it."""
        self.git("switch", "--quiet", "-c", name, *([start] if start else []))

    def switch(self, name: str) -> None:
        self.git("switch", "--quiet", name)

    def merge(self, branch: str, *, into: str = "main", as_: Who | None = None,
              committer: Who | None = None, message: str | None = None,
              when: dt.datetime | None = None, sign_with: Path | None = None) -> str:
        """Merge ``branch`` into ``into`` with a merge commit (``--no-ff``) made as ``as_``
        (author and, unless ``committer`` is given, committer: GitLab records the merging user
        as both; GitHub's web merge has the user as author and GitHub as committer).
        ``sign_with``: an SSH private key file: the merge is signed with it (``merge -S``)."""
        self.switch(into)
        self.git(*signing(sign_with), "merge", "--quiet", "--no-ff", "-m",
                 message or f"Merge branch '{branch}' into {into}", branch,
                 *(["-S"] if sign_with else []), env=self.env(as_, committer, when))
        return self.rev("HEAD")

    def rev(self, ref: str) -> str:
        return self.git("rev-parse", ref)

    def first_parents(self, ref: str = "HEAD") -> list[str]:
        """Commit ids of ``ref``'s first-parent history, oldest first."""
        return self.git("rev-list", "--first-parent", "--reverse", ref).split()

    def fast_import(self, stream: str) -> None:
        """Feed a ``git fast-import`` stream: builds hundreds of commits in one process."""
        self.git("fast-import", "--quiet", input=stream.encode("utf-8"))
