"""The public site as citizens and leaders read it (issue #12): plain Chinese wording, no
personal contact details, totals that match the records, deadlines with due dates, portal-grade
open data and search terms. Browser checks (widths, chart labels, axe-core) are in test_browser.py."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from casekit import build_registry
from registry.cli import main
from registry.site import generate, urls
from registry.site.changelog import describe
from registry.site.figures import by_source
from registry.site.svg import bar_chart, label_box, step_chart
from registry.site.wording import field_label, public_message
from registry.models import Project, System
from sitebuild import PROJECT

TODAY = dt.date(2025, 12, 1)
PERSONAL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+\.[A-Za-z]|(?<![0-9a-f])1[3-9]\d{9}(?![0-9a-f])|0\d{2,3}-\d{7,8}")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str | bytes]:
    """The pages of the project's own demo registry (金乡县)."""
    root = tmp_path_factory.mktemp("demo") / "registry"
    root.mkdir()
    shutil.copy(PROJECT / "registry.yaml", root / "registry.yaml")
    for folder in ("systems", "projects", "docs"):
        shutil.copytree(PROJECT / folder, root / folder)
    return generate(root, today=TODAY)


class Text(HTMLParser):
    """The text a reader sees (no tags, no attribute values, no code elements)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._code += tag == "code"

    def handle_endtag(self, tag: str) -> None:
        self._code -= tag == "code"

    def handle_data(self, data: str) -> None:
        if not self._code:
            self.parts.append(data)


def visible(markdown: str) -> str:
    body = markdown.split("\n---\n", 1)[1] if markdown.startswith("---\n") else markdown
    parser = Text()
    parser.feed(body)
    return " ".join(parser.parts)


def public_pages(files: dict[str, str | bytes]) -> dict[str, str]:
    """Generated pages a reader sees, but not the rule documentation (it quotes the file format
    for those who write the files)."""
    return {path: visible(text) for path, text in files.items()
            if isinstance(text, str) and path.endswith(".md") and not path.startswith("rules/")}


# ------------------------------------------------------------------------------ wording


DOTTED = re.compile(r"(?<![\w./-])[a-z_]+(?:\.[a-z_]+)+(?![\w/-])")
YAML_KEY = re.compile(r"(?<![\w/-])[a-z_]{3,}: ?[a-z_]+")
FILE_NAMES = re.compile(r"\b[\w.-]+\.(?:json|csv|xlsx|yaml)\b")
RECORD_IDS = re.compile(r"\b[a-z0-9]+(?:-[a-z0-9]+)+\b|\b[0-9a-f]{64}\b")  # czj-budget, 2025-czj-001, checksums


def test_no_field_path_yaml_or_profile_id_on_public_pages(demo: dict[str, str | bytes]) -> None:
    pages = public_pages(demo)
    assert len(pages) > 40
    for path, text in pages.items():
        text = FILE_NAMES.sub("", text)
        assert not DOTTED.findall(text), (path, DOTTED.findall(text)[:5])
        assert not YAML_KEY.findall(text), (path, YAML_KEY.findall(text)[:5])
        assert "jinxiang" not in text, path


def test_no_english_on_public_pages(demo: dict[str, str | bytes]) -> None:
    """ASCII words on the pages are record and unit codes (in <code>), file names, rule IDs
    and proper names (APP, CA) only."""
    allowed = {"APP", "CA", "CSV", "Excel", "JSON", "Schema", "SHA", "KB", "MB", "CC", "BY", "DCAT", "SHA256SUMS",
               "BOM", "UTF", "A4", "IPv"}
    found: dict[str, str] = {}
    for path, text in public_pages(demo).items():
        text = RECORD_IDS.sub("", FILE_NAMES.sub("", text))
        words = {w for w in re.findall(r"[A-Za-z]{2,}", text)
                 if w not in allowed and not re.fullmatch(r"[A-Z]+\d*[A-Z]?", w)}
        words -= {w for w in words if re.fullmatch(r"[A-Z]{2,4}", w)}  # rule IDs (JX, DLT, QX)
        found.update({w: path for w in words})
    assert not found, found


def test_finding_fields_and_messages_are_plain_chinese() -> None:
    assert field_label("milestones.contracted.implementation_months", Project) == "里程碑·合同签订·建设周期（月）"
    assert field_label("budget.sources[1].amount_wan", Project) == "投资·资金来源·金额（万元）"
    assert field_label("", Project) == "—"
    message = "请在 evaluations 中登记（kind: self），或补登 final_acceptance；见 docs/a.md 与 czj-budget、2025-czj-001"
    plain = public_message(message, Project)
    assert plain == "请在“评价”中登记（评价类型为“自评价”），或补登“竣工（履约）验收”；见 docs/a.md 与 czj-budget、2025-czj-001"
    assert public_message("部署方式为 deployment: county_cloud", System) == "部署方式为 部署方式为“县级政务云”"
    assert public_message("在 evaluations 中登记 {kind: self, date, ref}", Project) == \
        "在“评价”中登记 （评价类型为“自评价”, “日期”, “报告编号”）"


def test_footer_and_repository_links_come_from_configuration() -> None:
    config = (PROJECT / "mkdocs.yml").read_text("utf-8")
    assert "repo_url: !ENV [REGISTRY_REPO_URL]\n" in config  # no placeholder repository
    assert "generator: false" in config  # no "Made with Material for MkDocs"
    language = (PROJECT / "site" / "overrides" / "partials" / "languages" / "zh.html").read_text("utf-8")
    assert '"language": "zh-CN"' in language


# ------------------------------------------------------------------------------ privacy


def test_people_are_shown_by_name_only_unless_the_registry_publishes_identities(tmp_path: Path) -> None:
    units = [
        {"id": "dsj", "name": "测试县大数据局", "kind": "authority",
         "approvers": ["dsj-admin@example.gov.cn", "王主任"], "reviewers": ["@test/dsj", "13800138000"]},
        {"id": "czj", "name": "测试县财政局", "kind": "department"},
    ]
    build_registry(tmp_path, {"registry": {"profiles": ["jinxiang"], "units": units}, "records": {
        "systems/czj/czj-budget.yaml": {"description": "联系 王五 13912345678，邮箱 wangwu@czj.example.cn，电话 0537-8765432"},
    }})
    files = generate(tmp_path, today=TODAY)
    unit = visible(str(files["units/dsj.md"]))
    assert "王主任" in unit and "1 人（身份不公开）" in unit and "2 人（身份不公开）" in unit
    for path, content in files.items():
        text = content.decode("utf-8-sig", "replace") if isinstance(content, bytes) else content
        if path.endswith(".xlsx"):
            book = openpyxl.load_workbook(io.BytesIO(bytes(content)))  # type: ignore[arg-type]
            text = " ".join(str(c) for s in book for r in s.iter_rows(values_only=True) for c in r)
        assert not PERSONAL.search(text), (path, PERSONAL.findall(text)[:3])
    assert "联系 王五 （已隐去）" in visible(str(files["systems/czj-budget.md"]))

    config = (tmp_path / "registry.yaml").read_text("utf-8") + "publish_identities: true\n"
    (tmp_path / "registry.yaml").write_text(config, "utf-8")
    files = generate(tmp_path, today=TODAY)
    assert "dsj-admin@example.gov.cn" in visible(str(files["units/dsj.md"]))
    units_csv = list(csv.DictReader(io.StringIO(bytes(files["data/units.csv"]).decode("utf-8-sig"))))  # type: ignore[arg-type]
    assert units_csv[0]["批准人"] == "dsj-admin@example.gov.cn、王主任"


# ------------------------------------------------------------------------------- money


def _amount(text: str) -> float:
    return float(text.replace(",", ""))


def test_home_and_unit_totals_equal_the_sums_over_the_records(tmp_path: Path) -> None:
    build_registry(tmp_path, {"registry": {"profiles": ["jinxiang"]}, "records": {
        "projects/czj/2024-czj-001.yaml": {"budget": {"total_wan": 120.5, "sources": [
            {"kind": "county_budget", "amount_wan": 100}, {"kind": "superior_fund", "amount_wan": 20.5}]}},
        "projects/czj/2025-czj-001.yaml": {"nature": "new", "budget": {"total_wan": 80}},
        "projects/gaj/2025-gaj-001.yaml": {"budget": {"total_wan": 1234.25, "sources": [
            {"kind": "county_budget", "amount_wan": 1000}]}},
    }})
    files = generate(tmp_path, today=TODAY)
    home = str(files[urls.HOME])
    assert "投资概算合计 <strong>1,434.75</strong> 万元" in home
    years = re.search(r"### 按计划年度(.*?)###", home, re.S)
    assert years is not None and "<td>2024</td><td>1</td><td>120.5</td>" in years.group(1)
    assert "<td>2025</td><td>2</td><td>1,314.25</td>" in years.group(1)
    assert by_source([]) == {}
    source_table = home.split("### 按资金来源")[1]
    assert "<td>本级财政预算</td><td>1,100</td>" in source_table and "<td>上级资金</td><td>20.5</td>" in source_table
    assert "<td>未填写资金来源</td><td>314.25</td>" in source_table  # 80 + 234.25 without a source
    unit = str(files["units/czj.md"])
    assert "投资概算合计 <strong>200.5</strong> 万元" in unit and "1,234.25" not in unit
    assert "## 系统按状态" in unit and "## 各单位系统状态" in home


def test_catalog_tables_sum_the_filtered_rows() -> None:
    script = (PROJECT / "site" / "assets" / "tables.js").read_text("utf-8")
    assert "data-total" in script and "合计" in script


def test_one_page_summary_is_dated_and_printable(demo: dict[str, str | bytes]) -> None:
    text = str(demo[urls.SUMMARY])
    assert "数据截至 2025 年 12 月 1 日" in text and "## 逾期最久的事项" in text
    css = (PROJECT / "site" / "assets" / "registry.css").read_text("utf-8")
    assert "@media print" in css and "size: A4" in css
    assert 'href="summary.html"' in str(demo[urls.HOME])


# ------------------------------------------------------------------------------ charts


def test_bar_chart_labels_have_a_row_each_and_are_cut_to_their_column() -> None:
    svg = bar_chart([("很长很长很长很长很长很长很长的单位名称", 10.0), ("短", 2.5)], title="投资", unit="万元",
                    value_text=["10", "2.5"])
    ys = [float(y) for y in re.findall(r'<text class="label" x="[\d.]+" y="([\d.]+)"', svg)]
    assert len(ys) == 2 and ys[1] - ys[0] >= 20  # one row per label: they cannot overlap
    assert "…" in svg and "很长很长很长很长很长很长很长的单位名称：10 万元" in svg  # the full name in the tooltip


def test_trend_date_labels_never_overlap() -> None:
    points = [(dt.date(2024, 1, 1) + dt.timedelta(days=i), i + 1) for i in range(60)]
    points += [(dt.date(2025, 12, 1), 41), (dt.date(2025, 12, 1), 41)]
    svg = step_chart(points, title="趋势")
    boxes = sorted(label_box(float(x), text, anchor, 11) for x, anchor, text in
                   re.findall(r'<text class="tick" x="([\d.]+)" y="22\d" text-anchor="(\w+)">([\d-]+)</text>', svg))
    assert len(boxes) >= 2
    for (_, right), (left, _) in zip(boxes, boxes[1:]):
        assert right <= left, boxes


def test_trend_starts_at_the_first_record_not_at_zero(demo: dict[str, str | bytes]) -> None:
    home = str(demo[urls.HOME])
    first = re.search(r'<circle [^>]*><title>[\d-]+：(\d+)</title>', home)
    assert first is not None and first.group(1) != "0"


# ---------------------------------------------------------------------------- deadlines


def test_deadlines_show_due_date_days_overdue_unit_and_authority(tmp_path: Path) -> None:
    registry = tmp_path / "hostile"
    shutil.copytree(PROJECT / "tests" / "fixtures" / "hostile", registry)
    files = generate(registry, today=TODAY)
    page = str(files[urls.DEADLINES])
    overdue = page.split("## 已逾期")[1].split("## 30 天内到期")[0]
    # JX35: contract 2024-11-01 + 12 months → due 2025-11-01, 30 days before the build date.
    assert '<td class="nowrap">2025-11-01</td><td data-key="30" class="nowrap">30 天</td>' in overdue
    assert "测试县大数据局" in overdue and "实施周期届满未验收须申请延期" in overdue
    assert "还剩 14 天" in page.split("## 30 天内到期")[1]
    assert 'href="data/deadlines.csv"' in page and 'href="data/deadlines.xlsx"' in page
    rows = list(csv.reader(io.StringIO(bytes(files["data/deadlines.csv"]).decode("utf-8-sig"))))  # type: ignore[arg-type]
    assert rows[0][:4] == ["到期日", "逾期天数", "单位", "单位代码"]
    assert [r[1] for r in rows[1:]] == ["30", "-14"]  # most urgent first
    book = openpyxl.load_workbook(io.BytesIO(bytes(files["data/deadlines.xlsx"])))  # type: ignore[arg-type]
    assert book.active.auto_filter.ref == "A1:J3"


# ---------------------------------------------------------------------------- open data


def test_open_data_lists_sizes_checksums_licence_and_a_dcat_catalog(demo: dict[str, str | bytes]) -> None:
    data = {path[len("data/"):]: content for path, content in demo.items() if path.startswith("data/")}
    sums = dict(reversed(line.split("  ")) for line in bytes(data["SHA256SUMS"]).decode().splitlines())  # type: ignore[arg-type]
    for name, content in data.items():
        if name != "SHA256SUMS":
            assert sums[name] == hashlib.sha256(bytes(content)).hexdigest(), name  # type: ignore[arg-type]
    catalog = json.loads(bytes(data["catalog.json"]))  # type: ignore[arg-type]
    assert catalog["@type"] == "dcat:Catalog" and catalog["license"].startswith("https://creativecommons.org/")
    assert catalog["accrualPeriodicity"] and catalog["modified"] == "2025-12-01"
    distributions = {d["title"]: d for d in catalog["dataset"][0]["distribution"]}
    systems = distributions["systems.csv"]
    assert systems["byteSize"] == len(bytes(data["systems.csv"]))  # type: ignore[arg-type]
    assert systems["checksum"]["value"] == sums["systems.csv"] and systems["records"] == len(catalog["systems"])
    assert catalog["systems"][0]["status"] in ("operating", "planned", "building", "trial", "retired", "merged")
    page = visible(str(demo[urls.OPEN_DATA]))
    for words in ("许可协议", "更新频率", "记录数", "SHA-256", "数据字典", sums["systems.csv"]):
        assert words in page, words
    dictionary = list(csv.reader(io.StringIO(bytes(data["dictionary.csv"]).decode("utf-8-sig"))))  # type: ignore[arg-type]
    assert dictionary[0] == ["表", "列名", "字段", "含义", "类型", "计量单位", "取值"]
    assert ["政务信息系统", "状态代码", "status"] == [r for r in dictionary if r[1] == "状态代码"][0][:3]


# ------------------------------------------------------------------------------ search


def test_units_and_systems_carry_their_names_and_aliases_as_search_terms(demo: dict[str, str | bytes]) -> None:
    unit = str(demo["units/wjj.md"])
    assert 'tags: ["金乡县卫生健康局", "卫生健康局", "卫健局"]' in unit and 'hide: ["tags"]' in unit
    assert "简称" in visible(unit) and "卫健局" in visible(unit)
    assert 'tags: ["金乡县政务云平台", "政务云平台"]' in str(demo["systems/dsj-gov-cloud.md"])


# ---------------------------------------------------------------------------- change log


def test_change_log_describes_record_changes() -> None:
    before = {"id": "a", "status": "building", "milestones": {"approved": {"date": "2024-01-01"}}}
    after = {"id": "a", "status": "operating", "online_since": "2025-01-01",
             "milestones": {"approved": {"date": "2024-01-01"}, "contracted": {"date": "2024-05-01"}}, "notes": "x"}
    assert list(describe(System, None, before)) == ["新增登记", "状态：建设中"]
    assert list(describe(Project, before, after)) == ["状态：建设中 → 运行中", "进入阶段：合同签订"]
    assert list(describe(System, before, after)) == ["状态：建设中 → 运行中", "更新：上线日期"]  # notes: internal
    assert list(describe(System, before, None)) == ["删除记录文件"]


def test_site_command_still_writes_every_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_registry(tmp_path / "r", {"records": {}})
    assert main(["--root", str(tmp_path / "r"), "site", "--out", str(tmp_path / "out"), "--today", "2025-12-01"]) == 0
    assert (tmp_path / "out" / "summary.md").is_file() and (tmp_path / "out" / "data" / "SHA256SUMS").is_file()


@pytest.mark.parametrize(("text", "shown"), [
    ("电话 13912345678 或 +86 139-1234-5678", "电话 （已隐去） 或 （已隐去）"),
    ("座机 0537-8765432，邮箱 a.b@x.gov.cn", "座机 （已隐去），邮箱 （已隐去）"),
    ("金政字〔2025〕13912345678号之外的 2025-03-01 与 120.5 万元", "金政字〔2025〕（已隐去）号之外的 2025-03-01 与 120.5 万元"),
    ("校验值 ab18912349825cd 不是电话", "校验值 ab18912349825cd 不是电话"),
])
def test_redaction_hides_numbers_and_addresses_but_not_dates_amounts_or_codes(text: str, shown: str) -> None:
    from registry.privacy import redact
    assert redact(text) == shown
