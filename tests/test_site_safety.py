"""Privacy and safety of the published site and exports (issue #4, items 5 and 6).

The fixture ``tests/fixtures/hostile`` plants a canary in every internal field (``notes``,
``contacts``, units' ``contact``) and hostile strings in names and free text. The built site,
the ``registry site`` output and every export must hold no canary, and every hostile string
must be shown as text: no script, event handler or ``javascript:`` URL of ours or theirs.
"""
from __future__ import annotations

import gzip
import html
import re
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from registry.cli import main
from registry.export import INTERNAL_FIELDS
from registry.loader import load_config, load_records, read_files, record_files
from registry.models.base import Contact
from sitebuild import FIXTURES, Built, built, fixture_copy

HOSTILE = FIXTURES / "hostile"
CANARY = re.compile(r"CANARY|金丝雀|canary-")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return built("hostile", tmp_path_factory)


# ------------------------------------------------------------------------------ the fixture


def test_fixture_has_a_canary_in_every_internal_field() -> None:
    """Guard the guard: the privacy tests prove nothing if a field holds no canary."""
    config = load_config(HOSTILE)
    head = load_records(read_files(HOSTILE, record_files(HOSTILE)))
    assert not head.invalid
    for unit in config.units:
        assert unit.contact is not None and CANARY.search(unit.contact.name), unit.id
    planted: dict[str, set[str]] = {}
    for record in (*head.systems, *head.projects):
        for name in INTERNAL_FIELDS[type(record)]:
            value = getattr(record, name)
            if value:
                assert CANARY.search(str(value)), (record.id, name)
                planted.setdefault(type(record).__name__, set()).add(name)
    assert planted == {"System": {"notes", "contacts"}, "Project": {"notes", "contacts"}}
    contact_fields = set(Contact.model_fields)
    filled = {
        name for r in (*head.systems, *head.projects) for c in r.contacts for name in contact_fields
        if getattr(c, name) and CANARY.search(getattr(c, name))
    }
    assert filled == contact_fields  # name, phone, email and title all carry canaries


# ---------------------------------------------------------------------------- privacy scans


def texts_of(path: Path) -> Iterator[tuple[str, str]]:
    """(name, text) of a file, unpacking XLSX members and .gz, with entities and the
    zero-width spaces of the search index removed, so no encoding hides a canary."""
    raw = path.read_bytes()
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as book:
            for member in book.namelist():
                yield f"{path}:{member}", _normal(book.read(member))
        return
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    yield str(path), _normal(raw)


def _normal(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace").replace("\u200b", "")
    return html.unescape(html.unescape(text))  # twice: text escaped inside an attribute


def canaries_in(folder: Path) -> list[str]:
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        for name, text in texts_of(path):
            found += [f"{name}: …{text[max(m.start() - 30, 0):m.end() + 30]}…" for m in CANARY.finditer(text)]
    return found


def test_built_site_holds_no_canary(site: Built) -> None:
    files = [p for p in site.public.rglob("*") if p.is_file()]
    assert len(files) > 50 and (site.public / "search" / "search_index.json").exists()
    assert canaries_in(site.public) == []


def test_exports_hold_no_canary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "export"
    root = ["--root", str(HOSTILE)]
    assert main([*root, "export", "--format", "json", "--out", str(out / "catalog.json")]) == 0
    assert main([*root, "export", "--format", "csv", "--out", str(out)]) == 0
    assert main([*root, "export", "--format", "xlsx", "--out", str(out / "catalog.xlsx")]) == 0
    assert main([*root, "export", "--format", "json"]) == 0
    stdout = capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == ["catalog.json", "catalog.xlsx", "projects.csv", "systems.csv", "units.csv"]
    assert canaries_in(out) == []
    assert not CANARY.search(stdout) and "预算管理一体化系统" in stdout


def test_generated_pages_hold_no_canary(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    registry = fixture_copy("hostile", tmp_path_factory)
    assert main(["--root", str(registry), "site", "--out", str(tmp_path / "pages"), "--today", "2025-12-01"]) == 0
    assert canaries_in(tmp_path / "pages") == []


# ----------------------------------------------------------------------------------- safety


class Scan(HTMLParser):
    """Collects what could run: scripts, event-handler attributes, script URLs, frames."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[str | None, str]] = []
        self.handlers: list[str] = []
        self.script_urls: list[str] = []
        self.frames: list[str] = []
        self.text: list[str] = []
        self._in_script: str | None | bool = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self._in_script = values.get("src")
            self.scripts.append((values.get("src"), ""))
        if tag in ("iframe", "object", "embed", "img") and "registry" not in (values.get("class") or ""):
            self.frames.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}={value}")
            if value and value.strip().lower().startswith(("javascript:", "data:text/html", "vbscript:")):
                self.script_urls.append(f"{tag} {name}={value}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script is not False:
            src, body = self.scripts[-1]
            self.scripts[-1] = (src, body + data)
        else:
            self.text.append(data)


def scan(path: Path) -> Scan:
    parser = Scan()
    parser.feed(path.read_text("utf-8"))
    return parser


def test_no_page_runs_anything_from_the_records(site: Built) -> None:
    pages = sorted(site.public.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        found = scan(page)
        assert found.handlers == [], page
        assert found.script_urls == [], page
        assert found.frames == [], page
        for src, body in found.scripts:
            if src is not None:
                assert src.endswith(("bundle.a5f9d56c.min.js", "assets/tables.js")) or "javascripts/" in src, (page, src)
            else:  # Material's own inline scripts: none carries record text
                assert "alert" not in body and "{{" not in body, (page, body[:200])


@pytest.mark.parametrize(
    ("page", "literal"),
    [
        ("systems/czj-xss.html", "<script>alert('xss')</script>预算管理一体化系统"),
        ("systems/czj-xss.html", "[x](javascript:alert(1)) **粗** `代码`"),
        ("systems/czj-xss.html", "{{ config }} {% raw %} <iframe src=javascript:alert(2)></iframe>"),
        ("systems/czj-xss.html", "# 不是标题"),
        ("systems/czj-old.html", "{{ config }} 旧系统 {% raw %}"),
        ("projects/2024-czj-001.html", "[x](javascript:alert(1)) 预算系统升级 <script>alert('project')</script>"),
        ("projects/2024-czj-001.html", "必要性 {{ config.site_name }} {% include 'x' %}"),
        ("projects/2024-wjj-001.html", "卫健 {% raw %}{{ 7*7 }}{% endraw %} 项目"),
        ("compliance.html", "<img src=x onerror=alert('reason')> 会议决定 {{ config }}"),
        ("units.html", "财政局 <script>alert('unit')</script>"),
        ("index.html", "测试县<b>粗体</b>政务信息化登记簿"),
    ],
)
def test_hostile_strings_are_shown_as_text(site: Built, page: str, literal: str) -> None:
    text = "".join(scan(site.public / page).text)
    assert literal in text


def test_a_pipe_in_a_value_does_not_break_a_table(site: Built) -> None:
    """Every row of every catalog table has as many cells as its header."""
    for page in ("systems.html", "projects.html", "units.html", "compliance.html"):
        content = (site.public / page).read_text("utf-8")
        for table in re.findall(r"<table class=\"registry-table.*?</table>", content, re.S):
            header = len(re.findall(r"<th\b", table.split("</thead>")[0]))
            for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S):
                assert len(re.findall(r"<td\b", row)) == header, (page, row[:200])
    assert "卫健局 | 破坏 | 表格" in "".join(scan(site.public / "units.html").text)


def test_page_titles_show_the_name_as_text(site: Built) -> None:
    content = (site.public / "systems" / "czj-xss.html").read_text("utf-8")
    title = re.search(r"<title>(.*?)</title>", content, re.S)
    assert title is not None and "<script" not in title.group(1)
    assert html.unescape(title.group(1)).startswith("<script>alert('xss')</script>预算管理一体化系统")


# ------------------------------------------------------------------ people (issue #12, item 6)

PERSONAL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+\.[A-Za-z]{2,}"
                      r"|(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])|(?<![0-9A-Za-z])0\d{2,3}-\d{7,8}(?![0-9A-Za-z])")
THEME = "assets/javascripts/"  # Material's own scripts (a bundled library's licence names its author)


def personal_in(folder: Path) -> list[str]:
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if THEME in path.relative_to(folder).as_posix():
            continue
        for name, text in texts_of(path):
            found += [f"{name}: {m.group(0)}" for m in PERSONAL.finditer(text)]
    return found


def test_built_site_and_exports_hold_no_email_address_or_phone_number(site: Built, tmp_path: Path) -> None:
    """The fixture's approvers are e-mail addresses (dsj-admin@example.gov.cn): the site shows a
    count instead, and no export lists them."""
    assert "dsj-admin@example.gov.cn" in (HOSTILE / "registry.yaml").read_text("utf-8")
    assert personal_in(site.public) == []
    out = tmp_path / "export"
    assert main(["--root", str(HOSTILE), "export", "--format", "csv", "--out", str(out)]) == 0
    assert main(["--root", str(HOSTILE), "export", "--format", "xlsx", "--out", str(out / "catalog.xlsx")]) == 0
    assert main(["--root", str(HOSTILE), "export", "--format", "json", "--out", str(out / "catalog.json")]) == 0
    assert personal_in(out) == []
    assert "1 人（身份不公开）" in "".join(scan(site.public / "units" / "dsj.html").text)
