"""README "为本县建立登记簿": the commands of its shell blocks, run exactly as written from
`pip install` to the first merged pull request. Offline: the pip line installs this checkout
(a copy, with --no-deps, into a fresh virtualenv whose dependencies come from the running one;
only the build backend comes from the configured package index), the hosting platform is a
local bare repository, and its merge button is `git merge --no-ff`, as GitHub records it."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]

from registry.scaffold import PIN

REPO = Path(__file__).resolve().parents[1]
SECTION = "## 为本县建立登记簿"
REMOTE = "https://git.example.gov.cn/linhe/registry.git"


def blocks() -> list[str]:
    text = (REPO / "README.md").read_text("utf-8")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)```", section, re.S)


def install_checkout(venv: Path, tmp_path: Path) -> str:
    """A fresh virtualenv with this checkout installed by pip (a copy: nothing is written into
    the source tree), the dependencies reached through a .pth file."""
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    site = Path(subprocess.run([str(venv / "bin/python"), "-c", "import sysconfig;print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    for command, module in (("mkdocs", "mkdocs"), ("pre-commit", "pre_commit")):  # the dependencies' commands
        script = venv / "bin" / command
        script.write_text(f'#!/bin/sh\nexec "{venv / "bin/python"}" -m {module} "$@"\n', encoding="utf-8")
        script.chmod(0o755)
    source = tmp_path / "source"
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                           check=True, capture_output=True, text=True).stdout.split("\0")
    for name in filter(None, files):
        origin, target = REPO / name, source / name
        if not origin.exists() and not origin.is_symlink():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_symlink():
            target.symlink_to(os.readlink(origin))
        else:
            shutil.copy2(origin, target)
    return f"pip install --quiet --no-deps {source}"


def ledgers(where: Path) -> None:
    units = Workbook()
    for row in [["单位代码", "单位名称", "单位类型", "审核人"],
                ["dsj", "临河县大数据局", "数据主管部门", "@linhe/dsj"],
                ["czj", "临河县财政局", "县直部门", "@linhe/czj"],
                ["wjj", "临河县卫生健康局", "县直部门", "@linhe/wjj"]]:
        units.active.append(row)
    units.save(where / "单位.xlsx")
    systems = Workbook()
    systems.active.title = "系统清单"
    for row in [["临河县政务信息系统清单"],
                ["序号", "系统名称", "所属单位", "运行状态", "上线时间", "部署方式", "等保级别", "已共享", "接入平台"],
                [1, "预算管理一体化系统", "财政局", "运行中", "2021年6月", "县级政务云", "三级", "是", "一体化大数据平台"],
                [2, "全民健康信息平台", "卫生健康局", "在用", "2020/9/1", "自建机房", "二级", "是", "一体化大数据平台"]]:
        systems.active.append(row)
    systems.save(where / "系统清单.xlsx")


def run(script: str, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(["bash", "-c", "set -euo pipefail\n" + script], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{script}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    return done.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_readme_walkthrough_runs_from_pip_install_to_the_first_merged_pull_request(tmp_path: Path) -> None:
    install, create, first_push, import_branch, after_merge = blocks()
    assert f'pip install "{PIN}"' in install  # the README installs this very version
    venv = tmp_path / "venv"
    work = tmp_path / "work"
    work.mkdir()
    ledgers(work)
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"), "GIT_CONFIG_NOSYSTEM": "1",
           "REGISTRY_TODAY": "2025-12-01", "NO_MKDOCS_2_WARNING": "1"}
    env.pop("VIRTUAL_ENV", None)
    (tmp_path / "gitconfig").write_text(
        f'[user]\n\tname = 数据局\n\temail = dsj@linhe.example\n[url "{remote}"]\n\tinsteadOf = {REMOTE}\n',
        encoding="utf-8")

    out = run(install.replace(f'pip install "{PIN}"', install_checkout(venv, tmp_path)), work, env)
    assert PIN.split("==")[1] in out
    run(create, work, env)
    root = work / "linhe-registry"
    assert (root / "public/index.html").exists() and "临河县" in (root / "public/index.html").read_text("utf-8")
    run(first_push, root, env)
    run(import_branch, root, env)
    assert {p.name for p in (root / "systems").rglob("*.yaml")} == {"czj-system-01.yaml", "wjj-system-01.yaml"}

    # the hosting platform: CI checks the pull request, then the reviewer merges it
    merge_tree = tmp_path / "platform"
    subprocess.run(["git", "clone", "-q", str(remote), str(merge_tree)], check=True, env=env)
    ci = subprocess.run([str(venv / "bin/registry"), "check", "--base", "origin/main"], cwd=merge_tree, env=env,
                        capture_output=True, text=True, check=False)
    assert "Traceback" not in ci.stderr
    run("git fetch -q origin && git merge -q --no-ff origin/import-systems -m '合并请求 #1：导入政务信息系统清单' "
        "&& git push -q origin main", merge_tree, env)

    run(after_merge, root, env)
    log = subprocess.run(["git", "log", "--oneline", "--first-parent", "main"], cwd=root, env=env,
                         capture_output=True, text=True, check=True).stdout
    assert "合并请求 #1" in log
    assert (root / "systems/czj/czj-system-01.yaml").exists()
    assert "@linhe/czj" in (root / "CODEOWNERS").read_text("utf-8")
