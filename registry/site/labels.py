"""Chinese labels for fields and values, shared by every page and by the exports."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from registry.enums import plain_label
from registry.site.markup import esc


def title_of(model: type[BaseModel], name: str) -> str:
    """The Chinese title of a model field (every field carries one, see models/base.py)."""
    key = (model, name)
    found = _TITLES.get(key)
    if found is None:  # asked for every cell of every table: looked up once (fields never change)
        info = model.model_fields[name]
        found = _TITLES[key] = info.title or name
    return found


_TITLES: dict[tuple[type[BaseModel], str], str] = {}


def label(value: object) -> str:
    """Plain-text label of one value: enums by their Chinese label, booleans 是/否."""
    if value is None:
        return "—"
    plain = plain_label(value)
    if plain is not None:
        return plain
    if isinstance(value, float):
        return money(value)
    return str(value)


def labels(values: Any) -> str:
    """A list of values as one text, separated by the Chinese enumeration comma."""
    return "、".join(label(v) for v in values) if values else "—"


def money(amount: float | None) -> str:
    """万元 amounts as written: no trailing zeros, thousands separators for readability."""
    if amount is None:
        return "—"
    text = f"{amount:,.2f}".rstrip("0").rstrip(".")
    return text


def html(value: object) -> str:
    """:func:`label`, escaped for a page."""
    return esc(label(value))

