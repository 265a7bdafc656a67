"""The public site in a real browser as the public and a leader use it (issue #12): no page of
any type scrolls sideways at 390 px or 1280 px, no table cell breaks a word a character per
line, chart labels never overlap, axe-core finds no serious or critical violation, search finds
full names and abbreviations first, filtered tables show their totals.

axe-core comes from npm at the version pinned in tests/axe/package-lock.json (scripts/test.sh
runs ``npm ci``); without it the accessibility test is skipped, except under CI.
"""
from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sitebuild import Built, built, built_demo
from test_browser import Session, browser, search, serve  # noqa: F401  (browser: a shared fixture)

sync_api = pytest.importorskip("playwright.sync_api")
AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"

# One page of every type, on the demo registry and on the hostile fixture.
DEMO_PAGES = ["index.html", "summary.html", "systems.html", "projects.html", "units.html", "compliance.html",
              "deadlines.html", "inventory.html", "data.html", "rules/index.html", "rules/jinxiang.html",
              "guide/submit.html", "systems/dsj-gov-cloud.html", "projects/2024-yjj-001.html", "units/wjj.html",
              "units/dsj.html"]
HOSTILE_PAGES = ["index.html", "systems.html", "systems/czj-xss.html", "projects/2024-czj-001.html", "units/wjj.html",
                 "deadlines.html", "data.html"]

# The text of a table cell that wraps so narrowly that it holds fewer than two characters a line.
NARROW_CELLS = """() => {
  const out = [];
  for (const cell of document.querySelectorAll("article td, article th")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim();
      if (text.length < 3) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top / 4)));
      if (lines.size > 1 && text.length / lines.size < 2) out.push(text.slice(0, 30));
    }
  }
  return out;
}"""

# Pairs of text elements of one chart whose boxes intersect.
OVERLAPS = """() => {
  const out = [];
  for (const svg of document.querySelectorAll("article svg")) {
    const boxes = [...svg.querySelectorAll("text")].map(t => [t.textContent, t.getBBox()]);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [a, p] = boxes[i], [b, q] = boxes[j];
      if (p.x < q.x + q.width && q.x < p.x + p.width && p.y < q.y + q.height && q.y < p.y + p.height) out.push(a + " / " + b);
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve(built_demo(tmp_path_factory).public)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site: Built = built("hostile", tmp_path_factory)
    yield from serve(site.public)


@contextlib.contextmanager
def session(browser: Any, server: str, tmp_path: Path, width: int) -> Iterator[Session]:
    """A browser context on ``server`` at ``width`` pixels, closed when the block ends."""
    s = Session(browser, server, tmp_path)
    try:
        s.page.set_viewport_size({"width": width, "height": 860})
        yield s
    finally:
        s.context.close()


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("which", ["demo", "hostile"])
def test_no_page_scrolls_sideways_or_breaks_words_per_character(
        browser: Any, request: pytest.FixtureRequest, tmp_path: Path, which: str, width: int) -> None:
    server = request.getfixturevalue(which)
    with session(browser, server, tmp_path, width) as s:
        for path in DEMO_PAGES if which == "demo" else HOSTILE_PAGES:
            page = s.open(path)
            document_width = page.evaluate("document.documentElement.scrollWidth")
            assert document_width <= width, (path, width, document_width)
            assert page.evaluate(NARROW_CELLS) == [], (path, width)
            s.assert_nothing_ran()


@pytest.mark.parametrize("width", [390, 1280])
def test_chart_labels_never_overlap(browser: Any, demo: str, tmp_path: Path, width: int) -> None:
    with session(browser, demo, tmp_path, width) as s:
        for path in ("index.html", "units/dsj.html", "units/wjj.html", "inventory.html"):
            page = s.open(path)
            assert page.locator("article svg").count() >= 1, path
            assert page.evaluate(OVERLAPS) == [], path


def test_axe_finds_no_serious_or_critical_violation_on_any_page_type(browser: Any, demo: str, hostile: str,
                                                                    tmp_path: Path) -> None:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("CI 中缺少 axe-core：scripts/test.sh 应先运行 npm ci --prefix tests/axe", pytrace=False)
        pytest.skip("未安装 axe-core（npm ci --prefix tests/axe 后运行）")
    found: dict[str, list[str]] = {}
    for server, pages in ((demo, DEMO_PAGES), (hostile, HOSTILE_PAGES)):
        with session(browser, server, tmp_path, 1280) as s:
            for path in pages:
                page = s.open(path)
                assert page.evaluate("document.documentElement.lang") == "zh-CN"
                page.add_script_tag(path=str(AXE))
                result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
                bad = [f"{v['id']}（{v['impact']}）：{v['nodes'][0]['target']}" for v in result["violations"]
                       if v["impact"] in ("serious", "critical")]
                if bad:
                    found[path] = bad
    assert found == {}


def test_search_ranks_full_names_and_aliases_first(browser: Any, demo: str, tmp_path: Path) -> None:
    with session(browser, demo, tmp_path, 1280) as s:
        for query, target in (("政务云", "systems/dsj-gov-cloud.html"), ("卫健局", "units/wjj.html"),
                              ("金乡县政务云平台", "systems/dsj-gov-cloud.html")):
            page = s.open("index.html")
            search(page, query)
            first = page.locator("a.md-search-result__link").first
            first.wait_for(timeout=15_000)
            assert (first.get_attribute("href") or "").split("?")[0].endswith(target), (query, first.get_attribute("href"))


def test_filtered_catalog_shows_the_total_of_the_rows_shown(browser: Any, demo: str, tmp_path: Path) -> None:
    with session(browser, demo, tmp_path, 1280) as s:
        page = s.open("projects.html")
        count = page.locator(".registry-count").first
        assert "投资概算合计" in count.inner_text()
        year = page.locator(".registry-filters select").nth(1)  # unit, year, nature, stage
        year.select_option("2024")
        shown = page.locator("table[data-registry-table] tbody tr:not([hidden])")
        keys = [float(k) for k in shown.evaluate_all(
            "rows => rows.map(r => r.querySelector('td[data-key]').getAttribute('data-key'))")]
        total = f"{sum(keys):,.2f}".rstrip("0").rstrip(".")
        assert f"投资概算合计 {total} 万元" in count.inner_text()
        page = s.open("deadlines.html")
        assert page.locator(".registry-filters label", has_text="单位").count() >= 1
        s.assert_nothing_ran()


def test_one_page_summary_prints_on_one_a4_sheet(browser: Any, demo: str, tmp_path: Path) -> None:
    with session(browser, demo, tmp_path, 1280) as s:
        page = s.open("summary.html")
        page.emulate_media(media="print")
        assert not page.locator(".md-header").is_visible()  # the print style leaves out the navigation
        pdf = page.pdf(format="A4", print_background=True)
        assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1  # one sheet of paper
        assert "数据截至" in page.inner_text("article")
