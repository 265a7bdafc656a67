"""Lists of entries written out for readers (the open-data layout): "依据名称 X，文号 Y，依据类型 规划；
依据名称 …". Entries split at a "；" followed by one of the entry's field titles, fields at a "，"
followed by a title, so that text inside a value (a change's description) keeps its punctuation.
A nested value ("变更批复 文号，日期") lists its fields' values in their order."""
from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from registry.ledger.values import CellError, convert, unwrap


def _nested(annotation: Any) -> type[BaseModel] | None:
    inner, _ = unwrap(annotation)
    return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None


def entries(model: type[BaseModel], text: str) -> list[dict[str, Any]]:
    titles = {(info.title or name): (name, info.annotation) for name, info in model.model_fields.items()}
    alternation = "|".join(re.escape(t) for t in sorted(titles, key=len, reverse=True))
    out = []
    for item in re.split(rf"\s*[；;]\s*(?=(?:{alternation}) )", text.strip()):
        marks = list(re.finditer(rf"(?:^|，)({alternation}) ", item))
        if not marks or marks[0].start() != 0:
            first = next(iter(titles))
            raise CellError(f"无法识别的条目 {item!r}：应写成“{first} …，…”，多条以“；”分隔，或写成导出文件的 JSON")
        entry: dict[str, Any] = {}
        for index, mark in enumerate(marks):
            end = marks[index + 1].start() if index + 1 < len(marks) else len(item)
            name, annotation = titles[mark.group(1)]
            raw = item[mark.end():end].strip()
            nested = _nested(annotation)
            entry[name] = _fields(nested, raw) if nested is not None else convert(annotation, raw)
        out.append(entry)
    return out


def _fields(model: type[BaseModel], text: str) -> dict[str, Any]:
    values = [part.strip() for part in text.split("，")]
    fields = list(model.model_fields.items())
    if len(values) > len(fields):
        raise CellError(f"无法识别的取值 {text!r}")
    return {name: convert(info.annotation, value) for (name, info), value in zip(fields, values) if value}
