"""The differential harness: every command, every shortcut on (as a user runs it, cold and warm)
against every shortcut off (:mod:`shortcutkit`: pydantic, the full YAML parser, every blob read
from git, every rule on every record, argparse, no cache), on random histories a department
could make in a real git repository: a target branch and a change that each edit, add, delete,
transfer, retire and merge records, write odd YAML (odd scalars, duplicated entries, hidden
and odd characters, the same entry text in two records), and change registry.yaml (parameters,
disabled rules, profiles, a calendar, units); committed, staged and left in the working tree.

A fast path that gives another verdict than the full computation — a pass the full computation
refuses, a finding it does not make, another message, line or exit code — fails here. The
runs are fresh processes (see :mod:`shortcutkit`: a twin run cannot be seen from a test process
that imported the models), and the harness asserts that the shortcuts were taken, so that it
never compares the full computation with itself.
"""
from __future__ import annotations

import random
import re
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitrepo import GitRepo, yaml_text
from registry import yamlio
from shortcutkit import SHORTCUTS, Outcome, run

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-09-30"

# the harness's runs took every shortcut of this list at least once (see the last test)
TAKEN: Counter[str] = Counter()


def sure_config() -> str:
    """The demo registry.yaml as the shapes vouch for it (no approvers, reviewers or contacts,
    which they leave to pydantic): the twin runs of ``registry diff`` take it."""
    data = yamlio.parse((ROOT / "registry.yaml").read_bytes()).data
    kept = {key: data[key] for key in ("jurisdiction", "profiles", "base_branch", "authorities", "parameters")}
    kept["units"] = [{key: unit[key] for key in ("id", "name", "aliases", "kind", "parent") if key in unit}
                     for unit in data["units"]]
    return yaml_text(kept)


def demo_repository(path: Path, config: str) -> GitRepo:
    repo = GitRepo.init(path)
    (path / "registry.yaml").write_text(config, encoding="utf-8")
    for folder in ("systems", "projects"):
        shutil.copytree(ROOT / folder, path / folder)
    repo.git("add", "registry.yaml", "systems", "projects")
    repo.commit("初始登记")
    return repo


# -- what a department may do to its files ------------------------------------------------------

ODD_VALUES = ["0o17", "1_000", ".inf", ".nan", "yes", "no", "on", "~", "null", "2024-01-01 10:00:00",
              "2024-01-01T10:00:00Z", "0x1F", "+1", "1e3", "1.0", "01", "true", "'q'", "&a x", "*a", "!!str 1",
              "[a, b]", "{a: 1}", "2024-02-30", "1e400", "-0", ".5", "12:30:00", "0b101", '""', "a #c", "１２",
              "-1", "2_0", "3.0", "2", "retired", "merged", "planned"]
ODD_TAILS = [" ", "  # 注释", "\r", "\u2028", "\t", "\u200b", "\ufeff", ":", " #", "\x85"]
MEANINGFUL = [
    ("status: operating", "status: retired\nretired_on: 2025-06-01\nretirement_ref: 金政字〔2025〕1号"),
    ("status: operating", "status: merged\nmerged_into: czj-asset"),
    ("status: retired", "status: operating"), ("mlps_level: 2", "mlps_level: 3"), ("mlps_level: 3", "mlps_level: 2"),
    ("total_wan: ", "total_wan: 9"), ("approved: {date: ", "approved: {date: 2020-01-0"),
    ("trusted_products: true", "trusted_products: false"), ("shared: true", "shared: false"),
    ("final_acceptance: {date: ", "final_acceptance: {date: 2030-01-0"),
]
ODD_NAMES = ["{upper}-x1.yaml", "{unit}-X1.yaml", "资产.yaml", "-{unit}.yaml", "={unit}.yaml", "--{unit}.yaml",
             "caf\u00e9.yaml", "cafe\u0301.yaml", "{unit}-x1.yml", "{unit}-x1.YAML", "{unit} x1.yaml", "{unit}-x1.yaml.yaml"]
CONFIG_EDITS = [
    ("parameters: {}", "parameters: {JX37.min_share: 0.2}"),
    ("parameters: {}", "disabled_rules:\n- {rule: CHG001, reason: 试点}\nparameters: {}"),
    ("- jinxiang", "- jinxiang\n- dalad"),
    ("- jinxiang", "- potou"),
    ("parameters: {}", "calendar:\n  '2025': {holidays: [2025-10-01], workdays: [2025-09-28]}\nparameters: {}"),
    ("units:\n", "units:\n- id: newu\n  name: 新单位\n  kind: department\n"),
    ("jurisdiction: ", "jurisdiction: 新"),
    ("base_branch: main", "base_branch: dev"),
]


def _records(root: Path) -> list[Path]:
    return sorted(root.glob("*/*/*.yaml"))


def _record_id(text: str) -> str | None:
    found = re.search(r"^id: (\S+)", text, re.M)
    return found.group(1) if found else None


def edit(root: Path, rng: random.Random) -> None:
    """One edit a department might make (or try)."""
    path = rng.choice(_records(root))
    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    lines = text.split("\n")
    unit = path.parent.name
    choice = rng.randrange(10)
    if choice == 0:  # an odd scalar in place of a value
        values = [i for i, line in enumerate(lines) if re.match(r"^ *[a-z_]+: \S", line)]
        if values:
            i = rng.choice(values)
            lines[i] = lines[i][:lines[i].index(": ") + 2] + rng.choice(ODD_VALUES)
    elif choice == 1:  # a change of substance
        old, new = rng.choice(MEANINGFUL)
        lines = text.replace(old, new, 1).split("\n")
    elif choice == 2:  # a new record: a copy under a new id (a second system in use …)
        old_id = _record_id(text)
        if old_id is None:
            return
        new_id = f"{unit}-x{rng.randrange(100)}" if path.parts[-3] == "systems" else f"2025-{unit}-{rng.randrange(900, 999)}"
        (path.parent / f"{new_id}.yaml").write_text(text.replace(f"id: {old_id}", f"id: {new_id}", 1), encoding="utf-8",
                                                    errors="surrogateescape")
        return
    elif choice == 3:  # deleted
        path.unlink()
        return
    elif choice == 4:  # transferred to another unit (folder and field)
        other = rng.choice(sorted({p.parent.name for p in _records(root)}))
        moved = path.parent.parent / other / path.name
        path.unlink()
        moved.parent.mkdir(parents=True, exist_ok=True)
        moved.write_text(text.replace(f"unit: {unit}", f"unit: {other}", 1), encoding="utf-8", errors="surrogateescape")
        return
    elif choice == 5:  # a line written twice
        i = rng.randrange(len(lines))
        lines.insert(i, lines[i])
    elif choice == 6:  # an odd character at the end of a line
        i = rng.randrange(len(lines))
        lines[i] += rng.choice(ODD_TAILS)
    elif choice == 7:  # registry.yaml
        config = root / "registry.yaml"
        old, new = rng.choice(CONFIG_EDITS)
        config.write_text(config.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        return
    elif choice == 8:  # a copy under an odd name: case, Chinese, decomposed accents, a leading '-' or '='
        name = rng.choice(ODD_NAMES).format(unit=unit, upper=unit.upper())
        (path.parent / name).write_text(text, encoding="utf-8", errors="surrogateescape")
        return
    else:  # an entry's text taken from another record of the same kind (the same piece in two records)
        other = rng.choice([p for p in _records(root) if p.parts[-3] == path.parts[-3]])
        entries = [line for line in other.read_text(encoding="utf-8").split("\n")
                   if re.match(r"^[a-z_]+: \S", line) and not line.startswith(("id:", "unit:"))]
        if entries:
            entry = rng.choice(entries)
            key = entry.split(":")[0] + ":"
            lines = [entry if line.startswith(key) else line for line in lines]
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogateescape")


def history(path: Path, seed: int, config: str) -> GitRepo:
    """A target branch and a change made from one base, each with edits; more edits committed,
    staged and left in the working tree."""
    rng = random.Random(seed)
    repo = demo_repository(path, config)
    repo.branch("target")
    for _ in range(rng.randint(0, 3)):
        edit(repo.path, rng)
    repo.git("add", "-A", "registry.yaml", "systems", "projects")
    repo.commit("目标分支的修改")
    repo.switch("main")
    for _ in range(rng.randint(0, 3)):
        edit(repo.path, rng)
    repo.git("add", "-A", "registry.yaml", "systems", "projects")
    repo.commit("本分支的修改")
    for _ in range(rng.randint(0, 3)):
        edit(repo.path, rng)
    if rng.random() < 0.5:
        repo.git("add", "-A", "registry.yaml", "systems", "projects")
    for _ in range(rng.randint(0, 2)):
        edit(repo.path, rng)
    return repo


def staged_paths(repo: GitRepo) -> list[str]:
    """The staged record files and registry.yaml, as pre-commit names them to the hook."""
    listed = repo.git("diff", "--cached", "--name-only", "--diff-filter=ACMR", "HEAD")
    return [p for p in listed.splitlines() if re.fullmatch(r"registry\.yaml|(systems|projects)/.+\.ya?ml", p)]


def commands(repo: GitRepo) -> list[list[str]]:
    today = ["--today", TODAY]
    return [
        ["diff", "--base", "target", *today, "--format", "json"],
        ["diff", "--base", "target", *today],  # Markdown: the field titles come from the models
        ["check", "--base", "target", *today, "--format", "json"],
        ["check", *today, "--format", "json"],
        ["check", "--staged", *today, "--format", "json"],
        ["check", "--staged", "--today", TODAY, *staged_paths(repo)],  # the commit hook's line
        ["check", "--staged", "--changes-only", "--base", "target", "--today", TODAY, *staged_paths(repo)],
        ["inventory", "--history", "--format", "json", *today],
        ["audit", "--trust", "identities", "--format", "json"],
    ]


def assert_shortcuts_agree(root: Path, argv: list[str]) -> None:
    """The reference, then a cold and a warm run with every shortcut: all three the same."""
    reference = run(root, argv, reference=True)
    shutil.rmtree(root / ".registry-cache", ignore_errors=True)
    cold = run(root, argv)
    warm = run(root, argv)
    TAKEN.update(cold.taken)
    TAKEN.update(warm.taken)
    assert cold == reference, _shown(argv, reference, cold)
    assert warm == reference, _shown(argv, reference, warm)


def _shown(argv: list[str], reference: Outcome, fast: Outcome) -> str:
    return f"registry {' '.join(argv)}\nreference: {reference}\nfast:      {fast}\nshortcuts taken: {fast.taken}"


@pytest.fixture(autouse=True)
def own_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("REGISTRY_NO_CACHE", raising=False)


def assert_warm_after_edits_agrees(repo: GitRepo, seed: int) -> None:
    """After the runs of one state, more edits (some staged): every command, run on the caches
    the earlier runs left (patched summaries, record caches, remembered configurations), gives
    the full computation of the new state."""
    rng = random.Random(seed ^ 0x5EED)
    for _ in range(rng.randint(1, 3)):
        edit(repo.path, rng)
    if rng.random() < 0.7:
        repo.git("add", "-A", "registry.yaml", "systems", "projects")
    for argv in commands(repo):
        reference = run(repo.path, argv, reference=True)
        warm = run(repo.path, argv)
        TAKEN.update(warm.taken)
        assert warm == reference, _shown(argv, reference, warm)


def assert_history_agrees(repo: GitRepo, seed: int) -> None:
    for argv in commands(repo):
        assert_shortcuts_agree(repo.path, argv)
    assert_warm_after_edits_agrees(repo, seed)


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), sure=st.booleans())
def test_every_command_gives_the_full_computation_on_random_histories(seed: int, sure: bool,
                                                                      tmp_path_factory: pytest.TempPathFactory) -> None:
    config = sure_config() if sure else (ROOT / "registry.yaml").read_text(encoding="utf-8")
    assert_history_agrees(history(tmp_path_factory.mktemp("history") / "registry", seed, config), seed)


@pytest.mark.parametrize("seed", [29])
def test_every_command_gives_the_full_computation_on_fixed_histories(seed: int, tmp_path: Path) -> None:
    assert_history_agrees(history(tmp_path / "registry", seed, sure_config()), seed)


def test_check_base_and_its_hook_on_a_sure_registry_import_no_pydantic(tmp_path: Path) -> None:
    """``check --base`` (CI's) and the ``registry-check-base`` hook's line run on twins where
    ``registry diff`` does (every registry.yaml vouched for, no rule parameters): cold and warm,
    no pydantic — and (above) the same outcome as the reference."""
    repo = demo_repository(tmp_path / "registry", sure_config())
    repo.branch("target")
    _replace(repo.path / "systems" / "czj" / "czj-asset.yaml", "description: ", "description: 目标分支：")
    repo.git("add", "systems")
    repo.commit("目标分支的修改")
    repo.switch("main")
    project = repo.path / "projects" / "dsj" / "2021-dsj-001.yaml"
    _replace(project, "necessity: ", "necessity: 本分支：")
    project.write_bytes(project.read_bytes().replace(b"\n", b"\r\n"))  # (CRLF: parsed, then made from its shapes)
    repo.git("add", "projects")
    staged = staged_paths(repo)
    for argv in (["check", "--base", "target", "--today", TODAY, "--format", "json"],
                 ["check", "--staged", "--changes-only", "--base", "target", "--today", TODAY, *staged]):
        reference = run(repo.path, argv, reference=True)
        cold, warm = run(repo.path, argv), run(repo.path, argv)  # (warm: the report reused)
        TAKEN.update(cold.taken)
        assert cold == reference == warm, _shown(argv, reference, cold)
        assert cold.taken.get(SHORTCUTS[0].label), cold.taken  # (registry.yaml as twins)
        assert not cold.pydantic and not warm.pydantic


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_harness_took_the_shortcuts_it_compares() -> None:
    """Runs after the tests above (file order): their fast runs took the shortcuts — a harness
    whose fast runs fell back to the full computation would compare it with itself."""
    if not TAKEN:
        pytest.skip("run with the tests above")
    missing = sorted(s.label for s in SHORTCUTS if not TAKEN[s.label])
    assert not missing, f"never taken: {missing}; taken: {dict(TAKEN)}"
