"""The history commands' fast path (one ``cat-file`` stream, fields kept per blob id, the fast
YAML reader) gives exactly what the full path gives, in real temporary git repositories with
varied and hostile histories: cold, warm (from the cache) and with ``REGISTRY_HISTORY_FULL=1``
and no cache — and, blob by blob, what the full loader says of every blob of the history."""
from __future__ import annotations

import copy
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest

from auditkit import ADMIN, APPROVED, BUDGETED, CLERK, EARLY, FINANCE, PROJECT, project
from casekit import REGISTRY, record_data
from gitrepo import GitRepo, yaml_text
from registry import gitio
from registry.audit import run_audit
from registry.audit.records import project_record, record_of
from registry.audit.rules import AUTHORITY_OF_MILESTONE
from registry.blobfields import canonical, project_fields, system_state
from registry.findings import Report
from registry.gitproc import Repo
from registry.inventory import history
from registry.loader import load_record
from registry.models import System

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2025, 12, 1)
RETIRED = {"status": "retired", "retired_on": "2025-06-30", "retirement_ref": "测政发〔2025〕1号"}
AHEAD = {"status": "retired", "retired_on": "2026-03-31", "retirement_ref": "测政发〔2025〕2号"}


def config() -> dict[str, Any]:
    data = copy.deepcopy(REGISTRY)
    data["units"][0]["approvers"] = ["approver@dsj.test.gov.cn"]
    data["units"][1]["approvers"] = ["approver@czj.test.gov.cn"]
    return data


def system(path: str, **fields: Any) -> str:
    return yaml_text(record_data(path, fields))


def varied(tmp_path: Path) -> GitRepo:
    """A history with everything the readers must agree on: valid and invalid records, YAML
    the fast reader leaves to the parser, odd encodings, links, binaries, copies, moves,
    transfers, retirements past and ahead, registry.yaml edits, and merges that carry
    milestones from their branch."""
    repo = GitRepo.init(tmp_path / "registry")
    repo.write("registry.yaml", config())
    repo.write("systems/czj/czj-a.yaml", system("systems/czj/czj-a.yaml"))
    repo.write("systems/czj/czj-b.yaml", system("systems/czj/czj-b.yaml"))
    repo.write("systems/wjw/wjw-a.yaml", system("systems/wjw/wjw-a.yaml", **RETIRED))
    repo.write(PROJECT, project(milestones=EARLY))
    repo.commit("初始登记", as_=CLERK)
    edits: list[tuple[str, dict[str, str | bytes | None]]] = [
        ("停用与提前停用", {"systems/czj/czj-a.yaml": system("systems/czj/czj-a.yaml", **RETIRED),
                     "systems/czj/czj-b.yaml": system("systems/czj/czj-b.yaml", **AHEAD)}),
        ("无效记录", {"systems/wjw/wjw-bad.yaml": system("systems/wjw/wjw-bad.yaml", status="flying")}),
        ("语法错误与制表符", {"systems/wjw/wjw-tab.yaml": "id: wjw-tab\nunit:\twjw\n",
                       "systems/wjw/wjw-dup.yaml": system("systems/wjw/wjw-dup.yaml") + "unit: czj\n"}),
        ("引号、锚点、注释", {"systems/czj/czj-q.yaml": system("systems/czj/czj-q.yaml").replace(
            "unit: czj", 'unit: "czj"  # 单位') + "notes: &n 说明\ncontacts: []\n"}),
        ("CRLF 与 BOM", {"systems/czj/czj-crlf.yaml": system("systems/czj/czj-crlf.yaml").replace("\n", "\r\n"),
                        "systems/czj/czj-bom.yaml": "\ufeff" + system("systems/czj/czj-bom.yaml")}),
        ("非 UTF-8", {"systems/czj/czj-gbk.yaml": system("systems/czj/czj-gbk.yaml").encode("gb18030")}),
        ("批准（直接提交）", {PROJECT: yaml_text(project(milestones=APPROVED))}),
        ("副本与转义键", {"docs/copy.yaml": yaml_text(project(milestones=BUDGETED)),
                     "docs/escaped.yaml": yaml_text(project(milestones=EARLY)).replace(
                         "milestones:", '"mile\\x73tones":'),
                     "projects/wjw/2025-wjw-009.yaml": b"%PDF-1.4\n\x00\x01binary"}),
        ("移动与划转", {"systems/czj/czj-b.yaml": None,
                    "systems/wjw/czj-b.yaml": system("systems/czj/czj-b.yaml", unit="wjw", **AHEAD)}),
        ("配置修改", {"registry.yaml": yaml_text({**config(), "jurisdiction": "测试县（修订）"})}),
        ("删除", {"systems/wjw/wjw-bad.yaml": None}),
    ]
    for message, files in edits:
        for path, content in files.items():
            if content is None:
                repo.remove(path)
            else:
                repo.write(path, content)
        repo.commit(message, as_=CLERK)
    (repo.path / "systems/czj").joinpath("czj-link.yaml").symlink_to("czj-a.yaml")
    (repo.path / "projects/wjw").joinpath("2025-wjw-010.yaml").symlink_to("2025-wjw-001.yaml")
    repo.commit("符号链接", as_=CLERK)
    repo.branch("feature")
    repo.write(PROJECT, yaml_text(project(milestones=BUDGETED)))
    repo.write("systems/gaj/gaj-new.yaml", system("systems/gaj/gaj-new.yaml"))
    repo.commit("预算下达", as_=CLERK)
    repo.merge("feature", into="main", as_=FINANCE)
    repo.branch("feature2")
    repo.write(PROJECT, yaml_text(project(milestones=APPROVED)))
    repo.commit("撤回预算", as_=CLERK)
    repo.merge("feature2", into="main", as_=ADMIN)
    return repo


def synthetic(tmp_path: Path) -> GitRepo:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import history_synth

    built = history_synth.build(tmp_path / "synthetic", records=120, merges=60)
    return GitRepo(built.root)


def report_of(root: Path, trust: str) -> tuple[list[Any], list[Any]]:
    report: Report = run_audit(root, trust=trust)
    return [f.as_json("zh") if hasattr(f, "as_json") else f for f in report.findings], report.summary.notices


@pytest.mark.parametrize("build", [varied, synthetic])
def test_inventory_history_fast_cold_warm_and_full_agree(tmp_path: Path, build: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    repo = build(tmp_path)
    monkeypatch.delenv("REGISTRY_NO_CACHE", raising=False)
    full = history(repo.path, today=TODAY, fast=False)
    cold = history(repo.path, today=TODAY)
    assert (repo.path / ".registry-cache").is_dir()
    warm = history(repo.path, today=TODAY)
    monkeypatch.setenv("REGISTRY_HISTORY_FULL", "1")
    assert full == cold == warm == history(repo.path, today=TODAY)
    assert len(full) == len(repo.first_parents())


@pytest.mark.parametrize("trust", ["identities", "signatures"])
@pytest.mark.parametrize("build", [varied, synthetic])
def test_audit_fast_cold_warm_and_full_agree(tmp_path: Path, build: Any, trust: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    repo = build(tmp_path)
    monkeypatch.delenv("REGISTRY_NO_CACHE", raising=False)
    cold = report_of(repo.path, trust)
    warm = report_of(repo.path, trust)
    monkeypatch.setenv("REGISTRY_HISTORY_FULL", "1")
    monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
    assert cold == warm == report_of(repo.path, trust)
    assert cold[0]  # the histories do hold findings to agree on


def every_blob(root: Path) -> list[tuple[str, bytes]]:
    repo = Repo.discover(root)
    assert repo is not None
    entries = gitio.first_parent_log(repo, gitio.resolve_commit(repo, "HEAD") or "")
    wanted = sorted({(c.new_blob, c.path) for e in entries for c in e.changes if c.new_blob and c.regular_file})
    return [(path, raw) for (_oid, path), (_same, raw) in zip(wanted, gitio.read_blobs(repo, wanted))]


@pytest.mark.parametrize("build", [varied, synthetic])
def test_every_blob_reads_as_the_full_loader_reads_it(tmp_path: Path, build: Any) -> None:
    repo = build(tmp_path)
    blobs = every_blob(repo.path)
    assert len(blobs) > 10
    for path, raw in blobs:
        loaded = load_record("systems/x.yaml", raw)
        expected = (loaded.unit, loaded.active, None if loaded.active else loaded.retired_on) \
            if isinstance(loaded, System) else None
        assert system_state(raw, fast=True) == system_state(raw, fast=False) == expected, path
        old = project_record(path, raw)
        expected_project = None if old is None else (  # the audit compares authority milestones only
            old[0], {k: canonical(v) for k, v in old[1].items() if k in AUTHORITY_OF_MILESTONE})
        assert record_of(path, project_fields(raw, fast=True)) == record_of(path, project_fields(raw, fast=False)), path
        assert record_of(path, project_fields(raw, fast=True)) == expected_project, path


def test_one_cat_file_answers_thousands_of_names_without_waiting_on_a_pipe(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    for i in range(30):
        repo.write(f"f{i}.txt", f"{i}\n" * 5000)  # 30 blobs of ~30 KB: more than a pipe holds
    repo.commit("blobs")
    git = Repo.discover(repo.path)
    assert git is not None
    ids = repo.git("ls-tree", "-r", "--format=%(objectname)", "HEAD").split()
    names = [*ids * 100, "0" * 40, "HEAD:f1.txt", "HEAD:nothing", "HEAD:bad\nname"]
    answers = list(git.blobs(names))
    assert len(answers) == len(names)
    assert all(a.kind == "blob" and a.data for a in answers[:3000])
    assert [a.kind for a in answers[3000:]] == ["missing", "blob", "missing", "missing"]
    first = next(git.blobs(ids))  # a reader that stops early leaves no process waiting
    assert first.data is not None


def test_one_at_a_time_reads_share_one_long_lived_cat_file(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    for i in range(20):
        repo.write(f"f{i}.txt", f"{i}\n")
    repo.commit("blobs")
    git = Repo.discover(repo.path)
    assert git is not None
    ids = repo.git("ls-tree", "-r", "--format=%(objectname)", "HEAD").split()
    assert gitio.read_blob(git, ids[0]) in {f"{i}\n".encode() for i in range(20)}
    reader = git._reader
    assert reader is not None
    assert sorted(gitio.read_blob(git, oid) for oid in ids) == sorted(f"{i}\n".encode() for i in range(20))
    assert git._reader is reader  # no process per blob
    with pytest.raises(Exception) as missing:
        gitio.read_blob(git, "0" * 40, "systems/x.yaml")
    assert "systems/x.yaml" in str(missing.value.message.zh)  # type: ignore[attr-defined]
    git.close()
    assert git._reader is None and reader.poll() is not None


def diff_json(root: Path, base: str, capsys: pytest.CaptureFixture[str]) -> str:
    from registry.cli import main

    code = main(["--root", str(root), "diff", "--base", base, "--today", TODAY.isoformat(), "--format", "json"])
    assert code in (0, 1)
    return capsys.readouterr().out


def test_diff_cold_warm_and_uncached_agree_and_follow_a_moving_target(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    repo = synthetic(tmp_path)
    monkeypatch.delenv("REGISTRY_NO_CACHE", raising=False)
    cold = diff_json(repo.path, "HEAD~20", capsys)
    assert diff_json(repo.path, "HEAD~20", capsys) == cold
    assert list((repo.path / ".registry-cache").rglob("diff-base/*"))  # the base's findings were kept
    monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
    assert diff_json(repo.path, "HEAD~20", capsys) == cold
    monkeypatch.delenv("REGISTRY_NO_CACHE")
    # the target moves: an invalid record lands on the base branch; the kept findings must not stand in
    repo.git("switch", "--quiet", "-c", "target", "HEAD~20")
    repo.write("systems/czj/czj-broken.yaml", "id: czj-broken\nunit: czj\nstatus: flying\n")
    repo.commit("目标分支上的无效记录")
    repo.git("switch", "--quiet", "main")
    moved = diff_json(repo.path, "target", capsys)
    monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
    assert diff_json(repo.path, "target", capsys) == moved != cold
