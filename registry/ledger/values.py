"""Cell values of a county's ledger → values of the data format, by the field's type.

Dates as Excel writes them (date cells, serial numbers) or as people type them (``2024年3月``,
``2024.03.01``, ``2024/3/1``, ``2024-03-01``); enum labels (运行中) and their usual synonyms
(在用, 已关停 …) as codes; 是/否; amounts with 万元 and thousands separators; 三级 as 3; lists
separated by 、；; or newlines. Every failure is a :class:`CellError` with a Chinese reason.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import re
import types
import typing
import unicodedata
from enum import Enum
from collections.abc import Callable
from typing import Any, Union

from pydantic import BaseModel

from registry.enums import Delivery, FundSource, LabeledEnum, Nature, Scope, SystemStatus, Track
from registry.sheetlayout import EPOCH_1900
from registry.tables import header_key


Heard = Callable[[str], None]  # told how a cell was read when it was read by resemblance


class CellError(ValueError):
    """A cell that cannot become a value of its field: ``reason`` says why, in Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# Words county ledgers use for the format's codes, beyond the labels themselves.
SYNONYMS: dict[type[Enum], dict[str, str]] = {
    SystemStatus: {"运行": "operating", "在用": "operating", "在运行": "operating", "正常运行": "operating",
                   "正常": "operating", "已上线": "operating", "使用中": "operating", "停用": "retired",
                   "已停止": "retired", "关停": "retired", "已关停": "retired", "下线": "retired",
                   "已下线": "retired", "废止": "retired", "在建": "building", "建设": "building",
                   "规划": "planned", "拟建": "planned", "整合": "merged", "合并": "merged", "已合并": "merged",
                   "正在运行": "operating", "正常使用": "operating", "运行正常": "operating", "在线运行": "operating",
                   "停止使用": "retired", "已废弃": "retired", "正在建设": "building", "建设中": "building",
                   "试运行中": "trial", "试用": "trial", "计划建设": "planned"},
    Nature: {"新建项目": "new", "升级": "upgrade", "改造": "upgrade", "升级改造项目": "upgrade", "运维": "om",
             "运维项目": "om", "运行维护项目": "om", "运营": "operation_service", "第三方": "third_party"},
    Delivery: {"自建": "build", "购买": "purchase", "政府购买服务": "purchase", "采购服务": "purchase"},
    Scope: {"公共": "public", "专业": "professional"},
    Track: {"审批": "approval", "备案": "filing"},
    FundSource: {"本级财政": "county_budget", "县级财政": "county_budget", "财政资金": "county_budget",
                 "县财政": "county_budget", "专项债": "bond", "专项债券": "bond", "上级补助": "superior_fund",
                 "上级专项": "superior_fund", "社会资金": "social_capital"},
}
MONEY_UNIT = re.compile(r"(亿元|万元|千元|元|亿|万)$")  # a unit written in an amount's cell
_TO_WAN = {"亿": 1e4, "万": 1.0, "千": 1e-1, "元": 1e-4}
_DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})\s*[-./年]\s*(?P<m>\d{1,2})\s*(?:[-./月]\s*(?P<d>\d{1,2})\s*[日号]?|月份?)?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
    re.compile(r"^(?P<y>(?:19|20)\d{2})(?P<m>0[1-9]|1[0-2])(?P<d>)$"),  # 202305: a year and month run together
)
_LAST_DAY = dt.date(2100, 12, 31)  # a serial past it is no date of a county's systems (202305 would be 2453-11-20)
_SHORT_YEAR = re.compile(r"^(?P<y>\d{2})\s*年\s*(?P<rest>\d{1,2}\s*月.*)$")
_VAGUE = re.compile(r"^(?P<y>\d{4})\s*年?度?\s*(?P<what>第?[一二三四1-4]季度|[Qq][1-4]|[上下]半年|年?[初中底末])?$")
_FIRST_SERIAL = 10000  # 1927-05-18: smaller numbers in a date column are no dates of a county's systems
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
LIST_SEPARATORS = re.compile(r"\s*[、;；\n]\s*")
CODE_SEPARATORS = re.compile(r"\s*[、;；\n,，]\s*")  # items that cannot hold a comma themselves


def unwrap(annotation: Any) -> tuple[Any, bool]:
    """(the type inside ``X | None`` / ``Annotated[X, …]``, whether None is allowed)."""
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            if len(args) != 1:
                return args, optional
            annotation = args[0]
        else:
            return annotation, optional


def text_of(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _halfwidth(value: Any) -> str:
    """Full-width digits and punctuation as ASCII (２０２４．３ → 2024.3), for dates and numbers
    only: names keep the characters they were written with."""
    return unicodedata.normalize("NFKC", text_of(value))


def to_date(value: Any, heard: Heard | None = None, epoch: dt.date = EPOCH_1900) -> dt.date:
    """A date cell, a serial number counted from the workbook's ``epoch``, or a date as people write it."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial(value, epoch)
    text = _halfwidth(value)
    text = re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2})?$", "", text)  # a time after the date
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _serial(float(text), epoch)
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m["y"]), int(m["m"]), int(m["d"] or 1))
            except ValueError:
                break
    if m := _SHORT_YEAR.match(text):  # 23年5月: a year in two digits, as people say it
        year = 2000 + int(m["y"]) if 2000 + int(m["y"]) <= dt.date.today().year else 1900 + int(m["y"])
        found = to_date(f"{year}年{m['rest']}")
        if heard is not None:
            heard(f"{text_of(value)!r} 按 {found.isoformat()} 导入（年份只写了两位）")
        return found
    if m := _VAGUE.match(text):  # 2023年, 2023年第二季度, 2023年上半年: a month would be a guess
        raise CellError(f"日期 {text!r} 没有写到月：请写到月，如 {m['y']}年5月")
    raise CellError(f"无法识别的日期 {text!r}：可写 2024-03-01、2024/3/1、2024.03.01 或 2024年3月")


def _serial(number: float, epoch: dt.date = EPOCH_1900) -> dt.date:
    """An Excel date serial (a date cell whose format was lost): 43952 is 2020-05-01 (42490 in a
    workbook of the 1904 date system). A four-digit year (2019) is refused, never read as a day of 1905."""
    if 1900 <= number <= 2100 and float(number).is_integer():
        raise CellError(f"日期只写了年份 {int(number)}：请写到月，如 {int(number)}年5月")
    if 1900 < number < 2101:  # 2020.05 typed into a number cell: the year and month, as written
        year, _, month = repr(float(number)).partition(".")
        if month == "1":  # 2020.1 and 2020.10 are the same number
            raise CellError(f"数字 {year}.1 可能是 {year}年1月 或 {year}年10月：请写成 {year}年1月 或 {year}年10月")
        if len(month) <= 2 and 1 <= int(month.ljust(1, "0")) <= 12:
            return dt.date(int(year), int(month), 1)
    if float(number).is_integer() and len(str(int(number))) in (6, 8):  # 20230501, 202305 typed as numbers
        return to_date(str(int(number)))
    if _FIRST_SERIAL <= number <= (_LAST_DAY - epoch).days:
        return epoch + dt.timedelta(days=int(number))
    raise CellError(f"无法识别的日期 {text_of(number)!r}：可写 2024-03-01、2024/3/1、2024.03.01 或 2024年3月")


def to_number(value: Any, kind: type) -> int | float:
    if isinstance(value, bool):
        raise CellError(f"应为数字，现为 {value!r}")
    if isinstance(value, (int, float)):
        number: float = value
    else:
        text = _halfwidth(value).replace(",", "").replace(" ", "").removeprefix("¥")  # ￥1,200.00 as Excel shows money
        unit = MONEY_UNIT.search(text)
        text = text[:unit.start()] if unit else text
        try:
            number = float(text)
        except ValueError:
            raise CellError(f"应为数字，现为 {text_of(value)!r}") from None
        if unit:  # 1200000元 is 120 万元: amounts are kept in 万元
            number = round(number * _TO_WAN[unit[0].rstrip("元") or "元"], 6)
    if number != number or number in (float("inf"), float("-inf")):
        raise CellError(f"应为有限的数字，现为 {text_of(value)!r}")
    if kind is int:
        if not float(number).is_integer():
            raise CellError(f"应为整数，现为 {text_of(value)!r}")
        return int(number)
    return float(number) if not float(number).is_integer() else int(number)


_NOT_GRADED = frozenset({"未定级", "暂未定级", "未定", "不涉及", "无", "否", "未开展"})


def to_level(value: Any, heard: Heard | None = None) -> int | None:
    """等保级别: 3, 三级, 第三级, 等保三级, 3级; 未定级 (and 无, 不涉及) is no level (null); a note
    in brackets after it (三级（已测评）) is said and left out."""
    return _with_note(_level, value, heard)


def _level(value: Any) -> int | None:
    if header_key(text_of(value)) in _NOT_GRADED:
        return None
    text = _halfwidth(value).replace("等保", "").replace("第", "").replace("级", "").strip()
    if text in _CN_DIGITS:
        return _CN_DIGITS[text]
    raise CellError(f"无法识别的等保级别 {text_of(value)!r}：可写 1–4、二级、三级")


def to_bool(value: Any, heard: Heard | None = None) -> bool:
    """是/否, √/×, 有/无 …; a note in brackets after it (是（已接入）) is said and left out."""
    return _with_note(_bool, value, heard)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = text_of(value).lower()
    if text in ("是", "有", "true", "yes", "y", "1", "√", "✓", "✔", "☑", "已共享", "已", "对"):
        return True
    if text in ("否", "无", "false", "no", "n", "0", "×", "✗", "✘", "☐", "未共享", "未", "没有"):
        return False
    raise CellError(f"应填 是 或 否，现为 {text_of(value)!r}")


NOTED = re.compile(r"^(?P<base>[^（）]+)（[^（）]*）$")  # a value and its note in (full-width) brackets
_Read = typing.TypeVar("_Read")


def _with_note(read: Callable[[Any], _Read], value: Any, heard: Heard | None) -> _Read:
    try:
        return read(value)
    except CellError:
        noted = NOTED.match(header_key(text_of(value))) if isinstance(value, str) else None
        if noted is None:
            raise
        found = read(noted["base"])
        if heard is not None:
            heard(f"{text_of(value)!r} 按 {noted['base']!r} 导入（括号中的说明未导入）")
        return found


def to_enum(value: Any, enum: type[Enum], extra: dict[str, str] | None = None, heard: Heard | None = None) -> str:
    """The code a cell means: a code, a label, a usual synonym or the mapping's word; else the one
    code with a word the cell shortens by a character or two (县政务云 for 县级政务云), told to
    ``heard`` so that the guess is shown. Two codes that fit are an error naming both; a cell that
    *contains* a word is not read as it (不在用 is not 在用)."""
    text = text_of(value)
    words = enum_words(enum, extra)
    key = header_key(text)
    found = words.get(key) or words.get(key.lower())
    labels = {str(m.value): m.label if isinstance(m, LabeledEnum) else str(m.value) for m in enum}
    if found is None and (noted := NOTED.match(key)):  # 在用（已等保）: the word, and a note in brackets
        found = words.get(noted["base"])
        if found is not None and heard is not None:
            heard(f"{text!r} 按“{labels.get(found, found)}”导入（括号中的说明未导入）")
    if found is not None:
        return found
    fits = {code for word, code in words.items() if shortens(key, word)}
    if len(fits) == 1:
        (code,) = fits
        if heard is not None:
            heard(f"{text!r} 按“{labels.get(code, code)}”导入（不对时请改正该格，或在 --mapping 的 values 中写明）")
        return code
    fits = fits or {code for word, code in words.items() if len(key) >= 2 and not key.isascii() and key in word}
    if fits:  # 政务云: 县级、市级 or 省级 — the person who wrote it knows, the tool does not
        maybe = "、".join(labels.get(code, code) for code in sorted(fits))
        raise CellError(f"无法确定取值 {text!r}：可能是 {maybe}，请写全，或在 --mapping 的 values 中写明")
    raise CellError(f"无法识别的取值 {text!r}：可填 {'、'.join(labels.values())}")


def enum_words(enum: type[Enum], extra: dict[str, str] | None = None) -> dict[str, str]:
    """Compared word (see :func:`header_key`) → code: the codes, labels, usual synonyms and the mapping's words."""
    words = dict(_own_words(enum))
    words.update({header_key(k): v for k, v in (extra or {}).items()})
    return words


@functools.cache
def _own_words(enum: type[Enum]) -> dict[str, str]:
    words: dict[str, str] = {}
    for member in enum:
        words[header_key(str(member.value)).lower()] = str(member.value)
        if isinstance(member, LabeledEnum):
            words[header_key(member.label)] = str(member.value)
    words.update({header_key(k): v for k, v in SYNONYMS.get(enum, {}).items()})
    return words


def shortens(short: str, word: str) -> bool:
    """``short`` is ``word`` (Chinese) with one or two inner characters left out: 县政务云, 县级政务云."""
    if short.isascii() or not 2 <= len(short) < len(word) <= len(short) + 2 or short[0] != word[0] or short[-1] != word[-1]:
        return False
    rest = iter(word)
    return all(char in rest for char in short)


def split_list(value: Any, *, codes: bool = False) -> list[str]:
    """Items of a list cell; free text splits at 、；; and line breaks only (a comma is text)."""
    return [part for part in (CODE_SEPARATORS if codes else LIST_SEPARATORS).split(text_of(value)) if part]


def funding_sources(value: Any, total: float | None, extra: dict[str, str] | None) -> list[dict[str, Any]]:
    """资金来源: the export's JSON, or ``本级财政`` (the whole amount), or ``本级财政 60；上级资金 40``."""
    text = text_of(value)
    if text.startswith("["):
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError:
            raise CellError("资金来源的 JSON 格式不正确") from None
        if isinstance(loaded, list):
            return loaded
    parts = [p for p in re.split(r"\s*[、;；\n]\s*", text) if p]
    out = []
    for part in parts:
        m = re.match(r"^(?P<kind>.*?)[\s:：]*(?P<amount>\d[\d,.]*\s*(亿元|万元|千元|元|亿|万)?)$", part)
        kind_text, amount = (m["kind"], to_number(m["amount"], float)) if m and m["kind"] else (part, None)
        if amount is None:
            if len(parts) > 1 or total is None:
                raise CellError(f"资金来源 {part!r} 缺少金额：多个来源请写成 本级财政 60；上级资金 40")
            amount = total
        out.append({"kind": to_enum(kind_text, FundSource, extra), "amount_wan": amount})
    return out


def convert(annotation: Any, value: Any, extra: dict[str, str] | None = None, heard: Heard | None = None,
            epoch: dt.date = EPOCH_1900) -> Any:
    """``value`` as the type ``annotation`` of a field (lists of mappings as the export's JSON);
    a date's serial number counted from the workbook's ``epoch``."""
    inner, _ = unwrap(annotation)
    if isinstance(inner, list):  # str | int | float (a goal's target): a number when it is one
        if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
            return to_number(value, float)
        return value
    origin = typing.get_origin(inner)
    if origin is list:
        (item,) = typing.get_args(inner)
        item_type, _ = unwrap(item)
        if isinstance(item_type, type) and issubclass(item_type, BaseModel):
            text = text_of(value)
            if not text.startswith("["):
                from registry.ledger.entries import entries  # the readable layout

                return entries(item_type, text)
            try:
                loaded = json.loads(text)
            except json.JSONDecodeError:
                raise CellError("JSON 列表的格式不正确") from None
            if not isinstance(loaded, list):
                raise CellError("应为 JSON 列表（与导出文件的格式相同）")
            return loaded
        free_text = item_type is str and typing.get_origin(item) is not typing.Annotated
        return [convert(item, part, extra, heard, epoch) for part in split_list(value, codes=not free_text)]
    if inner is bool:
        return to_bool(value, heard)
    if inner is dt.date:
        return to_date(value, heard, epoch)
    if inner in (int, float):
        return to_number(value, inner)
    if isinstance(inner, type) and issubclass(inner, Enum):
        return to_enum(value, inner, extra, heard)
    return text_of(value)
