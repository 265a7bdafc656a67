"""Shared pieces of the record models: the strict base class and small value types."""
from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    """Base of every model: unknown keys are errors (REG002), values are not coerced to text."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


def field(title: str, description: str = "", **kwargs: Any) -> Any:
    """A pydantic ``Field`` with the Chinese title and description every field must carry."""
    return Field(title=title, description=description or title, **kwargs)


class DocRef(Strict):
    """An approval or official document: 文号 plus date."""

    doc_no: str = field("文号", "批准文件的文号，例如 金政字〔2025〕3号")
    date: dt.date = field("日期", "批准日期 YYYY-MM-DD")


class Contact(Strict):
    """A person to contact. INTERNAL: never published."""

    name: str = field("姓名")
    phone: str | None = field("电话", "请加引号，例如 \"0537-0000000\"", default=None)
    email: str | None = field("电子邮箱", default=None)
    title: str | None = field("职务", default=None)
