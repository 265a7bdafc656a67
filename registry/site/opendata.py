"""开放数据: the public catalog as JSON, CSV and XLSX (the files ``registry export`` writes)
and the JSON Schema of the record files."""
from __future__ import annotations

import json

from registry import export
from registry.ruledocs import own_text
from registry.schema import SCHEMAS, schema_of
from registry.site import urls
from registry.site.data import SiteData
from registry.site.markup import Cell, Column, Table, esc, link, page, paragraph

DESCRIPTIONS = {
    "catalog.json": "完整目录（单位、系统、项目），字段与登记文件一致",
    "units.csv": "单位表",
    "systems.csv": "政务信息系统表",
    "projects.csv": "政务信息化项目表",
    "catalog.xlsx": "Excel 工作簿：中文列名与中文取值，含“字段说明”工作表",
}


def assets(data: SiteData) -> dict[str, bytes]:
    files = export.export_files(data.config, data.head, data.today)
    out = {f"{urls.DATA_DIR}/{name}": content for name, content in files.items()}
    for filename, (model, title) in SCHEMAS.items():
        text = json.dumps(schema_of(model, title), ensure_ascii=False, indent=2) + "\n"
        out[f"{urls.DATA_DIR}/schema/{filename}"] = text.encode("utf-8")
    return out


def pages(data: SiteData) -> dict[str, str]:
    return {urls.OPEN_DATA: open_data_page(data)}


def open_data_page(data: SiteData) -> str:
    source = urls.OPEN_DATA
    downloads = Table([Column("文件"), Column("内容")])
    for name in export.FILES:
        downloads.rows.append([Cell(link(urls.href(source, f"{urls.DATA_DIR}/{name}"), name)),
                               Cell.text(DESCRIPTIONS[name])])
    schemas = Table([Column("JSON Schema"), Column("说明")])
    for filename, (_, title) in SCHEMAS.items():
        schemas.rows.append([Cell(link(urls.href(source, f"{urls.DATA_DIR}/schema/{filename}"), filename)),
                             Cell.text(title)])
    fields = Table([Column("表"), Column("字段"), Column("中文名称"), Column("说明")], interactive=True)
    fields.columns[0].filter = True
    for kind, key, title, description in export.field_guide():
        fields.rows.append([Cell.text(export.SHEET_TITLES[kind]), Cell(f"<code>{esc(key)}</code>", key),
                            Cell.text(title), Cell.text(own_text(description, data.config.profiles))])
    return page(
        "开放数据",
        paragraph(esc(
            f"{data.config.jurisdiction}政务信息化登记簿的公开目录，生成于 {data.today.isoformat()}。"
            "内部信息（备注、联系人）不在公开数据中。命令 registry export --format json|csv|xlsx 生成相同的文件。"
        )),
        "## 下载", downloads.render(),
        paragraph(esc(
            "CSV 为 UTF-8（带 BOM，Excel 可直接打开）；嵌套字段用点号列名（如 security.mlps_level、"
            "milestones.approved.date），取值为代码，多个值以“; ”分隔，成组的条目为 JSON 文本。"
            "以 = + - @ 开头的文本前加单引号，防止表格软件将其当作公式执行。"
        )),
        "## 数据格式", schemas.render(),
        "## 字段说明", fields.render(),
    )
