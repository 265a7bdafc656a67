"""The clerks' web form in a real browser, against a real local repository.

``registry cms`` writes admin/ (the pinned Decap CMS from npm plus the generated config),
``decap-server`` (npm, pinned in tests/cms/package-lock.json, git mode: the editorial workflow)
serves a temporary copy of the demo registry, and headless Chromium fills in the form the way
a clerk does. Every save lands on its own branch ``cms/<collection>/<unit>/<id>`` (the pull
request a forge would show) and the file there must pass ``registry check`` exactly as written.

Screenshots for the README's 办事员指南 go to a temporary folder, or to
``$REGISTRY_CMS_SCREENSHOTS`` when set (how site/assets/guide/ is refreshed).

Skipped without node (the form needs it, the rest of the registry does not); under CI a
missing decap-server or chromium is a failure (scripts/test.sh installs both).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gitrepo import GitRepo
from registry.cli import main
from registry.enums import Stage
from registry.models import Project
from registry.models.project import Milestones
from registry.yamlio import parse as parse_yaml

PROJECT = Path(__file__).resolve().parent.parent
DECAP_SERVER = PROJECT / "tests" / "cms" / "node_modules" / "decap-server" / "dist" / "index.js"
NODE = shutil.which("node")
STARTUP_SECONDS = 30
SAVE_SECONDS = 30
CLERK = ("财政局办事员", "clerk@czj.example.gov.cn")

if NODE is None:
    pytest.skip("未安装 node：网页表单的浏览器测试需要 node ≥ 20（scripts/test.sh 在 CI 中运行它）", allow_module_level=True)
if not DECAP_SERVER.exists():
    if os.environ.get("CI"):
        pytest.fail("CI 中缺少 decap-server：scripts/test.sh 会用 npm ci --prefix tests/cms 安装", pytrace=False)
    pytest.skip("未安装 decap-server：运行 bash scripts/test.sh（或 npm ci --prefix tests/cms）后再测",
                allow_module_level=True)

pytest.importorskip("playwright.sync_api")
# Chromium as the catalog's browser test runs it (skipped, or failed under CI, without it).
from test_browser import Quiet, browser  # noqa: E402

__all__ = ["browser"]  # a fixture of this module too


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Served(Quiet):
    extensions_map = {**Quiet.extensions_map, ".yml": "text/yaml", ".js": "text/javascript",
                      ".wasm": "application/wasm"}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """A copy of the demo registry, set up for the form like a real one (``cms:`` configured)."""
    repo = GitRepo.init(tmp_path_factory.mktemp("cms") / "registry")
    for name in ("systems", "projects", "docs"):
        shutil.copytree(PROJECT / name, repo.path / name)
    config = (PROJECT / "registry.yaml").read_text(encoding="utf-8")
    repo.write("registry.yaml", config + "\ncms: {backend: github, repo: jinxiang-demo/registry}\n")
    repo.git("config", "user.name", CLERK[0])  # decap-server commits with the repository's identity
    repo.git("config", "user.email", CLERK[1])
    repo.commit("演示登记簿")
    return repo


@contextlib.contextmanager
def decap_server(root: Path, port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        "PATH": os.environ.get("PATH", ""), "HOME": str(root.parent), "PORT": str(port),
        "BIND_HOST": "127.0.0.1", "MODE": "git", "GIT_REPO_DIRECTORY": str(root), "LOG_LEVEL": "info",
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
    }
    with log.open("wb") as out:
        process = subprocess.Popen([str(NODE), str(DECAP_SERVER)], env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while not _listening(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"decap-server 未能启动：\n{log.read_text(errors='replace')}")
                time.sleep(0.2)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def site(repo: GitRepo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """admin/ built by ``registry cms`` (outside the repository) and served on 127.0.0.1."""
    public = tmp_path_factory.mktemp("public")
    port = free_port()
    assert main(["--root", str(repo.path), "cms", "--out", str(public), "--proxy-port", str(port)]) == 0
    handler = functools.partial(Served, directory=str(public))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        with decap_server(repo.path, port, public.parent / "decap-server.log"):
            yield f"http://127.0.0.1:{httpd.server_address[1]}/admin/"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wanted = os.environ.get("REGISTRY_CMS_SCREENSHOTS")
    folder = Path(wanted) if wanted else tmp_path_factory.mktemp("shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Clerk:
    """One browser session at the form; records requests that leave this machine."""

    def __init__(self, browser: Any, site: str, shots: Path) -> None:
        self.context = browser.new_context(viewport={"width": 1100, "height": 760}, locale="zh-CN")
        self.outside: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.site = site
        self.shots = shots
        self.page.goto(site)
        self.page.get_by_role("button", name="登录").click()
        self.page.get_by_text("政务信息系统").first.wait_for()

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def open(self, fragment: str) -> None:
        self.page.goto(self.site + "#/" + fragment)

    def fill(self, label: str, value: str) -> None:
        self.page.get_by_label(label, exact=True).fill(value)

    def choose(self, label: str, option: str) -> None:
        """A drop-down: open it, type to search, pick the option by its Chinese label."""
        self.page.get_by_label(label, exact=True).click()
        self.page.keyboard.type(option)
        self.page.get_by_role("option", name=option).first.click()

    def expand(self, label: str) -> Any:
        """Open a collapsed mapping (an object widget's title bar); its container."""
        target = self.page.locator("label", has_text=label).last.get_attribute("for")
        container = self.page.locator(f"[id='{target}']")
        container.locator("[data-testid=expand-button]").first.click()
        return container

    def save(self) -> None:
        self.page.get_by_role("button", name="保存", exact=True).click()

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.shots / f"{name}.jpg"), type="jpeg", quality=60)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def clerk(browser: Any, site: str, shots: Path) -> Iterator[Clerk]:
    session = Clerk(browser, site, shots)
    yield session
    session.close()
    assert session.outside == []  # no CDN, no telemetry: everything is served from here


def wait_for_save(clerk: Clerk, repo: GitRepo, branch: str, path: str) -> str:
    """The file as committed on the branch the save opened. Polled while letting the page run:
    the sync API routes the page's requests only while Python waits inside Playwright."""
    deadline = time.monotonic() + SAVE_SECONDS
    while True:
        shown = subprocess.run(["git", "show", f"{branch}:{path}"], cwd=repo.path, capture_output=True,
                               text=True, check=False)
        if shown.returncode == 0 and changed_files(repo, branch) == [path]:
            return shown.stdout
        if time.monotonic() > deadline:
            raise AssertionError(f"保存后 {SAVE_SECONDS} 秒内分支 {branch} 上没有 {path}")
        clerk.page.wait_for_timeout(300)


def check_on_branch(repo: GitRepo, branch: str, path: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    """``registry check PATH`` on a copy of the branch the form saved to, the file untouched.
    (An export, not a git worktree: decap-server must stay free to check the branch out.)"""
    tree = tmp / branch.replace("/", "-")
    tree.mkdir()
    archive = subprocess.run(["git", "archive", branch], cwd=repo.path, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return subprocess.run([sys.executable, "-m", "registry", "check", path], cwd=tree,
                          capture_output=True, text=True, timeout=120, check=False)


def changed_files(repo: GitRepo, branch: str) -> list[str]:
    return repo.git("diff", "--name-only", f"main...{branch}").splitlines()


def test_a_clerk_adds_a_system_and_the_file_passes_check(clerk: Clerk, repo: GitRepo, tmp_path: Path) -> None:
    clerk.page.get_by_text("（czj/czj-asset）").first.wait_for()  # the list, summaries from the config
    clerk.shot("cms-1-collections")
    clerk.open("collections/systems/new")
    clerk.fill("系统编号", "czj-web-form")
    clerk.fill("系统名称", "金乡县财政票据网页登记测试系统")
    clerk.choose("所属单位", "金乡县财政局")
    clerk.choose("状态", "运行中")
    clerk.fill("系统简介 (可选)", "通过网页表单登记的测试系统。")
    clerk.fill("上线日期 (可选)", "2025-03-01")
    clerk.choose("部署方式", "县级政务云")
    clerk.choose("网络 (可选)", "电子政务外网")
    clerk.choose("接入平台 (可选)", "一体化大数据平台")
    clerk.expand("数据")
    clerk.page.get_by_label("已共享 (可选)", exact=True).click()
    clerk.page.get_by_label("系统编号", exact=True).scroll_into_view_if_needed()
    clerk.shot("cms-2-new-system")
    clerk.save()
    branch = "cms/systems/czj/czj-web-form"
    written = wait_for_save(clerk, repo, branch, "systems/czj/czj-web-form.yaml")  # only this file
    assert written.splitlines() == [
        "id: czj-web-form", "name: 金乡县财政票据网页登记测试系统", "unit: czj", "status: operating",
        "description: 通过网页表单登记的测试系统。", "online_since: 2025-03-01", "deployment: county_cloud",
        "network: egov_extranet", "platforms:", "  - big_data_platform", "data:", "  shared: true",
    ]
    done = check_on_branch(repo, branch, "systems/czj/czj-web-form.yaml", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    clerk.page.get_by_text("删除未发布的内容").wait_for()  # saved as a draft: a branch, not yet merged
    clerk.shot("cms-3-saved")


def test_a_required_field_left_empty_is_refused_with_its_chinese_label(clerk: Clerk, repo: GitRepo) -> None:
    clerk.open("collections/systems/new")
    clerk.fill("系统编号", "czj-no-name")
    clerk.choose("所属单位", "金乡县财政局")
    clerk.choose("状态", "规划中")
    clerk.choose("部署方式", "县级政务云")
    clerk.save()
    clerk.page.get_by_text("“系统名称”是必填项").wait_for()
    clerk.page.get_by_text("你漏掉了一个必填项").first.wait_for()
    clerk.page.get_by_label("系统编号", exact=True).scroll_into_view_if_needed()
    clerk.shot("cms-4-required")
    clerk.page.wait_for_timeout(1000)
    assert "cms/systems/czj/czj-no-name" not in repo.git("branch", "--list", "cms/*")


def test_a_clerk_retires_a_system(clerk: Clerk, repo: GitRepo, tmp_path: Path) -> None:
    clerk.open("collections/systems/entries/czj/czj-asset")
    clerk.choose("状态", "已停用")
    clerk.fill("停用日期 (可选)", "2025-06-30")
    clerk.fill("停用依据 (可选)", "金财字〔2025〕12号")
    clerk.page.get_by_label("状态", exact=True).scroll_into_view_if_needed()
    clerk.shot("cms-5-retire")
    clerk.save()
    branch = "cms/systems/czj/czj-asset"
    written = wait_for_save(clerk, repo, branch, "systems/czj/czj-asset.yaml")
    assert "status: retired" in written.splitlines() and "retired_on: 2025-06-30" in written.splitlines()
    done = check_on_branch(repo, branch, "systems/czj/czj-asset.yaml", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_clerk_registers_a_milestone(clerk: Clerk, repo: GitRepo, tmp_path: Path) -> None:
    project = next(p for p in sorted((repo.path / "projects").glob("*/*.yaml"))
                   if "contracted" not in p.read_text(encoding="utf-8")
                   and "awarded" in p.read_text(encoding="utf-8"))
    unit, ident = project.parent.name, project.stem
    before = Project.model_validate(parse_yaml(project.read_bytes()).data)
    signed = max(m.date for m in map(before.milestones.get, before.milestones.present())) + dt.timedelta(days=1)
    clerk.open(f"collections/projects/entries/{unit}/{ident}")
    clerk.expand("里程碑")
    contracted = clerk.expand("合同签订")
    contracted.locator("input[type=date]").first.fill(signed.isoformat())
    clerk.shot("cms-6-milestone")
    clerk.save()
    path = f"projects/{unit}/{ident}.yaml"
    written = wait_for_save(clerk, repo, f"cms/projects/{unit}/{ident}", path)
    data = parse_yaml(written.encode()).data
    assert data["milestones"]["contracted"] == {"date": signed}
    after = Project.model_validate(data)  # the shape the loader wants: a date, not text
    assert set(after.milestones.present()) == {*before.milestones.present(), Stage.contracted}
    # Keys in the model's order at every depth: only the clerk's lines change meaning.
    assert list(data) == [k for k in Project.model_fields if k in data]
    assert list(data["milestones"]) == [k for k in Milestones.model_fields if k in data["milestones"]]
    done = check_on_branch(repo, branch=f"cms/projects/{unit}/{ident}", path=path, tmp=tmp_path)
    assert "(REG007)" not in done.stdout and "(REG001)" not in done.stdout, done.stdout
