"""Shared pieces of the record models: the strict base class and small value types.

Values come from YAML (registry.yamlio), and the exported JSON Schema (registry.schema) is the
contract editors and validators see. Pydantic's default "lax" mode would accept much that the
schema refuses — ``off``/``no``/``0``/``-0.0`` as booleans, ``true`` as the number 1, a number
as a date (seconds since 1970), ``"3"`` as a number, ``.nan``/``.inf`` as amounts. The value
types below are pydantic's strict mode per type, so that checker and schema refuse the same
values; every boolean, number and date field of the models uses them.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AllowInfNan, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic import Strict as StrictMode

from registry.models.kinds import RecordPart

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date_from_text(value: Any) -> Any:
    """A quoted ``"2025-03-14"`` is a date too: JSON has no date type, so the schema writes a
    date as text in exactly this form (``format: date``); anything else stays as it is and the
    strict date check refuses it."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _whole_number(value: Any) -> Any:
    """``3.0`` is the integer 3, as in JSON (and the schema's ``type: integer``); ``3.5`` is not."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WHOLE_NUMBER = BeforeValidator(_whole_number)

Flag = Annotated[bool, StrictMode()]
"""``true`` or ``false``: no ``off``, ``no``, ``0``, ``-0.0``, ``"yes"``."""

Integer = Annotated[int, StrictMode(), WHOLE_NUMBER]
"""A whole number; never a boolean or text. With bounds write
``Annotated[int, Field(ge=…, le=…), StrictMode(), WHOLE_NUMBER]`` (bounds first: the schema
then carries ``minimum``/``maximum``)."""

Number = Annotated[float, StrictMode(), AllowInfNan(False)]
"""A finite number (an integer is fine); never a boolean, text, ``.nan`` or ``.inf``."""

Date = Annotated[dt.date, StrictMode(), BeforeValidator(_date_from_text)]
"""A date ``YYYY-MM-DD`` (unquoted, or quoted in exactly that form); never a number, a
date with a time, or other text."""


class Strict(RecordPart, BaseModel):
    """Base of every model: unknown keys are errors (REG002), values are not coerced to text."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False, defer_build=True)


def field(title: str, description: str = "", **kwargs: Any) -> Any:
    """A pydantic ``Field`` with the Chinese title and description every field must carry."""
    return Field(title=title, description=description or title, **kwargs)


class DocRef(Strict):
    """An approval or official document: 文号 plus date."""

    doc_no: str = field("文号", "批准文件的文号，例如 金政字〔2025〕3号")
    date: Date = field("日期", "批准日期 YYYY-MM-DD")


class Contact(Strict):
    """A person to contact. INTERNAL: never published."""

    name: str = field("姓名")
    phone: str | None = field("电话", "请加引号，例如 \"0537-0000000\"", default=None)
    email: str | None = field("电子邮箱", default=None)
    title: str | None = field("职务", default=None)
