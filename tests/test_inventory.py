"""``registry inventory`` and :mod:`registry.inventory`: active systems per unit, now and per
first-parent commit, read from real temporary git repositories."""
from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any

import pytest

from casekit import REGISTRY, record_data
from gitrepo import GitRepo, Who, yaml_text
from registry.checking import load_head
from registry.cli import main
from registry.inventory import InventoryPoint, current_counts, history
from registry.loader import ConfigError

ADMIN = Who("数据局管理员", "admin@dsj.test.gov.cn")
CLERK = Who("财政局填报员", "clerk@czj.test.gov.cn")
RETIRED = {"status": "retired", "retired_on": "2025-06-30", "retirement_ref": "测政发〔2025〕1号"}


def system(path: str, **fields: Any) -> dict[str, Any]:
    return record_data(path, fields)


def seeded(tmp_path: Path, *, branch: str = "main", config: dict[str, Any] | None = None) -> GitRepo:
    """registry.yaml plus czj: 2 active systems, wjw: 1 active and 1 retired."""
    repo = GitRepo.init(tmp_path / "registry", branch=branch)
    repo.write("registry.yaml", config or REGISTRY)
    for path in ("systems/czj/czj-budget.yaml", "systems/czj/czj-pay.yaml", "systems/wjw/wjw-his.yaml"):
        repo.write(path, system(path))
    repo.write("systems/wjw/wjw-old.yaml", system("systems/wjw/wjw-old.yaml", **RETIRED))
    repo.commit("初始登记", as_=ADMIN)
    return repo


def counts_of(points: list[InventoryPoint]) -> list[dict[str, int]]:
    return [p.counts for p in points]


def test_current_counts_are_active_systems_per_unit(tmp_path: Path) -> None:
    repo = seeded(tmp_path)
    assert current_counts(load_head(repo.path)) == {"czj": 2, "wjw": 1}


def test_history_follows_first_parents_through_merges_transfers_renames_and_non_ascii_paths(tmp_path: Path) -> None:
    repo = seeded(tmp_path)
    # A branch whose first commit raises czj to 3 and whose second retires two: net 3 → 1.
    repo.branch("czj-consolidation")
    repo.write("systems/czj/czj-new.yaml", system("systems/czj/czj-new.yaml", new_system_approval={"doc_no": "测政字〔2025〕2号", "date": "2025-03-01"}))
    repo.commit("新增 czj-new", as_=CLERK)
    for path in ("systems/czj/czj-budget.yaml", "systems/czj/czj-pay.yaml"):
        repo.write(path, system(path, **RETIRED))
    repo.commit("停用两个旧系统", as_=CLERK)
    merge = repo.merge("czj-consolidation", into="main", as_=ADMIN)
    # A transfer: the file moves to the receiving unit's folder (a rename in git).
    repo.move("systems/wjw/wjw-his.yaml", "systems/czj/wjw-his.yaml")
    repo.write("systems/czj/wjw-his.yaml", system(
        "systems/czj/wjw-his.yaml", transferred_from={"unit": "wjw", "doc_no": "测编发〔2025〕4号", "date": "2025-07-01"}))
    repo.commit("wjw-his 划转至 czj", as_=ADMIN)
    # A non-ASCII file name (REG003 reports it; the record still counts, as in the working tree).
    repo.write("systems/gaj/公安视频系统.yaml", record_data("systems/gaj/gaj-video.yaml", {}))
    repo.commit("新增公安系统（中文文件名）", as_=ADMIN)

    points = history(repo.path)

    assert [p.commit for p in points] == repo.first_parents("main")
    assert counts_of(points) == [
        {"czj": 2, "wjw": 1},
        {"czj": 1, "wjw": 1},  # the merge: the branch's intermediate 3 never reached main
        {"czj": 2, "wjw": 0},  # transferred; wjw still holds its retired system, so stays listed
        {"czj": 2, "gaj": 1, "wjw": 0},
    ]
    assert points[1].commit == merge and points[1].subject.startswith("Merge branch")
    assert points[-1].counts == {u: n for u, n in current_counts(load_head(repo.path)).items()}
    assert points[0].date < points[-1].date


def test_a_unit_whose_last_system_goes_stays_listed_with_zero(tmp_path: Path) -> None:
    repo = seeded(tmp_path)
    repo.write("systems/wjw/wjw-his.yaml", system("systems/wjw/wjw-his.yaml", **RETIRED))
    repo.commit("停用 wjw-his", as_=CLERK)
    assert history(repo.path)[-1].counts == {"czj": 2, "wjw": 0}


def test_an_invalid_record_is_not_counted_as_in_the_working_tree(tmp_path: Path) -> None:
    repo = seeded(tmp_path)
    repo.write("systems/czj/czj-pay.yaml", system("systems/czj/czj-pay.yaml", statsu="operating"))
    repo.commit("拼错字段", as_=CLERK)
    assert history(repo.path)[-1].counts == current_counts(load_head(repo.path)) == {"czj": 1, "wjw": 1}


def test_outside_git_or_without_commits_the_history_is_empty(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "registry.yaml").write_text(yaml_text(REGISTRY), encoding="utf-8")
    assert history(plain) == []
    empty = GitRepo.init(tmp_path / "empty")
    empty.write("registry.yaml", REGISTRY)
    assert history(empty.path) == []


def test_default_branch_falls_back_to_origin_then_head(tmp_path: Path) -> None:
    repo = seeded(tmp_path, branch="master")  # registry.yaml says base_branch main (the default)
    assert len(history(repo.path)) == 1  # no main, no origin/main: HEAD
    repo.write("systems/czj/czj-x.yaml", system("systems/czj/czj-x.yaml"))
    repo.commit("新增 czj-x", as_=CLERK)
    repo.git("update-ref", "refs/remotes/origin/main", "HEAD~1")  # as a CI checkout has it
    assert counts_of(history(repo.path)) == [{"czj": 2, "wjw": 1}]


def test_an_explicit_branch_that_does_not_exist_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = seeded(tmp_path)
    with pytest.raises(ConfigError):
        history(repo.path, "no-such-branch")
    assert main(["--root", str(repo.path), "inventory", "--history", "--base-branch", "no-such-branch"]) == 2
    assert "找不到分支 no-such-branch" in capsys.readouterr().err


def test_history_of_a_registry_in_a_subdirectory(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "mono")
    repo.write("registry/registry.yaml", REGISTRY)
    repo.write("registry/systems/czj/czj-budget.yaml", system("systems/czj/czj-budget.yaml"))
    repo.write("systems/czj/outside.yaml", system("systems/czj/outside.yaml"))  # not the registry's
    repo.commit("子目录中的登记簿", as_=ADMIN)
    assert counts_of(history(repo.path / "registry")) == [{"czj": 1}]


def test_cli_now_in_text_json_and_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = seeded(tmp_path)
    root = str(repo.path)
    assert main(["--root", root, "inventory"]) == 0
    text = capsys.readouterr().out
    assert "czj" in text and "测试县财政局" in text and "合计" in text
    assert main(["--root", root, "inventory", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["total"] == 3
    assert {"unit": "czj", "name": "测试县财政局", "active": 2} in payload["units"]
    assert {"unit": "gaj", "name": "测试县公安局", "active": 0} in payload["units"]  # configured, no systems
    assert main(["--root", root, "inventory", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == ["unit,name,active", "czj,测试县财政局,2"]


def test_cli_history_in_text_json_and_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = seeded(tmp_path)
    repo.write("systems/wjw/wjw-his.yaml", system("systems/wjw/wjw-his.yaml", **RETIRED))
    last = repo.commit("停用 wjw-his, 整合入平台", as_=CLERK)
    root = str(repo.path)
    assert main(["--root", root, "inventory", "--history"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "wjw 1→0" in lines[1] and last[:8] in lines[1]
    assert main(["--root", root, "inventory", "--history", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [h["counts"] for h in payload["history"]] == [{"czj": 2, "wjw": 1}, {"czj": 2, "wjw": 0}]
    assert payload["history"][-1] == {"commit": last, "date": payload["history"][-1]["date"],
                                      "subject": "停用 wjw-his, 整合入平台", "counts": {"czj": 2, "wjw": 0}, "total": 2}
    assert main(["--root", root, "inventory", "--history", "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "date,commit,subject,total,czj,wjw"
    assert rows[2].endswith(f'{last},"停用 wjw-his, 整合入平台",2,2,0')


def test_a_damaged_history_is_a_usage_error_not_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = seeded(tmp_path)
    root_commit = repo.rev("HEAD")
    repo.write("systems/czj/czj-x.yaml", system("systems/czj/czj-x.yaml"))
    repo.commit("新增 czj-x", as_=CLERK)
    (repo.path / ".git" / "objects" / root_commit[:2] / root_commit[2:]).unlink()  # lose the root commit
    assert main(["--root", str(repo.path), "inventory", "--history"]) == 2
    err = capsys.readouterr().err
    assert "无法读取 git 历史" in err and "Traceback" not in err


def test_cli_history_outside_git_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "registry.yaml").write_text(yaml_text(REGISTRY), encoding="utf-8")
    assert main(["--root", str(tmp_path), "inventory", "--history"]) == 2
    assert "不在 git 仓库中" in capsys.readouterr().err


# -- 300 first-parent commits: one git log pass, then the changed blobs -------------------------


def _fast_import_stream(commits: int) -> tuple[str, list[dict[str, int]]]:
    """A history of ``commits`` first-parent commits on main (every tenth a merge of a side
    commit), each adding or retiring one system; returns the stream and expected counts."""
    units = [f"u{i:02d}" for i in range(12)]
    config = copy.deepcopy(REGISTRY)
    config["units"] += [{"id": u, "name": f"单位{u}", "kind": "department"} for u in units]
    out: list[str] = []
    active: dict[str, list[str]] = {u: [] for u in units}
    expected: list[dict[str, int]] = []
    mark = 0
    main_mark = 0

    def blob(path: str, data: dict[str, Any]) -> str:
        text = yaml_text(data).encode("utf-8")
        return f"M 100644 inline {path}\ndata {len(text)}\n" + text.decode("utf-8") + "\n"

    def commit(ref: str, message: str, body: str, parents: list[int]) -> int:
        nonlocal mark
        mark += 1
        when = 1735693200 + mark * 3600
        msg = message.encode("utf-8")
        head = [f"commit {ref}", f"mark :{mark}", f"author 填报员 <clerk@test.gov.cn> {when} +0800",
                f"committer 管理员 <admin@test.gov.cn> {when} +0800", f"data {len(msg)}", message]
        head += [f"from :{parents[0]}"] if parents else []
        head += [f"merge :{p}" for p in parents[1:]]
        out.append("\n".join(head) + "\n" + body + "\n")
        return mark

    for n in range(commits):
        unit = units[n % len(units)]
        if n % 3 == 2 and active[unit]:
            sid = active[unit].pop(0)
            change = blob(f"systems/{unit}/{sid}.yaml", record_data(f"systems/{unit}/{sid}.yaml", RETIRED))
        else:
            sid = f"{unit}-s{n:03d}"
            active[unit].append(sid)
            change = blob(f"systems/{unit}/{sid}.yaml", record_data(f"systems/{unit}/{sid}.yaml", {}))
        if n == 0:
            main_mark = commit("refs/heads/main", "初始登记", blob("registry.yaml", config) + change, [])
        elif n % 10 == 0:
            side = commit("refs/heads/side", f"分支提交 {n}", change, [main_mark])
            # fast-import does not merge trees: the merge commit states the merged tree itself
            main_mark = commit("refs/heads/main", f"Merge side {n}", change, [main_mark, side])
        else:
            main_mark = commit("refs/heads/main", f"提交 {n}", change, [main_mark])
        expected.append({u: len(ids) for u, ids in active.items() if ids or any(u in e for e in expected)})
    return "".join(out), expected


def test_300_first_parent_commits_in_one_pass(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "big")
    stream, expected = _fast_import_stream(300)
    repo.fast_import(stream)
    repo.git("reset", "--quiet", "--hard", "main")
    assert len(repo.first_parents("main")) == 300

    started = time.perf_counter()
    points = history(repo.path)
    elapsed = time.perf_counter() - started

    print(f"\ninventory history: {len(points)} first-parent commits in {elapsed:.3f} s")
    assert len(points) == 300
    assert [{u: n for u, n in p.counts.items()} for p in points] == expected
    assert points[-1].counts == current_counts(load_head(repo.path))
