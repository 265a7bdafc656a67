"""The built catalog in a real browser (headless Chromium through Playwright): search in
Chinese, filter a table, see a chart, download open data, and run nothing from the records.

Uses Debian's ``chromium`` (Playwright's own browser download is not needed). Without
/usr/bin/chromium the test is skipped, except under CI, where a missing browser is a failure
(scripts/test.sh installs it).
"""
from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sitebuild import Built, built

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
# Recorded by the page itself: any alert/confirm/prompt a hostile string might trigger.
TRAP = """
window.__ran = [];
for (const name of ["alert", "confirm", "prompt"]) {
  window[name] = (...args) => { window.__ran.push(name + ":" + args.join(" ")); };
}
"""

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail("CI 中缺少 /usr/bin/chromium：请先 apt-get install chromium（scripts/test.sh 会安装）", pytrace=False)
    pytest.skip("未安装 /usr/bin/chromium（apt-get install chromium 后运行浏览器测试）", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002  (the base class's name)
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return built("hostile", tmp_path_factory)


def serve(public: Path) -> Iterator[str]:
    """A quiet static server on 127.0.0.1 for a built site, for the length of a fixture."""
    handler = functools.partial(Quiet, directory=str(public))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def server(site: Built) -> Iterator[str]:
    yield from serve(site.public)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield instance
        instance.close()


class Session:
    """A page that records dialogs, script errors and requests leaving localhost."""

    def __init__(self, browser: Any, server: str, shots: Path) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        self.context.add_init_script(TRAP)
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.server = server
        self.shots = shots

    def _route(self, route: Any) -> None:
        if route.request.url.startswith(self.server):
            route.continue_()
        else:  # the site must work offline: nothing may be fetched from elsewhere
            self.outside.append(route.request.url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: str) -> Any:
        self.page.goto(f"{self.server}/{path}", wait_until="load")
        return self.page

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)

    def assert_nothing_ran(self) -> None:
        assert self.dialogs == [] and self.page.evaluate("window.__ran") == []
        assert self.errors == [] and self.outside == []


def search(page: Any, query: str) -> None:
    """Type into Material's search box. It reads the box on keyup, and Chinese text arrives
    as composed input without one, so a key press follows (as an IME's Enter would)."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")
    page.wait_for_function(
        "() => /符合条件的结果/.test(document.querySelector('.md-search-result__meta').textContent)",
        timeout=15_000,
    )


@pytest.fixture
def session(browser: Any, server: str, tmp_path: Path) -> Iterator[Session]:
    shots = tmp_path / "screenshots"
    shots.mkdir()
    s = Session(browser, server, shots)
    yield s
    s.context.close()


def test_home_then_search_a_chinese_system_name_and_open_its_page(session: Session) -> None:
    page = session.open("index.html")
    assert "系统按状态" in page.inner_text("article")
    session.shot("home")
    search(page, "预算管理一体化系统")
    result = page.locator("a.md-search-result__link", has_text="预算管理一体化系统").first
    result.wait_for(timeout=15_000)
    session.shot("search")
    result.click()
    page.wait_for_url("**/systems/czj-xss.html*")
    heading = page.locator("article h1").inner_text()
    assert heading.startswith("<script>alert('xss')</script>预算管理一体化系统")
    session.shot("system")
    session.assert_nothing_ran()


def test_search_results_show_hostile_names_as_text(session: Session) -> None:
    page = session.open("index.html")
    search(page, "旧系统")
    item = page.locator(".md-search-result__item", has_text="旧系统").first
    item.wait_for(timeout=15_000)
    assert "{{ config }} 旧系统 {% raw %}" in item.inner_text().replace("\u200b", "")
    page = session.open("index.html")  # a fresh page: the previous results are gone
    search(page, "预算管理一体化系统")
    item = page.locator(".md-search-result__item", has_text="alert").first
    item.wait_for(timeout=15_000)
    assert "<script>alert('xss')</script>" in item.inner_text().replace("\u200b", "")
    session.shot("search-hostile")
    session.assert_nothing_ran()


def test_filter_and_sort_the_systems_table(session: Session) -> None:
    page = session.open("systems.html")
    rows = page.locator("table[data-registry-table] tbody tr")
    assert rows.count() == 3
    status = page.locator(".registry-filters select").nth(1)  # unit, status, deployment, scope
    status.select_option("运行中")
    visible = page.locator("table[data-registry-table] tbody tr:not([hidden])")
    assert visible.count() == 1 and "预算管理一体化系统" in visible.first.inner_text()
    assert "显示 1 / 3 条" in page.inner_text(".registry-count")
    status.select_option("")
    page.locator(".registry-filters input[type=search]").fill("破坏者")
    assert visible.count() == 1 and "表格 | 破坏者 | 系统" in visible.first.inner_text()
    page.locator(".registry-filters input[type=search]").fill("")
    page.locator("th button.registry-sort", has_text="系统编号").click()
    ids = page.locator("table[data-registry-table] tbody tr td:nth-child(2)").all_inner_texts()
    assert ids == sorted(ids)
    session.shot("systems-filtered")
    session.assert_nothing_ran()


def test_unit_page_shows_the_inventory_chart(session: Session) -> None:
    page = session.open("units/czj.html")
    chart = page.locator("svg.inventory-chart")
    assert chart.is_visible() and chart.bounding_box()["width"] > 200
    assert "在用政务信息系统数量" in (chart.get_attribute("aria-label") or "")
    assert "财政局 <script>alert('unit')</script>" in page.locator("article h1").inner_text()
    session.shot("unit")
    session.assert_nothing_ran()


def test_open_data_page_downloads_the_csv(session: Session, tmp_path: Path) -> None:
    page = session.open("data.html")
    with page.expect_download() as info:
        page.locator("a", has_text="systems.csv").first.click(modifiers=["Alt"])  # Alt-click: save the link
    target = tmp_path / "systems.csv"
    info.value.save_as(target)
    content = target.read_bytes()
    assert content.decode("utf-8").startswith("\ufeff系统编号,系统名称,简称,所属单位,状态")
    assert "预算管理一体化系统" in content.decode("utf-8-sig") and b"CANARY" not in content
    session.shot("open-data")
    session.assert_nothing_ran()


def test_pages_with_hostile_strings_run_nothing(session: Session) -> None:
    for path in ("projects/2024-czj-001.html", "projects/2024-wjj-001.html", "systems/czj-old.html",
                 "systems/wjj-table.html", "compliance.html", "deadlines.html", "inventory.html",
                 "units.html", "units/wjj.html", "rules/jinxiang.html"):
        session.open(path)
        session.assert_nothing_ran()
