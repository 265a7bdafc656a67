"""A seeded random history of a county register, as departments and approvers make it, for
differential attacks on the history commands (``audit``, ``inventory --history``, ``diff
--base``, ``check --base``): tests/test_x23_history_walk.py compares each command's answer with
every cache against its answer without any; ``python tests/x23walk.py`` compares two builds of
the tool (the landed one against an older commit) on longer walks.

Each step is one thing that happens to the register: a pull request merged (signed by the
approver, by the forge for a web merge, by the clerk's own key, or not at all), a direct push,
a branch fast-forwarded onto main (a forged merge commit on it included), the last merge
amended or undone and main moved back (history rewritten under the caches), and in the change
itself record edits of every kind the only-decrease policy and the approval audit look at:
new systems, retirements, revivals, moves across units, deletions, re-adding under a new id,
approvals added, rewritten, removed or copied to another project, registry.yaml's approvers
and authorities changed, and hostile files (broken YAML, BOM, CRLF, tabs, duplicate keys,
anchors, control and bidi characters, long lines, binary bytes, links, misplaced files).
"""
from __future__ import annotations

import copy
import json
import os
import random
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from casekit import REGISTRY, record_data
from gitrepo import GitRepo, Who, ssh_key, yaml_text

ADMIN = Who("数据局审批人", "approver@dsj.test.gov.cn")
FINANCE = Who("财政局审批人", "approver@czj.test.gov.cn")
CLERK = Who("卫健局填报员", "clerk@wjw.test.gov.cn")
GITHUB = Who("GitHub", "noreply@github.com")
UNITS = ("dsj", "czj", "wjw", "gaj")
TODAY = "2026-06-01"
RETIRED = {"status": "retired", "retired_on": "2025-06-30", "retirement_ref": "测大数据发〔2025〕9号"}
MILESTONES: dict[str, Any] = {
    "declared": "2024-09-01",
    "planned": "2024-09-10",
    "reviewed": {"date": "2024-09-15", "ref": "测评〔2024〕1号"},
    "finance_reviewed": {"date": "2024-09-18", "ref": "测财审〔2024〕2号"},
    "approved": {"date": "2024-09-20", "doc_no": "测大数据发〔2024〕3号"},
    "budgeted": {"date": "2025-01-15", "amount_wan": 100},
}
HOSTILE: dict[str, Callable[[bytes], bytes]] = {
    "broken-yaml": lambda raw: raw + b"name: [unclosed\n",
    "bom": lambda raw: b"\xef\xbb\xbf" + raw,
    "crlf": lambda raw: raw.replace(b"\n", b"\r\n"),
    "tab-indent": lambda raw: raw.replace(b"\n  ", b"\n\t"),
    "duplicate-key": lambda raw: raw + b"status: operating\n",
    "anchor-alias": lambda raw: raw.replace(b"name: ", b"name: &n ", 1) + b"aliased: *n\n",
    "bidi-name": lambda raw: raw.replace(b"name: ", "name: \u202e局政财".encode(), 1),
    "control-char": lambda raw: raw.replace(b"name: ", b"name: \x07", 1),
    "long-line": lambda raw: raw + b"note: " + b"x" * 200_000 + b"\n",
    "binary": lambda raw: raw[:40] + b"\x00\xff\xfe\x00" + raw[40:],
    "latin1": lambda raw: raw.replace(b"name: ", "name: caf\xe9 ".encode("latin-1"), 1),
    "deep": lambda raw: raw + b"extra: " + b"[" * 400 + b"]" * 400 + b"\n",
    "alias-bomb": lambda raw: raw + b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                              b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
    "empty": lambda raw: b"",
    "list-document": lambda raw: b"- " + raw.replace(b"\n", b"\n  "),
}


class Keys:
    """SSH key pairs (ssh-keygen, offline): the forge's merge key, the data authority approver's,
    the clerk's own."""

    def __init__(self, directory: Path) -> None:
        self.forge, self.forge_pub = ssh_key(directory, "forge")
        self.admin, self.admin_pub = ssh_key(directory, "admin")
        self.clerk, self.clerk_pub = ssh_key(directory, "clerk")


def config(keys: Keys, **extra: Any) -> dict[str, Any]:
    data = copy.deepcopy(REGISTRY)
    data["units"][0]["approvers"] = [{"email": ADMIN.email, "key": keys.admin_pub}, CLERK.email.replace("clerk", "lead")]
    data["units"][1]["approvers"] = [FINANCE.email]
    data["trust"] = {"merge_keys": [keys.forge_pub]}
    data.update(extra)
    return data


class Walk:
    """The register in ``path`` and the random steps taken on it (``log`` names each)."""

    def __init__(self, path: Path, keys: Keys, seed: int) -> None:
        self.rng = random.Random(seed)
        self.keys = keys
        self.repo = GitRepo.init(path)
        self.config = config(keys)
        self.repo.write("registry.yaml", self.config)
        for unit in UNITS:
            for n in range(2):
                self._system(f"{unit}-s{n}", unit, {})
        self._project("2025-wjw-001", "wjw", {"milestones": {"declared": "2024-09-01"}})
        self._project("2025-czj-001", "czj", {"milestones": dict(list(MILESTONES.items())[:5])})
        self.repo.commit("初始登记", as_=CLERK)
        self.log: list[str] = []
        self.branches = 0
        self.marks: list[str] = [self.repo.rev("HEAD")]

    # -- files ------------------------------------------------------------------------------

    def _system(self, sid: str, unit: str, fields: dict[str, Any]) -> None:
        path = f"systems/{unit}/{sid}.yaml"
        self.repo.write(path, record_data(path, {"name": f"系统{sid}", **fields}))

    def _project(self, pid: str, unit: str, fields: dict[str, Any]) -> None:
        path = f"projects/{unit}/{pid}.yaml"
        self.repo.write(path, record_data(path, {"name": f"项目{pid}", **fields}))

    def _files(self, folder: str) -> list[str]:
        top = self.repo.path / folder
        return sorted(p.relative_to(self.repo.path).as_posix() for p in top.rglob("*") if p.is_file() or p.is_symlink())

    def _pick(self, folder: str) -> str | None:
        files = [f for f in self._files(folder) if f.endswith(".yaml") and not (self.repo.path / f).is_symlink()]
        return self.rng.choice(files) if files else None

    def _data(self, path: str) -> dict[str, Any] | None:
        from ruamel.yaml import YAML

        try:
            data = YAML(typ="safe", pure=True).load((self.repo.path / path).read_text("utf-8"))
        except Exception:  # noqa: BLE001  (a hostile file left by an earlier step)
            return None
        return data if isinstance(data, dict) else None

    def _picked(self, folder: str) -> tuple[str, dict[str, Any]] | None:
        """A random record of ``folder`` that still reads as a mapping, with its data."""
        path = self._pick(folder)
        data = self._data(path) if path else None
        return (path, data) if path is not None and data is not None else None

    # -- edits inside a change --------------------------------------------------------------

    def edit(self) -> str:
        """One random edit of the working tree; its name."""
        name, action = self.rng.choice(list(self._edits().items()))
        action()
        return name

    def _edits(self) -> dict[str, Callable[[], None]]:
        return {
            "new-system": self._new_system, "new-retired-system": lambda: self._new_system(RETIRED),
            "retire": self._retire, "revive": self._revive, "move-unit": self._move_unit,
            "delete-system": lambda: self._delete("systems"), "delete-project": lambda: self._delete("projects"),
            "readd-new-id": self._readd, "future-retirement": self._future_retirement,
            "milestone-add": self._milestone_add, "milestone-rewrite": self._milestone_rewrite,
            "milestone-remove": self._milestone_remove, "approval-copied": self._approval_copied,
            "project-renamed": self._project_renamed, "approvers-changed": self._approvers,
            "authority-changed": self._authority, "hostile": self._hostile, "link": self._link,
            "misplaced": self._misplaced, "exec-bit": self._exec_bit, "touch-same-bytes": self._touch,
            "hostile-fixed": self._mend, "moved-folder-only": lambda: self._same_bytes_elsewhere(move=True),
            "copied-to-another-unit": lambda: self._same_bytes_elsewhere(move=False),
            "renamed-file-only": self._renamed_file_only, "system-bytes-as-project": self._system_as_project,
            "hostile-config": self._hostile_config, "config-mended": lambda: self.repo.write("registry.yaml", self.config),
        }

    def _new_system(self, fields: dict[str, Any] | None = None) -> None:
        unit = self.rng.choice(UNITS)
        self._system(f"{unit}-n{self.rng.randrange(10_000)}", unit, fields or {})

    def _retire(self) -> None:
        self._change("systems", RETIRED)

    def _revive(self) -> None:
        self._change("systems", {"status": "operating", "retired_on": None, "retirement_ref": None})

    def _future_retirement(self) -> None:
        self._change("systems", {**RETIRED, "retired_on": "2027-01-01"})

    def _change(self, folder: str, fields: dict[str, Any]) -> None:
        if (picked := self._picked(folder)) is None:
            return
        path, data = picked
        for key, value in fields.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        self.repo.write(path, data)

    def _move_unit(self) -> None:
        if (picked := self._picked("systems")) is None:
            return
        path, data = picked
        unit = self.rng.choice([u for u in UNITS if u != data.get("unit")])
        new = f"systems/{unit}/{Path(path).name}"
        if (self.repo.path / new).exists():
            return
        data["unit"] = unit
        self.repo.move(path, new)
        self.repo.write(new, data)

    def _same_bytes_elsewhere(self, *, move: bool) -> None:
        """A record's exact bytes at another unit's folder (its ``unit`` field left as it was):
        whatever a cache keyed by blob id remembers must not decide for the new path."""
        path = self._pick(self.rng.choice(["systems", "projects"]))
        if path is None:
            return
        folder, unit, name = path.split("/")
        new = f"{folder}/{self.rng.choice([u for u in UNITS if u != unit])}/{name}"
        if (self.repo.path / new).exists():
            return
        if move:
            self.repo.move(path, new)
        else:
            self.repo.write(new, (self.repo.path / path).read_bytes())

    def _renamed_file_only(self) -> None:
        """A record's file renamed, its ``id`` left as it was."""
        path = self._pick(self.rng.choice(["systems", "projects"]))
        if path is not None:
            new = path.replace(".yaml", f"-{self.rng.randrange(100)}.yaml")
            if not (self.repo.path / new).exists():
                self.repo.move(path, new)

    def _system_as_project(self) -> None:
        """A system record's bytes written where a project belongs (the same blob, another kind)."""
        path = self._pick("systems")
        if path is not None:
            unit = path.split("/")[1]
            self.repo.write(f"projects/{unit}/2025-{unit}-{self.rng.randrange(100, 999)}.yaml",
                            (self.repo.path / path).read_bytes())

    def _delete(self, folder: str) -> None:
        path = self._pick(folder)
        if path is not None:
            self.repo.remove(path)

    def _readd(self) -> None:
        """Retire a system and add its twin under a new id in the same unit (one change)."""
        if (picked := self._picked("systems")) is None:
            return
        path, data = picked
        self.repo.write(path, {**data, **RETIRED})
        new_id = f"{data.get('unit', 'czj')}-r{self.rng.randrange(10_000)}"
        self.repo.write(f"{Path(path).parent.as_posix()}/{new_id}.yaml", {**data, "id": new_id})

    def _milestone_add(self) -> None:
        if (picked := self._picked("projects")) is None:
            return
        path, data = picked
        have = data.setdefault("milestones", {})
        missing = [k for k in MILESTONES if k not in have]
        if missing and isinstance(have, dict):
            have[missing[0]] = MILESTONES[missing[0]]
            self.repo.write(path, data)

    def _milestone_rewrite(self) -> None:
        if (picked := self._picked("projects")) is None or not isinstance(picked[1].get("milestones"), dict):
            return
        path, data = picked
        approved = data["milestones"].get("approved")
        if isinstance(approved, dict):
            approved[self.rng.choice(["doc_no", "date"])] = self.rng.choice(["测大数据发〔2024〕99号", "2024-09-21"])
            self.repo.write(path, data)

    def _milestone_remove(self) -> None:
        if (picked := self._picked("projects")) is None or not isinstance(picked[1].get("milestones"), dict) \
                or len(picked[1]["milestones"]) < 2:
            return
        path, data = picked
        data["milestones"].pop(list(data["milestones"])[-1])
        self.repo.write(path, data)

    def _approval_copied(self) -> None:
        """An approved project's data written again under a new id (its approval copied along)."""
        if (picked := self._picked("projects")) is not None:
            path, data = picked
            new, pid = self._sibling(path, data)
            self.repo.write(new, {**data, "id": pid})

    def _project_renamed(self) -> None:
        """A project's file and id renamed (its milestones carried along)."""
        if (picked := self._picked("projects")) is not None:
            path, data = picked
            new, pid = self._sibling(path, data)
            if not (self.repo.path / new).exists():
                self.repo.move(path, new)
                self.repo.write(new, {**data, "id": pid})

    def _sibling(self, path: str, data: dict[str, Any]) -> tuple[str, str]:
        pid = f"2025-{data.get('unit', 'wjw')}-{self.rng.randrange(100, 999)}"
        return f"{Path(path).parent.as_posix()}/{pid}.yaml", pid

    def _approvers(self) -> None:
        unit = self.config["units"][self.rng.randrange(len(self.config["units"]))]
        unit["approvers"] = [*unit.get("approvers", []), CLERK.email]
        self.repo.write("registry.yaml", self.config)

    def _authority(self) -> None:
        self.config["authorities"]["finance"] = self.rng.choice(["czj", "wjw"])
        self.repo.write("registry.yaml", self.config)

    def _hostile(self) -> None:
        path = self._pick(self.rng.choice(["systems", "projects"]))
        if path is not None:
            target = self.repo.path / path
            target.write_bytes(self.rng.choice(list(HOSTILE.values()))(target.read_bytes()))

    def _hostile_config(self) -> None:
        """registry.yaml written with one hostile trick (history keeps the version: the audit
        must read it as 0beded6 did, whatever a cache or the shapes make of it)."""
        target = self.repo.path / "registry.yaml"
        target.write_bytes(self.rng.choice(list(HOSTILE.values()))(target.read_bytes()))

    def _mend(self) -> None:
        """Rewrite a record that no longer reads as YAML from its id (a clerk fixing it)."""
        for path in self._files("systems"):
            if path.endswith(".yaml") and not (self.repo.path / path).is_symlink() and self._data(path) is None:
                parts = path.split("/")
                self._system(Path(path).stem, parts[1], {}) if len(parts) == 3 else None
                return

    def _link(self) -> None:
        path = self._pick("systems")
        if path is not None:
            link = self.repo.path / f"{Path(path).parent.as_posix()}/link{self.rng.randrange(100)}.yaml"
            if not link.exists() and not link.is_symlink():
                os.symlink(Path(path).name, link)

    def _misplaced(self) -> None:
        unit = self.rng.choice(UNITS)
        where = self.rng.choice([f"systems/{unit}/sub/{unit}-x.yaml", f"systems/{unit}-x.yaml", f"systems/{unit}/{unit}-x.yml"])
        self.repo.write(where, record_data(f"systems/{unit}/{unit}-x.yaml", {}))

    def _exec_bit(self) -> None:
        path = self._pick("systems")
        if path is not None:
            os.chmod(self.repo.path / path, 0o755)

    def _touch(self) -> None:
        path = self._pick("systems")
        if path is not None:
            target = self.repo.path / path
            target.write_bytes(target.read_bytes())

    # -- history steps ----------------------------------------------------------------------

    def step(self) -> str:
        """One random thing happening to main; its name (kept in ``log``)."""
        self.clean()
        name, action = self.rng.choice(list(self._steps().items()))
        detail = action()
        self.repo.switch("main")
        self.marks.append(self.repo.rev("HEAD"))
        self.log.append(f"{name}: {detail}")
        return self.log[-1]

    def _steps(self) -> dict[str, Callable[[], str]]:
        keys = self.keys
        return {
            "approver-merge-signed": lambda: self._pull_request(ADMIN, sign_with=keys.admin),
            "forge-web-merge": lambda: self._pull_request(self.rng.choice([ADMIN, FINANCE, CLERK]), committer=GITHUB,
                                                          sign_with=keys.forge),
            "clerk-merge-own-key": lambda: self._pull_request(CLERK, sign_with=keys.clerk),
            "approver-merge-unsigned": lambda: self._pull_request(self.rng.choice([ADMIN, FINANCE])),
            "clerk-merge-unsigned": lambda: self._pull_request(CLERK),
            "direct-push": self._direct,
            "fast-forward": self._fast_forward,
            "forged-merge-fast-forwarded": self._forged_merge,
            "amend-last": self._amend,
            "main-moved-back": self._reset_back,
        }

    def _change_commit(self, who: Who, sign_with: Path | None = None) -> str:
        names = [self.edit() for _ in range(self.rng.randint(1, 3))]
        self.repo.commit("修改：" + "、".join(names), as_=who, sign_with=sign_with)
        return ",".join(names)

    def _branch(self) -> str:
        self.branches += 1
        name = f"change-{self.branches}"
        self.repo.branch(name, start="main")
        return name

    def _pull_request(self, merged_by: Who, *, committer: Who | None = None, sign_with: Path | None = None) -> str:
        name = self._branch()
        edits = self._change_commit(CLERK)
        self.repo.merge(name, into="main", as_=merged_by, committer=committer, sign_with=sign_with)
        return edits

    def _direct(self) -> str:
        return self._change_commit(self.rng.choice([ADMIN, CLERK]))

    def _fast_forward(self) -> str:
        name = self._branch()
        edits = self._change_commit(CLERK)
        self.repo.switch("main")
        self.repo.git("merge", "--quiet", "--ff-only", name)
        return edits

    def _forged_merge(self) -> str:
        """A merge commit made on a side branch in the approver's name (signed by the clerk's key or
        not at all), then main fast-forwarded onto it: first-parent history shows a "merge"."""
        name = self._branch()
        side = f"{name}-side"
        self.repo.branch(side, start=name)
        edits = self._change_commit(CLERK)
        key = self.rng.choice([self.keys.clerk, None])
        self.repo.merge(side, into=name, as_=ADMIN, sign_with=key)
        self.repo.switch("main")
        self.repo.git("merge", "--quiet", "--ff-only", name)
        return edits

    def _amend(self) -> str:
        self.repo.switch("main")
        edits = [self.edit()]
        self.repo.git("add", "--all")
        self.repo.git("commit", "--quiet", "--amend", "--no-edit", env=self.repo.env(CLERK))
        return ",".join(edits)

    def _reset_back(self) -> str:
        if len(self.repo.first_parents()) < 3:
            return "too short"
        self.repo.git("reset", "--quiet", "--hard", "HEAD~1")
        return "HEAD~1"

    # -- work in progress (the commit hook's view) ---------------------------------------------

    def pending(self) -> list[str]:
        """Edits left in the working tree on main, some staged, some staged then edited again,
        a new file added with ``-N``: the paths touched (for ``check --staged PATHS``)."""
        before = set(self._files("systems")) | set(self._files("projects"))
        for _ in range(self.rng.randint(1, 3)):
            self.edit()
            if self.rng.random() < 0.6:
                self.repo.git("add", "--all")
        if self.rng.random() < 0.3:
            self.edit()  # edited again after staging: the index holds the older bytes
        changed = self.repo.git("status", "--porcelain=v1", "-z", "--untracked-files=all").split("\0")
        touched = sorted({entry[3:] for entry in changed if len(entry) > 3 and entry[3:] not in ("registry.yaml",)
                          and (self.repo.path / entry[3:]).exists()} - {""})
        new = sorted(set(self._files("systems")) - before)
        if new and self.rng.random() < 0.5:
            self.repo.git("add", "-N", new[0])
        return [t for t in touched if self._in_index(t)][:3]

    def _in_index(self, path: str) -> bool:
        return bool(self.repo.git("ls-files", "--", path))

    def clean(self) -> None:
        """Back to main's tip with nothing pending (before the next step)."""
        self.repo.git("reset", "--quiet", "--hard")
        self.repo.git("clean", "-qfdx", "-e", ".registry-cache")

    def pending_commands(self, paths: list[str]) -> list[list[str]]:
        today = ["--format", "json", "--today", TODAY]
        out = [["check", "--staged", *today], ["check", *today], ["check", "--staged", "--base", "HEAD~1", *today]]
        if paths:
            out += [["check", "--staged", *today, *paths], ["check", *today, *paths]]
        return out

    # -- what is compared -------------------------------------------------------------------

    def commands(self) -> list[list[str]]:
        """The commands whose answers are compared after a step (``--base`` an older point of main)."""
        history = self.repo.first_parents()
        older = history[max(0, len(history) - 1 - self.rng.randint(1, 4))]
        pick = self.rng.choice
        lang = pick([[], [], ["--lang", "en"]])  # (a global option: before the command)
        return [
            ["audit", "--format", "json"],
            [*lang, "audit", "--trust", "identities", "--format", pick(["json", "text", "github", "sarif", "junit"])],
            ["inventory", "--history", "--format", "json", "--today", TODAY],
            [*lang, "inventory", "--history", "--format", pick(["text", "csv"]), "--today", TODAY],
            ["inventory", "--format", "json", "--today", TODAY],
            ["diff", "--base", older, "--format", "json", "--today", TODAY],
            [*lang, "diff", "--base", older, "--format", "markdown", "--today", TODAY],
            ["check", "--base", older, "--format", "json", "--today", TODAY],
            [*lang, "check", "--format", pick(["json", "text", "github", "sarif", "junit"]), "--today", TODAY],
        ]


def normalised(out: str) -> Any:
    """A command's JSON output without what differs from run to run (the run's duration)."""
    try:
        data = json.loads(out)
    except ValueError:
        return out
    if isinstance(data, dict) and isinstance(data.get("summary"), dict):
        data["summary"].pop("duration", None)
    return data


def run_tool(code: Path | None, root: Path, args: Sequence[str], env: dict[str, str] | None = None) -> tuple[int, Any, str]:
    """``registry --root ROOT ARGS`` in a fresh process, the package taken from ``code`` (a
    checkout of this project) or the installed one: (exit code, JSON or text, stderr)."""
    environ = {**os.environ, **(env or {}), "PYTHONDONTWRITEBYTECODE": "1"}
    if code is not None:
        environ["PYTHONPATH"] = str(code)
    done = subprocess.run([sys.executable, "-m", "registry", "--root", str(root), *args], env=environ,
                          capture_output=True, text=True, check=False, timeout=600)
    return done.returncode, normalised(done.stdout), done.stderr


def _compare_builds(argv: list[str]) -> int:
    """``python tests/x23walk.py NEW OLD WORKDIR SEEDS STEPS``: every command after every step
    of each walk, NEW warm (twice) against OLD without cache; prints each difference."""
    import shutil
    import tempfile

    new, old, workdir = Path(argv[0]), Path(argv[1]), Path(argv[2])
    seeds, steps = [int(s) for s in argv[3].split(",")], int(argv[4])
    workdir.mkdir(parents=True, exist_ok=True)
    keys = Keys(Path(tempfile.mkdtemp(dir=workdir)))
    differences = 0
    for seed in seeds:
        where = workdir / f"walk-{seed}"
        shutil.rmtree(where, ignore_errors=True)
        walk = Walk(where, keys, seed)
        for _ in range(steps):
            what = walk.step()
            commands = walk.commands()
            if walk.rng.random() < 0.5:
                paths = walk.pending()
                what += f" + pending {paths}"
                commands = walk.pending_commands(paths) + commands
            for args in commands:
                want = run_tool(old, where, args, {"REGISTRY_NO_CACHE": "1"})
                for label, env in (("cold", {}), ("warm", {}), ("new-uncached", {"REGISTRY_NO_CACHE": "1"})):
                    got = run_tool(new, where, args, env)
                    if got[:2] != want[:2] or "Traceback" in got[2]:
                        differences += 1
                        print(f"DIFF seed={seed} step={len(walk.log)} [{what}] {label} {' '.join(args)}")
                        print("  old:", json.dumps(want[:2], ensure_ascii=False)[:1500], want[2][-300:])
                        print("  new:", json.dumps(got[:2], ensure_ascii=False)[:1500], got[2][-300:])
                        sys.stdout.flush()
        print(f"seed {seed}: {len(walk.log)} steps: " + " | ".join(walk.log))
        sys.stdout.flush()
    print(f"{differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(_compare_builds(sys.argv[1:]))
