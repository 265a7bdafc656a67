"""registry.site: the generated pages, independent of MkDocs (and ``registry site --out``)."""
from __future__ import annotations

import datetime as dt
import posixpath
import re
from pathlib import Path

import pytest

from casekit import build_registry, record_data
from gitrepo import GitRepo, Who, yaml_text
from registry import ruledocs
from registry.cli import main
from registry.rules import RULES
from registry.site import generate, generate_site, urls
from registry.site.markup import Cell, Column, Table, esc
from registry.site.svg import _ticks, step_chart
from sitebuild import fixture_copy
TODAY = dt.date(2025, 12, 1)
CLERK = Who("王科员", "clerk@czj.example.gov.cn")
APPROVER = Who("李主任", "dsj-admin@example.gov.cn")
CST = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fixture_copy("hostile", tmp_path_factory)


@pytest.fixture(scope="module")
def hostile(registry: Path) -> dict[str, str | bytes]:
    return generate(registry, today=TODAY)


def page(files: dict[str, str | bytes], path: str) -> str:
    content = files[path]
    assert isinstance(content, str)
    return content


# ------------------------------------------------------------------------------ the page set


def test_every_page_of_the_issue_is_generated(hostile: dict[str, str | bytes]) -> None:
    expected = {
        urls.HOME, urls.SYSTEMS, urls.PROJECTS, urls.UNITS, urls.COMPLIANCE, urls.DEADLINES,
        urls.INVENTORY, urls.RULES_INDEX, urls.OPEN_DATA, urls.SUMMARY,
        urls.rules("common"), urls.rules("jinxiang"),  # only the chosen profile's rule page
        "systems/czj-xss.md", "systems/czj-old.md", "systems/wjj-table.md",
        "projects/2024-czj-001.md", "projects/2024-wjj-001.md",
        "units/dsj.md", "units/czj.md", "units/wjj.md",
        "data/catalog.json", "data/catalog.xlsx", "data/units.csv", "data/systems.csv", "data/projects.csv",
        "data/dictionary.csv", "data/SHA256SUMS", "data/deadlines.csv", "data/deadlines.xlsx",
        "data/schema/registry.schema.json", "data/schema/system.schema.json", "data/schema/project.schema.json",
    }
    assert set(hostile) == expected
    assert all(isinstance(hostile[p], str) for p in expected if p.endswith(".md"))


def test_record_and_unit_pages_name_their_source_file(registry: Path) -> None:
    site = generate_site(registry, today=TODAY)
    assert site.sources["systems/czj-xss.md"] == "systems/czj/czj-xss.yaml"
    assert site.sources["projects/2024-wjj-001.md"] == "projects/wjj/2024-wjj-001.yaml"
    assert site.sources["units/wjj.md"] == "registry.yaml"
    assert "systems.md" not in site.sources  # a catalog has no single source file


HREF = re.compile(r'href="([^"]+)"')


def test_every_link_between_generated_pages_resolves(hostile: dict[str, str | bytes]) -> None:
    anchors = {path: set(re.findall(r"\{#([a-z0-9-]+)\}", text)) | set(re.findall(r'id="([^"]+)"', text))
               for path, text in hostile.items() if isinstance(text, str)}
    checked = 0
    for source, text in hostile.items():
        if not isinstance(text, str):
            continue
        for href in HREF.findall(text):
            if href.startswith("https://"):
                continue  # the licence: the only link off the site
            target, _, anchor = href.partition("#")
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
            if resolved.endswith(".html"):
                resolved = resolved[: -len(".html")] + ".md"
            assert resolved in hostile, (source, href)
            if anchor:
                assert anchor in anchors[resolved], (source, href)
            checked += 1
    assert checked > 80


def test_rule_links_point_at_the_anchor_ruledocs_writes() -> None:
    for rule in RULES.values():
        assert f"{{#{urls.rule_anchor(rule.id)}}}" in ruledocs.markdown(rule), rule.id
    assert urls.rule("QX15.1") == "rules/quxian.md#qx15-1"
    assert urls.rule("NOPE") is None


def test_href_is_relative_and_points_at_html() -> None:
    assert urls.href("systems/a.md", "projects/b.md") == "../projects/b.html"
    assert urls.href("index.md", "rules/jinxiang.md#jx35") == "rules/jinxiang.html#jx35"
    assert urls.href("units/x.md", "data/catalog.json") == "../data/catalog.json"


# ------------------------------------------------------------------------------------ pages


def test_catalogs_are_filterable_tables_with_chinese_labels(hostile: dict[str, str | bytes]) -> None:
    systems = page(hostile, urls.SYSTEMS)
    assert "data-registry-table" in systems and systems.count("data-filter") == 4
    assert "运行中" in systems and "县级政务云" in systems and "已整合" in systems
    projects = page(hostile, urls.PROJECTS)
    assert projects.count("data-filter") == 4 and "升级改造" in projects and "开工" in projects


def test_project_page_shows_milestones_budget_links_and_findings(hostile: dict[str, str | bytes]) -> None:
    text = page(hostile, "projects/2024-czj-001.md")
    for words in ("里程碑", "立项批复", "2024-02-01", "未到达", "投资概算（万元）", "本级财政预算",
                  "整合或停用", "../systems/czj-old.html", "../rules/jinxiang.html#jx35", "变更记录"):
        assert words in text, words


def test_system_page_shows_lineage_and_projects(hostile: dict[str, str | bytes]) -> None:
    merged = page(hostile, "systems/czj-old.md")
    assert "整合至" in merged and "czj-xss.html" in merged
    target = page(hostile, "systems/czj-xss.md")
    assert "由以下系统整合而来" in target and "czj-old.html" in target
    assert target.count("../projects/2024-czj-001.html") == 1  # named twice, listed once
    assert "等保级别" in target and "一体化大数据平台" in target


def test_deadlines_overdue_and_due_within_30_days(hostile: dict[str, str | bytes]) -> None:
    text = page(hostile, urls.DEADLINES)
    overdue, upcoming = text.split("## 30 天内到期")
    assert "2024-czj-001.html" in overdue and "2024-wjj-001.html" not in overdue
    assert "2024-wjj-001.html" in upcoming and "2024-czj-001.html" not in upcoming


def test_compliance_lists_findings_by_rule_and_unit_and_disabled_rules(hostile: dict[str, str | bytes]) -> None:
    text = page(hostile, urls.COMPLIANCE)
    assert "## 按规则" in text and "## 按单位" in text and 'id="unit-wjj"' in text
    assert "JX28" in text and "JX9" in text and "## 停用的规则" in text and "JX37" in text


def test_rule_pages_mark_what_is_in_force(hostile: dict[str, str | bytes]) -> None:
    jinxiang = page(hostile, "rules/jinxiang.md")
    assert "本登记簿适用" in jinxiang and "本登记簿：已停用。理由：" in jinxiang
    assert "不符合的示例" in jinxiang and "第三十五条" in jinxiang
    assert "rules/quxian.md" not in hostile  # another county's regulation is not shown


def test_open_data_page_links_every_download(hostile: dict[str, str | bytes]) -> None:
    text = page(hostile, urls.OPEN_DATA)
    for name in ("catalog.json", "units.csv", "systems.csv", "projects.csv", "catalog.xlsx", "dictionary.csv",
                 "SHA256SUMS", "schema/system.schema.json"):
        assert f'href="data/{name}"' in text
    assert "安全·等保级别" in text and "mlps" not in text  # the dictionary page: Chinese, no field keys
    assert "内部备注" not in text and "联系人·" not in text


# ------------------------------------------------------------------- history from real git


def test_change_history_and_inventory_from_git(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "registry")
    build_registry(repo.path, {"registry": {"profiles": ["jinxiang"]}, "records": {
        "systems/czj/czj-a.yaml": {}, "systems/czj/czj-b.yaml": {},
    }})
    repo.commit("初始登记", as_=APPROVER, when=dt.datetime(2024, 6, 1, 9, tzinfo=CST))
    repo.branch("retire-b")
    repo.write("systems/czj/czj-b.yaml", yaml_text(record_data("systems/czj/czj-b.yaml", {
        "status": "retired", "retired_on": "2025-03-01", "retirement_ref": "测大数据发〔2025〕9号"})))
    repo.commit("停用 czj-b", as_=CLERK, when=dt.datetime(2025, 3, 2, 9, tzinfo=CST))
    repo.merge("retire-b", as_=APPROVER, message="Merge pull request #7", when=dt.datetime(2025, 3, 3, 9, tzinfo=CST))

    files = generate(repo.path, today=TODAY)
    history = page(files, "systems/czj-b.md").split("## 变更记录")[1]
    # The record's changes in the registry's words, not the developers' commit messages.
    assert "2025-03-03" in history and "状态：运行中 → 已停用" in history and "李主任（合并）" in history
    assert "更新：停用日期、停用依据" in history
    assert "2024-06-01" in history and "新增登记" in history
    assert "Merge" not in history and "初始登记" not in history and "停用 czj-b" not in history
    assert "@" not in history  # names only: no e-mail addresses on the site
    inventory = page(files, urls.INVENTORY)
    assert "2025 年初 3 个，变化 -1" in inventory  # czj-budget, czj-a, czj-b → czj-b retired
    unit = page(files, "units/czj.md")
    assert unit.count("<circle") == 3  # two commits on main, then the current files
    assert "现有在用系统 2 个，2025 年初 3 个（-1）" in unit


def test_outside_git_the_site_says_there_is_no_history(tmp_path: Path) -> None:
    build_registry(tmp_path, {"records": {}})
    files = generate(tmp_path, today=TODAY)
    assert "未读取到主分支的版本历史" in page(files, urls.INVENTORY)
    assert "暂无变更记录" in page(files, "systems/czj-budget.md")


# -------------------------------------------------------------------------- markup and svg


@pytest.mark.parametrize("char", list("<>&\"'`*_[](){}|#!~^\\$:"))
def test_esc_turns_every_active_character_into_an_entity(char: str) -> None:
    assert esc(f"a{char}b") == f"a&#{ord(char)};b"


def test_esc_keeps_lines_without_blank_lines() -> None:
    assert esc("一\n\n二\r\n三") == "一<br><br>二<br>三"
    assert esc(None) == ""


def test_table_renders_empty_message_and_keys() -> None:
    assert "（无）" in Table([Column("甲")]).render()
    table = Table([Column("金额", numeric=True, nowrap=True)], rows=[[Cell("1,200", "1200.0")]], interactive=True)
    html = table.render()
    assert 'data-key="1200.0"' in html and "data-numeric" in html and 'class="nowrap"' in html


def test_chart_axis_ends_on_a_round_tick() -> None:
    assert _ticks(41) == [0, 10, 20, 30, 40, 50]
    assert _ticks(6) == [0, 2, 4, 6]
    assert _ticks(1) == [0, 1]
    svg = step_chart([(dt.date(2025, 1, 1), 3), (dt.date(2025, 6, 1), 2)], title="趋势<script>")
    assert svg.count("<circle") == 2 and "<script>" not in svg and "&#60;script&#62;" in svg
    assert step_chart([], title="空") == ""


# ---------------------------------------------------------------------------- the command


def test_site_command_writes_pages_and_assets(registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pages"
    assert main(["--root", str(registry), "site", "--out", str(out), "--today", "2025-12-01"]) == 0
    assert "已写出" in capsys.readouterr().out
    assert (out / "systems" / "czj-xss.md").read_text("utf-8").startswith("---\ntitle:")
    assert (out / "data" / "catalog.xlsx").read_bytes()[:2] == b"PK"


def test_site_command_bad_registry_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "registry.yaml").write_text("jurisdiction: 测试县\nprofiles: [nowhere]\n", encoding="utf-8")
    code = main(["--root", str(tmp_path), "site", "--out", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    assert code == 2 and "registry.yaml" in err and "Traceback" not in out + err


def test_unit_page_lists_its_records_without_a_unit_column(hostile: dict[str, str | bytes]) -> None:
    text = page(hostile, "units/czj.md")
    assert "czj-xss.html" in text and "czj-old.html" in text and "2024-czj-001.html" in text
    assert "所属单位</th>" not in text and "建设单位</th>" not in text
    assert "2024-wjj-001.html" not in text  # another unit's project
    assert '<svg class="inventory-chart"' in text
