"""The MkDocs build of the catalog (mkdocs.yml + hooks/registry_pages.py + site/), as a
registry repository runs it: ``mkdocs build --strict``."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sitebuild import FIXTURES, Built, built, mkdocs_build, stage


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return built("hostile", tmp_path_factory)


def read(site: Built, path: str) -> str:
    return (site.public / path).read_text("utf-8")


def test_strict_build_has_no_warning(site: Built) -> None:
    assert "WARNING" not in site.log and "登记簿页面：生成" in site.log
    for page in ("index.html", "systems.html", "projects.html", "units.html", "compliance.html", "deadlines.html",
                 "inventory.html", "rules/index.html", "rules/jinxiang.html", "data.html", "guide/submit.html",
                 "guide/review.html", "guide/rules.html", "systems/czj-xss.html", "projects/2024-czj-001.html",
                 "units/czj.html", "data/catalog.xlsx", "data/schema/project.schema.json"):
        assert (site.public / page).is_file(), page
    assert not (site.public / "overrides").exists()  # theme overrides are not published


def test_search_index_is_chinese_and_segmented(site: Built) -> None:
    index = json.loads(read(site, "search/search_index.json"))
    assert index["config"]["lang"] == ["zh"]
    titles = {doc["location"]: doc["title"] for doc in index["docs"]}
    assert "\u200b" in titles["units/czj.html"] or "\u200b" in "".join(titles.values())
    segmented = [doc["text"] for doc in index["docs"] if doc["location"] == "systems/czj-xss.html"][0]
    assert "\u200b" in segmented  # jieba split the Chinese text into words at build time


def test_record_pages_stay_out_of_the_navigation(site: Built) -> None:
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>', read(site, "systems/czj-xss.html"), re.S)
    assert nav is not None
    links = re.findall(r'href="([^"]+)"', nav.group(0))
    assert not [link for link in links if re.search(r"(systems|projects|units)/[^/]+\.html", link)]
    assert any(link.endswith("systems.html") for link in links)


def test_edit_links_point_at_the_source_yaml(site: Built) -> None:
    def edit_link(page: str) -> str | None:
        found = re.search(r'href="([^"]+)" title="编辑此页"', read(site, page))
        return found.group(1) if found else None

    assert edit_link("systems/czj-xss.html") == "https://github.com/example/registry/edit/main/systems/czj/czj-xss.yaml"
    assert edit_link("projects/2024-wjj-001.html") == "https://github.com/example/registry/edit/main/projects/wjj/2024-wjj-001.yaml"
    assert edit_link("units/wjj.html") == "https://github.com/example/registry/edit/main/registry.yaml"
    assert edit_link("guide/submit.html") == "https://github.com/example/registry/edit/main/site/guide/submit.md"
    assert edit_link("systems.html") is None  # a catalog is generated from many files


def test_home_page_joins_the_hand_written_intro_and_the_totals(site: Built) -> None:
    home = read(site, "index.html")
    assert "系统按状态" in home and "关于本站" in home and "registry:generated" not in home
    assert home.index("系统按状态") < home.index("关于本站")


def test_site_uses_no_cdn_and_no_third_party_calls(site: Built) -> None:
    for page in site.public.rglob("*.html"):
        text = page.read_text("utf-8")
        assert not re.search(r'<(script|img|iframe)[^>]+src="(https?:)?//', text), page
        assert not re.search(r'<link[^>]+href="(https?:)?//[^"]+"[^>]*rel="stylesheet"', text), page
        assert not re.search(r'rel="stylesheet"[^>]+href="(https?:)?//', text), page
        assert "fonts.googleapis" not in text and 'data-md-component="source"' not in text, page


def test_bad_registry_fails_the_build_with_a_chinese_message(tmp_path: Path) -> None:
    root = stage(FIXTURES / "hostile", tmp_path / "registry")
    (root / "registry.yaml").write_text(
        "jurisdiction: 测试县\nprofiles: [nowhere]\nunits: [{id: dsj, name: 大数据局, kind: authority}]\n"
        "authorities: {data_authority: dsj}\n", encoding="utf-8")
    done = mkdocs_build(root, check=False)
    assert done.returncode != 0
    assert "无法生成登记簿页面" in done.stderr and "未知的规则配置 nowhere" in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_build_date_and_directory_urls_are_explained(tmp_path: Path) -> None:
    root = stage(FIXTURES / "hostile", tmp_path / "registry")
    done = mkdocs_build(root, today="2025-13-01", check=False)
    assert done.returncode != 0 and "REGISTRY_TODAY" in done.stderr and "Traceback" not in done.stderr
    config = root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("use_directory_urls: false", "use_directory_urls: true"), "utf-8")
    done = mkdocs_build(root, check=False)
    assert done.returncode != 0 and "use_directory_urls: false" in done.stderr and "Traceback" not in done.stderr
