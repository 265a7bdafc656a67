"""Local rules (``Rule.local``) and the ``registry diff`` that runs them only on the records that
differ from the target.

A local rule's problems about a record depend on that record alone: the same bytes at the same
path give the same problems in any registry. Every rule declared local is held to it here, record
by record, on the demo registry and a synthetic one (every profile's rules, whichever the
registry chose): its problems about a record in the whole registry are exactly its problems
about that record alone, and a context narrowed to some paths reports exactly the whole run's
problems about those paths. Then the summary of ``registry diff`` — which runs local rules only
on the records that differ from the target, on both sides — is compared, in real temporary git
repositories, with the summary computed the full way (every rule on every record of both
sides): after edits, renames, transfers to another unit, deletions, new records, findings fixed
and introduced, merges of systems, random histories with hostile files, with and without the
cache, warm, and with the cache's kept base findings of another change."""
from __future__ import annotations

import datetime as dt
import os
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from basekit import assert_base_runs_agree, full_base, run_base, walked_histories
from gitrepo import GitRepo
from registry.cli import main
from registry.errors import ConfigError
from registry.loader import config_from, load_records
from registry.rules import RULES
from registry.rules.base import Context, Kind, Rule
from registry.snapshot import Snapshot

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2025, 12, 1)
LOCAL = [r for r in RULES.values() if r.local]


def _record_files(root: Path) -> list[tuple[str, bytes]]:
    return [(p.relative_to(root).as_posix(), p.read_bytes())
            for folder in ("systems", "projects") for p in sorted((root / folder).glob("*/*.yaml"))]


def _synthetic(tmp_path: Path) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import history_synth

    return Path(history_synth.build(tmp_path / "synthetic", records=160, merges=40).root)


def _problems(rule: Rule[Any], ctx: Context) -> dict[str, list[tuple[str, str, str]]]:
    """The rule's problems by the path of their record."""
    found: dict[str, list[tuple[str, str, str]]] = {}
    for p in rule.run(ctx, rule.params()):
        assert not isinstance(p.record, str)
        path = ctx.head.path_of(p.record)  # type: ignore[arg-type]
        found.setdefault(path, []).append((p.field, p.message.zh, str(p.severity)))
    return found


def _registries(tmp_path: Path) -> Iterator[tuple[Any, list[tuple[str, bytes]]]]:
    """The demo registry, every profile's fixture registry and a synthetic one (transfers,
    retirements, merged systems, references between records, findings of every kind)."""
    folders = [ROOT, *sorted(p.parent for p in (ROOT / "tests" / "fixtures").glob("*/registry.yaml")),
               _synthetic(tmp_path)]
    for folder in folders:
        try:
            config = config_from((folder / "registry.yaml").read_bytes())
        except ConfigError:
            continue  # (the hostile fixture's registry.yaml is broken on purpose)
        yield config, _record_files(folder)


def test_local_rules_are_record_or_deadline_rules_and_cover_the_costly_ones() -> None:
    assert LOCAL, "no rule is declared local"
    assert all(r.kind in (Kind.record, Kind.deadline) for r in LOCAL)
    # rules that look at other records, documents or the files that are not records never are
    for rule_id in ("REG001", "REG002", "REG003", "REG010", "REG004", "REG005", "DSQ5", "PT8.1", "QX15.8"):
        assert not RULES[rule_id].local, rule_id
    with pytest.raises(ValueError):
        from registry.rules.base import rule

        rule("X-LOCAL", name="x", title="x", kind=Kind.registry, profile="common", local=True)


# Every record and deadline rule NOT declared local, with why: a new rule fails
# test_every_record_rule_is_decided until it is declared local or listed here.
NOT_LOCAL = {
    "REG001": "unreadable files (ctx.head.invalid), not records",
    "REG002": "files the models refuse (ctx.head.invalid), not records",
    "REG003": "paths that are not records (ctx.head.invalid)",
    "REG010": "document references resolve against the tree's files (ctx.document_status)",
    "DLT24": "looks up the systems a project targets (ctx.head)",
    "DSQ5": "looks up other records (ctx.head)",
    "DSQ18": "looks up other records (ctx.head)",
    "JX9": "looks up the systems a project creates (ctx.head)",
    "JX10": "looks up the systems a project creates (ctx.head)",
    "JX25": "looks up the systems a project targets (ctx.head)",
    "JX28": "adds a notice when a year's working days are unknown (ctx.notice)",
    "PT8.1": "looks up the systems a project targets (ctx.head)",
    "PT8.2": "looks up the systems a project targets (ctx.head)",
    "PT8.3": "looks up the systems a project targets (ctx.head)",
    "PT8.4": "looks up the systems a project targets (ctx.head)",
    "QX15.3": "looks up the systems a project creates or upgrades (ctx.head)",
    "QX15.4": "looks up the systems a project creates (ctx.head)",
    "QX15.5": "looks up the systems a project creates or upgrades (ctx.head)",
    "QX15.8": "looks up the systems a project targets (ctx.head)",
}
# What a local rule may look at in its context: the records it reports on, the configuration,
# the date (Context.wants and the per-stage lists are made of the records reported on).
_LOCAL_CONTEXT = {"systems", "projects", "config", "today", "wants", "projects_reached", "projects_in_flight"}


def _shipped(rule: Rule[Any]) -> bool:
    """A rule of the tool itself (not of a profile a test or a plug-in added)."""
    import inspect

    source = inspect.getsourcefile(rule.check)
    return source is not None and Path(source).resolve().is_relative_to(ROOT / "registry" / "rules")


def test_every_record_rule_is_decided() -> None:
    decided = {r.id for r in RULES.values() if r.kind in (Kind.record, Kind.deadline) and _shipped(r)}
    assert decided == {r.id for r in LOCAL} | NOT_LOCAL.keys(), \
        "declare the new record rule local=True (its problems about a record depend on that record alone) or list it in NOT_LOCAL"
    assert not {r.id for r in LOCAL} & NOT_LOCAL.keys()


def _context_reads(function: Any, seen: set[Any]) -> set[str]:
    """The ``ctx.<name>`` a rule's check reads, and those of every function of the rules it
    hands the context to (followed through the modules of registry.rules)."""
    import ast
    import inspect
    import textwrap

    if function in seen:
        return set()
    seen.add(function)
    module = sys.modules[function.__module__]
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    reads: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "ctx":
            reads.add(node.attr)
        if isinstance(node, ast.Call) and any(isinstance(a, ast.Name) and a.id == "ctx"
                                              for a in [*node.args, *(k.value for k in node.keywords)]):
            called = getattr(module, node.func.id, None) if isinstance(node.func, ast.Name) else None
            if called is None or not getattr(called, "__module__", "").startswith("registry.rules"):
                reads.add(f"<ctx handed to {ast.unparse(node.func)}>")
            else:
                reads |= _context_reads(called, seen)
    return reads


@pytest.mark.parametrize("rule_id", sorted(r.id for r in LOCAL))
def test_a_local_rule_reads_nothing_of_its_context_but_its_records_the_configuration_and_the_date(rule_id: str) -> None:
    """Checked in the code, not only on data: a later edit that makes a local rule look up
    another record (ctx.head), a document (ctx.document_status) or add a notice fails here."""
    reads = _context_reads(RULES[rule_id].check, set())
    assert reads <= _LOCAL_CONTEXT, (rule_id, sorted(reads - _LOCAL_CONTEXT))


def test_a_local_rule_says_the_same_of_a_record_whatever_the_other_records(tmp_path: Path) -> None:
    """Records with the same bytes at the same path at two points of a history (the other
    records transferred, retired, merged, edited, added, deleted in between) get the same
    problems from every local rule."""
    root = _synthetic(tmp_path)
    repo = GitRepo(root)
    config = config_from((root / "registry.yaml").read_bytes())
    now = {path: raw for path, raw in _record_files(root)}
    checked = 0
    for back in ("HEAD~5", "HEAD~20"):
        repo.git("checkout", "-q", back)
        then = {path: raw for path, raw in _record_files(root)}
        repo.git("checkout", "-q", "-")
        kept = {path for path in now.keys() & then.keys() if now[path] == then[path]}
        assert kept and len(kept) < len(now)  # some records changed in between, some did not
        for r in LOCAL:
            for today in (TODAY, dt.date(2031, 3, 1)):
                a = _problems(r, Context(config=config, head=load_records(now.items()), today=today))
                b = _problems(r, Context(config=config, head=load_records(then.items()), today=today))
                for path in kept:
                    assert a.get(path, []) == b.get(path, []), (r.id, back, path)
                    checked += len(a.get(path, []))
    assert checked > 100


@pytest.mark.parametrize("today", [TODAY, dt.date(2031, 3, 1)])
def test_a_local_rule_says_the_same_of_a_record_alone_and_among_all(tmp_path: Path, today: dt.date) -> None:
    checked = 0
    for config, files in _registries(tmp_path):
        whole = load_records(files)
        alone = {path: load_records([(path, raw)]) for path, raw in files}
        for r in LOCAL:
            everything = _problems(r, Context(config=config, head=whole, today=today))
            for path, snapshot in alone.items():
                assert _problems(r, Context(config=config, head=snapshot, today=today)).get(path, []) == \
                    everything.get(path, []), (r.id, path)
                checked += len(everything.get(path, []))
            # narrowed to some paths: exactly the whole run's problems about them
            chosen = set(random.Random(r.id).sample(sorted(alone), k=min(25, len(alone))))
            narrowed = _problems(r, Context(config=config, head=whole, today=today).narrowed(chosen))
            assert narrowed == {p: v for p, v in everything.items() if p in chosen}, r.id
    assert checked > 100  # the registries hold findings of local rules, not only clean records


# -- the diff: fast (local rules on differing records) against full ---------------------------


def _diff(root: Path, base: str, capsys: pytest.CaptureFixture[str]) -> Any:
    """(exit code, the JSON summary or the usage error said on stderr)."""
    found = run_base(root, "diff", base, capsys)
    assert found[0] in (0, 2), found
    return found


def _full(root: Path, base: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """The summary computed the full way (tests/basekit.py): every rule on every record of both
    sides, every blob read from git, the models, no cache."""
    return full_base(root, "diff", base, capsys, monkeypatch)


def _assert_fast_is_full(root: Path, bases: list[str], capsys: pytest.CaptureFixture[str],
                         monkeypatch: pytest.MonkeyPatch) -> None:
    assert_base_runs_agree(root, bases, capsys, monkeypatch, commands=("diff",))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _first(root: Path, folder: str, needle: str) -> Path:
    for path in sorted((root / folder).glob("*/*.yaml")):
        if needle in path.read_text(encoding="utf-8"):
            return path
    raise AssertionError(f"no {folder} record holds {needle!r}")


def test_diff_fast_equals_full_after_edits_renames_transfers_and_deletions(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = _synthetic(tmp_path)
    repo = GitRepo(root)
    bases = ["HEAD~1", "HEAD~5", "HEAD~30"]
    _assert_fast_is_full(root, bases, capsys, monkeypatch)
    # a project's budget made negative (a local finding introduced), a milestone in the future
    project = _first(root, "projects", "total_wan:")
    _edit(project, "total_wan:", "total_wan: -5\n  old_total_wan:")
    # a record renamed in its folder and a system moved to another unit's folder (a transfer)
    systems = sorted((root / "systems").glob("*/*.yaml"))
    systems[0].rename(systems[0].with_name("renamed-" + systems[0].name))
    other = next(p for p in systems[1:] if p.parent != systems[2].parent)
    target_folder = systems[2].parent
    other.rename(target_folder / other.name)
    # a record deleted, another added as a copy of an existing one under a new name
    systems[3].unlink()
    (systems[4].parent / ("copy-" + systems[4].name)).write_bytes(systems[4].read_bytes())
    _assert_fast_is_full(root, bases, capsys, monkeypatch)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "edits")
    _assert_fast_is_full(root, ["HEAD~1", "HEAD~6"], capsys, monkeypatch)
    # the same edits undone in the working tree: findings fixed against HEAD
    repo.git("checkout", "-q", "HEAD~1", "--", "systems", "projects")
    repo.git("clean", "-qfd", "systems", "projects")
    _assert_fast_is_full(root, ["HEAD", "HEAD~3"], capsys, monkeypatch)


def test_diff_keeps_base_findings_per_change(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache's base findings are kept per set of differing records: a second change against
    the same target never gets the first change's (narrower) base findings."""
    monkeypatch.delenv("REGISTRY_NO_CACHE", raising=False)
    root = _synthetic(tmp_path)
    projects = sorted((root / "projects").glob("*/*.yaml"))
    first = projects[0].read_bytes()
    _edit(projects[0], "total_wan:", "total_wan: -5\n  old_total_wan:")
    assert _diff(root, "HEAD~2", capsys) == _full(root, "HEAD~2", capsys, monkeypatch)
    projects[0].write_bytes(first)
    _edit(projects[1], "total_wan:", "total_wan: -7\n  old_total_wan:")
    assert _diff(root, "HEAD~2", capsys) == _full(root, "HEAD~2", capsys, monkeypatch)
    # a forged kept base finding list (the store signs its files): never read back
    for kept in (root / ".registry-cache").rglob("diff-base*"):
        if kept.is_file():
            kept.write_bytes(b"forged")
    for kept in (root / ".registry-cache").rglob("*"):
        if kept.is_file() and "diff-base" in kept.as_posix():
            kept.write_bytes(b"\x80\x04forged")
    assert _diff(root, "HEAD~2", capsys) == _full(root, "HEAD~2", capsys, monkeypatch)


@pytest.mark.parametrize("seed", [5, 17])
def test_diff_fast_equals_full_on_random_histories(seed: int, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Random histories (tests/x23walk.py: transfers, merges of systems, retirements, revivals,
    deletions, re-adding under a new id, hostile files), work in progress included."""
    for root, bases in walked_histories(seed, tmp_path):
        _assert_fast_is_full(root, bases, capsys, monkeypatch)


def test_check_base_still_reports_every_record(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Only ``registry diff`` narrows the local rules: ``check --base`` reports on every record."""
    monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
    root = _synthetic(tmp_path)
    args = ["--root", str(root), "check", "--today", TODAY.isoformat(), "--format", "json"]
    main(args)
    alone = json.loads(capsys.readouterr().out)["findings"]
    main([*args, "--base", "HEAD"])
    with_base = json.loads(capsys.readouterr().out)["findings"]
    local = {r.id for r in LOCAL}
    assert [f for f in alone if f["rule"] in local] == [f for f in with_base if f["rule"] in local]
    assert any(f["rule"] in local for f in alone)
    snapshot: Snapshot = load_records(_record_files(root))
    assert snapshot.records > 100


# -- registry.yaml read by the fast reader: the same configuration, the same errors ------------

_CONFIG = """\
# 登记簿实例文件
jurisdiction: 测试县
profiles: [dalad, jinxiang, quxian]
base_branch: main
units:
  - id: dsj
    name: 测试县大数据局
    kind: authority
  - id: czj
    name: 测试县财政局
    kind: department
    reviewers: ["@test/czj"]
  - id: wjw
    name: 测试县卫生健康局
    kind: department
    parent: czj
authorities:
  data_authority: dsj
  finance: czj
"""
_CONFIG_EDITS = [
    ("", ""),  # unchanged: valid
    ("profiles: [dalad, jinxiang, quxian]", "profiles: [dalad, nowhere]"),  # select_rules: unknown profile
    ("base_branch: main", "base_branch: [main, dev]"),  # validation: wrong type
    ("  - id: wjw", "  - id: czj"),  # a duplicate unit id
    ("data_authority: dsj", "data_authority: nobody"),  # an authority naming no unit
    ("    parent: czj", "    parent: nobody"),  # a parent naming no unit
    ("base_branch: main", "base_branch: main\nparameters: {JX99: {x: 1}}"),  # a parameter of no rule
    ("    kind: authority", "    kind: ministry"),  # not a kind
    ("jurisdiction: 测试县", "jurisdiction: 测试\u200b县"),  # a hidden character
    ("base_branch: main", "base_branch: main\nbase_branch: dev"),  # a duplicate key: the parser's error
    ("profiles: [dalad, jinxiang, quxian]", "profiles: [dalad, jinxiang, quxian"),  # not YAML
]


@pytest.mark.parametrize("old,new", _CONFIG_EDITS)
def test_registry_yaml_fast_read_validates_exactly_as_the_parser(old: str, new: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from registry import loader
    from registry.errors import ConfigError

    raw = _CONFIG.replace(old, new, 1).encode("utf-8")
    assert old in _CONFIG

    def outcome() -> Any:
        try:
            return loader.config_from(raw).model_dump()
        except ConfigError as exc:
            return exc.path, exc.line, exc.column, exc.message.zh

    fast = outcome()
    monkeypatch.setattr(loader, "_simple_config_data", lambda _raw: None)
    assert fast == outcome()
    assert isinstance(fast, dict) == (old == "")


def test_registry_yaml_in_plain_block_yaml_is_read_without_the_full_parser() -> None:
    from registry import loader

    assert loader._simple_config_data(_CONFIG.encode("utf-8")) is not None
    assert loader._simple_config_data(_CONFIG.replace("base_branch: main", "base_branch: [main").encode("utf-8")) is None


def test_cached_diff_follows_same_second_edits_touch_and_checkouts(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """With the cache kept between runs (never removed), every diff is the full computation's:
    a record edited within the same second and size (its time stamps put back), a file touched,
    another branch checked out and back, a record moved to another unit."""
    monkeypatch.delenv("REGISTRY_NO_CACHE", raising=False)
    root = _synthetic(tmp_path)
    repo = GitRepo(root)

    def same(base: str = "HEAD~4") -> None:
        assert _diff(root, base, capsys) == _full(root, base, capsys, monkeypatch)

    same()
    project = sorted((root / "projects").glob("*/*.yaml"))[5]
    stat = project.stat()
    text = project.read_text(encoding="utf-8")
    at = text.index("total_wan: ") + len("total_wan: ")
    assert text[at].isdigit()
    edited = text[:at] + ("8" if text[at] == "9" else "9") + text[at + 1:]  # same size, same second
    project.write_text(edited, encoding="utf-8")
    os.utime(project, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    same()
    project.write_text(text, encoding="utf-8")
    os.utime(project, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    same()
    project.touch()
    same()
    repo.git("checkout", "-q", "-b", "other", "HEAD~3")
    same("HEAD~2")
    repo.git("checkout", "-q", "-")
    same()
    system = sorted((root / "systems").glob("*/*.yaml"))[7]
    other_unit = next(p for p in sorted((root / "systems").iterdir()) if p != system.parent)
    system.rename(other_unit / system.name)
    same()
    same("HEAD~1")
