"""开放数据: the public catalog as JSON, CSV and XLSX (the files ``registry export`` writes), the
data dictionary, the JSON Schema of the record files, and what a public data portal lists for
each dataset: licence, update frequency, record counts, file sizes and SHA-256 checksums, also
as a DCAT-style description at the head of ``catalog.json``."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from registry import export
from registry.models import Project, System
from registry.flat import dictionary, plain_meaning
from registry.privacy import redact_all
from registry.ruledocs import own_text
from registry.schema import SCHEMAS, schema_of
from registry.site import urls
from registry.site.data import SiteData
from registry.site.wording import public_message
from registry.site.markup import Cell, Column, Table, definition_table, esc, link, page, paragraph

LICENCE = "知识共享署名 4.0 国际许可协议（CC BY 4.0）"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.zh-hans"
FREQUENCY = "随登记簿更新：每次合并登记变更后自动重新发布"
CHECKSUMS = "SHA256SUMS"
MEDIA_TYPES = {
    ".json": "application/json",
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DESCRIPTIONS = {
    "catalog.json": "完整目录（单位、系统、项目）：机器可读，字段名与取值代码同登记文件；开头为数据集说明",
    "units.csv": "单位表",
    "systems.csv": "政务信息系统表",
    "projects.csv": "政务信息化项目表",
    "catalog.xlsx": "Excel 工作簿：单位、系统、项目各一个工作表，首行冻结并可筛选，含“数据字典”工作表",
    "dictionary.csv": "数据字典：每一列的列名、字段、含义、类型、计量单位和取值",
}


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _size(content: bytes) -> str:
    n = len(content)
    return f"{n} 字节" if n < 1024 else f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def counts(data: SiteData) -> dict[str, int]:
    """Records per file (None for the dictionary, which holds columns)."""
    units, systems, projects = len(data.units), len(data.systems), len(data.projects)
    return {"catalog.json": units + systems + projects, "units.csv": units, "systems.csv": systems,
            "projects.csv": projects, "catalog.xlsx": units + systems + projects,
            "dictionary.csv": len(export.dictionary_rows(identities=data.config.publish_identities))}


def dcat(data: SiteData, files: dict[str, bytes]) -> dict[str, Any]:
    """A DCAT-style description of the open-data files (JSON-LD keys of the W3C vocabulary).
    ``catalog.json`` cannot carry its own checksum: SHA256SUMS lists it."""
    authority = data.unit_name(data.config.authorities.data_authority)
    distributions = []
    for name in export.FILES:
        entry: dict[str, Any] = {
            "@type": "dcat:Distribution", "title": name, "description": DESCRIPTIONS[name],
            "downloadURL": name, "mediaType": MEDIA_TYPES["." + name.rsplit(".", 1)[1]],
            "records": counts(data)[name],
        }
        if name in files and name != "catalog.json":
            entry |= {"byteSize": len(files[name]), "checksum": {"algorithm": "sha256", "value": _sha256(files[name])}}
        distributions.append(entry)
    return {
        "@context": "https://www.w3.org/ns/dcat.jsonld",
        "@type": "dcat:Catalog",
        "title": f"{data.config.jurisdiction}政务信息化登记簿开放数据",
        "publisher": authority,
        "modified": data.today.isoformat(),
        "license": LICENCE_URL,
        "accrualPeriodicity": FREQUENCY,
        "language": "zh-CN",
        "dataset": [{
            "@type": "dcat:Dataset",
            "title": f"{data.config.jurisdiction}政务信息化项目与政务信息系统目录",
            "keyword": ["政务信息化", "政务信息系统", "政务信息化项目"],
            "temporal": data.today.isoformat(),
            "distribution": distributions,
        }],
    }


def assets(data: SiteData, others: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """The open-data files, and SHA256SUMS over them and ``others`` (other downloads under data/);
    the same files as the last build's when none of their inputs changed (see :func:`inputs`)."""
    return data.cache.files(urls.DATA_DIR, inputs(data, others or {}), lambda: _assets(data, others or {}))


def inputs(data: SiteData, others: dict[str, bytes]) -> Iterator[str]:
    """What the open-data files are made of besides the configuration and the date: every
    record (its path and content) and the other downloads they list."""
    everything: list[System | Project] = [*data.head.systems, *data.head.projects]
    for record in everything:
        yield f"{data.path_of(record)}:{data.digest_of(record)}"
    for name, content in sorted(others.items()):
        yield f"{name}:{_sha256(content)}"


def _assets(data: SiteData, others: dict[str, bytes]) -> dict[str, bytes]:
    files = export.export_files(data.config, data.head, data.today, meta=lambda others: dcat(data, others))
    for filename, (model, title) in SCHEMAS.items():
        # Redacted like every published file (the phone field's example looks like a number).
        text = json.dumps(redact_all(schema_of(model, title)), ensure_ascii=False, indent=2) + "\n"
        files[f"schema/{filename}"] = text.encode("utf-8")
    prefix = f"{urls.DATA_DIR}/"
    files.update({path[len(prefix):]: content for path, content in others.items() if path.startswith(prefix)})
    sums = "".join(f"{_sha256(content)}  {name}\n" for name, content in sorted(files.items()))
    files[CHECKSUMS] = sums.encode("utf-8")
    return {f"{urls.DATA_DIR}/{name}": content for name, content in files.items()}


def pages(data: SiteData, files: dict[str, bytes]) -> dict[str, str]:
    return {urls.OPEN_DATA: open_data_page(data, files)}


def open_data_page(data: SiteData, files: dict[str, bytes]) -> str:
    source = urls.OPEN_DATA
    return page(
        "开放数据",
        paragraph(esc(
            f"{data.config.jurisdiction}政务信息化登记簿的公开目录，数据截至 {data.today.isoformat()}。"
            "备注、联系人以及个人的电子邮箱和电话不在公开数据中。"
        )),
        "## 数据集说明", _metadata(data),
        "## 下载", _downloads(data, source, files),
        paragraph(esc(
            "CSV 为 UTF-8 编码（带 BOM，Excel 可直接打开），列名和取值为中文；取值的代码（如状态、部署方式、单位代码）"
            "在表格末尾以“代码”结尾的列中，供程序处理。多个值以顿号分隔；资金来源按来源类别各占一列。"
            "以 = + - @ 开头的文本前加单引号，防止表格软件将其当作公式执行。"
            f"校验值文件 {CHECKSUMS} 列出全部文件的 SHA-256 值。"
        ), cls="registry-note"),
        "## 数据格式", _schemas(source),
        "## 数据字典",
        paragraph(esc("各表每一列的含义、类型、计量单位和可选取值（代码与字段名见数据字典文件）。")),
        _dictionary(data),
    )


def _metadata(data: SiteData) -> str:
    return definition_table([
        ("数据集", esc(f"{data.config.jurisdiction}政务信息化项目与政务信息系统目录")),
        ("提供单位", esc(data.unit_name(data.config.authorities.data_authority))),
        ("数据截至", esc(data.today.isoformat())),
        ("更新频率", esc(FREQUENCY)),
        ("记录数", esc(f"单位 {len(data.units)} 个，政务信息系统 {len(data.systems)} 个，政务信息化项目 {len(data.projects)} 个")),
        ("开放方式", esc("无条件开放，免注册下载")),
        ("许可协议", link(LICENCE_URL, LICENCE)),
        ("数据集描述文件", link(urls.href(urls.OPEN_DATA, f"{urls.DATA_DIR}/catalog.json"), "catalog.json（DCAT 格式说明在文件开头）")),
    ])


def _downloads(data: SiteData, source: str, files: dict[str, bytes]) -> str:
    table = Table([Column("文件", nowrap=True), Column("内容", wide=True), Column("记录数", numeric=True, nowrap=True),
                   Column("大小", nowrap=True), Column("SHA-256 校验值")], cls="registry-downloads")
    n = counts(data)
    for name in (*export.FILES, CHECKSUMS):
        content = files[f"{urls.DATA_DIR}/{name}"]
        table.rows.append([
            Cell(link(urls.href(source, f"{urls.DATA_DIR}/{name}"), name)),
            Cell.text(DESCRIPTIONS.get(name, "全部文件的 SHA-256 校验值")),
            Cell.text(n.get(name, "—")),
            Cell.text(_size(content)),
            Cell(f'<span class="registry-hash">{esc(_sha256(content))}</span>'),
        ])
    return table.render()


def _schemas(source: str) -> str:
    table = Table([Column("文件"), Column("说明")])
    for filename, (_, title) in SCHEMAS.items():
        table.rows.append([Cell(link(urls.href(source, f"{urls.DATA_DIR}/schema/{filename}"), filename)),
                           Cell.text(title.split()[0])])  # without the file path it names
    return paragraph(esc("登记文件的 JSON Schema，可用于编辑器提示和校验。")) + table.render()


def _dictionary(data: SiteData) -> str:
    table = Table([Column("表", filter=True), Column("列名"), Column("含义", wide=True), Column("类型", filter=True),
                   Column("计量单位"), Column("可选取值", wide=True)], interactive=True)
    for table_name, column in dictionary(identities=data.config.publish_identities):
        if column.kind == "代码":
            continue  # the code twins: named in the dictionary file for programs
        table.rows.append([Cell.text(table_name), Cell.text(column.header), Cell.text(public_message(plain_meaning(own_text(column.meaning, data.config.profiles)))),
                           Cell.text(column.kind), Cell.text(column.unit or "—"), Cell.text(column.allowed or "—")])
    return table.render()
