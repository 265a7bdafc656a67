"""Writing imported records: a new file in the field order of the data format, or the existing
file updated in place (its comments and the fields the sheet does not have are kept)."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from ruamel.yaml import YAML

from registry.ledger.columns import MODELS, nested_model
from registry.ledger.rows import Planned, deep_update
from registry.safewrite import check_inside, write_text_inside


def _yaml() -> YAML:
    yaml = YAML()
    yaml.allow_unicode = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def ordered(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with its keys in the order the model declares them (nested models too)."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name in data:
            nested = nested_model(info.annotation)
            value = data[name]
            out[name] = ordered(nested, value) if nested is not None and isinstance(value, dict) else value
    out.update({k: v for k, v in data.items() if k not in out})
    return out


def render(root: Path, item: Planned, source: str) -> str:
    """The text of the record file ``item`` writes."""
    yaml = _yaml()
    buffer = io.StringIO()
    if item.old_path is not None:
        document = yaml.load((root / item.old_path).read_text("utf-8"))
        deep_update(document, item.data)
        yaml.dump(document, buffer)
        return buffer.getvalue()
    buffer.write(f"# 由 registry import 从 {source}（工作表 {item.sheet} 第 {item.row} 行）导入\n")
    yaml.dump(ordered(MODELS[item.kind], item.data), buffer)
    return buffer.getvalue()


def check_targets(root: Path, items: list[Planned]) -> None:
    """Every file the import will write or remove lies in the registry, reached through no
    symbolic link (a unit folder committed as a link to a folder elsewhere): checked for all of
    them before the first is written, so that a refusal writes nothing (exit 2 naming the link)."""
    for item in items:
        check_inside(root, root / item.path)
        if item.old_path is not None and item.old_path != item.path:
            check_inside(root, root / item.old_path)


def write(root: Path, item: Planned, text: str) -> None:
    write_text_inside(root, root / item.path, text)
    if item.old_path is not None and item.old_path != item.path:
        check_inside(root, root / item.old_path).unlink()  # the record moved with its unit (REG003: systems/<unit>/)
