"""Zensical parity (issue #12): ``registry site --out DIR --pages site`` writes the pages the
MkDocs build publishes (generated and hand-written, the home page joined), and zensical.toml
names the same pages as mkdocs.yml. Building with Zensical itself needs the ``zensical``
package; without it that one test is skipped (see the README)."""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from registry.cli import main
from sitebuild import FIXTURES, PROJECT, Built, built, stage


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return built("hostile", tmp_path_factory)


def written_pages(tmp_path: Path, root: Path) -> Path:
    out = tmp_path / "pages"
    assert main(["--root", str(root), "site", "--out", str(out), "--pages", str(root / "site"),
                 "--today", "2025-12-01"]) == 0
    return out


def test_site_command_writes_the_pages_mkdocs_publishes(site: Built, tmp_path: Path) -> None:
    out = written_pages(tmp_path, site.root)
    written = {p.relative_to(out).as_posix()[: -len(".md")] for p in out.rglob("*.md")}
    published = {p.relative_to(site.public).as_posix()[: -len(".html")] for p in site.public.rglob("*.html")
                 if p.parent.name != "search" and p.name != "404.html"}
    assert written == published
    home = (out / "index.md").read_text("utf-8")
    assert "系统按状态" in home and "关于本站" in home and "registry:generated" not in home
    assert home.index("系统按状态") < home.index("关于本站")
    assert (out / "assets" / "registry.css").is_file() and not (out / "overrides").exists()


def test_site_command_refuses_a_missing_pages_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = stage(FIXTURES / "hostile", tmp_path / "registry")
    code = main(["--root", str(root), "site", "--out", str(tmp_path / "out"), "--pages", str(tmp_path / "nowhere")])
    assert code == 2 and "手写页面目录" in capsys.readouterr().err


def _nav_pages(nav: Any) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [p for item in nav for p in _nav_pages(item)]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in _nav_pages(value)]
    return []


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_constructor("!ENV", lambda loader, node: None)


def test_zensical_toml_names_the_same_pages_and_settings_as_mkdocs_yml() -> None:
    zensical = tomllib.loads((PROJECT / "zensical.toml").read_text("utf-8"))["project"]
    mkdocs = yaml.load((PROJECT / "mkdocs.yml").read_text("utf-8"), Loader=_Loader)  # noqa: S506 (our own file)
    assert _nav_pages(zensical["nav"]) == _nav_pages(mkdocs["nav"])
    assert zensical["use_directory_urls"] is False and zensical["theme"]["font"] is False
    assert zensical["extra"]["generator"] is False and zensical["plugins"]["search"]["lang"] == "zh"
    assert zensical["extra_css"] == mkdocs["extra_css"] and zensical["extra_javascript"] == mkdocs["extra_javascript"]


@pytest.mark.skipif(importlib.util.find_spec("zensical") is None, reason="未安装 zensical（pip install zensical）")
def test_zensical_builds_the_same_page_list(site: Built, tmp_path: Path) -> None:
    root = site.root
    shutil.copy(PROJECT / "zensical.toml", tmp_path / "zensical.toml")
    written_pages(tmp_path / "build", root)  # build/pages: zensical.toml's docs_dir
    done = subprocess.run([sys.executable, "-m", "zensical", "build", "-f", str(tmp_path / "zensical.toml")],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    zensical = {p.relative_to(tmp_path / "public").as_posix() for p in (tmp_path / "public").rglob("*.html")}
    mkdocs = {p.relative_to(site.public).as_posix() for p in site.public.rglob("*.html")}
    assert {p for p in mkdocs if p != "404.html"} <= zensical
