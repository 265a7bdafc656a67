"""The site's page cache is never stale, and every generated page stays reachable.

Each edit below changes what some page shows through another record (a linked system's name,
the roles a project gives a system, a merge, a unit's name, the git history, the date); after
each one the site generated with the cache must equal the site generated without it."""
from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import shutil
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from fixturekit import committed_fixture, edit, set_at
from gitrepo import GitRepo
from registry import export
from registry.checking import run_check
from registry.site import build, generate, generate_site, pagecache, urls
from registry.site.data import gather

TODAY = dt.date(2026, 3, 1)


def uncached(root: Path, today: dt.date = TODAY) -> dict[str, str | bytes]:
    return generate(root, today=today, use_cache=False)


def _rename_system(root: Path, repo: GitRepo) -> None:
    edit(root, "systems/czj/czj-budget.yaml", set_at("name", "金乡县财政预算一体化系统（新名）"))


def _move_system_role(root: Path, repo: GitRepo) -> None:
    edit(root, "projects/czj/2024-czj-001.yaml", set_at("systems.upgrades", []),
         set_at("systems.maintains", ["czj-budget"]))


def _merge_system(root: Path, repo: GitRepo) -> None:
    edit(root, "systems/czj/czj-nontax.yaml", set_at("merged_into", "czj-budget"))


def _rename_unit(root: Path, repo: GitRepo) -> None:
    config = root / "registry.yaml"
    text = config.read_text("utf-8")
    config.write_text(re.sub(r"(?m)^(\s*name: )金乡县财政局\s*$", r"\1金乡县财政局（更名）", text, count=1), "utf-8")


def _commit(root: Path, repo: GitRepo) -> None:
    repo.commit("更新登记")


def _remove_project(root: Path, repo: GitRepo) -> None:
    (root / "projects/czj/2024-czj-001.yaml").unlink()


EDITS: list[Callable[[Path, GitRepo], None]] = [
    _rename_system, _move_system_role, _merge_system, _rename_unit, _commit, _remove_project, _commit,
]


def test_cached_site_equals_uncached_after_every_edit(tmp_path: Path) -> None:
    root, repo = committed_fixture("jinxiang", tmp_path)
    first = generate(root, today=TODAY)
    assert first == uncached(root)
    assert generate(root, today=TODAY) == first  # warm: everything from the cache
    before = first
    for change in EDITS:
        change(root, repo)
        cached = generate(root, today=TODAY)
        assert cached != before, f"{change.__name__} changed nothing: the test would prove nothing"
        assert cached == uncached(root), change.__name__
        before = cached
    later = TODAY + dt.timedelta(days=400)
    assert generate(root, today=later) == uncached(root, later)


def test_unchanged_build_renders_nothing_and_an_edit_renders_its_neighbours(tmp_path: Path) -> None:
    root, repo = committed_fixture("jinxiang", tmp_path)
    generate(root, today=TODAY)
    warm = gather(root, today=TODAY)
    build(warm)
    assert warm.cache.rendered == 0
    _rename_system(root, repo)
    after = gather(root, today=TODAY)
    build(after)
    # The renamed system's page, the page of the project that names it, and the open data.
    assert after.cache.rendered == 3


def test_another_tool_version_never_reads_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = committed_fixture("jinxiang", tmp_path)
    generate(root, today=TODAY)
    monkeypatch.setattr(pagecache, "fingerprint", lambda: "another build of the tool")
    data = gather(root, today=TODAY)
    build(data)
    records = len(data.systems) + len(data.projects)
    assert data.cache.rendered >= records + 1


def test_no_cache_environment_writes_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = committed_fixture("jinxiang", tmp_path)
    shutil.rmtree(root / ".registry-cache", ignore_errors=True)  # one another test may have left
    monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
    generate_site(root, today=TODAY)
    assert not (root / ".registry-cache").exists()


def test_every_generated_page_is_reached_from_the_navigation_pages(tmp_path: Path) -> None:
    """Record and unit pages are not in the navigation (it stays small so that every page's
    copy of it stays small): the catalogs link them. Follow links from the pages the
    navigation lists and reach every page."""
    root, _ = committed_fixture("jinxiang", tmp_path)
    files = generate(root, today=TODAY)
    pages = {path: text for path, text in files.items() if isinstance(text, str) and path.endswith(".md")}
    in_nav = [p for p in pages if not p.startswith(("systems/", "projects/", "units/"))]
    seen, todo = set(in_nav), list(in_nav)
    while todo:
        source = todo.pop()
        for href in re.findall(r'href="([^"#?]+)', pages[source]):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(source), href))
            target = target[: -len(".html")] + ".md" if target.endswith(".html") else target
            if target in pages and target not in seen:
                seen.add(target)
                todo.append(target)
    record_pages = {p for p in pages if p.startswith(("systems/", "projects/", "units/"))}
    assert len(record_pages) > 10
    assert record_pages <= seen, sorted(record_pages - seen)
    assert urls.SYSTEMS in in_nav and urls.PROJECTS in in_nav


def test_workbooks_are_the_same_bytes_whenever_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = committed_fixture("jinxiang", tmp_path)
    run = run_check(root, today=TODAY, use_cache=False)
    first = export.to_xlsx(run.config, run.context.head, TODAY)
    later = time.time() + 86_400 * 3
    monkeypatch.setattr(time, "time", lambda: later)
    assert export.to_xlsx(run.config, run.context.head, TODAY) == first
    assert export.table_xlsx("期限提醒", ["a"], [["1"]]) == export.table_xlsx("期限提醒", ["a"], [["1"]])
    with zipfile.ZipFile(io.BytesIO(first)) as book:
        assert {info.date_time for info in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert "xl/worksheets/sheet2.xml" in book.namelist()
